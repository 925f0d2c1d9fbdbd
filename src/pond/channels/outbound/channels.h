// The adapters behind OutboundChannel (outbound.h), one file each.
#pragma once

#include <memory>
#include <string>

#include "pond/channels/outbound/outbound.h"

namespace pond::outbound {

std::unique_ptr<OutboundChannel> MakeWebhookChannel(const ChannelSettings& s);
std::unique_ptr<OutboundChannel> MakeSmsChannel(const ChannelSettings& s);
std::unique_ptr<OutboundChannel> MakeSmtpChannel(const ChannelSettings& s);
// `clock` times the access token's expiry.
std::unique_ptr<OutboundChannel> MakeWecomChannel(const ChannelSettings& s, Clock* clock);

// The webhook signature (docs/journeys.md, "Verifying a webhook"): lowercase hex of
// HMAC-SHA256(secret, timestamp + "." + body), sent as "X-Pond-Signature: sha256=<hex>".
std::string WebhookSignature(const std::string& secret, const std::string& timestamp,
                             const std::string& body);

// The JSON body every webhook delivery carries.
std::string WebhookBody(const OutboundMessage& m);

// What an HTTP status means for a delivery: 2xx delivered; no answer, 408, 429 and 5xx may
// pass later; any other answer will not.
Outcome OutcomeOfHttp(int status);

}  // namespace pond::outbound
