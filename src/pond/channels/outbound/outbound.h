// Outbound channels: how a message pond decided to send (a `message_sent` event, or a journey's
// webhook step) leaves the building. Each channel is a small adapter behind OutboundChannel;
// DeliveryService (delivery_service.h) feeds them, retries and dead-letters.
//
//   webhook  JSON POST to the configured URL (or the step's own URL), signed with HMAC-SHA256
//   wecom    WeCom's externalcontact/add_msg_template, access token cached
//   sms      an HTTP request built from a template, so any SMS gateway fits
//   smtp     an email through an SMTP server (libcurl)
//   outbox   nothing leaves: the message_sent event is the stored, rendered message
#pragma once

#include <chrono>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "pond/base/clock.h"
#include "pond/base/status.h"
#include "pond/model/identity.h"

namespace pond::outbound {

// One message to deliver, as the event that decided it describes it.
struct OutboundMessage {
  std::string id;  // the deciding event's messageId: the idempotency key sent to the remote
  std::string channel;
  std::string customer_id;  // "cus_…"
  std::string template_id;
  std::string variables = "{}";  // JSON object
  std::string staff;             // wecom: the sending staff account's UserID
  std::string url;               // a webhook step's own URL ("" = the channel's)
  std::string journey, step;
  Micros decided_at = 0;
  // Filled in at delivery time from the customer's profile and the template library.
  std::vector<Identity> identities;
  std::string text;  // the template rendered with the variables ("" when no template applies)
};

enum class Outcome { kDelivered, kRetry, kFailed };

struct DeliveryResult {
  Outcome outcome = Outcome::kFailed;
  std::string detail;  // the remote's answer, or why it was not asked
  std::string ref;     // the remote's id for the send (WeCom's msgid), "" when it gives none
};

class OutboundChannel {
 public:
  virtual ~OutboundChannel() = default;
  // Blocking; must not throw. kRetry for what may pass later (network, 5xx, 429, busy).
  virtual DeliveryResult Deliver(const OutboundMessage& m) = 0;
  // Several messages, one result each in their order. A channel whose remote takes many
  // recipients in one call (WeCom's group sends) overrides it and says how many it takes in
  // batch_limit(); the default delivers one by one.
  virtual std::vector<DeliveryResult> DeliverMany(const std::vector<const OutboundMessage*>& m);
  virtual size_t batch_limit() const { return 1; }
};

// The retry budget: attempt k (1-based) waits first_delay·2^(k-1), capped at max_delay, with
// ±20% jitter, before attempt k+1; after `attempts` attempts the message is dead-lettered.
struct RetryPolicy {
  int attempts = 8;
  Micros first_delay = 10 * kMicrosPerSecond;
  Micros max_delay = kMicrosPerHour;
  Micros DelayAfter(int attempt, uint64_t jitter_seed) const;
};

struct ChannelSettings {
  // webhook
  std::string webhook_url, webhook_secret;
  // sms: the request; {{phone}}, {{text}}, {{template}}, {{id}} are replaced (JSON-escaped
  // when content_type is JSON)
  std::string sms_url, sms_body, sms_content_type = "application/json";
  // smtp
  std::string smtp_url, smtp_from;
  // wecom
  std::string wecom_base_url = "https://qyapi.weixin.qq.com", wecom_corp_id, wecom_secret;
  // message templates by id: "你好 {{name}}，…" with {{variable}} from the send step
  std::map<std::string, std::string> templates;
  RetryPolicy retry;
  std::chrono::milliseconds timeout{10'000};
};

Result<ChannelSettings> ParseChannelSettings(std::string_view json);
// Secrets masked ("••••" and the last 4 characters) unless `with_secrets`.
nlohmann::json ChannelSettingsJson(const ChannelSettings& s, bool with_secrets);

// "{{name}}" → the variable's value (strings as they are, other JSON as text); an unknown
// variable is an error naming it.
Result<std::string> RenderTemplate(const std::string& text, const std::string& variables_json);

// The value of the customer's first identity of `kind`, or "".
std::string IdentityOf(const OutboundMessage& m, IdentityKind kind);

}  // namespace pond::outbound
