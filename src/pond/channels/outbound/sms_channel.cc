// sms: any HTTP SMS gateway. The request body is the configured template with {{phone}},
// {{text}}, {{template}} and {{id}} replaced; for a JSON content type the values are
// JSON-escaped, for a form they are URL-encoded.
#include <nlohmann/json.hpp>

#include "pond/base/json_text.h"
#include "pond/channels/outbound/channels.h"
#include "pond/channels/outbound/http_client.h"

namespace pond::outbound {
namespace {

class SmsChannel final : public OutboundChannel {
 public:
  explicit SmsChannel(const ChannelSettings& s) : s_(s) {}

  DeliveryResult Deliver(const OutboundMessage& m) override {
    if (s_.sms_url.empty()) return {Outcome::kFailed, "no sms gateway: set channels.sms.url"};
    const std::string phone = IdentityOf(m, IdentityKind::kPhone);
    if (phone.empty()) return {Outcome::kFailed, "the customer has no phone number"};
    const bool is_json = s_.sms_content_type.find("json") != std::string::npos;
    auto escape = [&](const std::string& v) {
      if (!is_json) return UrlEncode(v);
      std::string quoted = DumpJson(v);
      return quoted.substr(1, quoted.size() - 2);
    };
    std::string body = s_.sms_body.empty()
                           ? R"({"phone":"{{phone}}","text":"{{text}}","id":"{{id}}"})"
                           : s_.sms_body;
    for (const auto& [name, value] : {std::pair<std::string, std::string>{"phone", phone},
                                      {"text", m.text},
                                      {"template", m.template_id},
                                      {"id", m.id}}) {
      const std::string key = "{{" + name + "}}";
      for (size_t at = body.find(key); at != std::string::npos; at = body.find(key, at)) {
        const std::string v = escape(value);
        body.replace(at, key.size(), v);
        at += v.size();
      }
    }
    HttpReply r =
        HttpPost(s_.sms_url, {{"Content-Type", s_.sms_content_type}, {"Idempotency-Key", m.id}},
                 body, s_.timeout);
    return {OutcomeOfHttp(r.status), r.status ? "HTTP " + std::to_string(r.status) : r.error};
  }

 private:
  ChannelSettings s_;
};

}  // namespace

std::unique_ptr<OutboundChannel> MakeSmsChannel(const ChannelSettings& s) {
  return std::make_unique<SmsChannel>(s);
}

}  // namespace pond::outbound
