// Engine: the facade over pond's data. server/ and cli/ include this header and nothing else
// from the engine.
//
// Writes go through Submit, which follows the one path (ARCHITECTURE.md): dedupe by messageId,
// resolve identities, append durably to the Store, then apply to the in-memory state. A batch is
// acknowledged only once it is committed; a retried batch changes nothing.
// Reads run on any thread against a consistent in-memory view (a per-workspace reader/writer
// lock) plus the Store's projections.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pond/base/clock.h"
#include "pond/base/histogram.h"
#include "pond/base/status.h"
#include "pond/engine/erasure.h"
#include "pond/engine/state_observer.h"
#include "pond/model/customer.h"
#include "pond/model/event.h"
#include "pond/model/order.h"
#include "pond/model/workspace.h"
#include "pond/store/store.h"

namespace pond {

struct EngineOptions {
  std::string data_dir = "data";  // holds pond.db and snapshot.bin
  Clock* clock = nullptr;         // defaults to Clock::System()
  Durability durability = Durability::kProcessCrash;
  bool use_snapshot = true;  // load snapshot.bin on open when it is valid
  // False for configuration-only work (creating keys, listing): the events are not loaded and
  // the data dir is not locked, so it can run beside `pond serve`. Submit then fails.
  bool load_state = true;
  // Tests: use this store (not owned; it must outlive the engine) instead of data_dir/pond.db.
  Store* store = nullptr;
  // Write snapshot.bin in the background once this many events were stored since the last one
  // (checked every few seconds), so a crash replays at most about that many. 0: never.
  int64_t snapshot_every_events = 0;
  int64_t snapshot_check_millis = 5000;  // how often the background writer looks
  // ...and at most this often: writing holds ingest off (measured 8.5 s for 1M customers and
  // 20M events), so a large history is snapshotted rarely rather than every N events.
  int64_t snapshot_min_interval_millis = 0;
};

// Limits of one Submit call.
inline constexpr size_t kMaxEventsPerSubmit = 10'000;

struct SubmitResult {
  int64_t accepted = 0;    // events stored by this call
  int64_t duplicates = 0;  // events whose messageId was already stored (or repeated in the batch)
};

// A batch that Engine::SubmitNoWait applied to the in-memory state, its commit perhaps still in
// flight. Movable; Wait at most once.
class PendingSubmit {
 public:
  struct Verdict;  // engine.cc: the committer's answer
  PendingSubmit(SubmitResult counts, std::shared_ptr<Verdict> verdict);
  PendingSubmit(PendingSubmit&&) noexcept;
  PendingSubmit& operator=(PendingSubmit&&) noexcept;
  ~PendingSubmit();

  // Blocks until the batch is durable. An error means the store refused it: the engine then
  // rebuilt the state without it (and without every batch applied after it).
  Result<SubmitResult> Wait();

 private:
  SubmitResult counts_;
  std::shared_ptr<Verdict> verdict_;  // null: nothing to commit (all duplicates)
};

struct CustomerSummary {
  std::string id;
  Micros created_at = 0;
  Micros last_seen = 0;
  int64_t event_count = 0;
  int64_t order_count = 0;
  int64_t spent_fen = 0;
  int64_t refunded_fen = 0;
  std::string traits = "{}";
  std::string channel;  // acquisition channel code, "" when none
  std::string owner;    // owner staff id, "" when nobody's friend now
};

struct CustomerProfile {
  CustomerSummary summary;
  std::vector<std::string> tags;  // sorted
  std::vector<Identity> identities;
  std::vector<Merge> merged_from;  // profiles folded into this one, with the identity that did it
  std::vector<Event> timeline;     // newest first
  std::vector<Order> orders;
  std::vector<Refund> refunds;
};

struct CustomerPage {
  std::vector<CustomerSummary> data;
  std::optional<std::string> next_cursor;
  int64_t total = 0;  // customers matching the query
};

// What Engine::EraseCustomer changed.
struct ErasureResult {
  std::string customer_id;
  int64_t identities = 0;        // identity values replaced by stand-ins
  int64_t events_rewritten = 0;  // stored events written again
};

struct TagCount {
  std::string tag;  // "skin:oily" (group "skin") or "vip" (no group)
  int64_t customers = 0;
};

// Tags are "group:name" or "name": 1–64 characters, no control characters, at most one ':'.
// The group "pond" is pond's own (pond:friend) and is neither set nor listed through tags.
Status ValidateTag(std::string_view tag);

struct NewApiKey {
  ApiKey key;
  std::string secret;  // shown once; only its hash is stored
};

// Counters for /metrics. Monotonic since the process started.
struct EngineMetrics {
  int64_t events_accepted = 0;
  int64_t duplicates = 0;
  int64_t batches = 0;
  int64_t customers = 0;  // live, all workspaces
  int64_t events_in_memory = 0;
  int64_t store_bytes = 0;
  int64_t memory_bytes = 0;
  int64_t replayed_at_open = 0;   // events replayed from the store at open (after the snapshot)
  int64_t snapshots_written = 0;  // in the background since open
};

inline constexpr char kDefaultWorkspace[] = "default";

// For the parts above the engine:
// A live customer's summary from the in-memory state.
CustomerSummary Summarize(const TenantState& state, uint32_t dense);
// The live customer a key names ("cus_…", "kind:value", or a bare userId), or kNoIndex.
uint32_t ResolveCustomerKey(const TenantState& state, const std::string& key);
// The tag_added / tag_removed event for one customer; `by` says who or what did it.
Event TagChangeEvent(const std::string& customer_id, const std::string& tag, bool add,
                     const std::string& by);

class Engine {
 public:
  // Opens the store in options.data_dir (creating it), loads the snapshot when valid and
  // replays the events after it. The "default" workspace always exists.
  static Result<std::unique_ptr<Engine>> Open(const EngineOptions& options);
  virtual ~Engine() = default;

  // --- writes ----------------------------------------------------------------------------
  // Every event needs a messageId and at least one identity (userId, anonymousId or one in
  // `identities`). All or nothing: an invalid batch stores nothing.
  virtual Result<SubmitResult> Submit(const std::string& workspace_id,
                                      std::vector<Event> batch) = 0;
  // Submit without waiting for the disk: when this returns the batch is deduplicated and applied
  // (readers and observers see it) and queued for the group commit; Wait() gives the verdict.
  // A writer that plans its next batch from the state while the last one commits keeps both
  // cores busy. `planned_on_epoch` (TenantState::epoch() of the state the batch was planned
  // from; 0: not checked) refuses, with Unavailable and nothing applied, a batch planned before
  // a refused commit was undone: its plan may rest on events that are gone.
  virtual Result<PendingSubmit> SubmitNoWait(const std::string& workspace_id,
                                             std::vector<Event> batch,
                                             uint64_t planned_on_epoch = 0) = 0;

  // Writes the in-memory state to snapshot.bin so the next start replays only newer events.
  virtual Status WriteSnapshot() = 0;

  // --- reads -----------------------------------------------------------------------------
  // `key` is a customer id ("cus_12"), or an identity as "kind:value" ("phone:13800138000"),
  // or a bare userId. A merged-away id answers with the profile it was merged into.
  virtual Result<CustomerProfile> GetCustomer(const std::string& workspace_id,
                                              const std::string& key,
                                              size_t timeline_limit = 100) = 0;
  // The live customer's id ("cus_…") for the same keys, from memory alone (no store read):
  // what services need to name a customer in the events they write.
  virtual Result<std::string> ResolveCustomer(const std::string& workspace_id,
                                              const std::string& key) = 0;
  // Empty query: all live customers by id. Otherwise customers whose identity equals the query
  // (any kind, normalised) or whose name/nickname trait contains it.
  virtual Result<CustomerPage> ListCustomers(const std::string& workspace_id,
                                             const std::string& query, size_t limit,
                                             const std::string& cursor) = 0;
  virtual Result<StoreStats> Stats(const std::string& workspace_id) = 0;

  // Forgets who a live customer is (engine/erasure.h; docs/privacy.md, "Erasure"): rewrites the
  // log in one store transaction, rebuilds the in-memory state from it, writes the snapshot
  // again when there is one (the old one named the person), then records `customer_erased`
  // (messageId "erased:<id>") through Submit. The customer's id stays, so orders, commissions
  // and counts still add up; their identities no longer find them. Holds the writer for a scan
  // of the workspace's log. Erasing again rewrites nothing new and records nothing new.
  virtual Result<ErasureResult> EraseCustomer(const std::string& workspace_id,
                                              const std::string& key,
                                              const PersonalKeyTest& is_personal) = 0;

  // --- tags ------------------------------------------------------------------------------
  // Adds (or removes) tags on one customer as tag_added / tag_removed events through Submit;
  // `by` records who or what did it ("api:key_…", "cli", "rule:…").
  virtual Result<SubmitResult> ChangeTags(const std::string& workspace_id,
                                          const std::string& customer_key,
                                          const std::vector<std::string>& tags, bool add,
                                          const std::string& by) = 0;
  // Every tag with the number of live customers carrying it, by name.
  virtual Result<std::vector<TagCount>> ListTags(const std::string& workspace_id) = 0;
  virtual EngineMetrics Metrics() = 0;
  virtual const LatencyHistogram& SubmitLatency() const = 0;

  // --- configuration ---------------------------------------------------------------------
  virtual Result<std::vector<Workspace>> ListWorkspaces() = 0;
  // NotFound for an unknown id. From memory (the workspaces known when the engine opened and
  // those it made since): cheap enough for every request.
  virtual Result<Workspace> GetWorkspace(const std::string& id) = 0;
  // The workspace's zone, seconds east of UTC: what its local days, quiet hours, daily caps,
  // calendars and reports use.
  Result<int> UtcOffsetOf(const std::string& workspace_id);
  // `utc_offset_seconds`: the brand's zone, -12:00 to +14:00.
  virtual Result<Workspace> CreateWorkspace(const std::string& id, const std::string& name,
                                            int utc_offset_seconds = kDefaultUtcOffsetSeconds) = 0;
  virtual Result<NewApiKey> CreateApiKey(const std::string& workspace_id, KeyKind kind) = 0;
  // The key a secret belongs to, or Unauthenticated (unknown or revoked). A key or workspace
  // created by another process (`pond key create` beside a running server) is found in the
  // store; a revocation from another process takes effect within kKeyRecheckMicros.
  virtual Result<ApiKey> Authenticate(const std::string& secret) = 0;
  // Refused from now on, in this process at once. NotFound for another workspace's key.
  virtual Status RevokeApiKey(const std::string& workspace_id, const std::string& key_id) = 0;
  static constexpr Micros kKeyRecheckMicros = 5'000'000;
  virtual Result<std::vector<ApiKey>> ListApiKeys(const std::string& workspace_id) = 0;
  // `channel.id` empty: pond picks "chn_<random>"; given, it must start with "chn_".
  virtual Result<Channel> CreateChannel(const std::string& workspace_id, Channel channel) = 0;
  virtual Result<std::vector<Channel>> ListChannels(const std::string& workspace_id) = 0;
  virtual Status AddChannelSpend(const std::string& workspace_id, const ChannelSpend& spend) = 0;
  virtual Result<std::vector<ChannelSpend>> ListChannelSpend(const std::string& workspace_id,
                                                             const std::string& channel_id) = 0;

  // The staff accounts customers are befriended by (a WeCom sync writes its corp's); a second
  // put of the same id replaces it.
  virtual Status PutStaffAccount(const std::string& workspace_id, const StaffAccount& staff) = 0;
  virtual Result<std::vector<StaffAccount>> ListStaffAccounts(const std::string& workspace_id) = 0;

  // Definitions kept by the parts above the engine (segments, …), as JSON.
  virtual Status PutObject(const std::string& workspace_id, const StoredObject& object) = 0;
  virtual Result<bool> DeleteObject(const std::string& workspace_id, const std::string& kind,
                                    const std::string& id) = 0;
  virtual Result<std::vector<StoredObject>> ListObjects(const std::string& workspace_id,
                                                        const std::string& kind) = 0;

  // --- for the parts above the engine ----------------------------------------------------
  // Adds an observer (not owned; it must outlive the engine or be removed first). It is reset
  // with every workspace's current state before this returns, then sees every applied event.
  virtual void AddObserver(StateObserver* observer) = 0;
  virtual void RemoveObserver(StateObserver* observer) = 0;
  // How every service starts: `load` (may be null) reads each stored workspace's definitions
  // (campaigns, groups, settings), then `service` observes the engine, which resets it with
  // each workspace's state at once so it replays that workspace's events. A workspace made
  // later reaches the service only through OnReset.
  Status LoadThenObserve(StateObserver* service,
                         const std::function<Status(const Workspace& workspace)>& load);
  // Events by seq, in no particular order, including those applied but not yet committed.
  // Takes no engine lock, so observers may call it.
  virtual Result<std::vector<Event>> LoadEvents(std::span<const int64_t> seqs) = 0;
  // Committed orders (with their line items) by the seq of the order_paid that recorded them.
  // Takes no engine lock, so observers may call it.
  virtual Result<std::vector<Order>> LoadOrders(const std::string& workspace_id,
                                                std::span<const int64_t> seqs) = 0;
  // Runs `fn` with the workspace's state locked for reading. NotFound for an unknown workspace.
  virtual Status ReadState(const std::string& workspace_id,
                           const std::function<void(const TenantState&)>& fn) = 0;

  virtual Clock& clock() = 0;
};

}  // namespace pond
