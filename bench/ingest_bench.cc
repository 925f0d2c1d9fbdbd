// bench/ingest: how fast events get in, durably.
//
//   1. raw SQLite   — the same event rows inserted with a prepared statement, 1,000 per
//                     transaction, WAL + synchronous=NORMAL: the floor any SQLite design pays;
//                     and again with a UNIQUE index on the (UUID) messageIds, the naive way to
//                     dedupe, which pond does not use.
//   2. Engine       — Engine::Submit of pre-parsed Segment-style batches (dedupe, identity
//                     resolution, durable commit, in-memory apply).
//   3. parse+Engine — the same from Segment JSON batch bodies (simdjson parse included).
//   4. HTTP         — POST /v1/batch over loopback with keep-alive connections to the real
//                     server in this process.
//   5. restart      — reopening the data dir with and without snapshot.bin.
// Figures are printed as events/s and as ratios to the raw SQLite run of the same process.
//
// Usage: ingest_bench [--events N] [--customers N] [--batch N] [--http-connections N]
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "http_client.h"
#include "pond/base/base64.h"
#include "pond/base/time.h"
#include "pond/channels/tracking_api.h"
#include "pond/engine/engine.h"
#include "pond/testing/temp_dir.h"
#include "server/http_server.h"

using namespace pond;
using Clock_ = std::chrono::steady_clock;

namespace {

struct Args {
  int64_t events = 1'000'000;
  int64_t customers = 100'000;
  int64_t batch = 1000;
  int http_connections = 4;
  int64_t http_events = 400'000;
  bool restart_only = false;  // --restart-scale: only ingest (generated on the fly) and restart
};

double Seconds(Clock_::time_point since) {
  return std::chrono::duration<double>(Clock_::now() - since).count();
}

const char* kEvents[] = {"message_received", "moment_viewed", "content_viewed", "friend_added",
                         "moment_liked",     "message_sent",  "coupon_issued",  "order_paid"};

// One Segment call as JSON: mostly track, some identify with a phone, some orders.
std::string CallJson(int64_t i, int64_t customers, std::mt19937_64& rng) {
  int64_t c = static_cast<int64_t>(rng() % customers);
  std::string user = "u" + std::to_string(c);
  std::string ts = FormatIso8601((1'700'000'000 + i) * kMicrosPerSecond);
  // SDKs send random UUIDs as messageIds: random keys for the unique index, as in production.
  char id_buf[40];
  std::snprintf(id_buf, sizeof id_buf, "%08llx-%04llx-4%03llx-%012llx",
                static_cast<unsigned long long>(rng() & 0xffffffff),
                static_cast<unsigned long long>(rng() & 0xffff),
                static_cast<unsigned long long>(rng() & 0xfff),
                static_cast<unsigned long long>(rng() & 0xffffffffffffULL));
  std::string id = id_buf;
  if (i % 10 == 0) {
    return R"({"type":"identify","messageId":")" + id + R"(","userId":")" + user +
           R"(","timestamp":")" + ts + R"(","traits":{"phone":"138)" +
           std::to_string(10'000'000 + c) + R"(","city":"上海","skin":"oily"}})";
  }
  const char* name = kEvents[rng() % 8];
  std::string props =
      std::string(name) == "order_paid"
          ? R"({"order_id":"T)" + std::to_string(i) + R"(","amount":"99.90"})"
          : R"({"content_id":"c)" + std::to_string(i % 500) + R"(","staff_id":"stf_3"})";
  return R"({"type":"track","messageId":")" + id + R"(","userId":")" + user + R"(","event":")" +
         name + R"(","timestamp":")" + ts + R"(","properties":)" + props + "}";
}

std::vector<std::string> MakeBodies(const Args& a, int64_t events, int64_t first, int64_t batch) {
  std::mt19937_64 rng(42 + first);
  std::vector<std::string> bodies;
  for (int64_t i = 0; i < events; i += batch) {
    std::string body = R"({"batch":[)";
    for (int64_t k = i; k < std::min(events, i + batch); ++k) {
      if (k > i) body += ',';
      body += CallJson(first + k, a.customers, rng);
    }
    body += R"(],"sentAt":")" + FormatIso8601(1'800'000'000LL * kMicrosPerSecond) + "\"}";
    bodies.push_back(std::move(body));
  }
  return bodies;
}

// Parses one generated batch body (batches here may exceed Segment's per-request limits).
std::vector<Event> ParseBody(const std::string& body) {
  SegmentLimits limits;
  limits.max_batch_bytes = 64 << 20;
  limits.max_batch_events = 1 << 20;
  std::string padded = body + std::string(JsonPadding(), ' ');
  auto r = ParseSegmentRequest(std::string_view(padded.data(), body.size()), "batch",
                               1'800'000'000LL * kMicrosPerSecond, limits);
  if (!r.ok()) {
    std::fprintf(stderr, "parse: %s\n", r.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(r->events);
}

std::vector<std::vector<Event>> ParseAll(const std::vector<std::string>& bodies) {
  std::vector<std::vector<Event>> out;
  for (const std::string& b : bodies) out.push_back(ParseBody(b));
  return out;
}

double RawSqlite(const std::string& path, const std::vector<std::vector<Event>>& batches,
                 bool message_index) {
  sqlite3* db;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db,
               "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
               "CREATE TABLE events (seq INTEGER PRIMARY KEY, workspace_id TEXT, message_id TEXT,"
               " type INTEGER, name TEXT, user_id TEXT, anonymous_id TEXT, customer_id TEXT,"
               " timestamp INTEGER, received_at INTEGER, amount_fen INTEGER, order_ref TEXT,"
               " identities TEXT, properties TEXT, traits TEXT, context TEXT);",
               nullptr, nullptr, nullptr);
  if (message_index) {
    sqlite3_exec(db, "CREATE UNIQUE INDEX m ON events (workspace_id, message_id)", nullptr, nullptr,
                 nullptr);
  }
  sqlite3_stmt* st;
  sqlite3_prepare_v2(db, "INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", -1, &st,
                     nullptr);
  auto start = Clock_::now();
  int64_t seq = 0, n = 0;
  for (const auto& batch : batches) {
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    for (const Event& e : batch) {
      sqlite3_bind_int64(st, 1, ++seq);
      sqlite3_bind_text(st, 2, "default", -1, SQLITE_STATIC);
      sqlite3_bind_text(st, 3, e.message_id.data(), static_cast<int>(e.message_id.size()),
                        SQLITE_STATIC);
      sqlite3_bind_int64(st, 4, static_cast<int>(e.type));
      sqlite3_bind_text(st, 5, e.name.data(), static_cast<int>(e.name.size()), SQLITE_STATIC);
      sqlite3_bind_text(st, 6, e.user_id.data(), static_cast<int>(e.user_id.size()), SQLITE_STATIC);
      sqlite3_bind_text(st, 7, "", 0, SQLITE_STATIC);
      sqlite3_bind_text(st, 8, e.user_id.data(), static_cast<int>(e.user_id.size()), SQLITE_STATIC);
      sqlite3_bind_int64(st, 9, e.timestamp);
      sqlite3_bind_int64(st, 10, e.received_at);
      sqlite3_bind_int64(st, 11, e.amount_fen);
      sqlite3_bind_text(st, 12, "", 0, SQLITE_STATIC);
      sqlite3_bind_text(st, 13, "", 0, SQLITE_STATIC);
      sqlite3_bind_text(st, 14, e.properties.data(), static_cast<int>(e.properties.size()),
                        SQLITE_STATIC);
      sqlite3_bind_text(st, 15, e.traits.data(), static_cast<int>(e.traits.size()), SQLITE_STATIC);
      sqlite3_bind_text(st, 16, e.context.data(), static_cast<int>(e.context.size()),
                        SQLITE_STATIC);
      sqlite3_step(st);
      sqlite3_reset(st);
      ++n;
    }
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  }
  double secs = Seconds(start);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n / secs;
}

std::unique_ptr<Engine> Open(const std::string& dir, bool snapshot = true) {
  EngineOptions o;
  o.data_dir = dir;
  o.use_snapshot = snapshot;
  auto e = Engine::Open(o);
  if (!e.ok()) {
    std::fprintf(stderr, "open: %s\n", e.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(*e);
}

std::string Basic(const std::string& key) { return "Basic " + Base64Encode(key + ":"); }

}  // namespace

// Writes the snapshot, then reopens `dir` replaying the whole log and again from the snapshot,
// checking both rebuild what `engine` held. Closes `engine`. Prints the "restart:" line.
bool MeasureRestart(std::unique_ptr<Engine>& engine, const std::string& dir) {
  EngineMetrics before = engine->Metrics();
  auto t0 = Clock_::now();
  if (!engine->WriteSnapshot().ok()) return false;
  double snapshot_write = Seconds(t0);
  engine.reset();
  auto same_as_before = [&](Engine& e) {
    EngineMetrics m = e.Metrics();
    return m.customers == before.customers && m.events_in_memory == before.events_in_memory;
  };
  t0 = Clock_::now();
  engine = Open(dir, false);
  double replay_secs = Seconds(t0);
  bool same = same_as_before(*engine);
  engine.reset();
  t0 = Clock_::now();
  engine = Open(dir, true);
  double snapshot_secs = Seconds(t0);
  same &= same_as_before(*engine);
  engine.reset();
  std::printf(
      "restart: full replay %.2f s, with snapshot %.2f s (%.1fx); snapshot write %.2f s; "
      "state identical: %s\n",
      replay_secs, snapshot_secs, replay_secs / snapshot_secs, snapshot_write, same ? "yes" : "NO");
  return same;
}

// --restart-scale: ingest a large history with two callers, generating and parsing batches on
// the fly (the whole JSON would not fit in memory), then time the restart with and without
// snapshot.bin. Prints the same "restart:" line as the full run.
int RestartAtScale(const Args& a) {
  testing::TempDir dir;
  auto engine = Open(dir.File("engine"));
  std::atomic<int64_t> next{0};
  std::atomic<int> failures{0};
  auto t0 = Clock_::now();
  std::vector<std::thread> callers;
  for (int c = 0; c < 2; ++c) {
    callers.emplace_back([&] {
      for (int64_t first; (first = next.fetch_add(a.batch)) < a.events;) {
        std::vector<std::string> body =
            MakeBodies(a, std::min(a.batch, a.events - first), first, a.batch);
        if (!engine->Submit(kDefaultWorkspace, ParseBody(body[0])).ok()) ++failures;
        if (first % (a.events / 10) < a.batch) {
          std::fprintf(stderr, "  %lld events in\n", static_cast<long long>(first));
        }
      }
    });
  }
  for (auto& t : callers) t.join();
  double ingest_secs = Seconds(t0);
  EngineMetrics m = engine->Metrics();
  StoreStats st = *engine->Stats(kDefaultWorkspace);
  std::printf(
      "ingest: %lld events for %lld customers in %.1f s (%.0f events/s, parse + submit, "
      "2 callers, %d failures)\n",
      static_cast<long long>(m.events_in_memory), static_cast<long long>(m.customers), ingest_secs,
      m.events_in_memory / ingest_secs, failures.load());
  std::printf("memory: %.0f bytes/customer (%.1f MB); store: %.1f MB on disk (WAL %.1f MB)\n",
              static_cast<double>(m.memory_bytes) / m.customers, m.memory_bytes / 1e6,
              st.bytes / 1e6, st.wal_bytes / 1e6);
  bool same = MeasureRestart(engine, dir.File("engine"));
  return same && failures.load() == 0 ? 0 : 1;
}

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--restart-scale") a.restart_only = true;
  }
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--restart-scale") {
      --i;
      continue;
    }
    int64_t v = std::atoll(argv[i + 1]);
    if (k == "--events") a.events = v;
    if (k == "--customers") a.customers = v;
    if (k == "--batch") a.batch = v;
    if (k == "--http-connections") a.http_connections = static_cast<int>(v);
    if (k == "--http-events") a.http_events = v;
  }
  std::printf("pond ingest benchmark: %lld events, %lld customers, batches of %lld\n",
              static_cast<long long>(a.events), static_cast<long long>(a.customers),
              static_cast<long long>(a.batch));
  if (a.restart_only) return RestartAtScale(a);
  testing::TempDir dir;
  std::vector<std::string> bodies = MakeBodies(a, a.events, 0, a.batch);
  int64_t json_bytes = 0;
  for (const auto& b : bodies) json_bytes += static_cast<int64_t>(b.size());

  auto t0 = Clock_::now();
  std::vector<std::vector<Event>> batches = ParseAll(bodies);
  double parse_rate = a.events / Seconds(t0);
  double raw = RawSqlite(dir.File("raw.db"), batches, false);
  double raw_indexed = RawSqlite(dir.File("raw-indexed.db"), batches, true);

  // Engine::Submit from one caller (no overlap), then from two (group commit overlaps one
  // caller's apply with the other's commit), each into a fresh data dir.
  std::vector<std::vector<Event>> batches_copy = batches;
  double engine_rate_1 = 0;
  {
    auto one = Open(dir.File("engine-one"));
    t0 = Clock_::now();
    for (auto& b : batches_copy) {
      auto r = one->Submit(kDefaultWorkspace, std::move(b));
      if (!r.ok()) return std::fprintf(stderr, "%s\n", r.status().ToString().c_str()), 1;
    }
    engine_rate_1 = a.events / Seconds(t0);
  }
  // The same through a store handed in unsealed: what sealing personal data at rest costs
  // (issue 26). The engine seals the store it opens itself, as in the line above.
  double engine_rate_plain = 0;
  {
    std::vector<std::vector<Event>> copy = batches;
    std::filesystem::create_directories(dir.File("engine-plain"));
    auto store = OpenSqliteStore(dir.File("engine-plain/pond.db"));
    if (!store.ok()) return std::fprintf(stderr, "%s\n", store.status().ToString().c_str()), 1;
    EngineOptions o;
    o.data_dir = dir.File("engine-plain");
    o.store = store->get();
    auto plain = Engine::Open(o);
    if (!plain.ok()) return std::fprintf(stderr, "%s\n", plain.status().ToString().c_str()), 1;
    t0 = Clock_::now();
    for (auto& b : copy) {
      auto r = (*plain)->Submit(kDefaultWorkspace, std::move(b));
      if (!r.ok()) return std::fprintf(stderr, "%s\n", r.status().ToString().c_str()), 1;
    }
    engine_rate_plain = a.events / Seconds(t0);
  }
  auto engine = Open(dir.File("engine"));
  std::atomic<size_t> next_batch{0};
  std::atomic<int> submit_failures{0};
  t0 = Clock_::now();
  {
    std::vector<std::thread> callers;
    for (int c = 0; c < 2; ++c) {
      callers.emplace_back([&] {
        for (size_t i; (i = next_batch++) < batches.size();) {
          if (!engine->Submit(kDefaultWorkspace, std::move(batches[i])).ok()) ++submit_failures;
        }
      });
    }
    for (auto& t : callers) t.join();
  }
  double engine_rate = a.events / Seconds(t0);
  if (submit_failures) return 1;
  EngineMetrics m = engine->Metrics();
  StoreStats st = *engine->Stats(kDefaultWorkspace);

  // Parse + submit from JSON, into a fresh data dir.
  auto engine2 = Open(dir.File("engine2"));
  t0 = Clock_::now();
  for (const std::string& b : bodies) {
    if (!engine2->Submit(kDefaultWorkspace, ParseBody(b)).ok()) return 1;
  }
  double parse_engine_rate = a.events / Seconds(t0);
  engine2.reset();

  // HTTP: the real server in this process, clients on loopback with keep-alive.
  auto http_engine = Open(dir.File("http"));
  std::string key = http_engine->CreateApiKey(kDefaultWorkspace, KeyKind::kWrite)->secret;
  server::ServerOptions so;
  so.port = 0;
  app::AppOptions http_options;
  http_options.engine.data_dir = dir.File("http");
  app::App http_app(std::move(http_engine), http_options);
  auto srv = server::HttpServer::Start(http_app, so);
  std::thread serve([&] { (*srv)->Run(); });
  const int64_t http_batch = 500;  // ~100 KB: well inside Segment's 500 KB limit
  std::vector<std::string> http_bodies = MakeBodies(a, a.http_events, 10'000'000, http_batch);
  std::atomic<size_t> next{0};
  std::atomic<int> failures{0};
  std::string auth = Basic(key);
  t0 = Clock_::now();
  std::vector<std::thread> clients;
  for (int c = 0; c < a.http_connections; ++c) {
    clients.emplace_back([&] {
      bench::HttpClient client((*srv)->port());
      for (size_t i; (i = next++) < http_bodies.size();) {
        if (client.Post("/v1/batch", auth, http_bodies[i]) != 200) ++failures;
      }
    });
  }
  for (auto& t : clients) t.join();
  double http_rate = a.http_events / Seconds(t0);
  (*srv)->Stop();
  serve.join();

  std::printf("\n%-44s %14s %10s\n", "path", "events/s", "vs raw");
  std::printf("%-44s %14.0f %10s\n", "raw SQLite append (WAL, NORMAL, 1000/txn)", raw, "1.00");
  std::printf("%-44s %14.0f %10.2f\n", "raw SQLite + UNIQUE index on messageId", raw_indexed,
              raw_indexed / raw);
  std::printf("%-44s %14.0f %10.2f\n", "simdjson parse of Segment batches only", parse_rate,
              parse_rate / raw);
  std::printf("%-44s %14.0f %10.2f\n", "Engine::Submit (durable), 1 caller", engine_rate_1,
              engine_rate_1 / raw);
  std::printf("%-44s %14.0f %10.2f   (sealing costs %.0f%%)\n",
              "Engine::Submit, 1 caller, store not sealed", engine_rate_plain,
              engine_rate_plain / raw, 100.0 * (1.0 - engine_rate_1 / engine_rate_plain));
  std::printf("%-44s %14.0f %10.2f\n", "Engine::Submit (durable), 2 callers", engine_rate,
              engine_rate / raw);
  std::printf("%-44s %14.0f %10.2f\n", "parse + Engine::Submit", parse_engine_rate,
              parse_engine_rate / raw);
  std::printf("%-44s %14.0f %10.2f   (%d connections, %lld-event batches, %d failures)\n",
              "HTTP POST /v1/batch, loopback keep-alive", http_rate, http_rate / raw,
              a.http_connections, static_cast<long long>(http_batch), failures.load());
  std::printf("\nsize: %lld customers, %lld events, %.1f MB of JSON in\n",
              static_cast<long long>(m.customers), static_cast<long long>(m.events_in_memory),
              json_bytes / 1e6);
  std::printf("memory: %.0f bytes/customer in the in-memory state (%.1f MB)\n",
              static_cast<double>(m.memory_bytes) / m.customers, m.memory_bytes / 1e6);
  std::printf("store:  %.0f bytes/customer on disk (%.1f MB, %.0f bytes/event; WAL %.1f MB)\n",
              static_cast<double>(st.bytes) / m.customers, st.bytes / 1e6,
              static_cast<double>(st.bytes) / m.events_in_memory, st.wal_bytes / 1e6);
  bool same = MeasureRestart(engine, dir.File("engine"));
  return failures.load() == 0 && same ? 0 : 1;
}
