#include "pond/sim/demo_params.h"

#include "pond/base/time.h"

namespace pond::sim {

DemoParams DefaultDemoParams() {
  DemoParams p;
  p.end_micros = ParseIso8601("2026-11-21T00:00:00+08:00").value();
  // Cold traffic passes at 2–3% (2021 figure); package cards reach buyers, who pass far better.
  p.channels = {
      {"card-tb", "淘宝包裹卡", ChannelKind::kPackageCard, 0.22, 0.30, 150},
      {"sms-after", "发货短信", ChannelKind::kSms, 0.12, 0.03, 5},
      {"store-qr", "门店二维码", ChannelKind::kOfflineStore, 0.08, 0.25, 0},
      {"xhs-note", "小红书笔记", ChannelKind::kXiaohongshu, 0.16, 0.03, 300},
      {"dy-video", "抖音短视频", ChannelKind::kDouyin, 0.14, 0.025, 350},
      {"zhihu-qa", "知乎回答", ChannelKind::kZhihu, 0.05, 0.03, 200},
      {"weibo-post", "微博", ChannelKind::kWeibo, 0.05, 0.02, 150},
      {"ads-feed", "信息流广告", ChannelKind::kPaidAds, 0.12, 0.025, 800},
      {"live-room", "直播间", ChannelKind::kLiveStream, 0.06, 0.06, 400},
  };
  p.staff = {
      {"stf_lily", "Lily 美肤顾问", "expert consultant", 5000, 200},
      {"stf_amy", "Amy 闺蜜", "bestie", 5000, 200},
      {"stf_chen", "陈老师", "expert consultant", 5000, 200},
      {"stf_momo", "茉茉", "bestie", 5000, 200},
      {"stf_founder", "创始人 Grace", "founder", 5000, 150},
      {"stf_kiki", "Kiki", "bestie", 5000, 200},
      {"stf_zoe", "Zoe 护肤师", "expert consultant", 5000, 200},
      {"stf_nana", "娜娜", "bestie", 5000, 200},
  };
  p.catalogue = {
      {"MASK-10", "补水面膜10片", "mask", 16900, true},
      {"CLEAN-150", "氨基酸洁面", "cleanser", 8900, true},
      {"SERUM-30", "修护精华", "serum", 29900, true},
      {"SUN-50", "清透防晒", "sunscreen", 12900, true},
      {"TONER-200", "保湿水", "toner", 11900, true},
      {"TRIAL-3", "体验装", "trial", 990, false},
  };
  return p;
}

}  // namespace pond::sim
