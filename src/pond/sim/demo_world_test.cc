// The demo world against the real engine: the same seed gives the same store, and the world's
// headline ratios, measured from what the engine holds, land where the parameters put them.
#include "pond/sim/demo_world.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "pond/channels/wecom/wecom_callback.h"
#include "pond/engine/tenant_state.h"
#include "pond/sim/demo_community.h"
#include "pond/sim/demo_distribution.h"
#include "pond/sim/demo_fission.h"
#include "pond/testing/temp_dir.h"

namespace pond::sim {
namespace {

constexpr Micros kDay = 86'400'000'000LL;

DemoParams SmallWorld(uint64_t seed) {
  DemoParams p = DefaultDemoParams();
  p.customers = 20'000;
  p.days = 120;
  p.seed = seed;
  return p;
}

struct Ran {
  std::unique_ptr<Engine> engine;
  DemoStats stats;
};

Ran RunInto(const std::filesystem::path& dir, const DemoParams& p, FakeClock& clock) {
  clock.Set(p.end_micros - static_cast<Micros>(p.days + 1) * kDay);
  EngineOptions o;
  o.data_dir = dir.string();
  o.clock = &clock;
  Ran r;
  r.engine = Engine::Open(o).value();
  auto stats = RunDemo(p, *r.engine, clock);
  EXPECT_TRUE(stats.ok()) << stats.status().ToString();
  if (stats.ok()) r.stats = *stats;
  return r;
}

std::string FileBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Every event as stored, in seq order: the store's content, independent of page layout.
std::string LogDump(Engine& engine) {
  std::vector<int64_t> seqs;
  (void)engine.ReadState(kDefaultWorkspace, [&](const TenantState& s) { seqs = s.events().seq; });
  std::string out;
  const std::vector<Event> events = engine.LoadEvents(seqs).value();
  for (const Event& e : events) {
    out += std::to_string(e.seq) + e.message_id + e.name + e.customer_id +
           std::to_string(e.timestamp) + std::to_string(e.received_at) + e.properties + e.traits +
           "\n";
  }
  return out;
}

TEST(DemoWorldTest, TheSameSeedGivesTheSameStoreAndAnotherSeedDoesNot) {
  testing::TempDir a, b, c;
  FakeClock clock;
  DemoParams small = SmallWorld(7);
  small.customers = 3000;
  small.days = 40;
  std::string dump_a, dump_b, dump_c;
  {
    Ran r = RunInto(a.path(), small, clock);
    dump_a = LogDump(*r.engine);
  }
  {
    Ran r = RunInto(b.path(), small, clock);
    dump_b = LogDump(*r.engine);
  }
  DemoParams other = small;
  other.seed = 8;
  {
    Ran r = RunInto(c.path(), other, clock);
    dump_c = LogDump(*r.engine);
  }
  ASSERT_FALSE(dump_a.empty());
  EXPECT_TRUE(dump_a == dump_b);
  EXPECT_FALSE(dump_a == dump_c);
  // The stores are not the same file byte for byte: personal data is sealed with each data
  // dir's own key and random nonces (store/sealed_store.h). What they hold, read back through
  // pond, is the same (the dumps above).
  EXPECT_GT(FileBytes(a.path() / "pond.db").size(), 100'000u);
}

// Within `sigmas` binomial standard deviations of p for n trials.
void ExpectRate(const std::string& what, int64_t hits, int64_t n, double p, double sigmas = 4) {
  ASSERT_GT(n, 0) << what;
  const double measured = static_cast<double>(hits) / static_cast<double>(n);
  const double tolerance = sigmas * std::sqrt(p * (1 - p) / static_cast<double>(n)) + 0.002;
  EXPECT_NEAR(measured, p, tolerance) << what << ": " << hits << " of " << n;
}

TEST(DemoWorldTest, HeadlineRatiosLandOnTheParameters) {
  testing::TempDir dir;
  FakeClock clock;
  DemoParams p = SmallWorld(3);
  p.customers = 60'000;  // enough friends and buyers for rates within a few percent
  p.days = 150;
  Ran r = RunInto(dir.path(), p, clock);
  const Micros first_day = p.end_micros - static_cast<Micros>(p.days) * kDay;

  struct Measured {
    std::map<std::string, std::pair<int64_t, int64_t>> leads_friends;  // by channel code
    int64_t friends = 0, deleted = 0;
    double friend_days = 0;
    int64_t cycle_due = 0, cycle_bought = 0;  // first mini-program order 45+ days before the end
  } m;
  (void)r.engine->ReadState(kDefaultWorkspace, [&](const TenantState& s) {
    for (uint32_t c : s.live()) {
      const uint32_t channel = s.customers().channel[c];
      Micros friend_at = -1, deleted_at = -1;
      std::vector<Micros> shop_orders;
      for (const HistoryEntry& h : s.customers().history[c]) {
        const std::string& name = s.EventName(h.name);
        if (name == "friend_added") friend_at = h.timestamp;
        if (name == "friend_deleted") deleted_at = h.timestamp;
        if (name == "order_paid" && s.events().money[h.event] == kCountedOrder) {
          shop_orders.push_back(h.timestamp);
        }
      }
      if (channel != kNoIndex) {
        auto& lf = m.leads_friends[s.channel_names()[channel]];
        ++lf.first;
        lf.second += friend_at >= 0;
      }
      if (friend_at < 0) continue;
      ++m.friends;
      m.deleted += deleted_at >= 0;
      m.friend_days +=
          static_cast<double>((deleted_at >= 0 ? deleted_at : p.end_micros) - friend_at) / kDay;
      // Orders after befriending are the mini program's (a package card's Taobao order comes
      // before).
      std::erase_if(shop_orders, [&](Micros t) { return t < friend_at; });
      std::sort(shop_orders.begin(), shop_orders.end());
      if (!shop_orders.empty() && shop_orders[0] < p.end_micros - 46 * kDay &&
          (deleted_at < 0 || deleted_at > shop_orders[0] + 45 * kDay)) {
        ++m.cycle_due;
        m.cycle_bought += shop_orders.size() >= 2 && shop_orders[1] <= shop_orders[0] + 46 * kDay;
      }
    }
  });
  ASSERT_GT(first_day, 0);

  // Scan → friend per channel, as configured (nobody hits a staff limit at this size).
  for (const ChannelParams& c : p.channels) {
    const auto& [leads, friends] = m.leads_friends[c.code];
    ExpectRate("pass rate of " + c.code, friends, leads, c.pass_rate);
  }
  // Refunds: a share of orders.
  StoreStats stats = r.engine->Stats(kDefaultWorkspace).value();
  ExpectRate("refund rate", stats.refunds, stats.orders, p.refund);
  // The first repurchase cycle: bought again when it came round, among friends still there.
  ExpectRate("first repurchase", m.cycle_bought, m.cycle_due, p.repurchase, 3.5);
  // Churn per friend-day: the base hazard plus the brand's messages since the week began (on
  // average 4 days of message_out, counting the day itself); a Poisson count of deletions.
  const double hazard = p.churn + p.churn_per_message * p.message_out * 4;
  const double expected = hazard * m.friend_days;
  EXPECT_NEAR(static_cast<double>(m.deleted), expected, 3.5 * std::sqrt(expected))
      << m.deleted << " deletions over " << m.friend_days << " friend-days";
  // Identity merges happened: package-card buyers' Taobao profiles joined their WeChat ones,
  // and devices seen twice joined their owners.
  EXPECT_GT(stats.merges, r.stats.second_arrivals / 2);
  EXPECT_EQ(stats.customers + stats.merges,
            r.stats.people + r.stats.second_arrivals + r.stats.channels[0].leads);
}

TEST(DemoWorldTest, MergedProfilesHoldEveryIdentityOfTheirPerson) {
  testing::TempDir dir;
  FakeClock clock;
  DemoParams p = SmallWorld(5);
  p.customers = 5000;
  p.days = 60;
  Ran r = RunInto(dir.path(), p, clock);
  int64_t checked = 0;
  (void)r.engine->ReadState(kDefaultWorkspace, [&](const TenantState& s) {
    for (uint32_t id = 0; id < 6000; ++id) {
      const uint32_t taobao =
          s.FindByIdentity(IdentityKind::kTaobaoNick, "tb_buyer_" + std::to_string(id));
      const uint32_t wecom =
          s.FindByIdentity(IdentityKind::kExternalUserId, "wmDEMO" + std::to_string(id));
      if (taobao == kNoIndex || wecom == kNoIndex) continue;
      // A package-card buyer who became a friend gave the phone: one profile, with the
      // Taobao nick, the phone, the unionid and the WeCom id.
      EXPECT_EQ(taobao, wecom) << "person " << id;
      EXPECT_EQ(s.FindByIdentity(IdentityKind::kPhone, std::to_string(13900000000LL + id)), wecom);
      EXPECT_EQ(s.FindByIdentity(IdentityKind::kUnionId, "oDEMO" + std::to_string(100000000 + id)),
                wecom);
      EXPECT_EQ(s.customers().merged_into[wecom], kNoIndex);
      ++checked;
    }
  });
  EXPECT_GT(checked, 50);
}

// The distribution programme through the real service on the world's clock: two levels, bound
// clients' orders earning commission, refunds taking it back, withdrawals reviewed and paid, a
// ledger that balances, and the same figures again after a restart rebuilds it from the events.
TEST(DemoWorldTest, TheDistributionProgrammeRunsThroughTheRealService) {
  testing::TempDir dir;
  FakeClock clock;
  DemoParams p = SmallWorld(5);
  clock.Set(p.end_micros - static_cast<Micros>(p.days + 1) * kDay);
  EngineOptions o;
  o.data_dir = dir.path().string();
  o.clock = &clock;
  auto engine = Engine::Open(o).value();
  auto service = DistributionService::Start(engine.get(), nullptr).value();
  auto payouts = [&] { return PayoutService(service.get()); };
  DemoDistributionParams dp;
  dp.first_level = 10;
  dp.second_level = 30;
  dp.link_share = 0.2;
  dp.min_withdrawal_fen = 1'000;
  dp.reject_one_in = 4;
  DemoDistribution programme(*engine, *service, p.seed, dp);
  ASSERT_TRUE(
      RunDemo(p, *engine, clock, nullptr, [&](int d) { return programme.AfterDay(d); }).ok());
  EXPECT_EQ(programme.distributors(), 40);
  const DistributionTotals totals = payouts().Totals(kDefaultWorkspace).value();
  EXPECT_EQ(totals.active, 40);
  EXPECT_GT(totals.clients, 500);
  EXPECT_GT(totals.orders, 20);
  EXPECT_GT(totals.commission_fen, 0);
  int64_t recruited = 0, taken_back = 0;
  const std::vector<DistributorView> distributors = service->List(kDefaultWorkspace, "").value();
  const std::vector<CommissionView> commissions =
      payouts().Commissions(kDefaultWorkspace, "").value();
  for (const DistributorView& v : distributors) {
    recruited += !v.distributor.recruiter.empty();
  }
  for (const CommissionView& c : commissions) {
    taken_back += c.taken_back_fen;
  }
  EXPECT_EQ(recruited, 30);
  EXPECT_GT(taken_back, 0);  // the world's refunds reversed commission
  const auto withdrawals = payouts().Withdrawals(kDefaultWorkspace, "", "").value();
  std::map<std::string, int> states;
  for (const WithdrawalView& w : withdrawals) ++states[w.state];
  EXPECT_GT(states["paid"], 0);
  EXPECT_GT(states["rejected"], 0);
  const Reconciliation before = payouts().Reconcile(kDefaultWorkspace).value();
  EXPECT_EQ(before.verify, "ok");

  service.reset();
  engine.reset();
  engine = Engine::Open(o).value();
  service = DistributionService::Start(engine.get(), nullptr).value();
  const Reconciliation after = payouts().Reconcile(kDefaultWorkspace).value();
  EXPECT_EQ(after.transactions, before.transactions);
  EXPECT_EQ(after.totals, before.totals);
  EXPECT_EQ(payouts().Totals(kDefaultWorkspace)->commission_fen, totals.commission_fen);
}

// The fission campaigns in a small world: every kind runs, and the phone farms' rewards wait for
// review while honest inviters are rewarded.
TEST(DemoWorldTest, OneCampaignOfEachKindRunsWithItsShareOfFraud) {
  testing::TempDir dir;
  FakeClock clock;
  DemoParams p = SmallWorld(6);
  p.days = 90;
  clock.Set(p.end_micros - static_cast<Micros>(p.days + 1) * kDay);
  EngineOptions o;
  o.data_dir = dir.path().string();
  o.clock = &clock;
  auto engine = Engine::Open(o).value();
  auto service = FissionService::Start(engine.get()).value();
  DemoFissionParams fp;
  fp.start_day = 20;
  fp.participants = 100;
  fp.inviting_per_day = 0.1;
  fp.farm_share = 0.1;
  DemoFission campaigns(*engine, *service, p.seed, fp);
  {
    auto ran =
        RunDemo(p, *engine, clock, nullptr, [&](int d) { return campaigns.AfterDay(d, p.days); });
    ASSERT_TRUE(ran.ok()) << ran.status().ToString();
  }
  const CampaignReport task = service->Report(kDefaultWorkspace, "cmp_mask_task").value();
  EXPECT_GT(task.invites, 300);
  EXPECT_GT(task.qualified, task.invites / 2);
  EXPECT_GT(task.rewards_granted, 0);
  EXPECT_GT(task.rewards_held, 0);  // the farms
  const std::vector<HeldReward> held = service->Held(kDefaultWorkspace, "cmp_mask_task").value();
  ASSERT_FALSE(held.empty());
  EXPECT_NE(held[0].reasons[0].find("suspicious"), std::string::npos);
  // The farms come first in the fraud scores, with their devices and number blocks named.
  const auto fraud = service->Fraud(kDefaultWorkspace, "cmp_mask_task", 20).value();
  ASSERT_FALSE(fraud.empty());
  EXPECT_GE(fraud[0].inviter.score, 50);
  std::set<std::string> codes;
  for (const auto& row : fraud) {
    for (const FraudScore& s : row.invitees) {
      for (const FraudSignal& signal : s.signals) codes.insert(signal.code);
    }
  }
  EXPECT_TRUE(codes.count("shared_device"));
  EXPECT_TRUE(codes.count("phone_block"));
  const CampaignReport groups = service->Report(kDefaultWorkspace, "cmp_serum_group").value();
  EXPECT_GT(groups.groups_succeeded, 0);
  EXPECT_GT(groups.groups_failed, 0);
}

// Communities and content in a small world: the club code rotates and never overfills, fans
// who never bought are refused, every staff account's Moments keep the rules, and the library
// gathers views.
TEST(DemoWorldTest, GroupsRotateAndMomentsKeepTheRules) {
  testing::TempDir dir;
  FakeClock clock;
  DemoParams p = SmallWorld(7);
  p.days = 60;
  clock.Set(p.end_micros - static_cast<Micros>(p.days + 1) * kDay);
  EngineOptions o;
  o.data_dir = dir.path().string();
  o.clock = &clock;
  auto engine = Engine::Open(o).value();
  auto rules = LiveRules::Start(engine.get()).value();
  auto segments = std::make_unique<SegmentService>(rules.get());
  auto community = CommunityService::Start(engine.get(), segments.get()).value();
  auto content = ContentService::Start(engine.get()).value();
  DemoCommunityParams cp;
  cp.start_day = 5;
  cp.group_capacity = 8;
  DemoCommunity world(*engine, *community, *content, p.staff, p.seed, cp);
  ASSERT_TRUE(
      RunDemo(p, *engine, clock, nullptr, [&](int d) { return world.AfterDay(d, p.days); }).ok());
  const DemoCommunityStats& s = world.stats();
  EXPECT_GT(s.routed, 8);
  EXPECT_GT(s.refused, 0);  // fans who never bought
  EXPECT_GT(s.moments, 0);
  EXPECT_EQ(s.violations, 0);
  const GroupCode code = community->GetCode(kDefaultWorkspace, "gcd_club").value();
  EXPECT_GT(code.groups.size(), 1u);  // the rotation opened more
  const std::vector<GroupView> groups = community->Groups(kDefaultWorkspace).value();
  for (const GroupView& g : groups) {
    EXPECT_LE(g.members + g.held, g.group.capacity) << g.group.id;
  }
  const auto spf = content->SearchScripts(kDefaultWorkspace, "防晒", "", "", 10).value();
  ASSERT_FALSE(spf.empty());
  EXPECT_EQ(spf[0].script.id, "scr_spf");
  const std::vector<ContentItem> items = content->Items(kDefaultWorkspace, "").value();
  ASSERT_EQ(items.size(), 120u);
  EXPECT_GT(items[0].views, 0);  // the best item was seen
}

// Customers by acquisition channel and whether they are a staff account's friend now.
std::map<std::string, int64_t> FriendsByChannel(Engine& engine) {
  std::map<std::string, int64_t> out;
  std::string cursor;
  do {
    const CustomerPage page = engine.ListCustomers(kDefaultWorkspace, "", 1000, cursor).value();
    for (const CustomerSummary& c : page.data)
      ++out[c.channel + (c.owner.empty() ? "" : "+friend")];
    cursor = page.next_cursor.value_or("");
  } while (!cursor.empty());
  return out;
}

TEST(DemoWorldTest, WecomCallbacksGiveTheSameCustomersAsSegmentCalls) {
  testing::TempDir plain_dir, wecom_dir;
  FakeClock clock;
  DemoParams p = SmallWorld(5);
  p.customers = 3000;
  p.days = 40;
  Ran plain = RunInto(plain_dir.path(), p, clock);
  p.wecom_callbacks = true;
  p.wecom_record = (wecom_dir.path() / "callbacks.jsonl").string();
  Ran wecom = RunInto(wecom_dir.path(), p, clock);
  EXPECT_EQ(wecom.stats.friends, plain.stats.friends);
  EXPECT_GT(wecom.stats.wecom_callbacks, wecom.stats.friends);  // friends, groups, deletions
  // The friend arrives by external_userid alone; the profile's unionid merges them with their
  // first scan, so the customers and their channels and friendships are the Segment world's.
  EXPECT_EQ(wecom.engine->Stats(kDefaultWorkspace)->customers,
            plain.engine->Stats(kDefaultWorkspace)->customers);
  const auto friends = FriendsByChannel(*wecom.engine);
  EXPECT_EQ(friends, FriendsByChannel(*plain.engine));
  int64_t befriended = 0;
  for (const auto& [key, n] : friends) befriended += key.ends_with("+friend") ? n : 0;
  EXPECT_GT(befriended, 100);
  // Every recorded line opens again with the demo corp's settings, as `pond wecom replay` does.
  std::ifstream record(p.wecom_record);
  std::string line;
  int64_t lines = 0;
  while (std::getline(record, line)) {
    const auto c = wecom::ParseRecordedCallback(line).value();
    ASSERT_TRUE(wecom::OpenCallback(kDemoWecom, c.query, c.body).ok()) << line;
    ++lines;
  }
  EXPECT_EQ(lines, wecom.stats.wecom_callbacks);
}

TEST(DemoWorldTest, RefusesParametersOutOfRange) {
  testing::TempDir dir;
  FakeClock clock;
  EngineOptions o;
  o.data_dir = dir.path().string();
  o.clock = &clock;
  auto engine = Engine::Open(o).value();
  DemoParams p = DefaultDemoParams();
  p.customers = 0;
  EXPECT_EQ(RunDemo(p, *engine, clock).status().field(), "customers");
  p = DefaultDemoParams();
  p.days = 0;
  EXPECT_EQ(RunDemo(p, *engine, clock).status().field(), "days");
  EXPECT_EQ(engine->Stats(kDefaultWorkspace)->events, 0);
}

}  // namespace
}  // namespace pond::sim
