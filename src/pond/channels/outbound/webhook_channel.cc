// webhook: a signed JSON POST. Headers: X-Pond-Delivery (the idempotency key: a receiver that
// has seen it answers 2xx and does nothing), X-Pond-Timestamp (unix seconds) and
// X-Pond-Signature ("sha256=" + hex HMAC over "timestamp.body").
#include <openssl/hmac.h>

#include <nlohmann/json.hpp>

#include "pond/base/json_text.h"
#include "pond/base/time.h"
#include "pond/channels/outbound/channels.h"
#include "pond/channels/outbound/http_client.h"

namespace pond::outbound {

std::string WebhookSignature(const std::string& secret, const std::string& timestamp,
                             const std::string& body) {
  const std::string signed_text = timestamp + "." + body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size(), mac,
       &length);
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[mac[i] >> 4];
    hex += kHex[mac[i] & 15];
  }
  return hex;
}

std::string WebhookBody(const OutboundMessage& m) {
  nlohmann::json variables = nlohmann::json::parse(m.variables, nullptr, false);
  if (variables.is_discarded()) variables = nlohmann::json::object();
  return DumpJson({{"id", m.id},
                   {"channel", m.channel},
                   {"customer_id", m.customer_id},
                   {"template", m.template_id},
                   {"variables", variables},
                   {"text", m.text},
                   {"journey", m.journey},
                   {"step", m.step},
                   {"decided_at", FormatIso8601(m.decided_at)}});
}

Outcome OutcomeOfHttp(int status) {
  if (status >= 200 && status < 300) return Outcome::kDelivered;
  if (status == 0 || status == 408 || status == 429 || status >= 500) return Outcome::kRetry;
  return Outcome::kFailed;
}

namespace {

class WebhookChannel final : public OutboundChannel {
 public:
  explicit WebhookChannel(const ChannelSettings& s) : s_(s) {}

  DeliveryResult Deliver(const OutboundMessage& m) override {
    const std::string url = m.url.empty() ? s_.webhook_url : m.url;
    if (url.empty()) return {Outcome::kFailed, "no webhook url: set channels.webhook.url"};
    const std::string body = WebhookBody(m);
    const std::string timestamp = std::to_string(std::time(nullptr));
    Headers headers = {{"Content-Type", "application/json"},
                       {"User-Agent", "pond-webhook/1"},
                       {"X-Pond-Delivery", m.id},
                       {"X-Pond-Timestamp", timestamp}};
    if (!s_.webhook_secret.empty()) {
      headers.emplace_back("X-Pond-Signature",
                           "sha256=" + WebhookSignature(s_.webhook_secret, timestamp, body));
    }
    HttpReply r = HttpPost(url, headers, body, s_.timeout);
    std::string detail = r.status ? "HTTP " + std::to_string(r.status) : r.error;
    return {OutcomeOfHttp(r.status), detail};
  }

 private:
  ChannelSettings s_;
};

}  // namespace

std::unique_ptr<OutboundChannel> MakeWebhookChannel(const ChannelSettings& s) {
  return std::make_unique<WebhookChannel>(s);
}

}  // namespace pond::outbound
