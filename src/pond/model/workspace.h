// Workspaces (tenants), channels, staff accounts and API keys: the brand's configuration.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "pond/base/clock.h"

namespace pond {

// The zone a workspace gets when none is chosen: China Standard Time (UTC+8, no daylight
// saving), where most of pond's brands sell. The only place pond names a zone: everything that
// needs local time asks the workspace for its own.
inline constexpr int kDefaultUtcOffsetSeconds = 8 * 60 * 60;

struct Workspace {
  std::string id;  // "default", or a slug chosen at creation
  std::string name;
  int utc_offset_seconds = kDefaultUtcOffsetSeconds;  // the brand's zone for days, quiet
                                                      // hours, caps, calendars and reports
  Micros created_at = 0;
};

// Where customers come from (an acquisition source) and what it costs.
enum class ChannelKind : uint8_t {
  kPackageCard = 1,  // 包裹卡: red-envelope card in parcels
  kSms,              // SMS after delivery
  kOfflineStore,     // QR code in a store
  kXiaohongshu,
  kDouyin,
  kZhihu,
  kWeibo,
  kPaidAds,
  kLiveStream,
  kTaobao,
  kReferral,  // fission: brought by a friend
  kOther,
};
std::string_view ChannelKindName(ChannelKind kind);
std::optional<ChannelKind> ChannelKindFromName(std::string_view name);

struct Channel {
  std::string id;    // "chn_…"
  std::string code;  // the live-code state / utm value events carry, kept as given
  std::string name;
  ChannelKind kind = ChannelKind::kOther;
  Micros created_at = 0;
};

// Spend on a channel for one local day ("2024-03-01").
struct ChannelSpend {
  std::string channel_id;
  std::string day;
  int64_t amount_fen = 0;
};

// A staff account customers are befriended by: a WeCom member or a personal WeChat account.
enum class StaffKind : uint8_t { kWecomMember = 1, kPersonalWechat };
struct StaffAccount {
  std::string id;  // "stf_…"
  StaffKind kind = StaffKind::kWecomMember;
  std::string name;
  std::string persona;             // "expert consultant", "bestie", "founder"
  int64_t friend_capacity = 5000;  // WeCom's starting limit per staff account
  int64_t daily_add_limit = 200;
  std::string wecom_userid;
  Micros created_at = 0;
};

// An API key's scope: write sends events and orders in (ingest); read reads reports,
// definitions and customers (personal data masked, never revealed); admin does everything.
enum class KeyKind : uint8_t { kWrite = 1, kAdmin, kRead };
std::string_view KeyKindName(KeyKind kind);

// An API key as stored: only a hash of the secret is kept.
struct ApiKey {
  std::string id;  // "key_…", shown in listings; not secret
  std::string workspace_id;
  KeyKind kind = KeyKind::kWrite;
  std::string secret_hash;  // hex BLAKE2b-256 of the full key
  Micros created_at = 0;
  Micros revoked_at = 0;  // 0: in use; otherwise refused from then on
};

}  // namespace pond
