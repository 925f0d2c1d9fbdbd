// Touchpoints: where in the private domain an event happened (docs/analytics.md, "Touchpoint ×
// stage grid"). The engine classifies each event once, when it applies it, from its name and a
// few properties, and keeps the answer in one byte per event (EventColumns::touchpoint), so the
// grid report never re-reads the stored JSON.
//
// The rules, first match wins:
//   1. properties.touchpoint names one (personal, group, moments, official_account,
//      mini_program, video_account, offline_store, or the Chinese words): that one;
//   2. properties.group_id is set: group;
//   3. the event is moment_*: moments;
//   4. properties.channel, .source, .via or .platform names one (the words of rule 1 and their
//      common spellings: mp, 公众号, miniprogram, 小程序, channels, 视频号, store, 门店…);
//   5. channel_scanned and friend_added: decided when the report runs (kByAcquisition), from the
//      kind of the customer's acquisition channel: an offline store's code is the store, any
//      other live code leads to a personal account;
//   6. content_* naming a staff_id: moments (a staff account's post);
//   7. properties.staff_id is set: personal;
//   8. fission and distribution events (invite_*, fission_*, group_buy_*, bargain_*,
//      referral_*, distributor_*): mini_program, where pond's campaign pages live;
//   9. anything else: other (a platform store's order, an event with no hint).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace pond {

enum class Touchpoint : uint8_t {
  kOther = 0,
  kPersonal,
  kGroup,
  kMoments,
  kOfficialAccount,
  kMiniProgram,
  kVideoAccount,
  kOfflineStore,
  kByAcquisition,  // rule 5: resolved per customer when read
};

// The touchpoints a report shows, in display order (kByAcquisition is never shown).
inline constexpr Touchpoint kReportedTouchpoints[] = {
    Touchpoint::kPersonal,        Touchpoint::kGroup,       Touchpoint::kMoments,
    Touchpoint::kOfficialAccount, Touchpoint::kMiniProgram, Touchpoint::kVideoAccount,
    Touchpoint::kOfflineStore,    Touchpoint::kOther};
inline constexpr size_t kReportedTouchpointCount = std::size(kReportedTouchpoints);

// "personal", "group", … "other".
std::string_view TouchpointName(Touchpoint t);
// 个人号, 社群, 朋友圈, 公众号, 小程序, 视频号, 门店, 其他.
std::string_view TouchpointNameZh(Touchpoint t);
// A word of rules 1 and 4 (case-insensitive for ASCII), or nullopt.
std::optional<Touchpoint> TouchpointFromWord(std::string_view word);

// Rules 1–9 for one event; `properties_json` is the event's properties object as sent.
Touchpoint ClassifyTouchpoint(std::string_view event_name, std::string_view properties_json);

}  // namespace pond
