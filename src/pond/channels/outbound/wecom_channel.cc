// wecom: WeCom's "create an enterprise mass-send" API for one customer
// (POST {base}/cgi-bin/externalcontact/add_msg_template?access_token=…, body
// {"chat_type":"single","external_userid":[…],"sender":"<staff UserID>","text":{"content":…}}).
// WeCom makes it a task the staff member confirms in the app; it answers
// {"errcode":0,"errmsg":"ok","fail_list":[],"msgid":"…"}. The access token comes from
// GET {base}/cgi-bin/gettoken?corpid=…&corpsecret=…, is cached until 5 minutes before its
// expires_in, and fetched again at once when WeCom answers 40014 (invalid) or 42001 (expired).
#include <mutex>
#include <nlohmann/json.hpp>

#include "pond/base/json_text.h"
#include "pond/channels/outbound/channels.h"
#include "pond/channels/outbound/http_client.h"

namespace pond::outbound {
namespace {

using nlohmann::json;

// errcodes that may pass later: system busy, API frequency limits.
bool Transient(int64_t errcode) {
  return errcode == -1 || errcode == 45009 || errcode == 45033 || errcode == 45035;
}

class WecomChannel final : public OutboundChannel {
 public:
  WecomChannel(const ChannelSettings& s, Clock* clock) : s_(s), clock_(clock) {}

  DeliveryResult Deliver(const OutboundMessage& m) override {
    if (s_.wecom_corp_id.empty() || s_.wecom_secret.empty()) {
      return {Outcome::kFailed, "wecom is not configured: set channels.wecom.corp_id and secret"};
    }
    const std::string external = IdentityOf(m, IdentityKind::kExternalUserId);
    if (external.empty()) return {Outcome::kFailed, "the customer has no WeCom external_userid"};
    if (m.staff.empty()) return {Outcome::kFailed, "no sending staff account (the owner)"};
    const std::string body = DumpJson({{"chat_type", "single"},
                                       {"external_userid", {external}},
                                       {"sender", m.staff},
                                       {"text", {{"content", m.text}}}});
    for (int attempt = 0; attempt < 2; ++attempt) {
      std::string token;
      if (DeliveryResult problem = Token(attempt > 0, &token); !problem.detail.empty()) {
        return problem;
      }
      HttpReply r =
          HttpPost(s_.wecom_base_url +
                       "/cgi-bin/externalcontact/add_msg_template?access_token=" + UrlEncode(token),
                   {{"Content-Type", "application/json"}}, body, s_.timeout);
      if (r.status != 200) {
        return {OutcomeOfHttp(r.status) == Outcome::kDelivered ? Outcome::kRetry
                                                               : OutcomeOfHttp(r.status),
                r.status ? "HTTP " + std::to_string(r.status) : r.error};
      }
      json answer = json::parse(r.body, nullptr, false);
      if (!answer.is_object() || !answer.contains("errcode")) {
        return {Outcome::kRetry, "wecom: not a WeCom answer: " + r.body.substr(0, 200)};
      }
      const int64_t errcode = answer.value("errcode", int64_t{-1});
      const std::string errmsg = answer.value("errmsg", "");
      if (errcode == 40014 || errcode == 42001) continue;  // token: fetch a new one, once
      if (errcode != 0) {
        return {Transient(errcode) ? Outcome::kRetry : Outcome::kFailed,
                "wecom errcode " + std::to_string(errcode) + ": " + errmsg};
      }
      if (answer.contains("fail_list") && answer["fail_list"].is_array() &&
          !answer["fail_list"].empty()) {
        return {Outcome::kFailed,
                "wecom: the customer is in fail_list (not a friend of " + m.staff + " any more?)"};
      }
      return {Outcome::kDelivered, "wecom msgid " + answer.value("msgid", "")};
    }
    return {Outcome::kRetry, "wecom: the access token was refused twice"};
  }

 private:
  // The cached token, or a fresh one. A non-empty detail in the result is a failure.
  DeliveryResult Token(bool refresh, std::string* token) {
    std::lock_guard lock(mu_);
    const Micros now = clock_->NowMicros();
    if (!refresh && !token_.empty() && now < token_expires_) {
      *token = token_;
      return {Outcome::kDelivered, ""};
    }
    HttpReply r =
        HttpGet(s_.wecom_base_url + "/cgi-bin/gettoken?corpid=" + UrlEncode(s_.wecom_corp_id) +
                    "&corpsecret=" + UrlEncode(s_.wecom_secret),
                s_.timeout);
    if (r.status != 200) {
      return {Outcome::kRetry,
              "wecom gettoken: " + (r.status ? "HTTP " + std::to_string(r.status) : r.error)};
    }
    json answer = json::parse(r.body, nullptr, false);
    const int64_t errcode = answer.is_object() ? answer.value("errcode", int64_t{-1}) : -1;
    if (errcode != 0 || !answer.contains("access_token")) {
      // A wrong corp id or secret (40013, 40001) will not pass by waiting.
      return {Transient(errcode) ? Outcome::kRetry : Outcome::kFailed,
              "wecom gettoken errcode " + std::to_string(errcode) + ": " +
                  (answer.is_object() ? answer.value("errmsg", "") : r.body.substr(0, 200))};
    }
    token_ = answer.value("access_token", "");
    const int64_t expires_in = answer.value("expires_in", int64_t{7200});
    token_expires_ = now + std::max<int64_t>(expires_in - 300, 60) * kMicrosPerSecond;
    *token = token_;
    return {Outcome::kDelivered, ""};
  }

  ChannelSettings s_;
  Clock* clock_;
  std::mutex mu_;
  std::string token_;  // GUARDED_BY(mu_)
  Micros token_expires_ = 0;
};

}  // namespace

std::unique_ptr<OutboundChannel> MakeWecomChannel(const ChannelSettings& s, Clock* clock) {
  return std::make_unique<WecomChannel>(s, clock);
}

}  // namespace pond::outbound
