#include "pond/model/workspace.h"

#include <array>

namespace pond {
namespace {
constexpr std::array<std::pair<ChannelKind, std::string_view>, 12> kChannelKinds = {{
    {ChannelKind::kPackageCard, "package_card"},
    {ChannelKind::kSms, "sms"},
    {ChannelKind::kOfflineStore, "offline_store"},
    {ChannelKind::kXiaohongshu, "xiaohongshu"},
    {ChannelKind::kDouyin, "douyin"},
    {ChannelKind::kZhihu, "zhihu"},
    {ChannelKind::kWeibo, "weibo"},
    {ChannelKind::kPaidAds, "paid_ads"},
    {ChannelKind::kLiveStream, "live_stream"},
    {ChannelKind::kTaobao, "taobao"},
    {ChannelKind::kReferral, "referral"},
    {ChannelKind::kOther, "other"},
}};
}  // namespace

std::string_view ChannelKindName(ChannelKind kind) {
  for (const auto& [k, name] : kChannelKinds) {
    if (k == kind) return name;
  }
  return "other";
}

std::optional<ChannelKind> ChannelKindFromName(std::string_view name) {
  for (const auto& [k, n] : kChannelKinds) {
    if (n == name) return k;
  }
  return std::nullopt;
}

std::string_view KeyKindName(KeyKind kind) {
  switch (kind) {
    case KeyKind::kAdmin:
      return "admin";
    case KeyKind::kRead:
      return "read";
    case KeyKind::kWrite:
      break;
  }
  return "write";
}

}  // namespace pond
