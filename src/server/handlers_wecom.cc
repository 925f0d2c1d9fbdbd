// WeCom's callback endpoint (docs/wecom.md, "Callbacks"): URL verification (GET) and event
// delivery (POST), authenticated by WeCom's signature rather than a pond key.
#include "pond/channels/wecom/wecom_crypto.h"
#include "pond/channels/wecom/wecom_events.h"
#include "pond/channels/wecom/wecom_xml.h"
#include "server/handler_util.h"

namespace pond::server {
namespace {

HttpResponse Text(std::string body, int status = 200) {
  HttpResponse r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(body);
  return r;
}

// The workspace's settings and AES key, or the response that says why there are none.
struct Keys {
  wecom::WecomConfig config;
  std::string aes_key;
};
Result<Keys> KeysFor(ApiContext& ctx, const std::string& ws) {
  ASSIGN_OR_RETURN(std::optional<wecom::WecomConfig> config, ctx.wecom.Get(ws));
  if (!config) return Status::NotFound("no WeCom settings for workspace " + ws);
  ASSIGN_OR_RETURN(std::string key, wecom::AesKeyFrom(config->encoding_aes_key));
  return Keys{*config, key};
}

// Verifies the signature over `encrypted`, decrypts it and checks it is for this corp.
Result<std::string> Open(const Keys& k, const HttpRequest& req, const std::string& encrypted) {
  if (!wecom::SignatureMatches(QueryParam(req, "msg_signature"), k.config.token,
                               QueryParam(req, "timestamp"), QueryParam(req, "nonce"), encrypted)) {
    return Status::Unauthenticated("msg_signature does not match");
  }
  ASSIGN_OR_RETURN(wecom::Plain plain, wecom::Decrypt(k.aes_key, encrypted));
  if (plain.receiver_id != k.config.corp_id) {
    return Status::Unauthenticated("the message is for another corp");
  }
  return plain.message;
}

HttpResponse Refuse(const Status& s) {
  const int status = s.code() == StatusCode::kNotFound          ? 404
                     : s.code() == StatusCode::kUnauthenticated ? 401
                     : s.code() == StatusCode::kInternal        ? 500
                                                                : 400;
  return Text(s.message(), status);
}

}  // namespace

HttpResponse WecomVerifyUrl(ApiContext& ctx, const HttpRequest& req) {
  auto keys = KeysFor(ctx, req.params.at("workspace"));
  if (!keys.ok()) return Refuse(keys.status());
  auto echo = Open(*keys, req, QueryParam(req, "echostr"));
  if (!echo.ok()) return Refuse(echo.status());
  return Text(*echo);
}

HttpResponse WecomCallback(ApiContext& ctx, const HttpRequest& req) {
  const std::string ws = req.params.at("workspace");
  auto keys = KeysFor(ctx, ws);
  if (!keys.ok()) return Refuse(keys.status());
  auto outer = wecom::ParseXml(req.Body());
  if (!outer.ok()) return Refuse(outer.status());
  auto inner_text = Open(*keys, req, outer->Get("Encrypt"));
  if (!inner_text.ok()) return Refuse(inner_text.status());
  auto inner = wecom::ParseXml(*inner_text);
  if (!inner.ok()) return Refuse(inner.status());
  std::vector<Event> events = wecom::MapCallback(*inner, keys->config.corp_id);
  if (!events.empty()) {
    // Stored before answering (a group commit: milliseconds); WeCom's retries of the same
    // callback carry the same messageIds and are dropped.
    auto stored = ctx.engine.Submit(ws, std::move(events));
    if (!stored.ok()) return Refuse(stored.status());
  }
  return Text("success");
}

}  // namespace pond::server
