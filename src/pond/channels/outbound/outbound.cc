#include "pond/channels/outbound/outbound.h"

#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>

#include "pond/base/json_text.h"

namespace pond::outbound {

using nlohmann::json;

Micros RetryPolicy::DelayAfter(int attempt, uint64_t jitter_seed) const {
  Micros delay = first_delay;
  for (int i = 1; i < attempt && delay < max_delay; ++i) delay *= 2;
  delay = std::min(delay, max_delay);
  // ±20%, from a hash of the message and the attempt: spread out, yet reproducible in tests.
  uint64_t h = (jitter_seed ^ (static_cast<uint64_t>(attempt) * 0x9E3779B97F4A7C15ULL)) *
               0xBF58476D1CE4E5B9ULL;
  h ^= h >> 31;
  const double unit = static_cast<double>(h % 10'001) / 10'000.0;  // [0, 1]
  return static_cast<Micros>(static_cast<double>(delay) * (0.8 + 0.4 * unit));
}

namespace {

Status Bad(const std::string& field, const std::string& what) { return FieldError(field, what); }

template <class T>
Status Into(Result<T> r, T* out) {
  if (!r.ok()) return r.status();
  *out = std::move(*r);
  return Status::Ok();
}

Result<std::string> Text(const json& j, const std::string& path, size_t max_bytes) {
  if (!j.is_string()) return Bad(path, "a string");
  std::string s = j.get<std::string>();
  if (s.size() > max_bytes) return Bad(path, "at most " + std::to_string(max_bytes) + " bytes");
  return s;
}

Result<std::string> Url(const json& j, const std::string& path, const char* schemes) {
  ASSIGN_OR_RETURN(std::string url, Text(j, path, 2048));
  if (url.empty()) return url;  // not configured
  const size_t colon = url.find("://");
  const std::string scheme = colon == std::string::npos ? "" : url.substr(0, colon);
  if (std::string(schemes).find("," + scheme + ",") == std::string::npos || scheme.empty()) {
    return Bad(path, std::string("a URL (") + schemes + ")");
  }
  return url;
}

Result<int64_t> Int(const json& j, const std::string& path, int64_t lo, int64_t hi) {
  if (!j.is_number_integer() || j.get<int64_t>() < lo || j.get<int64_t>() > hi) {
    return Bad(path, "an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
  }
  return j.get<int64_t>();
}

// Runs `each(key, value, path)` over an object's members; unknown keys are the callee's error.
Status Members(
    const json& obj, const std::string& path,
    const std::function<Status(const std::string&, const json&, const std::string&)>& each) {
  if (!obj.is_object()) return Bad(path, "an object");
  for (const auto& [key, value] : obj.items()) RETURN_IF_ERROR(each(key, value, path + "." + key));
  return Status::Ok();
}

std::string Mask(const std::string& secret) {
  if (secret.empty()) return "";
  return "••••" + secret.substr(secret.size() > 4 ? secret.size() - 4 : 0);
}

}  // namespace

Result<ChannelSettings> ParseChannelSettings(std::string_view text) {
  json root = json::parse(text, nullptr, false);
  if (!root.is_object()) return Bad("channels", "a JSON object");
  ChannelSettings s;
  auto unknown = [](const std::string& path, const char* known) {
    return Bad(path, std::string("unknown; expected ") + known);
  };
  return [&]() -> Result<ChannelSettings> {
    RETURN_IF_ERROR(Members(
        root, "channels", [&](const std::string& key, const json& v, const std::string&) -> Status {
          if (key == "webhook") {
            return Members(v, key, [&](const std::string& k, const json& f, const std::string& p) {
              if (k == "url") return Into(Url(f, p, ",http,https,"), &s.webhook_url);
              if (k == "secret") return Into(Text(f, p, 256), &s.webhook_secret);
              return unknown(p, "url, secret");
            });
          }
          if (key == "sms") {
            return Members(v, key, [&](const std::string& k, const json& f, const std::string& p) {
              if (k == "url") return Into(Url(f, p, ",http,https,"), &s.sms_url);
              if (k == "body") return Into(Text(f, p, 8192), &s.sms_body);
              if (k == "content_type") return Into(Text(f, p, 128), &s.sms_content_type);
              return unknown(p, "url, body, content_type");
            });
          }
          if (key == "smtp") {
            return Members(v, key, [&](const std::string& k, const json& f, const std::string& p) {
              if (k == "url") return Into(Url(f, p, ",smtp,smtps,"), &s.smtp_url);
              if (k == "from") return Into(Text(f, p, 320), &s.smtp_from);
              return unknown(p, "url, from");
            });
          }
          if (key == "wecom") {
            return Members(v, key, [&](const std::string& k, const json& f, const std::string& p) {
              if (k == "base_url") return Into(Url(f, p, ",http,https,"), &s.wecom_base_url);
              if (k == "corp_id") return Into(Text(f, p, 64), &s.wecom_corp_id);
              if (k == "secret") return Into(Text(f, p, 256), &s.wecom_secret);
              return unknown(p, "base_url, corp_id, secret");
            });
          }
          if (key == "templates") {
            if (v.size() > 1000) return Bad(key, "at most 1000 templates");
            return Members(v, key, [&](const std::string& k, const json& f, const std::string& p) {
              if (k.empty() || k.size() > 128) return Bad(p, "a template id of 1 to 128 bytes");
              return Into(Text(f, p, 4096), &s.templates[k]);
            });
          }
          if (key == "retry") {
            return Members(v, key, [&](const std::string& k, const json& f, const std::string& p) {
              int64_t n = 0;
              if (k == "attempts") {
                RETURN_IF_ERROR(Into(Int(f, p, 1, 50), &n));
                s.retry.attempts = static_cast<int>(n);
                return Status::Ok();
              }
              if (k == "first_delay_seconds") {
                RETURN_IF_ERROR(Into(Int(f, p, 1, 86'400), &n));
                s.retry.first_delay = n * kMicrosPerSecond;
                return Status::Ok();
              }
              if (k == "max_delay_seconds") {
                RETURN_IF_ERROR(Into(Int(f, p, 1, 7 * 86'400), &n));
                s.retry.max_delay = n * kMicrosPerSecond;
                return Status::Ok();
              }
              return unknown(p, "attempts, first_delay_seconds, max_delay_seconds");
            });
          }
          if (key == "timeout_ms") {
            int64_t n = 0;
            RETURN_IF_ERROR(Into(Int(v, key, 100, 60'000), &n));
            s.timeout = std::chrono::milliseconds(n);
            return Status::Ok();
          }
          return unknown(key, "webhook, sms, smtp, wecom, templates, retry, timeout_ms");
        }));
    if (s.retry.max_delay < s.retry.first_delay) {
      return Bad("retry.max_delay_seconds", "at least first_delay_seconds");
    }
    return s;
  }();
}

nlohmann::json ChannelSettingsJson(const ChannelSettings& s, bool with_secrets) {
  auto secret = [&](const std::string& v) { return with_secrets ? v : Mask(v); };
  json templates = json::object();
  for (const auto& [id, text] : s.templates) templates[id] = text;
  return json(
      {{"webhook", {{"url", s.webhook_url}, {"secret", secret(s.webhook_secret)}}},
       {"sms", {{"url", s.sms_url}, {"body", s.sms_body}, {"content_type", s.sms_content_type}}},
       {"smtp", {{"url", s.smtp_url}, {"from", s.smtp_from}}},
       {"wecom",
        {{"base_url", s.wecom_base_url},
         {"corp_id", s.wecom_corp_id},
         {"secret", secret(s.wecom_secret)}}},
       {"templates", templates},
       {"retry",
        {{"attempts", s.retry.attempts},
         {"first_delay_seconds", s.retry.first_delay / kMicrosPerSecond},
         {"max_delay_seconds", s.retry.max_delay / kMicrosPerSecond}}},
       {"timeout_ms", s.timeout.count()}});
}

Result<std::string> RenderTemplate(const std::string& text, const std::string& variables_json) {
  json vars = json::parse(variables_json, nullptr, false);
  if (!vars.is_object()) vars = json::object();
  std::string out;
  size_t at = 0;
  while (true) {
    size_t open = text.find("{{", at);
    if (open == std::string::npos) break;
    size_t close = text.find("}}", open + 2);
    if (close == std::string::npos) break;
    out.append(text, at, open - at);
    std::string name = text.substr(open + 2, close - open - 2);
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    if (!vars.contains(name)) return Bad("template", "no variable \"" + name + "\"");
    const json& v = vars[name];
    out += v.is_string() ? v.get<std::string>() : v.is_null() ? "" : v.dump();
    at = close + 2;
  }
  out.append(text, at);
  return out;
}

std::string IdentityOf(const OutboundMessage& m, IdentityKind kind) {
  for (const Identity& i : m.identities) {
    if (i.kind == kind) return i.value;
  }
  return "";
}

std::vector<DeliveryResult> OutboundChannel::DeliverMany(
    const std::vector<const OutboundMessage*>& messages) {
  std::vector<DeliveryResult> out;
  out.reserve(messages.size());
  for (const OutboundMessage* m : messages) out.push_back(Deliver(*m));
  return out;
}

}  // namespace pond::outbound
