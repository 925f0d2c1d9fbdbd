// bench/fission: a task campaign with 1,000,000 invitations and their qualifying orders, through
// the real engine (SQLite data dir) and FissionService.
//
//   (a) posters  — 10,000 participants get their poster code (one Join each: an event apiece);
//   (b) arrive   — 1,000,000 friends' `invite_accepted` submitted in batches of 10,000: the plain
//                  engine rate the service's figures are compared with;
//   (c) attribute — RunDue decides every arrival: fission_invited events per second;
//   (d) pay      — 1,000,000 ¥9.90 `order_paid` submitted (the engine rate again, with the
//                  observer noting qualifications);
//   (e) qualify  — RunDue writes fission_qualified and the tier rewards: events per second;
//   (f) report   — the campaign report (K-factor, depths, rewards) over the whole forest:
//                  median and worst latency of 20 calls.
// Usage: fission_bench [--invites N] [--participants N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "pond/base/time.h"
#include "pond/fission/fission_service.h"
#include "pond/testing/temp_dir.h"

using namespace pond;
using Steady = std::chrono::steady_clock;

namespace {

double Seconds(Steady::time_point since) {
  return std::chrono::duration<double>(Steady::now() - since).count();
}

int Fail(const Status& s) {
  std::fprintf(stderr, "fission_bench: %s\n", s.ToString().c_str());
  return 1;
}

constexpr char kCampaign[] = R"({
  "id": "cmp_bench", "name": "bench", "kind": "task",
  "start": "2026-03-01T00:00:00+08:00", "end": "2026-04-01T00:00:00+08:00",
  "budget_fen": 10000000000, "stock": 10000000,
  "qualify": {"event": "order_paid", "min_amount_fen": 990},
  "tiers": [{"invites": 3, "reward": {"coupon": "C20", "value_fen": 2000}},
            {"invites": 10, "reward": {"product": "MASK-10", "cost_fen": 800}}]})";

Event Track(std::string message_id, std::string user, std::string name, std::string properties,
            Micros at) {
  Event e;
  e.message_id = std::move(message_id);
  e.user_id = std::move(user);
  e.name = std::move(name);
  e.timestamp = at;
  e.properties = std::move(properties);
  return e;
}

// Submits `n` events made by `make(i)` in batches of 10,000; the events per second.
template <typename Make>
Result<double> SubmitAll(Engine& engine, int64_t n, const Make& make) {
  const auto t0 = Steady::now();
  std::vector<Event> batch;
  for (int64_t i = 0; i < n; ++i) {
    batch.push_back(make(i));
    if (batch.size() == 10'000 || i + 1 == n) {
      RETURN_IF_ERROR(engine.Submit(kDefaultWorkspace, std::move(batch)).status());
      batch.clear();
    }
  }
  return static_cast<double>(n) / Seconds(t0);
}

}  // namespace

int main(int argc, char** argv) {
  int64_t invites = 1'000'000, participants = 10'000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--invites")) invites = std::atoll(argv[i + 1]);
    if (!std::strcmp(argv[i], "--participants")) participants = std::atoll(argv[i + 1]);
  }
  testing::TempDir dir;
  FakeClock clock(ParseIso8601("2026-03-02T10:00:00+08:00").value());
  EngineOptions o;
  o.data_dir = dir.path().string();
  o.clock = &clock;
  auto engine = Engine::Open(o);
  if (!engine.ok()) return Fail(engine.status());
  Engine& e = **engine;
  auto service = FissionService::Start(&e);
  if (!service.ok()) return Fail(service.status());
  FissionService& fission = **service;
  const int zone = e.UtcOffsetOf(kDefaultWorkspace).value();
  if (Status s =
          fission.SaveCampaign(kDefaultWorkspace, ParseCampaign(kCampaign, zone).value()).status();
      !s.ok()) {
    return Fail(s);
  }
  const Micros now = clock.NowMicros();

  // (a) posters
  auto t0 = Steady::now();
  auto people = SubmitAll(e, participants, [&](int64_t i) {
    return Track("p" + std::to_string(i), "p" + std::to_string(i), "signed_up", "{}", now);
  });
  if (!people.ok()) return Fail(people.status());
  std::vector<std::string> codes;
  for (int64_t i = 0; i < participants; ++i) {
    auto poster = fission.Join(kDefaultWorkspace, "cmp_bench", "p" + std::to_string(i));
    if (!poster.ok()) return Fail(poster.status());
    codes.push_back(poster->code);
  }
  std::printf("fission_bench: %lld invitations from %lld participants\n",
              static_cast<long long>(invites), static_cast<long long>(participants));
  std::printf("(a) posters:   %.2f s for %lld (one Join each)\n", Seconds(t0),
              static_cast<long long>(participants));

  // (b) arrive
  auto arrive = SubmitAll(e, invites, [&](int64_t i) {
    return Track("a" + std::to_string(i), "f" + std::to_string(i), "invite_accepted",
                 R"({"campaign_id":"cmp_bench","code":")" + codes[i % participants] + "\"}", now);
  });
  if (!arrive.ok()) return Fail(arrive.status());
  std::printf("(b) arrive:    %.0f events/s (the engine's rate)\n", *arrive);

  // (c) attribute
  t0 = Steady::now();
  auto attributed = fission.RunDue();
  if (!attributed.ok()) return Fail(attributed.status());
  const double attribute_s = Seconds(t0);
  std::printf("(c) attribute: %lld fission_invited in %.2f s: %.0f events/s (%.2fx the engine)\n",
              static_cast<long long>(*attributed), attribute_s, *attributed / attribute_s,
              *attributed / attribute_s / *arrive);

  // (d) pay
  auto pay = SubmitAll(e, invites, [&](int64_t i) {
    Event ev = Track("o" + std::to_string(i), "f" + std::to_string(i), "order_paid",
                     R"({"order_id":"O)" + std::to_string(i) + R"(","amount_fen":990})", now);
    ev.order.emplace();
    ev.order->order_id = "O" + std::to_string(i);
    ev.order->total_fen = 990;
    ev.amount_fen = 990;
    return ev;
  });
  if (!pay.ok()) return Fail(pay.status());
  std::printf("(d) pay:       %.0f events/s (the engine with the observer noting)\n", *pay);

  // (e) qualify and reward
  t0 = Steady::now();
  auto qualified = fission.RunDue();
  if (!qualified.ok()) return Fail(qualified.status());
  const double qualify_s = Seconds(t0);
  std::printf("(e) qualify:   %lld events (qualified, rewards) in %.2f s: %.0f events/s (%.2fx)\n",
              static_cast<long long>(*qualified), qualify_s, *qualified / qualify_s,
              *qualified / qualify_s / *pay);

  // (f) report
  std::vector<double> ms;
  CampaignReport r;
  for (int i = 0; i < 20; ++i) {
    t0 = Steady::now();
    auto report = fission.Report(kDefaultWorkspace, "cmp_bench");
    if (!report.ok()) return Fail(report.status());
    ms.push_back(Seconds(t0) * 1000);
    r = *report;
  }
  std::sort(ms.begin(), ms.end());
  std::printf(
      "(f) report:    median %.1f ms, worst %.1f ms (invites %lld, qualified %lld, "
      "K %.1f, rewards %lld, depth 1: %lld)\n",
      ms[ms.size() / 2], ms.back(), static_cast<long long>(r.invites),
      static_cast<long long>(r.qualified), r.k_factor, static_cast<long long>(r.rewards_granted),
      static_cast<long long>(r.depths.count(1) ? r.depths.at(1) : 0));
  return r.qualified == invites ? 0 : 1;
}
