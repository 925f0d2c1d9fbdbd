// wecom: WeCom's "create an enterprise mass-send" API (POST
// {base}/cgi-bin/externalcontact/add_msg_template?access_token=…, body {"chat_type":"single",
// "external_userid":[…],"sender":"<staff UserID>","text":{"content":…}}). WeCom makes it a task
// the staff member confirms in the app; it answers {"errcode":0,"errmsg":"ok","fail_list":[…],
// "msgid":"…"}, fail_list naming the customers who are not the sender's friends. Messages due
// together with the same sender and text are one task of up to 10,000 customers (WeCom's limit
// for external_userid), so a broadcast is a task per staff member, not one per customer. The access
// token comes from GET {base}/cgi-bin/gettoken?corpid=…&corpsecret=…, is cached until 5 minutes
// before its expires_in, and fetched again at once when WeCom answers 40014 (invalid) or 42001
// (expired) (wecom_api.h).
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "pond/channels/outbound/channels.h"
#include "pond/channels/outbound/wecom_api.h"

namespace pond::outbound {
namespace {

using nlohmann::json;

class WecomChannel final : public OutboundChannel {
 public:
  WecomChannel(const ChannelSettings& s, Clock* clock)
      : s_(s), api_({s.wecom_base_url, s.wecom_corp_id, s.wecom_secret, s.timeout}, clock) {}

  DeliveryResult Deliver(const OutboundMessage& m) override { return DeliverMany({&m})[0]; }

  size_t batch_limit() const override { return kMaxCustomersPerTask; }

  std::vector<DeliveryResult> DeliverMany(const std::vector<const OutboundMessage*>& m) override {
    std::vector<DeliveryResult> out(m.size());
    // (sender, text) -> the messages' places, in order.
    std::map<std::pair<std::string, std::string>, std::vector<size_t>> tasks;
    for (size_t i = 0; i < m.size(); ++i) {
      if (s_.wecom_corp_id.empty() || s_.wecom_secret.empty()) {
        out[i] = {Outcome::kFailed,
                  "wecom is not configured: set channels.wecom.corp_id and secret"};
      } else if (IdentityOf(*m[i], IdentityKind::kExternalUserId).empty()) {
        out[i] = {Outcome::kFailed, "the customer has no WeCom external_userid"};
      } else if (m[i]->staff.empty()) {
        out[i] = {Outcome::kFailed, "no sending staff account (the owner)"};
      } else {
        tasks[{m[i]->staff, m[i]->text}].push_back(i);
      }
    }
    for (const auto& [key, places] : tasks) {
      for (size_t at = 0; at < places.size(); at += kMaxCustomersPerTask) {
        const size_t end = std::min(places.size(), at + kMaxCustomersPerTask);
        SendTask(m, key.first, key.second,
                 {places.begin() + static_cast<long>(at), places.begin() + static_cast<long>(end)},
                 &out);
      }
    }
    return out;
  }

 private:
  static constexpr size_t kMaxCustomersPerTask = 10'000;

  // One add_msg_template for `places` of `m`, all with this sender and text.
  void SendTask(const std::vector<const OutboundMessage*>& m, const std::string& sender,
                const std::string& text, const std::vector<size_t>& places,
                std::vector<DeliveryResult>* out) {
    // Each customer once: two messages with the same text for one customer are one send.
    json customers = json::array();
    std::set<std::string> named;
    for (size_t i : places) {
      std::string external = IdentityOf(*m[i], IdentityKind::kExternalUserId);
      if (named.insert(external).second) customers.push_back(std::move(external));
    }
    Result<json> answer =
        api_.Post("/cgi-bin/externalcontact/add_msg_template", {{"chat_type", "single"},
                                                                {"external_userid", customers},
                                                                {"sender", sender},
                                                                {"text", {{"content", text}}}});
    if (!answer.ok()) {
      const Outcome o =
          answer.status().code() == StatusCode::kUnavailable ? Outcome::kRetry : Outcome::kFailed;
      for (size_t i : places) (*out)[i] = {o, answer.status().message()};
      return;
    }
    std::set<std::string> failed;
    if (answer->contains("fail_list") && (*answer)["fail_list"].is_array()) {
      for (const json& f : (*answer)["fail_list"]) {
        if (f.is_string()) failed.insert(f.get<std::string>());
      }
    }
    const std::string msgid = answer->value("msgid", "");
    for (size_t i : places) {
      if (failed.count(IdentityOf(*m[i], IdentityKind::kExternalUserId))) {
        (*out)[i] = {Outcome::kFailed, "wecom: the customer is in fail_list (not a friend of " +
                                           sender + " any more?)"};
      } else {
        (*out)[i] = {Outcome::kDelivered,
                     "wecom msgid " + msgid + " (a task of " + std::to_string(places.size()) +
                         " customers for " + sender + ")",
                     msgid};
      }
    }
  }

  ChannelSettings s_;
  WecomApi api_;
};

}  // namespace

std::unique_ptr<OutboundChannel> MakeWecomChannel(const ChannelSettings& s, Clock* clock) {
  return std::make_unique<WecomChannel>(s, clock);
}

}  // namespace pond::outbound
