// wecom: WeCom's "create an enterprise mass-send" API for one customer
// (POST {base}/cgi-bin/externalcontact/add_msg_template?access_token=…, body
// {"chat_type":"single","external_userid":[…],"sender":"<staff UserID>","text":{"content":…}}).
// WeCom makes it a task the staff member confirms in the app; it answers
// {"errcode":0,"errmsg":"ok","fail_list":[],"msgid":"…"}. The access token comes from
// GET {base}/cgi-bin/gettoken?corpid=…&corpsecret=…, is cached until 5 minutes before its
// expires_in, and fetched again at once when WeCom answers 40014 (invalid) or 42001 (expired)
// (wecom_api.h).
#include <nlohmann/json.hpp>

#include "pond/channels/outbound/channels.h"
#include "pond/channels/outbound/wecom_api.h"

namespace pond::outbound {
namespace {

using nlohmann::json;

class WecomChannel final : public OutboundChannel {
 public:
  WecomChannel(const ChannelSettings& s, Clock* clock)
      : s_(s), api_({s.wecom_base_url, s.wecom_corp_id, s.wecom_secret, s.timeout}, clock) {}

  DeliveryResult Deliver(const OutboundMessage& m) override {
    if (s_.wecom_corp_id.empty() || s_.wecom_secret.empty()) {
      return {Outcome::kFailed, "wecom is not configured: set channels.wecom.corp_id and secret"};
    }
    const std::string external = IdentityOf(m, IdentityKind::kExternalUserId);
    if (external.empty()) return {Outcome::kFailed, "the customer has no WeCom external_userid"};
    if (m.staff.empty()) return {Outcome::kFailed, "no sending staff account (the owner)"};
    Result<json> answer =
        api_.Post("/cgi-bin/externalcontact/add_msg_template", {{"chat_type", "single"},
                                                                {"external_userid", {external}},
                                                                {"sender", m.staff},
                                                                {"text", {{"content", m.text}}}});
    if (!answer.ok()) {
      return {
          answer.status().code() == StatusCode::kUnavailable ? Outcome::kRetry : Outcome::kFailed,
          answer.status().message()};
    }
    if (answer->contains("fail_list") && (*answer)["fail_list"].is_array() &&
        !(*answer)["fail_list"].empty()) {
      return {Outcome::kFailed,
              "wecom: the customer is in fail_list (not a friend of " + m.staff + " any more?)"};
    }
    return {Outcome::kDelivered, "wecom msgid " + answer->value("msgid", "")};
  }

 private:
  ChannelSettings s_;
  WecomApi api_;
};

}  // namespace

std::unique_ptr<OutboundChannel> MakeWecomChannel(const ChannelSettings& s, Clock* clock) {
  return std::make_unique<WecomChannel>(s, clock);
}

}  // namespace pond::outbound
