// bench/reports: how fast each report answers over a brand's whole history, and the same funnel
// and cohort triangle in SQLite over the same data in the same run.
//
// The world of bench/segments (default 1,000,000 customers and 20,000,000 events over a year,
// bench_world.h) is submitted through Engine::Submit. Then each report is computed on the live
// state, median of --runs: the channel funnel (all time and by month), an event funnel
// (moment_viewed → message_received → order_paid within 7 days), one with a where-filter (read
// from the store), monthly and weekly cohorts, the value report, predicted LTV (both models
// fitted), channel ROI, RFM. The funnel and the monthly triangle are then asked of SQLite, over a
// table of the same events (customer, name, time; indexed for the queries), median of 3; their
// answers must equal pond's or the program fails. Targets (issue #9): every report under 500 ms;
// pond at least 20× faster than the SQL.
//
// Usage: reports_bench [--customers N] [--events N] [--runs N]
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "bench_world.h"
#include "pond/analytics/channel_funnel.h"
#include "pond/analytics/channel_roi.h"
#include "pond/analytics/cohorts.h"
#include "pond/analytics/funnel.h"
#include "pond/analytics/ltv_report.h"
#include "pond/analytics/touchpoint_grid.h"
#include "pond/analytics/value_report.h"
#include "pond/base/time.h"
#include "pond/engine/event_origin.h"
#include "pond/segment/rfm.h"
#include "pond/segment/segment_service.h"
#include "pond/testing/temp_dir.h"

using namespace pond;
using Steady = std::chrono::steady_clock;

namespace {

constexpr int kZone = 8 * 3600;  // the world's brand is in Shanghai
constexpr int64_t kWindowDays = 7;
const std::vector<std::string> kSteps = {"moment_viewed", "message_received", "order_paid"};

struct Args {
  int64_t customers = 1'000'000;
  int64_t events = 20'000'000;
  int runs = 5;
};

double Millis(Steady::time_point since) {
  return std::chrono::duration<double, std::milli>(Steady::now() - since).count();
}

double MedianOf(int runs, const std::function<void()>& fn) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = Steady::now();
    fn();
    ms.push_back(Millis(t0));
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

void Exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::fprintf(stderr, "sqlite: %s\n", err);
    std::exit(1);
  }
}

// Rows of a query as integers.
std::vector<std::vector<int64_t>> Rows(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* q = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &q, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(db));
    std::exit(1);
  }
  std::vector<std::vector<int64_t>> out;
  while (sqlite3_step(q) == SQLITE_ROW) {
    out.emplace_back();
    for (int c = 0; c < sqlite3_column_count(q); ++c)
      out.back().push_back(sqlite3_column_int64(q, c));
  }
  sqlite3_finalize(q);
  return out;
}

// The live customers' events as (customer, name, own, ts), inserted in pond's log order so that
// rowid breaks ties of time the way pond does; `own` is whether the customer did it themselves.
void BuildSqlite(sqlite3* db, Engine& engine) {
  Exec(db,
       "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-2000000;"
       "CREATE TABLE events (customer INTEGER, name TEXT, own INTEGER, ts INTEGER);"
       "BEGIN");
  sqlite3_stmt* ins = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO events VALUES (?,?,?,?)", -1, &ins, nullptr);
  (void)engine.ReadState(kDefaultWorkspace, [&](const TenantState& s) {
    struct Row {
      uint32_t customer = kNoIndex, name = 0;
      Micros ts = 0;
    };
    std::vector<Row> by_event(s.events().size());
    for (uint32_t c : s.live()) {
      for (const HistoryEntry& h : s.customers().history[c])
        by_event[h.event] = {c, h.name, h.timestamp};
    }
    for (const Row& r : by_event) {
      if (r.customer == kNoIndex) continue;
      const std::string& name = s.EventName(r.name);
      sqlite3_bind_int64(ins, 1, r.customer);
      sqlite3_bind_text(ins, 2, name.c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_int(ins, 3, IsPondWrittenEvent(name) ? 0 : 1);
      sqlite3_bind_int64(ins, 4, r.ts);
      sqlite3_step(ins);
      sqlite3_reset(ins);
    }
  });
  sqlite3_finalize(ins);
  Exec(db, "COMMIT");
  Exec(db, "CREATE INDEX events_by_customer ON events (customer, name, ts)");
}

// Customers reaching each step: rows e0 … ek of one customer with the steps' names, each after
// the one before (time, then log order), ek within the window of e0.
std::vector<int64_t> SqlFunnel(sqlite3* db) {
  std::vector<int64_t> reached;
  const std::string window = std::to_string(kWindowDays * bench::kDay);
  for (size_t k = 0; k < kSteps.size(); ++k) {
    std::string from = "events e0", cond = "e0.name = '" + kSteps[0] + "'";
    for (size_t i = 1; i <= k; ++i) {
      const std::string e = "e" + std::to_string(i), prev = "e" + std::to_string(i - 1);
      from += ", events " + e;
      cond += " AND " + e + ".customer = e0.customer AND " + e + ".name = '" + kSteps[i] +
              "' AND (" + e + ".ts > " + prev + ".ts OR (" + e + ".ts = " + prev + ".ts AND " + e +
              ".rowid > " + prev + ".rowid))";
    }
    cond += " AND e" + std::to_string(k) + ".ts - e0.ts <= " + window;
    reached.push_back(
        Rows(db, "SELECT COUNT(DISTINCT e0.customer) FROM " + from + " WHERE " + cond)[0][0]);
  }
  return reached;
}

// The monthly triangle of active customers: (cohort month, offset, customers), months as
// year × 12 + month in the brand's zone.
std::vector<std::vector<int64_t>> SqlCohorts(sqlite3* db) {
  const std::string month = [](const char* ts) {
    const std::string local = std::string("(") + ts + " / 1000000 + " + std::to_string(kZone) + ")";
    return "(CAST(strftime('%Y', " + local +
           ", 'unixepoch') AS INTEGER) * 12 + "
           "CAST(strftime('%m', " +
           local + ", 'unixepoch') AS INTEGER) - 1)";
  }("ts");
  return Rows(db,
              "WITH firsts AS (SELECT customer, MIN(ts) AS ts FROM events GROUP BY customer), "
              "cohorts AS (SELECT customer, " +
                  month +
                  " AS cohort FROM firsts), "
                  "active AS (SELECT DISTINCT customer, " +
                  month +
                  " AS at FROM events WHERE own) "
                  "SELECT c.cohort, a.at - c.cohort, COUNT(*) FROM active a JOIN cohorts c USING "
                  "(customer) WHERE a.at >= c.cohort GROUP BY c.cohort, a.at - c.cohort "
                  "ORDER BY 1, 2");
}

void Line(const char* what, double ms) {
  std::printf("  %-58s %9.1f ms%s\n", what, ms, ms < 500 ? "" : "   (over the 500 ms target)");
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // each line as it is measured, even into a file
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--customers"))
      a.customers = std::atoll(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--events"))
      a.events = std::atoll(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--runs"))
      a.runs = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "usage: reports_bench [--customers N] [--events N] [--runs N]\n");
      return 2;
    }
  }
  testing::TempDir dir;
  EngineOptions o;
  o.data_dir = dir.File("data");
  auto engine = Engine::Open(o).value();
  const Micros now = ParseIso8601("2025-01-01T00:00:00+08:00").value();
  bench::World world(a.customers, now);
  auto t0 = Steady::now();
  bench::Ingest(*engine, world, 0, a.events);
  std::printf("world: %lld customers, %lld events ingested in %.1f s\n",
              static_cast<long long>(a.customers), static_cast<long long>(a.events),
              Millis(t0) / 1000);

  // pond, on the live state.
  std::printf("pond reports, median of %d:\n", a.runs);
  auto on_state = [&](const std::function<void(const TenantState&)>& fn) {
    return [&engine, fn] { (void)engine->ReadState(kDefaultWorkspace, fn); };
  };
  analytics::FunnelReport funnel;
  analytics::CohortTriangle triangle;
  analytics::LtvReport ltv;
  Line("channel funnel, all time", MedianOf(a.runs, on_state([&](const TenantState& s) {
                                              (void)analytics::ComputeChannelFunnel(s, std::nullopt,
                                                                                    kZone);
                                            })));
  Line("channel funnel by month", MedianOf(a.runs, on_state([&](const TenantState& s) {
                                             (void)analytics::ComputeChannelFunnel(
                                                 s, analytics::Period::kMonth, kZone);
                                           })));
  analytics::FunnelRequest request;
  request.steps = kSteps;
  request.window = kWindowDays * bench::kDay;
  const double funnel_ms = MedianOf(
      a.runs, [&] { funnel = analytics::RunFunnel(*engine, kDefaultWorkspace, request).value(); });
  Line("event funnel moment_viewed → message_received → order_paid", funnel_ms);
  analytics::FunnelRequest filtered = request;
  filtered.steps[1] = R"(message_received where property.keyword == "price")";
  Line("  the same, message_received where keyword == price (store)",
       MedianOf(1, [&] { (void)analytics::RunFunnel(*engine, kDefaultWorkspace, filtered); }));
  // As `pond serve` runs it: the filter's events are read once, then kept current.
  t0 = Steady::now();
  auto rules = LiveRules::Start(engine.get()).value();
  auto segments = std::make_unique<SegmentService>(rules.get());
  std::printf("  (segment service started in %.1f s)\n", Millis(t0) / 1000);
  Line("  the same, first ask to the segment service (store, then kept)", MedianOf(1, [&] {
         (void)analytics::RunFunnel(*engine, kDefaultWorkspace, filtered, segments.get());
       }));
  Line("  the same, asked again (kept filter)", MedianOf(a.runs, [&] {
         (void)analytics::RunFunnel(*engine, kDefaultWorkspace, filtered, segments.get());
       }));
  segments.reset();
  const double cohorts_ms =
      MedianOf(a.runs, on_state([&](const TenantState& s) {
                 triangle = analytics::ComputeCohorts(s, analytics::Period::kMonth, now, kZone);
               }));
  Line("cohorts by month", cohorts_ms);
  Line("cohorts by week", MedianOf(a.runs, on_state([&](const TenantState& s) {
                                     (void)analytics::ComputeCohorts(s, analytics::Period::kWeek,
                                                                     now, kZone);
                                   })));
  Line("value (repurchase, AOV, intervals, LTV by channel)",
       MedianOf(a.runs, on_state([&](const TenantState& s) { (void)analytics::ComputeValue(s); })));
  Line("predicted LTV (BG/NBD and Gamma-Gamma fitted)",
       MedianOf(a.runs, on_state([&](const TenantState& s) {
                  ltv = analytics::ComputeLtv(s, now, kZone, 365);
                })));
  std::printf("    %lld buyers; BG/NBD r=%.3f alpha=%.1f a=%.3f b=%.3f, %d evaluations%s\n",
              static_cast<long long>(ltv.buyers), ltv.purchases.r, ltv.purchases.alpha,
              ltv.purchases.a, ltv.purchases.b, ltv.purchases.evaluations,
              ltv.predicted ? "" : (" — " + ltv.why).c_str());
  std::vector<Channel> channels;
  for (const char* code : {"card-tb", "xhs-note", "dy-video", "store-qr", "ads-feed"}) {
    channels.push_back({std::string("chn_") + code, code, code, ChannelKind::kOther, 0});
  }
  const std::map<std::string, int64_t> spend = {{"chn_card-tb", 5'000'000},
                                                {"chn_ads-feed", 9'000'000}};
  Line("channel ROI (5 channels, 60% margin)", MedianOf(a.runs, on_state([&](const TenantState& s) {
                                                          (void)analytics::ComputeChannelRoi(
                                                              s, channels, spend, 6'000);
                                                        })));
  Line("RFM cells",
       MedianOf(a.runs, on_state([&](const TenantState& s) { (void)ComputeRfm(s, now); })));
  Line("touchpoint x stage grid, all time", MedianOf(a.runs, on_state([&](const TenantState& s) {
                                                       (void)analytics::ComputeTouchpointGrid(
                                                           s, INT64_MIN, INT64_MAX);
                                                     })));

  // The same funnel and triangle in SQLite.
  sqlite3* db = nullptr;
  sqlite3_open(dir.File("relational.db").c_str(), &db);
  t0 = Steady::now();
  BuildSqlite(db, *engine);
  std::printf("SQLite table and index built in %.1f s\n", Millis(t0) / 1000);
  std::vector<int64_t> sql_funnel;
  const double sql_funnel_ms = MedianOf(3, [&] { sql_funnel = SqlFunnel(db); });
  std::vector<std::vector<int64_t>> sql_cells;
  const double sql_cohorts_ms = MedianOf(3, [&] { sql_cells = SqlCohorts(db); });
  sqlite3_close(db);

  bool same = sql_funnel == funnel.total.reached;
  size_t cells = 0;
  for (const auto& row : sql_cells) {
    const int64_t label = row[0];
    auto it = std::find_if(triangle.rows.begin(), triangle.rows.end(), [&](const auto& r) {
      return r.cohort == analytics::PeriodLabel(analytics::Period::kMonth, label);
    });
    same &= it != triangle.rows.end() && static_cast<size_t>(row[1]) < it->active.size() &&
            it->active[static_cast<size_t>(row[1])] == row[2];
    ++cells;
  }
  size_t pond_cells = 0;
  for (const auto& r : triangle.rows) {
    for (int64_t n : r.active) pond_cells += n > 0;
  }
  same &= cells == pond_cells;
  std::printf("SQLite, median of 3 (same answers as pond: %s):\n", same ? "yes" : "NO");
  std::printf("  %-58s %9.1f ms   pond is %.0fx faster\n", "event funnel", sql_funnel_ms,
              sql_funnel_ms / funnel_ms);
  std::printf("  %-58s %9.1f ms   pond is %.0fx faster\n", "cohorts by month", sql_cohorts_ms,
              sql_cohorts_ms / cohorts_ms);
  std::printf("  funnel reached: pond");
  for (int64_t n : funnel.total.reached) std::printf(" %lld", static_cast<long long>(n));
  std::printf("; %zu triangle cells\n", cells);
  return same ? 0 : 1;
}
