// bench/wecom_sync: `pond wecom sync` of the WeCom test corp (pond/testing/wecom_test_corp.h:
// 20 staff, 20,000 customers, 200 groups by default) through the real HTTP client into a real
// engine (SQLite data dir), against the same events submitted straight to another engine.
//
//   (a) direct — per (customer, staff) an identify and a friend_added, built from the corp's own
//                data and submitted 200 at a time (a page's worth): the engine's rate, the
//                comparison;
//   (b) sync   — the whole sync: staff, customer pages (HTTP, JSON, events), groups and their
//                members: customers per second, and the ratio of (a)'s seconds for the same
//                friendships;
//   (c) again  — a second sync, which stores nothing: what reading the corp alone costs.
// Usage: wecom_sync_bench [--customers N] [--staff N] [--groups N]
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "pond/channels/wecom/wecom_sync.h"
#include "pond/model/event_names.h"
#include "pond/testing/temp_dir.h"
#include "pond/testing/wecom_test_corp.h"

using namespace pond;
using Steady = std::chrono::steady_clock;

namespace {

double Seconds(Steady::time_point since) {
  return std::chrono::duration<double>(Steady::now() - since).count();
}

int Fail(const Status& s) {
  std::fprintf(stderr, "wecom_sync_bench: %s\n", s.ToString().c_str());
  return 1;
}

Result<std::unique_ptr<Engine>> OpenEngine(const testing::TempDir& dir, Clock* clock) {
  EngineOptions o;
  o.data_dir = dir.path().string();
  o.clock = clock;
  return Engine::Open(o);
}

// (a): the events a sync makes for the friendships, without WeCom in between.
Result<double> Direct(const testing::WecomTestCorp& corp, Clock* clock) {
  testing::TempDir dir;
  ASSIGN_OR_RETURN(std::unique_ptr<Engine> engine, OpenEngine(dir, clock));
  std::vector<Event> batch;
  const auto started = Steady::now();
  for (const testing::CorpCustomer& c : corp.customers()) {
    for (const testing::CorpFollow& f : c.follows) {
      Event id;
      id.type = EventType::kIdentify;
      id.message_id = "direct:id:" + c.external_userid + ":" + f.userid;
      id.identities = {{IdentityKind::kExternalUserId, c.external_userid}};
      if (!c.unionid.empty()) id.identities.push_back({IdentityKind::kUnionId, c.unionid});
      id.traits = R"({"name":")" + c.name + R"("})";
      id.timestamp = f.createtime * kMicrosPerSecond;
      Event friended;
      friended.name = kFriendAdded;
      friended.message_id = "direct:friend:" + c.external_userid + ":" + f.userid;
      friended.identities = {{IdentityKind::kExternalUserId, c.external_userid}};
      friended.properties = R"({"staff_id":")" + f.userid + R"(","state":")" + f.state + R"("})";
      friended.timestamp = id.timestamp;
      batch.push_back(std::move(id));
      batch.push_back(std::move(friended));
      if (batch.size() == 200) {
        RETURN_IF_ERROR(engine->Submit(kDefaultWorkspace, std::move(batch)).status());
        batch.clear();
      }
    }
  }
  if (!batch.empty()) RETURN_IF_ERROR(engine->Submit(kDefaultWorkspace, std::move(batch)).status());
  return Seconds(started);
}

}  // namespace

int main(int argc, char** argv) {
  testing::CorpShape shape;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--customers")) shape.customers = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--staff")) shape.staff = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--groups")) shape.groups = std::atoi(argv[i + 1]);
  }
  FakeClock clock(1'790'000'000LL * kMicrosPerSecond);
  testing::WecomTestCorp corp(shape);
  std::printf("wecom_sync_bench: a corp of %d staff, %d customers (%lld friendships), %d groups\n",
              shape.staff, shape.customers, static_cast<long long>(corp.follow_pairs()),
              shape.groups);

  Result<double> direct = Direct(corp, &clock);
  if (!direct.ok()) return Fail(direct.status());
  std::printf("(a) direct:  %.2f s, %.0f friendships/s (the same events straight to the engine)\n",
              *direct, static_cast<double>(corp.follow_pairs()) / *direct);

  testing::TempDir dir;
  auto engine = OpenEngine(dir, &clock);
  if (!engine.ok()) return Fail(engine.status());
  outbound::WecomApiSettings settings;
  settings.base_url = corp.url();
  settings.corp_id = shape.corp_id;
  settings.secret = shape.secret;
  outbound::WecomApi api(settings, &clock);
  for (const char* run : {"(b) sync", "(c) again"}) {
    const auto started = Steady::now();
    double customers_done = 0;  // seconds until the customer pages were done
    wecom::SyncOptions o;
    o.on_progress = [&](const wecom::SyncProgress& p) {
      if (p.phase == "groups" && customers_done == 0) customers_done = Seconds(started);
      return true;
    };
    Result<wecom::SyncProgress> r =
        wecom::SyncCorp(**engine, api, kDefaultWorkspace, shape.corp_id, o);
    if (!r.ok()) return Fail(r.status());
    const double s = Seconds(started);
    std::printf(
        "%s: %.2f s in all, %lld calls, %lld events stored\n"
        "    customers: %.2f s, %.0f customers/s, %.0f friendships/s, %.2f× the direct seconds\n"
        "    groups:    %.2f s, %lld groups, %lld memberships\n",
        run, s, static_cast<long long>(r->calls), static_cast<long long>(r->events_stored),
        customers_done, shape.customers / customers_done,
        static_cast<double>(r->contacts) / customers_done, customers_done / *direct,
        s - customers_done, static_cast<long long>(r->groups),
        static_cast<long long>(r->group_members));
  }
  return 0;
}
