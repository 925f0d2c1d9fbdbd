#include "server/metrics.h"

#include <fmt/format.h>

namespace pond::server {
namespace {

void Counter(std::string* out, const char* name, const char* help, int64_t value,
             const char* type = "counter") {
  *out += fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, help, name, type, name, value);
}

void Histogram(std::string* out, const char* name, const char* help, const LatencyHistogram& h) {
  *out += fmt::format("# HELP {} {}\n# TYPE {} histogram\n", name, help, name);
  uint64_t cumulative = 0;
  const auto& bounds = LatencyHistogram::kBoundsMicros;
  for (size_t i = 0; i < bounds.size(); ++i) {
    cumulative += h.BucketCount(i);
    *out += fmt::format("{}_bucket{{le=\"{}\"}} {}\n", name, bounds[i] / 1e6, cumulative);
  }
  cumulative += h.BucketCount(bounds.size());
  *out += fmt::format("{}_bucket{{le=\"+Inf\"}} {}\n", name, cumulative);
  *out += fmt::format("{}_sum {}\n{}_count {}\n", name, h.SumMicros() / 1e6, name, cumulative);
}

}  // namespace

std::string RenderMetrics(Engine& engine, const ServerMetrics& server) {
  EngineMetrics m = engine.Metrics();
  std::string out;
  Counter(&out, "pond_events_ingested_total", "Events stored (duplicates excluded).",
          m.events_accepted);
  Counter(&out, "pond_batches_total", "Submit calls (HTTP calls, imports).", m.batches);
  Counter(&out, "pond_dedupe_hits_total", "Events dropped as already-seen messageIds.",
          m.duplicates);
  Counter(&out, "pond_http_requests_total", "HTTP requests handled.", server.requests.load());
  Counter(&out, "pond_http_client_errors_total", "HTTP 4xx responses.", server.errors_4xx.load());
  Counter(&out, "pond_http_server_errors_total", "HTTP 5xx responses.", server.errors_5xx.load());
  Counter(&out, "pond_http_gzip_requests_total", "Request bodies sent gzip-compressed.",
          server.gzip_requests.load());
  Counter(&out, "pond_http_connections_refused_total",
          "Connections answered 503 because the server held its maximum already.",
          server.connections_refused.load());
  Counter(&out, "pond_http_accept_backoffs_total",
          "Times accept failed for want of file descriptors and waited before trying again.",
          server.accept_backoffs.load());
  Counter(&out, "pond_customers", "Live customers in memory.", m.customers, "gauge");
  Counter(&out, "pond_events_in_memory", "Events indexed in memory.", m.events_in_memory, "gauge");
  Counter(&out, "pond_store_bytes", "Size of the store on disk (database and WAL).", m.store_bytes,
          "gauge");
  Counter(&out, "pond_memory_state_bytes", "Approximate bytes of in-memory state.", m.memory_bytes,
          "gauge");
  Counter(&out, "pond_events_replayed_at_open",
          "Events replayed from the store at start, after the snapshot (bounds restart time).",
          m.replayed_at_open, "gauge");
  Counter(&out, "pond_snapshots_written_total", "Snapshots written in the background since start.",
          m.snapshots_written);
  Histogram(&out, "pond_submit_latency_seconds", "Engine::Submit latency (durable commit).",
            engine.SubmitLatency());
  Histogram(&out, "pond_ingest_request_latency_seconds",
            "HTTP ingest request latency, parse to acknowledgement.", server.ingest_latency);
  return out;
}

}  // namespace pond::server
