#include "pond/sim/demo_community.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "pond/base/hash.h"
#include "pond/base/json_text.h"
#include "pond/base/time.h"
#include "pond/engine/tenant_state.h"
#include "pond/model/event_names.h"

namespace pond::sim {
namespace {

using nlohmann::json;

constexpr char kCode[] = "gcd_club";

const char* const kTopics[] = {"防晒", "保湿", "卸妆", "眼霜",   "精华", "面膜",
                               "控油", "美白", "修护", "敏感肌", "抗老", "底妆"};

// The kind's titles: a pattern per kind, filled with a topic.
std::string Title(ContentKind kind, const std::string& topic, int n) {
  const std::string k = std::to_string(n + 1);
  switch (kind) {
    case ContentKind::kKnowledge:
      return topic + "小知识 #" + k + "：很多人都做错了";
    case ContentKind::kDailyLife:
      return "今天的日常 #" + k + "：下班路上想到的" + topic;
    case ContentKind::kProductAd:
      return topic + "新品上市 #" + k + "：会员价先到先得";
    case ContentKind::kBuyerShow:
      return "顾客反馈 #" + k + "：用了两周的" + topic;
    case ContentKind::kPromotion:
      return topic + "限时活动 #" + k + "：满 199 减 30";
    case ContentKind::kEmotional:
      return "晚安语录 #" + k + "：好好爱自己";
  }
  return topic;
}

std::string PersonaOf(const std::string& staff_persona) {
  if (staff_persona.find("expert") != std::string::npos) return "expert";
  if (staff_persona.find("founder") != std::string::npos) return "shopkeeper";
  return "friend";
}

struct Qa {
  const char* id;
  const char* q;
  const char* a;
  const char* tag;
  const char* stage;
};
constexpr Qa kScripts[] = {
    {"scr_price", "为什么比旗舰店贵？", "我们是品牌直供，正品保障，会员还有积分和赠品。", "价格",
     "lead"},
    {"scr_fake", "是正品吗？", "品牌授权直供，每件都可以扫码验真。", "信任", "lead"},
    {"scr_ship", "几天能发货？", "下单后 48 小时内顺丰发出，偏远地区 3–5 天。", "物流", ""},
    {"scr_refund", "不合适可以退吗？", "未拆封 7 天无理由退货，拆封有质量问题也包退。", "售后", ""},
    {"scr_allergy", "敏感肌能用吗？", "建议先在耳后试用 24 小时；我们有敏感肌专用的修护系列。",
     "敏感肌", ""},
    {"scr_spf", "防晒霜每天都要涂吗？", "阴天也有紫外线，日常通勤 SPF30 就够，户外要 SPF50。",
     "防晒", "customer"},
    {"scr_order", "精华和面霜先用哪个？", "先薄后厚：水、精华、乳液、面霜，最后防晒。", "用法",
     "customer"},
    {"scr_trial", "有小样吗？", "9.9 元体验装，三天的量，不满意直接退。", "体验装", "lead"},
    {"scr_group", "怎么进会员群？", "下过一单就可以进 VIP 群，群里每周有专属活动。", "社群",
     "customer"},
    {"scr_en_refund", "How do I get a refund?", "Unopened items can be returned within 7 days.",
     "售后", ""},
};

}  // namespace

double DemoCommunity::Unit(uint64_t salt) const {
  return static_cast<double>(Mix64(seed_ * 104'729 + salt) >> 11) / 9007199254740992.0;
}

Status DemoCommunity::AfterDay(int day, int days) {
  if (day < p_.start_day) return Status::Ok();
  if (day == p_.start_day) RETURN_IF_ERROR(Open(day, days));
  RETURN_IF_ERROR(Route(day));
  RETURN_IF_ERROR(Chatter(day));
  RETURN_IF_ERROR(PostMoments(day));
  return community_.RunDue().status();
}

Status DemoCommunity::Open(int day, int days) {
  const std::string ws = kDefaultWorkspace;
  // The content library: 20 items of each kind, over the topics.
  std::vector<ContentItem> items;
  for (int k = 0; k < kContentKinds; ++k) {
    for (int n = 0; n < 20; ++n) {
      ContentItem item;
      item.kind = static_cast<ContentKind>(k);
      item.id = std::string("cnt_") + ContentKindName(item.kind) + "_" + std::to_string(n + 1);
      const std::string topic = kTopics[(n + k) % std::size(kTopics)];
      item.title = Title(item.kind, topic, n);
      item.topics = {topic};
      ASSIGN_OR_RETURN(ContentItem saved, content_.SaveItem(ws, item));
      items.push_back(saved);
    }
  }
  for (const Qa& qa : kScripts) {
    Script s{qa.id, qa.q, qa.a, {qa.tag}, qa.stage, 0};
    RETURN_IF_ERROR(content_.SaveScript(ws, s).status());
  }
  // The VIP code over one group; more open from the template as they fill.
  RETURN_IF_ERROR(community_
                      .SaveGroup(ws, {"grp_club_1", "会员俱乐部 1", GroupKind::kMembership,
                                      staff_.empty() ? "" : staff_[0].id, p_.group_capacity, "",
                                      "欢迎加入会员俱乐部！群公告里有新人礼。", "", false})
                      .status());
  GroupCode code;
  code.id = kCode;
  code.name = "会员俱乐部活码";
  code.kind = GroupKind::kMembership;
  code.groups = {"grp_club_1"};
  code.group_template = {"会员俱乐部", staff_.empty() ? "" : staff_[0].id, p_.group_capacity,
                         "欢迎加入会员俱乐部！群公告里有新人礼。"};
  RETURN_IF_ERROR(community_.SaveCode(ws, code).status());
  // Each staff account's Moments from tomorrow to the end, by its persona, in local days.
  ASSIGN_OR_RETURN(zone_, engine_.UtcOffsetOf(ws));
  const Micros tomorrow =
      (LocalDay(engine_.clock().NowMicros(), zone_) + 1) * kMicrosPerDay - zone_ * kMicrosPerSecond;
  const int plan_days = std::max(1, days - day - 1);
  std::vector<ContentService::StaffPlan> accounts;
  for (const StaffParams& s : staff_) {
    ASSIGN_OR_RETURN(Persona persona, BuiltInPersona(PersonaOf(s.persona)));
    accounts.push_back({s.id, persona});
  }
  if (accounts.empty()) return Status::Ok();
  ASSIGN_OR_RETURN(std::vector<MomentsPlan> plans,
                   content_.PlanMoments(ws, accounts, tomorrow, plan_days, {}));
  for (size_t i = 0; i < plans.size(); ++i) {
    for (const PlannedPost& p : plans[i].posts) posts_by_day_[LocalDay(p.at, zone_)].push_back(p);
    stats_.moments += static_cast<int64_t>(plans[i].posts.size());
    ASSIGN_OR_RETURN(
        std::vector<MomentsViolation> found,
        content_.ValidateMoments(ws, plans[i].posts, accounts[i].persona, tomorrow, plan_days, {}));
    stats_.violations += static_cast<int64_t>(found.size());
  }
  return Status::Ok();
}

Status DemoCommunity::Route(int day) {
  // The staff accounts' friends not routed yet, oldest first.
  std::vector<std::string> friends;
  RETURN_IF_ERROR(engine_.ReadState(kDefaultWorkspace, [&](const TenantState& state) {
    const CustomerColumns& c = state.customers();
    for (uint32_t i = 0; i < c.size(); ++i) {
      if (c.merged_into[i] == kNoIndex && !c.friends[i].empty()) {
        friends.push_back(TenantState::CustomerId(i));
      }
    }
  }));
  std::erase_if(friends, [&](const std::string& f) {
    return std::binary_search(routed_.begin(), routed_.end(), f);
  });
  if (friends.empty()) return Status::Ok();
  const Micros now = engine_.clock().NowMicros();
  std::vector<Event> joins;
  for (int k = 0; k < p_.routes_per_day && !friends.empty(); ++k) {
    const uint64_t salt = static_cast<uint64_t>(day) * 10'007 + static_cast<uint64_t>(k);
    const size_t at = Mix64(seed_ + salt) % friends.size();
    const std::string customer = friends[at];
    friends.erase(friends.begin() + static_cast<long>(at));
    routed_.insert(std::upper_bound(routed_.begin(), routed_.end(), customer), customer);
    Result<RouteResult> r = community_.Route(kDefaultWorkspace, kCode, customer);
    if (!r.ok()) {
      if (r.status().code() != StatusCode::kFailedPrecondition &&
          r.status().code() != StatusCode::kResourceExhausted) {
        return r.status();
      }
      ++(r.status().code() == StatusCode::kFailedPrecondition ? stats_.refused : stats_.full);
      continue;
    }
    ++stats_.routed;
    stats_.groups += r->opened;
    if (Unit(salt + 3) < p_.join_share) {
      joins.push_back(ServiceEvent(kGroupJoined, "demo-grp-join:" + customer, customer,
                                   now - kMicrosPerHour, DumpJson({{"group_id", r->group}})));
      members_.emplace_back(customer, r->group);
      ++stats_.joined;
    }
  }
  if (joins.empty()) return Status::Ok();
  return engine_.Submit(kDefaultWorkspace, std::move(joins)).status();
}

Status DemoCommunity::Chatter(int day) {
  const Micros now = engine_.clock().NowMicros();
  std::vector<Event> events;
  std::map<std::string, std::string> first_member;  // group -> a member (carries the campaign)
  for (size_t i = 0; i < members_.size(); ++i) {
    const auto& [customer, group] = members_[i];
    first_member.emplace(group, customer);
    const uint64_t salt = static_cast<uint64_t>(day) * 1'000'003 + i;
    if (Unit(salt) >= p_.chat_share) continue;
    events.push_back(
        ServiceEvent(kGroupMessage, "demo-grp-msg:" + std::to_string(day) + ":" + customer,
                     customer, now - 3 * kMicrosPerHour,
                     DumpJson({{"group_id", group}, {"is_ad", Unit(salt + 7) < 0.1}})));
  }
  if (day % 7 == 0) {  // a weekly campaign in every group
    for (const auto& [group, customer] : first_member) {
      events.push_back(ServiceEvent(kGroupCampaign,
                                    "demo-grp-cmp:" + std::to_string(day) + ":" + group, customer,
                                    now - 10 * kMicrosPerHour, DumpJson({{"group_id", group}})));
    }
  }
  if (events.empty()) return Status::Ok();
  return engine_.Submit(kDefaultWorkspace, std::move(events)).status();
}

Status DemoCommunity::PostMoments(int day) {
  auto today = posts_by_day_.find(LocalDay(engine_.clock().NowMicros(), zone_));
  if (today == posts_by_day_.end() || members_.empty()) return Status::Ok();
  // Friends see the day's posts; some like them (the items' performance).
  std::vector<Event> events;
  for (size_t i = 0; i < today->second.size(); ++i) {
    const PlannedPost& p = today->second[i];
    const uint64_t salt = static_cast<uint64_t>(day) * 7'001 + i;
    const int viewers = 1 + static_cast<int>(Unit(salt) * 6);
    for (int v = 0; v < viewers; ++v) {
      const std::string& who =
          members_[Mix64(salt * 31 + static_cast<uint64_t>(v)) % members_.size()].first;
      const std::string id =
          std::to_string(day) + ":" + std::to_string(i) + ":" + std::to_string(v);
      events.push_back(ServiceEvent(kContentViewed, "demo-cnt-view:" + id, who, p.at,
                                    DumpJson({{"content_id", p.item}, {"staff_id", p.staff}})));
      if (Unit(salt + 100 + static_cast<uint64_t>(v)) < 0.2) {
        events.push_back(ServiceEvent("content_liked", "demo-cnt-like:" + id, who, p.at,
                                      DumpJson({{"content_id", p.item}, {"staff_id", p.staff}})));
      }
    }
  }
  return engine_.Submit(kDefaultWorkspace, std::move(events)).status();
}

}  // namespace pond::sim
