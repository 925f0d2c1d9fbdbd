// App: the one composition root. It opens the engine over a data directory and starts the
// services a caller needs — each with the services it depends on, in one fixed order — and runs
// their background loops. `pond serve`, every CLI command, the benchmarks and the HTTP server
// take their engine and services from here; nothing else wires services together.
//
// Start order is observer order: a service started earlier sees each applied event before one
// started later. The order is the dependency order below and never depends on which command
// asked, so a replay sees the same order as the live run.
//
// Thread safety: Start, RunInBackground and Flush are called from one thread; the accessors are
// safe from any thread once the part is started.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "pond/base/status.h"
#include "pond/engine/engine.h"

namespace pond {
class LiveRules;
class SegmentService;
class PayoutService;
class TagService;
class ScoreService;
class JourneyRuntime;
class TaskService;
class DistributionService;
class FissionService;
class ContentService;
class CommunityService;
namespace outbound {
class DeliveryService;
}
namespace wecom {
class ArchiveService;
class WecomService;
}  // namespace wecom
}  // namespace pond

namespace pond::auth {
class AccountService;
class AuditLog;
}  // namespace pond::auth

namespace pond::app {

// The services, as flags. A part brings its dependencies: journeys, distribution and
// communities need segments; WeCom needs deliveries (its API settings are the `wecom` channel's).
enum Part : uint32_t {
  kSegments = 1u << 0,
  kJourneys = 1u << 1,
  kDeliveries = 1u << 2,
  kTasks = 1u << 3,
  kDistribution = 1u << 4,
  kFission = 1u << 5,
  kContent = 1u << 6,
  kCommunity = 1u << 7,
  kWecom = 1u << 8,
  kAllParts = (1u << 9) - 1,
};
using Parts = uint32_t;

struct AppOptions {
  EngineOptions engine;
  // Sealed WeCom settings' key; empty: <data_dir>/wecom.key.
  std::string wecom_key_file;
  // The WeCom service makes no calls to WeCom (replaying recorded callbacks): its follow-ups
  // fail instead of using the `wecom` channel's API settings.
  bool wecom_offline = false;
};

class App {
 public:
  // Opens the engine only; services start with Start.
  static Result<std::unique_ptr<App>> Open(const AppOptions& options);
  // For callers that opened the engine themselves (tests, benchmarks with their own store);
  // `options.engine` is not used.
  App(std::unique_ptr<Engine> engine, const AppOptions& options);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Starts the parts not yet started, with their dependencies, in the fixed order.
  Status Start(Parts parts);
  bool Has(Part part) const { return (started_ & part) != 0; }

  // The started services' periodic work (due timers, retries, rotation) on their own threads,
  // every `every`.
  void RunInBackground(std::chrono::milliseconds every);

  // Submits what the services hold back (segment changes, churn alerts). Idempotent.
  Status Flush();

  Engine& engine() { return *engine_; }
  // The team's users and sessions: always there (nothing to start).
  auth::AccountService& accounts() { return *accounts_; }
  // The audit log (auth/audit.h): always there.
  auth::AuditLog& audit() { return *audit_; }
  // REQUIRES: the part was started (a programmer error otherwise: it aborts). kSegments starts
  // the live rules and the three services over them: segments, tags and scores.
  LiveRules& rules();
  SegmentService& segments();
  TagService& tags();
  ScoreService& scores();
  JourneyRuntime& journeys();
  outbound::DeliveryService& deliveries();
  TaskService& tasks();
  DistributionService& distribution();
  PayoutService& payouts();
  FissionService& fission();
  ContentService& content();
  CommunityService& community();
  wecom::WecomService& wecom();
  // The chat archive (docs/conversations.md): started with the WeCom part.
  wecom::ArchiveService& archive();

 private:
  Status StartOne(Part part);

  std::unique_ptr<Engine> engine_;
  AppOptions options_;
  std::unique_ptr<auth::AccountService> accounts_;
  std::unique_ptr<auth::AuditLog> audit_;
  Parts started_ = 0;
  // Destroyed in reverse order of declaration: dependents before what they depend on.
  std::unique_ptr<LiveRules> rules_;
  std::unique_ptr<SegmentService> segments_;
  std::unique_ptr<TagService> tags_;
  std::unique_ptr<ScoreService> scores_;
  std::unique_ptr<JourneyRuntime> journeys_;
  std::unique_ptr<outbound::DeliveryService> deliveries_;
  std::unique_ptr<TaskService> tasks_;
  std::unique_ptr<DistributionService> distribution_;
  std::unique_ptr<PayoutService> payouts_;
  std::unique_ptr<FissionService> fission_;
  std::unique_ptr<ContentService> content_;
  std::unique_ptr<CommunityService> community_;
  std::unique_ptr<wecom::WecomService> wecom_;
  std::unique_ptr<wecom::ArchiveService> archive_;
};

}  // namespace pond::app
