// bench/journeys: a 5-step journey over 1,000,000 customers for 30 simulated days, through the
// real engine (SQLite data dir, the durability `pond serve` uses) with the outbox channel.
//
//   (a) populate — 1,000,000 `joined_club` events submitted through Engine::Submit in batches
//       of 10,000: the plain engine rate every figure below is compared with;
//   (b) enrol    — a schedule trigger ("every day 10:00 for the segment club") fires: RunDue
//       plans and submits 1,000,000 journey_entered events (target: under 2 s);
//   (c) run      — the clock moves 30 days in 1-hour ticks, RunDue on each tick: the steps
//       performed per second of RunDue (target: ≥ 500,000 steps/s), and the events it wrote
//       per second next to (a).
//
// The journey: wait 1d → send (outbox) → wait 7d → send (outbox) → exit.
// Usage: journeys_bench [--customers N] [--days N]
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "pond/base/time.h"
#include "pond/journey/journey_runtime.h"
#include "pond/journey/journey_store.h"
#include "pond/segment/rule.h"
#include "pond/segment/segment_service.h"
#include "pond/testing/temp_dir.h"

using namespace pond;
using Steady = std::chrono::steady_clock;

namespace {

struct Args {
  int64_t customers = 1'000'000;
  int days = 30;
};

double Seconds(Steady::time_point since) {
  return std::chrono::duration<double>(Steady::now() - since).count();
}

// CPU seconds of every thread of the process: beside the wall time, how busy the 2 cores were.
double CpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

constexpr char kJourney[] = R"({
  "id": "club_care", "name": "会员关怀",
  "trigger": {"schedule": {"at": "10:00", "segment": "club"}},
  "entry": "once",
  "steps": [
    {"id": "settle", "wait": "1d"},
    {"id": "day1", "send": {"channel": "outbox", "template": "club_day1"}},
    {"id": "week", "wait": "7d"},
    {"id": "day8", "send": {"channel": "outbox", "template": "club_day8"}},
    {"id": "done", "exit": true}
  ]})";

int Fail(const Status& s) {
  std::fprintf(stderr, "journeys_bench: %s\n", s.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--customers")) a.customers = std::atoll(argv[i + 1]);
    if (!std::strcmp(argv[i], "--days")) a.days = std::atoi(argv[i + 1]);
  }
  testing::TempDir dir;
  FakeClock clock(ParseIso8601("2026-03-02T09:00:00+08:00").value());
  EngineOptions o;
  o.data_dir = dir.path().string();
  o.clock = &clock;
  auto engine = Engine::Open(o);
  if (!engine.ok()) return Fail(engine.status());
  Engine& e = **engine;

  // (a) populate, through Submit alone.
  std::printf("journeys_bench: %lld customers, %d days\n", static_cast<long long>(a.customers),
              a.days);
  Steady::time_point t0 = Steady::now();
  double cpu0 = CpuSeconds();
  constexpr int64_t kBatch = 10'000;
  for (int64_t at = 0; at < a.customers; at += kBatch) {
    std::vector<Event> batch;
    for (int64_t i = at; i < std::min(a.customers, at + kBatch); ++i) {
      Event ev;
      ev.message_id = "join-" + std::to_string(i);
      ev.user_id = "member-" + std::to_string(i);
      ev.name = "joined_club";
      ev.properties = "{}";
      batch.push_back(std::move(ev));
    }
    auto r = e.Submit(kDefaultWorkspace, std::move(batch));
    if (!r.ok()) return Fail(r.status());
  }
  const double populate_s = Seconds(t0);
  const double submit_rate = static_cast<double>(a.customers) / populate_s;
  std::printf("(a) populate: %.2f s (%.2f s CPU), Engine::Submit %.0f events/s\n", populate_s,
              CpuSeconds() - cpu0, submit_rate);

  auto rules = LiveRules::Start(&e);
  if (!rules.ok()) return Fail(rules.status());
  auto segments = std::make_unique<SegmentService>(rules->get());
  SegmentSpec spec{"club", "members", ParseRule("count(joined_club) >= 1").value()};
  if (auto s = segments->Create(kDefaultWorkspace, std::move(spec)); !s.ok()) {
    return Fail(s.status());
  }
  if (Status s = (*rules)->Flush(); !s.ok()) return Fail(s);
  auto runtime = JourneyRuntime::Start(&e, segments.get());
  if (!runtime.ok()) return Fail(runtime.status());
  JourneyStore store(&e);
  if (auto j = store.Create(kDefaultWorkspace, kJourney); !j.ok()) return Fail(j.status());
  if (auto j = store.SetStatus(kDefaultWorkspace, "club_care", JourneyStatus::kActive); !j.ok()) {
    return Fail(j.status());
  }
  if (Status s = (*runtime)->Reload(kDefaultWorkspace); !s.ok()) return Fail(s);
  auto events_now = [&] { return e.Stats(kDefaultWorkspace).value().events; };

  // (b) enrol at 10:00.
  clock.Set(ParseIso8601("2026-03-02T10:00:00+08:00").value());
  int64_t before = events_now();
  t0 = Steady::now();
  cpu0 = CpuSeconds();
  auto enrolled = (*runtime)->RunDue();
  if (!enrolled.ok()) return Fail(enrolled.status());
  const double enrol_s = Seconds(t0);
  const double enrol_cpu = CpuSeconds() - cpu0;
  const int64_t entered = (*runtime)->Stats(kDefaultWorkspace, "club_care")->entered;
  std::printf(
      "(b) enrol: %lld entered in %.2f s (%.2f s CPU; %.0f entries/s, %.2fx Submit's rate) %s\n",
      static_cast<long long>(entered), enrol_s, enrol_cpu, static_cast<double>(entered) / enrol_s,
      static_cast<double>(entered) / enrol_s / submit_rate,
      enrol_s < 2.0 ? "[target < 2 s: met]" : "[target < 2 s: NOT met]");
  before = events_now();
  // (c) 30 days in 1-hour ticks.
  int64_t steps = 0;
  double run_s = 0;
  double run_cpu = 0;
  for (int hour = 1; hour <= a.days * 24; ++hour) {
    clock.Advance(kMicrosPerHour);
    t0 = Steady::now();
    cpu0 = CpuSeconds();
    auto n = (*runtime)->RunDue();
    run_s += Seconds(t0);
    run_cpu += CpuSeconds() - cpu0;
    if (!n.ok()) return Fail(n.status());
    steps += *n;
  }
  const int64_t written = events_now() - before;
  auto stats = (*runtime)->Stats(kDefaultWorkspace, "club_care").value();
  const double step_rate = static_cast<double>(steps) / run_s;
  std::printf("(c) run: %lld steps, %lld events in %.2f s (%.2f s CPU) of RunDue over %d ticks\n",
              static_cast<long long>(steps), static_cast<long long>(written), run_s, run_cpu,
              a.days * 24);
  std::printf("    %.0f steps/s %s; %.0f events/s = %.2fx Submit's rate\n", step_rate,
              step_rate >= 500'000 ? "[target ≥ 500,000: met]" : "[target ≥ 500,000: NOT met]",
              static_cast<double>(written) / run_s,
              static_cast<double>(written) / run_s / submit_rate);
  std::printf(
      "    sent %lld, suppressed %lld, exited %lld, live %lld\n",
      static_cast<long long>(stats.messages),
      static_cast<long long>(stats.suppressed.empty() ? 0 : stats.suppressed.begin()->second),
      static_cast<long long>(stats.exited), static_cast<long long>(stats.live));
  const bool complete = stats.exited == entered && stats.messages == 2 * entered;
  std::printf("    every instance sent twice and exited: %s\n", complete ? "yes" : "NO");
  return complete ? 0 : 1;
}
