// bench/segments: how fast rules answer over a brand's whole history, side by side with SQLite.
//
// A generated world (default 1,000,000 customers and 20,000,000 events over a year: messages,
// Moments, pages, orders, friends, scans, tags, traits) is submitted through Engine::Submit into
// a real data dir. Then, in the same run:
//   (a) preview — SegmentService::Preview of a 5-condition rule (tag AND trait range AND
//       count-in-window AND sum-in-window AND NOT stage), median of 15 runs;
//   (b) upkeep  — 50 saved segments live while the last events are ingested: the time the
//       segment service spends per applied event (its own clock around OnApplied);
//   (c) SQLite  — the same rule as one SQL query over the same data in relational tables built
//       for it (indexes on tags, traits and events; the stage precomputed as a column, which
//       favours SQLite), median of 3 runs, and the ratio (c)/(a).
//
// Usage: segments_bench [--customers N] [--events N] [--segments N] [--upkeep-events N]
//                       [--preview-runs N]
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench_world.h"
#include "pond/base/time.h"
#include "pond/engine/tenant_state.h"
#include "pond/segment/score_service.h"
#include "pond/segment/segment_service.h"
#include "pond/testing/temp_dir.h"

using namespace pond;
using Steady = std::chrono::steady_clock;

namespace {

using bench::Ingest;
using bench::kDay;
using bench::World;

struct Args {
  int64_t customers = 1'000'000;
  int64_t events = 20'000'000;
  int segments = 50;
  int64_t upkeep_events = 1'000'000;
  int preview_runs = 15;
};

double Millis(Steady::time_point since) {
  return std::chrono::duration<double, std::milli>(Steady::now() - since).count();
}

const char kRule[] =
    R"(has_tag("skin:oily") and trait.age between 25 and 35 and count(order_paid, 90d) >= 1 )"
    R"(and sum(order_paid.amount, 365d) >= 300 and not stage == "dormant")";

// 50 live segments of the kinds operators keep.
std::vector<std::string> OperatorRules(int n) {
  const char* shapes[] = {
      R"(has_tag("skin:oily") and count(order_paid, 90d) >= 1)",
      R"(trait.city == "上海" and sum(order_paid.amount, 365d) >= 500)",
      "count(order_paid) >= 2 and last(order_paid) older_than 30d",
      R"(count(message_received where property.keyword == "price", 14d) >= 1)",
      "last(message_received) within 7d and count(order_paid) == 0",
      R"(stage == "engaged")",
      R"(has_tag("intent:strong") and not has_tag("price:low"))",
      "trait.age < 25 and count(moment_liked, 30d) >= 2",
      "first(friend_added) within 30d",
      R"(not stage in ["lost", "dormant"] and count(order_paid, 180d) >= 3)",
  };
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    std::string r = shapes[i % std::size(shapes)];
    // Vary the thresholds so the segments are distinct.
    if (i >= static_cast<int>(std::size(shapes)))
      r += " and trait.age >= " + std::to_string(18 + i % 20);
    out.push_back(r);
  }
  return out;
}

// --- (c): the same data as relational tables in SQLite ----------------------------------
void Exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::fprintf(stderr, "sqlite: %s\n", err);
    std::exit(1);
  }
}

// Customers (traits and the stage pond computed), tags, and events (name, time, amount), with
// the indexes the query needs.
void BuildSqlite(sqlite3* db, Engine& engine, ScoreService& scores) {
  Exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-1000000;");
  Exec(db,
       "CREATE TABLE customers (id INTEGER PRIMARY KEY, age INTEGER, city TEXT, stage TEXT);"
       "CREATE TABLE tags (customer INTEGER, tag TEXT, PRIMARY KEY (tag, customer)) WITHOUT ROWID;"
       "CREATE TABLE events (customer INTEGER, name TEXT, ts INTEGER, amount_fen INTEGER);");
  Exec(db, "BEGIN");
  sqlite3_stmt* ins_c;
  sqlite3_stmt* ins_t;
  sqlite3_stmt* ins_e;
  sqlite3_prepare_v2(db, "INSERT INTO customers VALUES (?,?,?,?)", -1, &ins_c, nullptr);
  sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO tags VALUES (?,?)", -1, &ins_t, nullptr);
  sqlite3_prepare_v2(db, "INSERT INTO events VALUES (?,?,?,?)", -1, &ins_e, nullptr);
  // Stages and dense ids from pond, so both sides hold exactly the same facts.
  std::vector<std::string> stage_of;
  auto stages = scores.Stages(kDefaultWorkspace).value();
  for (const auto& s : stages) {
    Roaring members = scores.StageBitmap(kDefaultWorkspace, s.stage).value();
    for (uint32_t c : members) {
      if (stage_of.size() <= c) stage_of.resize(c + 1);
      stage_of[c] = s.stage;
    }
  }
  (void)engine.ReadState(kDefaultWorkspace, [&](const TenantState& state) {
    const CustomerColumns& cs = state.customers();
    for (uint32_t c = 0; c < cs.size(); ++c) {
      if (cs.merged_into[c] != kNoIndex) continue;
      std::string age(cs.traits[c].Get("age"));
      std::string city = cs.traits[c].GetString("city");
      sqlite3_bind_int64(ins_c, 1, c);
      sqlite3_bind_int64(ins_c, 2, std::atoll(age.c_str()));
      sqlite3_bind_text(ins_c, 3, city.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(ins_c, 4, c < stage_of.size() ? stage_of[c].c_str() : "none", -1,
                        SQLITE_TRANSIENT);
      sqlite3_step(ins_c);
      sqlite3_reset(ins_c);
      for (const std::string& tag : state.TagsOf(c)) {
        sqlite3_bind_int64(ins_t, 1, c);
        sqlite3_bind_text(ins_t, 2, tag.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_step(ins_t);
        sqlite3_reset(ins_t);
      }
    }
    const EventColumns& e = state.events();
    for (uint32_t n = 0; n < state.event_names().size(); ++n) {
      const std::string& name = state.EventName(n);
      for (const Posting& p : state.EventsNamed(n)) {
        // Only what counted: a repeated order id is not another order on either side.
        if (name == "order_paid" && e.money[p.event] == 0) continue;
        sqlite3_bind_int64(ins_e, 1, p.customer);
        sqlite3_bind_text(ins_e, 2, name.c_str(), -1, SQLITE_STATIC);
        sqlite3_bind_int64(ins_e, 3, p.timestamp);
        sqlite3_bind_int64(ins_e, 4, e.amount_fen[p.event]);
        sqlite3_step(ins_e);
        sqlite3_reset(ins_e);
      }
    }
  });
  sqlite3_finalize(ins_c);
  sqlite3_finalize(ins_t);
  sqlite3_finalize(ins_e);
  Exec(db, "COMMIT");
  Exec(db,
       "CREATE INDEX events_by_name ON events (name, customer, ts, amount_fen);"
       "CREATE INDEX customers_by_age ON customers (age); ANALYZE;");
}

int64_t SqlCount(sqlite3* db, Micros now) {
  const char* sql =
      "SELECT COUNT(*) FROM customers c JOIN tags t ON t.customer = c.id AND t.tag = 'skin:oily' "
      "WHERE c.age BETWEEN 25 AND 35 AND c.stage != 'dormant' "
      "AND (SELECT COUNT(*) FROM events e WHERE e.name = 'order_paid' AND e.customer = c.id "
      "     AND e.ts >= ?1) >= 1 "
      "AND (SELECT COALESCE(SUM(amount_fen), 0) FROM events e WHERE e.name = 'order_paid' "
      "     AND e.customer = c.id AND e.ts >= ?2) >= 30000";
  sqlite3_stmt* q;
  sqlite3_prepare_v2(db, sql, -1, &q, nullptr);
  sqlite3_bind_int64(q, 1, now - 90 * kDay);
  sqlite3_bind_int64(q, 2, now - 365 * kDay);
  int64_t n = -1;
  if (sqlite3_step(q) == SQLITE_ROW) n = sqlite3_column_int64(q, 0);
  sqlite3_finalize(q);
  return n;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    int64_t v = std::atoll(argv[i + 1]);
    if (k == "--customers")
      a.customers = v;
    else if (k == "--events")
      a.events = v;
    else if (k == "--segments")
      a.segments = static_cast<int>(v);
    else if (k == "--upkeep-events")
      a.upkeep_events = v;
    else if (k == "--preview-runs")
      a.preview_runs = static_cast<int>(std::max<int64_t>(1, v));
    else {
      std::fprintf(stderr,
                   "usage: segments_bench [--customers N] [--events N] [--segments N] "
                   "[--upkeep-events N] [--preview-runs N]\n");
      return 2;
    }
  }
  a.upkeep_events = std::min(a.upkeep_events, a.events - a.customers);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress shows as it happens, even in a pipe
  testing::TempDir dir;
  FakeClock clock(ParseIso8601("2025-01-01T00:00:00+08:00").value());
  EngineOptions o;
  o.data_dir = dir.File("pond");
  o.clock = &clock;
  auto engine = Engine::Open(o).value();
  auto rules = LiveRules::Start(engine.get()).value();
  auto segments = std::make_unique<SegmentService>(rules.get());
  ScoreService scores(rules.get());
  World world(a.customers, clock.NowMicros());

  std::printf("world: %lld customers, %lld events (%lld with %d live segments)\n",
              static_cast<long long>(a.customers), static_cast<long long>(a.events),
              static_cast<long long>(a.upkeep_events), a.segments);
  auto t0 = Steady::now();
  const int64_t bulk = a.events - a.upkeep_events;
  Ingest(*engine, world, 0, bulk);
  double bulk_ms = Millis(t0);
  auto before = rules->Upkeep();
  std::printf("ingest without saved segments: %.1f s (%.0f events/s; stages kept: %.2f us/event)\n",
              bulk_ms / 1000, static_cast<double>(bulk) / bulk_ms * 1000,
              static_cast<double>(before.nanos) / 1000.0 / static_cast<double>(before.events));

  // (b) 50 live segments, then the last events.
  t0 = Steady::now();
  std::vector<std::string> saved_rules = OperatorRules(a.segments);
  for (size_t i = 0; i < saved_rules.size(); ++i) {
    SegmentSpec spec;
    spec.name = "live " + std::to_string(i);
    spec.rule = ParseRule(saved_rules[i]).value();
    auto made = segments->Create(kDefaultWorkspace, std::move(spec));
    if (!made.ok()) {
      std::fprintf(stderr, "%s: %s\n", saved_rules[i].c_str(), made.status().ToString().c_str());
      return 1;
    }
  }
  std::printf("saving %d segments (full evaluation and timers each): %.1f s\n", a.segments,
              Millis(t0) / 1000);
  t0 = Steady::now();
  Ingest(*engine, world, bulk, a.events);
  double upkeep_ms = Millis(t0);
  auto after = rules->Upkeep();
  const double per_event = static_cast<double>(after.nanos - before.nanos) / 1000.0 /
                           static_cast<double>(after.events - before.events);
  std::printf(
      "(b) upkeep with %d live segments + stages: %.2f us/event over %lld events "
      "(ingest %.0f events/s; without segments %.0f events/s)\n",
      a.segments, per_event, static_cast<long long>(after.events - before.events),
      static_cast<double>(a.upkeep_events) / upkeep_ms * 1000,
      static_cast<double>(bulk) / bulk_ms * 1000);
  (void)rules->Flush();
  clock.Advance(kDay);  // timers: a day passes
  t0 = Steady::now();
  rules->Tick();
  std::printf("a day of timers: %.1f ms\n", Millis(t0));

  // (a) preview.
  auto rule = ParseRule(kRule).value();
  std::vector<double> runs;
  int64_t count = 0;
  for (int i = 0; i < a.preview_runs; ++i) {
    auto p = segments->Preview(kDefaultWorkspace, *rule, 20).value();
    runs.push_back(static_cast<double>(p.took_micros) / 1000.0);
    count = p.count;
  }
  const double preview_ms = Median(runs);
  std::printf("(a) preview of %s\n    %lld customers, median %.1f ms (min %.1f, max %.1f)\n", kRule,
              static_cast<long long>(count), preview_ms,
              *std::min_element(runs.begin(), runs.end()),
              *std::max_element(runs.begin(), runs.end()));

  // (c) SQLite.
  sqlite3* db;
  sqlite3_open(dir.File("relational.db").c_str(), &db);
  t0 = Steady::now();
  BuildSqlite(db, *engine, scores);
  std::printf("SQLite tables and indexes built in %.1f s\n", Millis(t0) / 1000);
  std::vector<double> sql_runs;
  int64_t sql_count = 0;
  for (int i = 0; i < 3; ++i) {
    t0 = Steady::now();
    sql_count = SqlCount(db, clock.NowMicros());
    sql_runs.push_back(Millis(t0));
  }
  sqlite3_close(db);
  const double sql_ms = Median(sql_runs);
  std::printf("(c) SQLite, same rule as SQL: %lld customers, median %.1f ms\n",
              static_cast<long long>(sql_count), sql_ms);
  std::printf("    pond preview is %.1fx faster than SQLite%s\n", sql_ms / preview_ms,
              sql_count == count ? "" : "  (COUNTS DIFFER)");
  return sql_count == count ? 0 : 1;
}
