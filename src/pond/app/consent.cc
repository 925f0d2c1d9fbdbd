#include "pond/app/consent.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <nlohmann/json.hpp>

#include "pond/base/json_text.h"
#include "pond/engine/keys.h"
#include "pond/journey/journey.h"
#include "pond/model/event_names.h"

namespace pond::app {
namespace {

constexpr std::array<std::string_view, 6> kOptOutWords = {"退订", "取消订阅",    "td",
                                                          "t",    "unsubscribe", "stop"};

// Spaces at either end, the ideographic space (U+3000) included.
std::string_view Trim(std::string_view s) {
  constexpr std::array<std::string_view, 5> kSpaces = {" ", "\t", "\r", "\n", "\u3000"};
  for (bool cut = true; cut && !s.empty();) {
    cut = false;
    for (std::string_view sp : kSpaces) {
      if (s.starts_with(sp)) s.remove_prefix(sp.size()), cut = true;
      if (s.ends_with(sp)) s.remove_suffix(sp.size()), cut = true;
    }
  }
  return s;
}

}  // namespace

bool IsOptOutText(std::string_view text) {
  text = Trim(text);
  if (text.size() > 32) return false;
  std::string folded(text);
  for (char& c : folded) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view w : kOptOutWords) {
    if (folded == w) return true;
  }
  return false;
}

std::vector<Event> OptOutsOf(const std::vector<Event>& events) {
  std::vector<Event> out;
  for (const Event& e : events) {
    if (e.type != EventType::kTrack || e.name != kMessageReceived) continue;
    const nlohmann::json p = nlohmann::json::parse(e.properties, nullptr, false);
    if (!p.is_object() || !p.contains("text") || !p["text"].is_string() ||
        !IsOptOutText(p["text"].get<std::string>())) {
      continue;
    }
    Event& u = out.emplace_back();
    u.type = EventType::kTrack;
    u.name = kUnsubscribed;
    u.message_id = e.message_id + ":optout";
    u.user_id = e.user_id;
    u.anonymous_id = e.anonymous_id;
    u.identities = e.identities;
    u.timestamp = e.timestamp;
    u.received_at = e.received_at;
    // The opt-out covers the channel the words came through: WeCom, unless the message says
    // otherwise (an SMS reply sent as message_received {channel: "sms"}).
    std::string channel = "wecom";
    if (auto c = p.find("channel");
        c != p.end() && c->is_string() && IsSendChannel(c->get<std::string>())) {
      channel = c->get<std::string>();
    }
    u.properties =
        DumpJson({{"via", "message"}, {"message_id", e.message_id}, {"channel", channel}});
  }
  return out;
}

bool IsSendChannel(std::string_view channel) {
  return std::any_of(std::begin(kSendChannels), std::end(kSendChannels),
                     [&](const char* c) { return channel == c; });
}

Result<std::string> RecordConsent(App& app, const std::string& ws, const std::string& key,
                                  bool marketing, const std::string& channel,
                                  const std::string& by) {
  if (!channel.empty() && !IsSendChannel(channel)) {
    return FieldError("channel",
                      "one of wecom, sms, smtp, webhook, outbox (absent: every channel)");
  }
  Engine& engine = app.engine();
  ASSIGN_OR_RETURN(std::string id, engine.ResolveCustomer(ws, key));
  nlohmann::json properties = {{"via", "api"}, {"by", by}};
  if (!channel.empty()) properties["channel"] = channel;
  Event e = ServiceEvent(marketing ? kSubscribed : kUnsubscribed, RandomId("consent_"), id,
                         engine.clock().NowMicros(), DumpJson(properties));
  RETURN_IF_ERROR(engine.Submit(ws, {std::move(e)}).status());
  return id;
}

}  // namespace pond::app
