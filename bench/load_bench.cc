// bench/load: the real server under load over loopback, latency as the clients see it.
//
// A world of customers is loaded through Engine::Submit, then `pond serve`'s server runs in this
// process and keep-alive clients (bench/http_client.h) drive it in three phases:
//   1. profile reads alone   — GET /v1/customers/{id} for random customers (admin token);
//   2. ingest alone          — POST /v1/batch with 100-event Segment batches (write key);
//   3. both at once          — half the connections read while the other half ingest.
// Each phase prints requests/s, p50, p99 and max latency and its errors (any error fails the
// run). Phase 3 is also printed as a ratio to phases 1 and 2 of the same process: what sharing
// the machine with ingest costs a reader, and the other way round.
//
// Usage: load_bench [--customers N] [--connections N] [--reads N] [--batches N]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "http_client.h"
#include "pond/app/app.h"
#include "pond/base/base64.h"
#include "pond/engine/engine.h"
#include "pond/testing/temp_dir.h"
#include "server/http_server.h"

using namespace pond;
using SteadyClock = std::chrono::steady_clock;

namespace {

struct Args {
  int64_t customers = 100'000;
  int connections = 4;
  int64_t reads = 200'000;  // per read phase
  int64_t batches = 4'000;  // of 100 events, per ingest phase
};

constexpr int kEventsPerBatch = 100;

double Since(SteadyClock::time_point t0) {
  return std::chrono::duration<double>(SteadyClock::now() - t0).count();
}
constexpr int kPreloadEventsPerCustomer = 10;

struct PhaseResult {
  int64_t requests = 0;
  int64_t errors = 0;
  double seconds = 0;
  std::vector<int64_t> micros;  // sorted

  double Rate() const { return seconds > 0 ? static_cast<double>(requests) / seconds : 0; }
  double Percentile(double p) const {
    if (micros.empty()) return 0;
    auto i = static_cast<size_t>(p * static_cast<double>(micros.size() - 1));
    return static_cast<double>(micros[i]) / 1000.0;
  }
};

// One connection's share of a phase: `count` requests made by `request(i)`.
template <typename Request>
void Drive(int64_t count, Request request, std::vector<int64_t>* micros, int64_t* errors) {
  micros->reserve(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) {
    auto t0 = SteadyClock::now();
    int status = request(i);
    micros->push_back(
        std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - t0).count());
    if (status != 200) ++*errors;
  }
}

// Runs `readers` connections of profile reads and `writers` connections of ingest at once.
struct Mixed {
  PhaseResult reads, ingest;
};

class LoadRun {
 public:
  LoadRun(const Args& args, uint16_t port, std::string admin, std::string write)
      : args_(args),
        port_(port),
        admin_("Bearer " + admin),
        write_("Basic " + Base64Encode(write + ":")) {}

  Mixed Run(int readers, int64_t reads, int writers, int64_t batches) {
    std::vector<std::vector<int64_t>> micros(static_cast<size_t>(readers + writers));
    std::vector<int64_t> errors(micros.size(), 0);
    std::vector<double> finished(micros.size(), 0);  // seconds from the start, per connection
    std::vector<std::thread> threads;
    auto t0 = SteadyClock::now();
    for (int c = 0; c < readers; ++c) {
      threads.emplace_back([&, c] {
        bench::HttpClient client(port_);
        std::mt19937_64 rng(static_cast<uint64_t>(c) + 1);
        Drive(
            reads / readers,
            [&](int64_t) {
              auto id = static_cast<int64_t>(rng() % static_cast<uint64_t>(args_.customers));
              return client.Get("/v1/customers/u" + std::to_string(id), admin_);
            },
            &micros[static_cast<size_t>(c)], &errors[static_cast<size_t>(c)]);
        finished[static_cast<size_t>(c)] = Since(t0);
      });
    }
    for (int w = 0; w < writers; ++w) {
      const size_t slot = static_cast<size_t>(readers + w);
      threads.emplace_back([&, w, slot] {
        bench::HttpClient client(port_);
        Drive(
            batches / writers,
            [&](int64_t i) { return client.Post("/v1/batch", write_, NextBody(w, i)); },
            &micros[slot], &errors[slot]);
        finished[slot] = Since(t0);
      });
    }
    for (auto& t : threads) t.join();
    Mixed out;
    for (size_t i = 0; i < micros.size(); ++i) {
      PhaseResult& r = static_cast<int>(i) < readers ? out.reads : out.ingest;
      r.micros.insert(r.micros.end(), micros[i].begin(), micros[i].end());
      r.errors += errors[i];
      r.seconds = std::max(r.seconds, finished[i]);  // each side's rate over its own time
    }
    for (PhaseResult* r : {&out.reads, &out.ingest}) {
      r->requests = static_cast<int64_t>(r->micros.size());
      std::sort(r->micros.begin(), r->micros.end());
    }
    return out;
  }

 private:
  // A Segment batch of new events for existing customers; messageIds unique across the run.
  std::string NextBody(int writer, int64_t i) {
    const int64_t batch = next_batch_++;
    std::string body = R"({"batch":[)";
    for (int k = 0; k < kEventsPerBatch; ++k) {
      if (k) body += ',';
      const int64_t customer = (batch * kEventsPerBatch + k) * 7919 % args_.customers;
      body += R"({"type":"track","event":"message_received","userId":"u)" +
              std::to_string(customer) + R"(","messageId":"load-)" + std::to_string(batch) + "-" +
              std::to_string(k) + R"(","properties":{"keyword":"price","writer":)" +
              std::to_string(writer) + R"(,"i":)" + std::to_string(i) + "}}";
    }
    return body + "]}";
  }

  const Args& args_;
  uint16_t port_;
  std::string admin_, write_;
  std::atomic<int64_t> next_batch_{0};
};

void Preload(Engine& engine, int64_t customers) {
  const Micros start = 1'760'000'000LL * kMicrosPerSecond;
  std::vector<Event> batch;
  for (int64_t c = 0; c < customers; ++c) {
    for (int k = 0; k < kPreloadEventsPerCustomer; ++k) {
      Event e;
      e.type = k == 0 ? EventType::kIdentify : EventType::kTrack;
      e.name = k == 0 ? "" : (k % 3 ? "message_received" : "content_viewed");
      e.message_id = "pre-" + std::to_string(c) + "-" + std::to_string(k);
      e.user_id = "u" + std::to_string(c);
      e.timestamp = start + (c * kPreloadEventsPerCustomer + k) * kMicrosPerSecond;
      if (k == 0) e.traits = R"({"city":"上海","skin":"oily"})";
      batch.push_back(std::move(e));
    }
    if (batch.size() >= 10'000) {
      if (!engine.Submit(kDefaultWorkspace, std::move(batch)).ok()) std::exit(1);
      batch.clear();
    }
  }
  if (!batch.empty() && !engine.Submit(kDefaultWorkspace, std::move(batch)).ok()) std::exit(1);
}

void PrintRow(const char* path, const PhaseResult& r) {
  std::printf("%-38s %9lld %10.0f %9.2f %9.2f %9.2f %7lld\n", path,
              static_cast<long long>(r.requests), r.Rate(), r.Percentile(0.50), r.Percentile(0.99),
              r.micros.empty() ? 0.0 : r.micros.back() / 1000.0, static_cast<long long>(r.errors));
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    const int64_t v = std::atoll(argv[i + 1]);
    if (k == "--customers") a.customers = std::max<int64_t>(v, 1);
    if (k == "--connections") a.connections = static_cast<int>(std::clamp<int64_t>(v, 2, 256));
    if (k == "--reads") a.reads = v;
    if (k == "--batches") a.batches = v;
  }
  testing::TempDir dir;
  app::AppOptions options;
  options.engine.data_dir = dir.path().string();
  auto engine = Engine::Open(options.engine);
  if (!engine.ok()) return 1;
  auto t0 = SteadyClock::now();
  Preload(**engine, a.customers);
  std::printf("world: %lld customers, %lld events loaded in %.1f s; %d connections, keep-alive\n",
              static_cast<long long>(a.customers),
              static_cast<long long>(a.customers * kPreloadEventsPerCustomer),
              std::chrono::duration<double>(SteadyClock::now() - t0).count(), a.connections);
  std::string admin = (*engine)->CreateApiKey(kDefaultWorkspace, KeyKind::kAdmin)->secret;
  std::string write = (*engine)->CreateApiKey(kDefaultWorkspace, KeyKind::kWrite)->secret;
  app::App app(std::move(*engine), options);
  server::ServerOptions so;
  so.port = 0;
  auto srv = server::HttpServer::Start(app, so);
  if (!srv.ok()) return 1;
  std::thread serve([&] { (*srv)->Run(); });

  LoadRun run(a, (*srv)->port(), admin, write);
  const int half = a.connections / 2;
  Mixed reads = run.Run(a.connections, a.reads, 0, 0);
  Mixed ingest = run.Run(0, 0, a.connections, a.batches);
  Mixed both = run.Run(half, a.reads / 2, a.connections - half, a.batches / 2);
  (*srv)->Stop();
  serve.join();

  std::printf("\n%-38s %9s %10s %9s %9s %9s %7s\n", "phase", "requests", "req/s", "p50 ms",
              "p99 ms", "max ms", "errors");
  PrintRow("GET /v1/customers/{id}, alone", reads.reads);
  PrintRow("POST /v1/batch (100 events), alone", ingest.ingest);
  PrintRow("GET /v1/customers/{id}, with ingest", both.reads);
  PrintRow("POST /v1/batch, with reads", both.ingest);
  std::printf("\ningest alone: %.0f events/s\n", ingest.ingest.Rate() * kEventsPerBatch);
  std::printf("sharing the server: read p99 x%.2f of alone, ingest p99 x%.2f of alone\n",
              both.reads.Percentile(0.99) / reads.reads.Percentile(0.99),
              both.ingest.Percentile(0.99) / ingest.ingest.Percentile(0.99));
  const int64_t errors =
      reads.reads.errors + ingest.ingest.errors + both.reads.errors + both.ingest.errors;
  std::printf("errors: %lld\n", static_cast<long long>(errors));
  return errors == 0 ? 0 : 1;
}
