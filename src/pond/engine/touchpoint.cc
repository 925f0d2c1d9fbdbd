#include "pond/engine/touchpoint.h"

#include <algorithm>
#include <string>

#include "pond/base/simdjson_util.h"
#include "pond/model/event_names.h"

namespace pond {
namespace {

struct Word {
  std::string_view text;
  Touchpoint touchpoint;
};

// Lower-case ASCII spellings (and the Chinese words) operators and SDKs use.
constexpr Word kWords[] = {
    {"personal", Touchpoint::kPersonal},
    {"personal_account", Touchpoint::kPersonal},
    {"wecom", Touchpoint::kPersonal},
    {"private_chat", Touchpoint::kPersonal},
    {"个人号", Touchpoint::kPersonal},
    {"私聊", Touchpoint::kPersonal},
    {"group", Touchpoint::kGroup},
    {"community", Touchpoint::kGroup},
    {"社群", Touchpoint::kGroup},
    {"群", Touchpoint::kGroup},
    {"moments", Touchpoint::kMoments},
    {"moment", Touchpoint::kMoments},
    {"朋友圈", Touchpoint::kMoments},
    {"official_account", Touchpoint::kOfficialAccount},
    {"mp", Touchpoint::kOfficialAccount},
    {"oa", Touchpoint::kOfficialAccount},
    {"wechat_oa", Touchpoint::kOfficialAccount},
    {"公众号", Touchpoint::kOfficialAccount},
    {"mini_program", Touchpoint::kMiniProgram},
    {"miniprogram", Touchpoint::kMiniProgram},
    {"miniapp", Touchpoint::kMiniProgram},
    {"weapp", Touchpoint::kMiniProgram},
    {"小程序", Touchpoint::kMiniProgram},
    {"video_account", Touchpoint::kVideoAccount},
    {"channels", Touchpoint::kVideoAccount},
    {"finder", Touchpoint::kVideoAccount},
    {"视频号", Touchpoint::kVideoAccount},
    {"offline_store", Touchpoint::kOfflineStore},
    {"store", Touchpoint::kOfflineStore},
    {"offline", Touchpoint::kOfflineStore},
    {"门店", Touchpoint::kOfflineStore},
    {"线下", Touchpoint::kOfflineStore},
    {"other", Touchpoint::kOther},
    {"其他", Touchpoint::kOther},
};

bool StartsWithAny(std::string_view name, std::initializer_list<std::string_view> prefixes) {
  return std::any_of(prefixes.begin(), prefixes.end(),
                     [&](std::string_view p) { return name.starts_with(p); });
}

// The properties the rules read; views into the parser's buffer.
struct Hints {
  std::optional<Touchpoint> named;  // rule 1
  bool group = false;               // rule 2
  std::optional<Touchpoint> via;    // rule 4: the first of channel/source/via/platform
  bool staff = false;               // rules 6, 7
};

Hints ReadHints(std::string_view properties_json) {
  Hints h;
  if (properties_json.size() <= 2) return h;  // "{}"
  thread_local simdjson::ondemand::parser parser;
  simdjson::ondemand::document doc;
  simdjson::ondemand::object obj;
  if (IterateObjectView(parser, properties_json, false, &doc, &obj)) return h;
  for (auto field_result : obj) {
    simdjson::ondemand::field field;
    if (std::move(field_result).get(field)) return h;
    const std::string_view key = RawKey(field);
    const bool wanted = key == "touchpoint" || key == "group_id" || key == "staff_id" ||
                        key == "channel" || key == "source" || key == "via" || key == "platform";
    if (!wanted) continue;  // the value is skipped unread
    std::string_view text;
    if (field.value().get_string().get(text) || text.empty()) continue;
    if (key == "touchpoint") {
      h.named = TouchpointFromWord(text);
    } else if (key == "group_id") {
      h.group = true;
    } else if (key == "staff_id") {
      h.staff = true;
    } else if (!h.via) {
      h.via = TouchpointFromWord(text);
    }
  }
  return h;
}

}  // namespace

std::string_view TouchpointName(Touchpoint t) {
  switch (t) {
    case Touchpoint::kPersonal:
      return "personal";
    case Touchpoint::kGroup:
      return "group";
    case Touchpoint::kMoments:
      return "moments";
    case Touchpoint::kOfficialAccount:
      return "official_account";
    case Touchpoint::kMiniProgram:
      return "mini_program";
    case Touchpoint::kVideoAccount:
      return "video_account";
    case Touchpoint::kOfflineStore:
      return "offline_store";
    case Touchpoint::kByAcquisition:
      return "by_acquisition";
    case Touchpoint::kOther:
      break;
  }
  return "other";
}

std::string_view TouchpointNameZh(Touchpoint t) {
  switch (t) {
    case Touchpoint::kPersonal:
      return "个人号";
    case Touchpoint::kGroup:
      return "社群";
    case Touchpoint::kMoments:
      return "朋友圈";
    case Touchpoint::kOfficialAccount:
      return "公众号";
    case Touchpoint::kMiniProgram:
      return "小程序";
    case Touchpoint::kVideoAccount:
      return "视频号";
    case Touchpoint::kOfflineStore:
      return "门店";
    case Touchpoint::kByAcquisition:
      return "按获客渠道";
    case Touchpoint::kOther:
      break;
  }
  return "其他";
}

std::optional<Touchpoint> TouchpointFromWord(std::string_view word) {
  if (word.size() > 32) return std::nullopt;
  std::string lower(word);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  for (const Word& w : kWords) {
    if (w.text == lower) return w.touchpoint;
  }
  return std::nullopt;
}

Touchpoint ClassifyTouchpoint(std::string_view event_name, std::string_view properties_json) {
  const Hints h = ReadHints(properties_json);
  if (h.named) return *h.named;
  if (h.group) return Touchpoint::kGroup;
  if (event_name.starts_with("moment_")) return Touchpoint::kMoments;
  if (h.via) return *h.via;
  if (event_name == kChannelScanned || event_name == kFriendAdded) {
    return Touchpoint::kByAcquisition;
  }
  if (h.staff) {
    return event_name.starts_with("content_") ? Touchpoint::kMoments : Touchpoint::kPersonal;
  }
  if (StartsWithAny(event_name, {"invite_", "fission_", "group_buy_", "bargain_", "referral_",
                                 "distributor_"})) {
    return Touchpoint::kMiniProgram;
  }
  return Touchpoint::kOther;
}

}  // namespace pond
