// WeCom's server API (qyapi.weixin.qq.com, or any base URL: tests point it at a local server
// that speaks WeCom's documented wire format): the access token, fetched with
// GET /cgi-bin/gettoken?corpid&corpsecret, cached until 5 minutes before its expires_in and
// fetched again at once when WeCom answers errcode 40014 (invalid) or 42001 (expired); and the
// external-contact calls pond makes. WeCom's refusals are never swallowed: the error says
// "wecom errcode N: errmsg".
//   Unavailable         the network, an HTTP error, an errcode that may pass (-1 busy,
//                       45009 / 45033 / 45035 frequency limits), or WeCom's documented call
//                       frequency reached on pond's side (below): try again later
//   FailedPrecondition  any other errcode: a wrong secret, a customer who is no friend, …
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "pond/base/clock.h"
#include "pond/base/status.h"

namespace pond::outbound {

// WeCom's limit for a contact way's `state` (pond's channel code).
inline constexpr size_t kMaxContactWayState = 30;

struct WecomApiSettings {
  std::string base_url = "https://qyapi.weixin.qq.com";
  std::string corp_id;
  std::string secret;  // the customer-contact secret (客户联系 Secret)
  std::chrono::milliseconds timeout{5000};
  // WeCom's documented frequency limits (主动调用频率限制): one corp may call one API at most
  // 10,000 times a minute and 150,000 an hour. pond stops short of them rather than have WeCom
  // answer 45009 and, repeated, block the corp.
  int calls_per_minute = 10'000;
  int calls_per_hour = 150'000;
};

class WecomApi {
 public:
  WecomApi(WecomApiSettings settings, Clock* clock) : s_(std::move(settings)), clock_(clock) {}

  const std::string& corp_id() const { return s_.corp_id; }

  // POST `path` ("/cgi-bin/…") with the token; the answer when its errcode is 0.
  Result<nlohmann::json> Post(const std::string& path, const nlohmann::json& body);
  // GET `path` with the token and `query` ("a=1&b=2", values URL-encoded by the caller).
  Result<nlohmann::json> Get(const std::string& path, const std::string& query = "");

  // externalcontact/add_contact_way: a "contact me" live code whose friends arrive with
  // `state` (pond's channel code); type 1 for one staff member, 2 for several.
  struct ContactWay {
    std::string config_id;
    std::string qr_code;  // the QR code's image URL
  };
  Result<ContactWay> AddContactWay(const std::string& state, const std::vector<std::string>& users,
                                   bool skip_verify);
  // externalcontact/update_contact_way: new staff (for a type 1 code, exactly one) and
  // skip_verify for the code `config_id`; its state and QR code stay.
  Status UpdateContactWay(const std::string& config_id, const std::vector<std::string>& users,
                          bool skip_verify);
  // externalcontact/get: the customer's profile ({external_contact: {name, unionid, …},
  // follow_user: […]}).
  Result<nlohmann::json> GetExternalContact(const std::string& external_userid);
  // externalcontact/send_welcome_msg with the WelcomeCode of an add_external_contact callback
  // (valid for 20 seconds).
  Status SendWelcome(const std::string& welcome_code, const std::string& text);

 private:
  Result<std::string> Token(bool refresh);
  // Counts a call of `path` against the frequency limits, or says which one it would pass.
  Status Admit(const std::string& path);
  Result<nlohmann::json> Send(const std::string& path, const std::string& query,
                              const nlohmann::json* body);

  WecomApiSettings s_;
  Clock* clock_;
  std::mutex mu_;
  std::string token_;  // GUARDED_BY(mu_)
  Micros token_expires_ = 0;
  struct CallCount {
    int64_t minute = -1, hour = -1;
    int in_minute = 0, in_hour = 0;
  };
  std::map<std::string, CallCount> calls_;  // GUARDED_BY(mu_), by API path
};

}  // namespace pond::outbound
