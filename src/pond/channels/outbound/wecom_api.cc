#include "pond/channels/outbound/wecom_api.h"

#include "pond/base/json_text.h"
#include "pond/channels/outbound/http_client.h"

namespace pond::outbound {
namespace {

using nlohmann::json;

bool Transient(int64_t errcode) {
  return errcode == -1 || errcode == 45009 || errcode == 45033 || errcode == 45035;
}

Status Refused(int64_t errcode, const std::string& errmsg) {
  const std::string what = "wecom errcode " + std::to_string(errcode) + ": " + errmsg;
  return Transient(errcode) ? Status::Unavailable(what) : Status::FailedPrecondition(what);
}

// The JSON object of a 200 answer with its errcode, or why not.
Result<json> Answer(const HttpReply& r, const std::string& what) {
  if (r.status != 200) {
    return Status::Unavailable(what + ": " +
                               (r.status ? "HTTP " + std::to_string(r.status) : r.error));
  }
  json answer = json::parse(r.body, nullptr, false);
  if (!answer.is_object() || !answer.contains("errcode") ||
      !answer["errcode"].is_number_integer()) {
    return Status::Unavailable(what + ": not a WeCom answer: " + r.body.substr(0, 200));
  }
  return answer;
}

}  // namespace

Result<std::string> WecomApi::Token(bool refresh) {
  std::lock_guard lock(mu_);
  const Micros now = clock_->NowMicros();
  if (!refresh && !token_.empty() && now < token_expires_) return token_;
  if (s_.corp_id.empty() || s_.secret.empty()) {
    return Status::FailedPrecondition("wecom is not configured: set the corp id and secret");
  }
  ASSIGN_OR_RETURN(json answer,
                   Answer(HttpGet(s_.base_url + "/cgi-bin/gettoken?corpid=" +
                                      UrlEncode(s_.corp_id) + "&corpsecret=" + UrlEncode(s_.secret),
                                  s_.timeout),
                          "wecom gettoken"));
  const int64_t errcode = answer["errcode"].get<int64_t>();
  if (errcode != 0 || !answer.contains("access_token")) {
    return Refused(errcode, answer.value("errmsg", ""));  // 40013 / 40001: a wrong corp or secret
  }
  token_ = answer.value("access_token", "");
  const int64_t expires_in = answer.value("expires_in", int64_t{7200});
  token_expires_ = now + std::max<int64_t>(expires_in - 300, 60) * kMicrosPerSecond;
  return token_;
}

Status WecomApi::Admit(const std::string& path) {
  std::lock_guard lock(mu_);
  const Micros now = clock_->NowMicros();
  CallCount& c = calls_[path];
  const int64_t minute = now / kMicrosPerMinute, hour = now / kMicrosPerHour;
  if (c.minute != minute) c = {minute, c.hour, 0, c.in_hour};
  if (c.hour != hour) c = {c.minute, hour, c.in_minute, 0};
  if (c.in_minute >= s_.calls_per_minute || c.in_hour >= s_.calls_per_hour) {
    const bool by_minute = c.in_minute >= s_.calls_per_minute;
    return Status::Unavailable(
        "wecom " + path + ": " +
        std::to_string(by_minute ? s_.calls_per_minute : s_.calls_per_hour) + " calls this " +
        (by_minute ? "minute" : "hour") +
        ", WeCom's frequency limit for one API of one corp; try again later");
  }
  ++c.in_minute;
  ++c.in_hour;
  return Status::Ok();
}

Result<json> WecomApi::Send(const std::string& path, const std::string& query, const json* body) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    RETURN_IF_ERROR(Admit(path));
    ASSIGN_OR_RETURN(std::string token, Token(attempt > 0));
    const std::string url = s_.base_url + path + "?access_token=" + UrlEncode(token) +
                            (query.empty() ? "" : "&" + query);
    const HttpReply r =
        body ? HttpPost(url, {{"Content-Type", "application/json"}}, DumpJson(*body), s_.timeout)
             : HttpGet(url, s_.timeout);
    ASSIGN_OR_RETURN(json answer, Answer(r, "wecom " + path));
    const int64_t errcode = answer["errcode"].get<int64_t>();
    if (errcode == 40014 || errcode == 42001) continue;  // the token: a fresh one, once
    if (errcode != 0) return Refused(errcode, answer.value("errmsg", ""));
    return answer;
  }
  return Status::Unavailable("wecom: the access token was refused twice");
}

Result<json> WecomApi::Post(const std::string& path, const json& body) {
  return Send(path, "", &body);
}

Result<json> WecomApi::Get(const std::string& path, const std::string& query) {
  return Send(path, query, nullptr);
}

Result<WecomApi::ContactWay> WecomApi::AddContactWay(const std::string& state,
                                                     const std::vector<std::string>& users,
                                                     bool skip_verify) {
  if (users.empty()) return FieldError("users", "at least one staff member's WeCom userid");
  if (state.empty() || state.size() > kMaxContactWayState) {
    return FieldError("state", "1 to " + std::to_string(kMaxContactWayState) +
                                   " characters (WeCom's limit for a contact way's state)");
  }
  ASSIGN_OR_RETURN(json answer, Post("/cgi-bin/externalcontact/add_contact_way",
                                     {{"type", users.size() == 1 ? 1 : 2},
                                      {"scene", 2},
                                      {"state", state},
                                      {"skip_verify", skip_verify},
                                      {"user", users}}));
  return ContactWay{answer.value("config_id", ""), answer.value("qr_code", "")};
}

Status WecomApi::UpdateContactWay(const std::string& config_id,
                                  const std::vector<std::string>& users, bool skip_verify) {
  if (users.empty()) return FieldError("users", "at least one staff member's WeCom userid");
  return Post("/cgi-bin/externalcontact/update_contact_way",
              {{"config_id", config_id}, {"skip_verify", skip_verify}, {"user", users}})
      .status();
}

Result<json> WecomApi::GetExternalContact(const std::string& external_userid) {
  return Get("/cgi-bin/externalcontact/get", "external_userid=" + UrlEncode(external_userid));
}

Status WecomApi::SendWelcome(const std::string& welcome_code, const std::string& text) {
  return Post("/cgi-bin/externalcontact/send_welcome_msg",
              {{"welcome_code", welcome_code}, {"text", {{"content", text}}}})
      .status();
}

}  // namespace pond::outbound
