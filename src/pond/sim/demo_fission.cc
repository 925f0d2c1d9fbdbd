#include "pond/sim/demo_fission.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <tuple>

#include "pond/base/hash.h"
#include "pond/base/json_text.h"
#include "pond/base/time.h"
#include "pond/engine/tenant_state.h"
#include "pond/model/event_names.h"

namespace pond::sim {
namespace {

using nlohmann::json;

constexpr int64_t kTrialFen = 990;
constexpr int64_t kGroupPriceFen = 19'900;  // the serum group buy

Event Track(const std::string& message_id, const std::string& user, const char* name, Micros at,
            const json& properties, const json& context = json::object()) {
  Event e;
  e.message_id = message_id;
  e.user_id = user;
  e.name = name;
  e.timestamp = at;
  e.properties = DumpJson(properties);
  e.context = DumpJson(context);
  return e;
}

// An order of one product, paid at `at`, as the shop reports it (with the order it carries).
Event PaidOrder(const std::string& message_id, const std::string& user, const std::string& order_id,
                int64_t fen, Micros at, const json& product) {
  Event e = Track(message_id, user, kOrderPaid, at,
                  {{"order_id", order_id}, {"amount_fen", fen}, {"products", {product}}});
  e.order.emplace();
  e.order->order_id = order_id;
  e.order->total_fen = fen;
  e.order->paid_at = at;
  e.amount_fen = fen;
  return e;
}

Event Trial(const std::string& user, Micros at) {
  return PaidOrder("fis-trial:" + user, user, "TRIAL-" + user, kTrialFen, at,
                   {{"sku", "TRIAL-3"}, {"category", "trial"}, {"price_fen", 990}});
}

// A group buy's payment, as the mini-program shop reports it: a failed group refunds only what
// pond saw paid.
Event GroupPayment(const std::string& user, const std::string& order_id, Micros at) {
  return PaidOrder("fis-gbpay:" + order_id, user, order_id, kGroupPriceFen, at,
                   {{"sku", "SERUM-GB"}, {"category", "serum"}, {"price_fen", kGroupPriceFen}});
}

}  // namespace

double DemoFission::Unit(uint64_t salt) {
  return static_cast<double>(Mix64(seed_ * 7'919 + salt) >> 11) / 9007199254740992.0;
}

std::string DemoFission::NewFriend() {
  return "fis-" + std::to_string(seed_) + "-" + std::to_string(++friends_made_);
}

Status DemoFission::AfterDay(int day, int days) {
  if (day < p_.start_day) return Status::Ok();
  if (day == p_.start_day) RETURN_IF_ERROR(Open(day, days));
  if (posters_.empty()) return Status::Ok();
  RETURN_IF_ERROR(Invite(day));
  RETURN_IF_ERROR(GroupsAndBargains(day));
  return service_.RunDue().status();
}

Status DemoFission::Open(int day, int days) {
  const Micros now = engine_.clock().NowMicros();
  ASSIGN_OR_RETURN(const int zone, engine_.UtcOffsetOf(kDefaultWorkspace));
  const std::string start = FormatIso8601(now - kMicrosPerHour, zone);
  const std::string end = FormatIso8601(now + (days - day + 2) * kMicrosPerDay, zone);
  const std::string dates = R"("start": ")" + start + R"(", "end": ")" + end + "\"";
  const std::string kinds[] = {
      R"({"id": "cmp_mask_task", "name": "邀3位好友买9.9体验装得20元券，10位得面膜", "kind": "task",)" +
          dates + R"(, "budget_fen": 5000000, "stock": 2000,
         "qualify": {"event": "order_paid", "min_amount_fen": 990}, "window_days": 7,
         "tiers": [{"invites": 3, "reward": {"coupon": "C20", "value_fen": 2000}},
                   {"invites": 10, "reward": {"product": "MASK-10", "cost_fen": 800}}]})",
      R"({"id": "cmp_serum_group", "name": "修护精华三人团", "kind": "group_buy",)" + dates +
          R"(, "budget_fen": 0, "stock": 0, "group": {"size": 3, "hours": 24}})",
      R"({"id": "cmp_mask_bargain", "name": "面膜砍到9.9", "kind": "bargain",)" + dates +
          R"(, "budget_fen": 0, "stock": 0,
         "bargain": {"start_fen": 16900, "floor_fen": 990, "helpers": 5}})"};
  for (const std::string& text : kinds) {
    ASSIGN_OR_RETURN(Campaign c, ParseCampaign(text, zone));
    RETURN_IF_ERROR(service_.SaveCampaign(kDefaultWorkspace, c).status());
  }
  // The best buyers (repeat buyers first) get posters and open groups and bargains.
  std::vector<std::tuple<int64_t, int64_t, uint32_t>> buyers;
  RETURN_IF_ERROR(engine_.ReadState(kDefaultWorkspace, [&](const TenantState& state) {
    const CustomerColumns& c = state.customers();
    for (uint32_t i = 0; i < c.size(); ++i) {
      if (c.merged_into[i] == kNoIndex && c.order_count[i] >= 1) {
        buyers.emplace_back(-int64_t{c.order_count[i]}, -c.spent_fen[i], i);
      }
    }
  }));
  std::sort(buyers.begin(), buyers.end());
  for (size_t i = 0; i < buyers.size() && i < static_cast<size_t>(p_.participants); ++i) {
    const std::string customer = TenantState::CustomerId(std::get<2>(buyers[i]));
    ASSIGN_OR_RETURN(Poster poster, service_.Join(kDefaultWorkspace, "cmp_mask_task", customer));
    posters_.emplace_back(customer, poster.code);
    buyers_.push_back(customer);
  }
  return Status::Ok();
}

Status DemoFission::Invite(int day) {
  const Micros now = engine_.clock().NowMicros();
  std::vector<Event> events;
  for (size_t i = 0; i < posters_.size(); ++i) {
    const uint64_t salt = static_cast<uint64_t>(day) * 1'000'003 + i;
    if (Unit(salt) >= p_.inviting_per_day) continue;
    const bool farm = Unit(salt + 17) < p_.farm_share;
    const int friends = farm ? 3 + static_cast<int>(Unit(salt + 29) * 6)
                             : 1 + static_cast<int>(Unit(salt + 31) * 4);
    for (int k = 0; k < friends; ++k) {
      const std::string f = NewFriend();
      json context =
          farm ? json{{"ip", "172.16." + std::to_string(i % 250) + "." + std::to_string(10 + k)},
                      {"device", {{"id", "farm-" + std::to_string(i)}}}}
               : json{{"ip", "10." + std::to_string(friends_made_ % 250) + "." +
                                 std::to_string(friends_made_ / 250 % 250) + ".7"},
                      {"device", {{"id", "dev-" + f}}}};
      events.push_back(Track("fis-arrive:" + f, f, kInviteAccepted, now - kMicrosPerHour,
                             {{"campaign_id", "cmp_mask_task"}, {"code", posters_[i].second}},
                             context));
      // A farm's numbers come from one block (170 + the farm's 4 digits); others are scattered.
      char phone[24];
      const uint64_t r = Mix64(salt + 211 + static_cast<uint64_t>(k));
      if (farm) {
        std::snprintf(phone, sizeof phone, "170%04d%04d", static_cast<int>(i % 10'000), k);
      } else {
        std::snprintf(phone, sizeof phone, "13%d%04d%04d", static_cast<int>(5 + r % 4),
                      static_cast<int>(r / 4 % 10'000), static_cast<int>(friends_made_ % 10'000));
      }
      events.back().identities.push_back({IdentityKind::kPhone, phone});
      if (farm || Unit(salt + 101 + static_cast<uint64_t>(k)) < p_.trial_share) {
        events.push_back(Trial(f, now - kMicrosPerHour + kMicrosPerMinute));
      }
    }
  }
  if (events.empty()) return Status::Ok();
  return engine_.Submit(kDefaultWorkspace, std::move(events)).status();
}

Status DemoFission::GroupsAndBargains(int day) {
  if (buyers_.empty()) return Status::Ok();
  const Micros now = engine_.clock().NowMicros();
  const uint64_t base = static_cast<uint64_t>(day) * 7'777'777;
  // Friends who take part today, as customers first.
  std::vector<std::string> friends;
  std::vector<Event> arrivals;
  for (int k = 0; k < p_.groups_per_day * 2 + p_.bargains_per_day * 5; ++k) {
    friends.push_back(NewFriend());
    arrivals.push_back(Track("fis-hello:" + friends.back(), friends.back(), "page_viewed",
                             now - 2 * kMicrosPerHour, {{"page", "campaign"}}));
  }
  RETURN_IF_ERROR(engine_.Submit(kDefaultWorkspace, std::move(arrivals)).status());
  size_t next = 0;
  for (int g = 0; g < p_.groups_per_day; ++g) {
    const std::string& leader = buyers_[Mix64(base + static_cast<uint64_t>(g)) % buyers_.size()];
    const std::string order_id = "GB-" + std::to_string(day) + "-" + std::to_string(g);
    auto group =
        service_.OpenGroup(kDefaultWorkspace, "cmp_serum_group", leader, order_id, kGroupPriceFen);
    if (!group.ok()) continue;  // the leader's group from earlier is still open
    RETURN_IF_ERROR(
        engine_.Submit(kDefaultWorkspace, {GroupPayment(leader, order_id, now)}).status());
    const int joiners = static_cast<int>(Unit(base + 50 + static_cast<uint64_t>(g)) * 3);  // 0-2
    for (int j = 0; j < joiners && next < friends.size(); ++j, ++next) {
      const std::string joined = "GB-" + friends[next];
      if (service_.JoinGroup(kDefaultWorkspace, group->id, friends[next], joined, kGroupPriceFen)
              .ok()) {
        RETURN_IF_ERROR(
            engine_.Submit(kDefaultWorkspace, {GroupPayment(friends[next], joined, now)}).status());
      }
    }
  }
  for (int b = 0; b < p_.bargains_per_day; ++b) {
    const std::string& owner =
        buyers_[Mix64(base + 100 + static_cast<uint64_t>(b)) % buyers_.size()];
    auto bargain = service_.StartBargain(kDefaultWorkspace, "cmp_mask_bargain", owner);
    if (!bargain.ok()) continue;
    const int helpers = static_cast<int>(Unit(base + 200 + static_cast<uint64_t>(b)) * 6);  // 0-5
    for (int h = 0; h < helpers && next < friends.size(); ++h, ++next) {
      (void)service_.HelpBargain(kDefaultWorkspace, bargain->id, friends[next]);
    }
  }
  return Status::Ok();
}

}  // namespace pond::sim
