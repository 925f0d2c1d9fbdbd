#include "pond/engine/engine.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "pond/base/json_writer.h"
#include "pond/base/time.h"
#include "pond/base/utf8.h"
#include "pond/engine/keys.h"
#include "pond/engine/snapshot.h"
#include "pond/engine/tenant_state.h"
#include "pond/model/event_names.h"
#include "pond/store/sealed_store.h"
#include "pond/store/sealing.h"

namespace pond {
struct PendingSubmit::Verdict {
  std::future<Status> done;
};

namespace {

constexpr char kStoreFile[] = "pond.db";
constexpr char kSnapshotFile[] = "snapshot.bin";
constexpr char kLockFile[] = "LOCK";

// One workspace: its state behind a reader/writer lock.
struct Tenant {
  std::shared_mutex mu;
  std::unique_ptr<TenantState> state;  // GUARDED_BY(mu)
};

Status ValidateEvent(const Event& e) {
  if (e.message_id.empty()) return FieldError("messageId", "required");
  if (e.user_id.empty() && e.anonymous_id.empty() && e.identities.empty()) {
    return FieldError("userId", "an event needs userId or anonymousId");
  }
  return Status::Ok();
}

}  // namespace

Status ValidateTag(std::string_view tag) {
  if (tag.empty() || Utf8Length(tag) > 64 || !IsValidUtf8(tag)) {
    return Status::InvalidArgument("a tag is 1 to 64 characters of UTF-8");
  }
  for (unsigned char c : tag) {
    if (c < 0x20 || c == 0x7f) return Status::InvalidArgument("a tag has no control characters");
  }
  size_t colon = tag.find(':');
  if (colon != std::string_view::npos && (colon == 0 || colon + 1 == tag.size() ||
                                          tag.find(':', colon + 1) != std::string_view::npos)) {
    return Status::InvalidArgument("a tag is \"group:name\" or \"name\"");
  }
  if (tag.starts_with("pond:")) {
    return Status::InvalidArgument("the tag group \"pond\" is kept by pond itself");
  }
  return Status::Ok();
}

namespace {

Status ValidateText(const std::string& value, const char* field, size_t max_chars, bool required) {
  if (required && value.empty()) return FieldError(field, "required");
  if (!IsValidUtf8(value)) return FieldError(field, "not valid UTF-8");
  if (Utf8Length(value) > max_chars) {
    return FieldError(field, "longer than " + std::to_string(max_chars) + " characters");
  }
  return Status::Ok();
}

}  // namespace

uint32_t ResolveCustomerKey(const TenantState& state, const std::string& key) {
  if (key.starts_with("cus_")) return state.ParseCustomerId(key);
  size_t colon = key.find(':');
  if (colon != std::string::npos) {
    if (auto kind = IdentityKindFromName(key.substr(0, colon))) {
      auto value = NormalizeIdentity(*kind, key.substr(colon + 1));
      return value ? state.FindByIdentity(*kind, *value) : kNoIndex;
    }
  }
  return state.FindByIdentity(IdentityKind::kUserId, key);
}

Event TagChangeEvent(const std::string& customer_id, const std::string& tag, bool add,
                     const std::string& by) {
  Event e;
  e.message_id = RandomId("tag_");
  e.type = EventType::kTrack;
  e.name = add ? kTagAdded : kTagRemoved;
  e.identities.push_back({IdentityKind::kCustomerId, customer_id});
  e.properties = "{\"tag\":";
  AppendJsonString(&e.properties, tag);
  e.properties += ",\"by\":";
  AppendJsonString(&e.properties, by);
  e.properties += "}";
  return e;
}

CustomerSummary Summarize(const TenantState& state, uint32_t c) {
  const CustomerColumns& cs = state.customers();
  CustomerSummary s;
  s.id = TenantState::CustomerId(c);
  s.created_at = cs.created_at[c];
  s.last_seen = cs.last_seen[c];
  s.event_count = cs.event_count[c];
  s.order_count = cs.order_count[c];
  s.spent_fen = cs.spent_fen[c];
  s.refunded_fen = cs.refunded_fen[c];
  s.traits = cs.traits[c].ToJson();
  if (cs.channel[c] != kNoIndex) s.channel = state.channel_names()[cs.channel[c]];
  if (uint32_t owner = state.OwnerOf(c); owner != kNoIndex) s.owner = state.staff_names()[owner];
  return s;
}

namespace {

class EngineImpl final : public Engine {
 public:
  explicit EngineImpl(const EngineOptions& options)
      : options_(options), clock_(options.clock ? options.clock : &Clock::System()) {}

  ~EngineImpl() override {
    if (snapshotter_.joinable()) {
      {
        std::lock_guard lock(snapshot_mu_);
        stop_snapshots_ = true;
      }
      snapshot_cv_.notify_all();
      snapshotter_.join();
    }
    if (committer_.joinable()) {
      {
        std::lock_guard queue_lock(queue_mu_);
        stopping_ = true;
        queue_cv_.notify_all();
      }
      committer_.join();
    }
    if (lock_fd_ >= 0) ::close(lock_fd_);
  }

  // One process owns a data dir's in-memory state: two would each assign seqs and drift apart.
  Status LockDataDir() {
    std::string path = Path(kLockFile);
    lock_fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock_fd_ < 0) return Status::Unavailable("cannot open " + path);
    if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
      return Status::FailedPrecondition(
          "data dir " + options_.data_dir +
          " is in use by another pond process (serve or import); stop it, or send the data "
          "through its HTTP API");
    }
    return Status::Ok();
  }

  Status Load() {
    std::error_code ec;
    // A data dir pond creates is its owner's alone (store, snapshot, keys' hashes, PII).
    if (std::filesystem::create_directories(options_.data_dir, ec)) {
      std::filesystem::permissions(options_.data_dir, std::filesystem::perms::owner_all, ec);
    }
    if (ec) return Status::Unavailable("cannot create data dir " + options_.data_dir);
    if (options_.load_state) RETURN_IF_ERROR(LockDataDir());
    StoreOptions so;
    so.durability = options_.durability;
    // Personal data is sealed at rest (store/sealed_store.h): in the store pond opens itself
    // and in the snapshot. A store handed in by the caller is used as it is.
    ASSIGN_OR_RETURN(std::string master_key, LoadMasterKey(options_.data_dir));
    snapshot_key_ = DeriveKey(master_key, 1, "snapshot");
    if (options_.store) {
      store_ = options_.store;
    } else {
      ASSIGN_OR_RETURN(std::unique_ptr<Store> sqlite, OpenSqliteStore(Path(kStoreFile), so));
      owned_store_ = SealStore(std::move(sqlite), std::move(master_key));
      store_ = owned_store_.get();
    }
    ASSIGN_OR_RETURN(std::vector<Workspace> workspaces, store_->ListWorkspaces());
    bool has_default = false;
    for (const Workspace& w : workspaces) has_default |= w.id == kDefaultWorkspace;
    if (!has_default) {
      Workspace w{kDefaultWorkspace, "Default", kDefaultUtcOffsetSeconds, clock_->NowMicros()};
      RETURN_IF_ERROR(store_->PutWorkspace(w));
      workspaces.push_back(w);
    }
    {
      std::lock_guard lock(workspaces_mu_);
      for (const Workspace& w : workspaces) workspaces_[w.id] = w;
    }
    if (!options_.load_state) {
      for (const Workspace& w : workspaces) {
        auto t = std::make_unique<Tenant>();
        t->state = std::make_unique<TenantState>(w.id);
        RETURN_IF_ERROR(RegisterChannels(*t->state));
        tenants_.emplace(w.id, std::move(t));
      }
      return Status::Ok();
    }
    ASSIGN_OR_RETURN(int64_t last_seq, store_->LastEventSeq());
    TenantMap states;
    int64_t after = 0;
    if (options_.use_snapshot) {
      Result<int64_t> snap = ReadSnapshot(Path(kSnapshotFile), snapshot_key_, &states);
      if (snap.ok() && *snap <= last_seq) {
        after = *snap;
      } else {
        states.clear();  // absent, unreadable, or ahead of the store: replay everything
      }
    }
    for (const Workspace& w : workspaces) {
      if (!states.count(w.id)) states.emplace(w.id, std::make_unique<TenantState>(w.id));
    }
    RETURN_IF_ERROR(store_->ScanEvents(after, [&](const std::string& ws, Event&& e) {
      auto it = states.find(ws);
      if (it == states.end()) it = states.emplace(ws, std::make_unique<TenantState>(ws)).first;
      it->second->Apply(e, nullptr);
      return Status::Ok();
    }));
    for (auto& [id, state] : states) {
      RETURN_IF_ERROR(RegisterChannels(*state));
      auto t = std::make_unique<Tenant>();
      t->state = std::move(state);
      tenants_.emplace(id, std::move(t));
    }
    next_seq_ = last_seq + 1;
    committed_seq_.store(last_seq);
    replayed_at_open_ = last_seq - after;
    committer_ = std::thread([this] { CommitLoop(); });
    if (options_.snapshot_every_events > 0) {
      // Counted from here, not from whenever the thread first runs: on a loaded machine the
      // first events may be accepted before it does.
      const int64_t at_open = accepted_.load();
      snapshotter_ = std::thread([this, at_open] { SnapshotLoop(at_open); });
    }
    return Status::Ok();
  }

  // The events replayed at open count as not yet snapshotted. When there were more of them than
  // the threshold, earlier runs died before they could write one (a crash loop): write it at
  // once, before the first interval, so the next start replays only what came after. Without
  // this each short-lived run would replay the whole growing tail again.
  void SnapshotLoop(int64_t at_open) {
    int64_t at_last = at_open - replayed_at_open_;
    const bool overdue = replayed_at_open_ >= options_.snapshot_every_events;
    auto last_time = std::chrono::steady_clock::now();
    std::unique_lock lock(snapshot_mu_);
    const auto interval = std::chrono::milliseconds(options_.snapshot_check_millis);
    const auto min_gap = std::chrono::milliseconds(options_.snapshot_min_interval_millis);
    if (overdue) last_time -= min_gap;
    for (bool first = true;; first = false) {
      if (!(first && overdue) &&
          snapshot_cv_.wait_for(lock, interval, [&] { return stop_snapshots_; })) {
        break;
      }
      int64_t now = accepted_.load();
      if (now - at_last < options_.snapshot_every_events) continue;
      if (std::chrono::steady_clock::now() - last_time < min_gap) continue;
      lock.unlock();
      if (WriteSnapshot().ok()) {  // on failure, try again at the next tick
        snapshots_written_.fetch_add(1);
        at_last = now;
        last_time = std::chrono::steady_clock::now();
      }
      lock.lock();
    }
  }

  // Group commit, pipelined.
  //
  // Submit runs the first stages on the caller's thread under write_mu_, the single writer:
  // dedupe, then resolve and apply to the in-memory state, collecting what must be stored in a
  // CommitBatch. It hands that to the committer thread and waits for its verdict; only then is
  // the call acknowledged. While the committer writes one group, the next callers are already
  // applying theirs, and everything queued by the time the committer looks is committed in one
  // transaction. On a 2-core machine this overlaps the CPU-bound apply with SQLite's work.
  //
  // Consequences, kept deliberately:
  //  - Readers may see an event whose commit is still in flight (never one that was refused:
  //    refusal happens only if the disk fails, and then the state is rebuilt from the store
  //    before anything else is applied). No caller is told "stored" before it is on disk.
  //  - A retried messageId may arrive while the original is queued: dedupe confirms hits
  //    against the queue for seqs not yet committed, and against the store for the rest.
  Result<SubmitResult> Submit(const std::string& ws, std::vector<Event> batch) override {
    auto started = std::chrono::steady_clock::now();
    ASSIGN_OR_RETURN(PendingSubmit pending, SubmitNoWait(ws, std::move(batch), 0));
    Result<SubmitResult> result = pending.Wait();
    if (result.ok()) {
      latency_.Record(std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - started)
                          .count());
    }
    return result;
  }

  Result<PendingSubmit> SubmitNoWait(const std::string& ws, std::vector<Event> batch,
                                     uint64_t planned_on_epoch) override {
    if (!options_.load_state) {
      return Status::FailedPrecondition("engine opened for configuration only");
    }
    if (batch.size() > kMaxEventsPerSubmit) {
      return FieldError("batch", "more than " + std::to_string(kMaxEventsPerSubmit) + " events");
    }
    const Micros now = clock_->NowMicros();
    for (size_t i = 0; i < batch.size(); ++i) {
      Status s = ValidateEvent(batch[i]);
      if (!s.ok()) return s.WithFieldPrefix("batch[" + std::to_string(i) + "]");
      if (batch[i].received_at == 0) batch[i].received_at = now;
      if (batch[i].timestamp == 0) batch[i].timestamp = batch[i].received_at;
    }
    Tenant* tenant = FindTenant(ws);
    if (!tenant) return Status::NotFound("workspace \"" + ws + "\" not found");

    SubmitResult counts;
    auto pending = std::make_unique<PendingCommit>();
    auto verdict = std::make_shared<PendingSubmit::Verdict>();
    verdict->done = pending->done.get_future();
    std::lock_guard write_lock(write_mu_);
    RETURN_IF_ERROR(RebuildIfNeeded());
    TenantState& state = *tenant->state;
    if (planned_on_epoch != 0 && planned_on_epoch != state.epoch()) {
      return Status::Unavailable(
          "the workspace's state was rebuilt after a refused commit; plan "
          "the batch again");
    }
    std::unordered_set<std::string_view> in_batch;
    in_batch.reserve(batch.size());
    std::vector<Event*> fresh;
    fresh.reserve(batch.size());
    for (Event& e : batch) {
      ASSIGN_OR_RETURN(bool duplicate, IsDuplicate(state, in_batch, e));
      if (duplicate) {
        ++counts.duplicates;
      } else {
        fresh.push_back(&e);
      }
    }
    // Money that was never paid cannot be refunded: checked before anything is applied, so a
    // refused batch changes nothing. The state only changes under write_mu_, which we hold.
    RETURN_IF_ERROR(state.CheckRefunds(fresh, batch.data()));
    counts.accepted = static_cast<int64_t>(fresh.size());
    batches_.fetch_add(1, std::memory_order_relaxed);
    duplicates_.fetch_add(counts.duplicates, std::memory_order_relaxed);
    if (fresh.empty()) return PendingSubmit(counts, nullptr);
    {
      std::unique_lock lock(tenant->mu);
      CommitBatch& commit = pending->batch;
      commit.workspace_id = ws;
      commit.events.reserve(fresh.size());
      for (Event* e : fresh) {
        e->seq = next_seq_++;
        state.Apply(*e, &commit);
        NotifyApplied(ws, state, *e);
        commit.events.push_back(std::move(*e));
      }
    }
    pending->last_seq = next_seq_ - 1;
    std::lock_guard queue_lock(queue_mu_);
    queue_.push_back(std::move(pending));
    queue_cv_.notify_all();
    return PendingSubmit(counts, std::move(verdict));
  }

  // REQUIRES: write_mu_.
  Result<bool> IsDuplicate(const TenantState& state, std::unordered_set<std::string_view>& in_batch,
                           const Event& e) {
    if (!in_batch.insert(e.message_id).second) return true;
    if (state.IsCollidedMessage(e.message_id)) return true;
    uint32_t idx = state.FindMessage(e.message_id);
    if (idx == kNoIndex) return false;
    int64_t seq = state.events().seq[idx];
    if (seq > committed_seq_.load(std::memory_order_acquire)) {
      // Still queued (or being committed): compare with the queued event.
      std::lock_guard queue_lock(queue_mu_);
      for (const auto& p : queue_) {
        for (const Event& q : p->batch.events) {
          if (q.seq == seq) return q.message_id == e.message_id;
        }
      }
      // Committed between the two checks: fall through to the store.
    }
    ASSIGN_OR_RETURN(std::vector<Event> stored, store_->EventsBySeq({&seq, 1}));
    return !stored.empty() && stored[0].message_id == e.message_id;
  }

  // The committer thread: commits whatever is queued as one group, then answers its callers.
  void CommitLoop() {
    for (;;) {
      std::vector<const CommitBatch*> group;
      size_t count = 0;
      {
        std::unique_lock queue_lock(queue_mu_);
        queue_cv_.wait(queue_lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping, and everything is committed
        count = std::min(queue_.size(), kMaxBatchesPerGroup);
        for (size_t i = 0; i < count; ++i) group.push_back(&queue_[i]->batch);
      }
      // The queued batches stay in the queue (for dedupe) until their fate is known; only this
      // thread removes them, so the pointers stay valid.
      Status s = store_->Commit(group);
      if (s.ok()) {
        std::vector<std::unique_ptr<PendingCommit>> done;
        {
          std::lock_guard queue_lock(queue_mu_);
          committed_seq_.store(queue_[count - 1]->last_seq, std::memory_order_release);
          for (size_t i = 0; i < count; ++i) {
            accepted_.fetch_add(static_cast<int64_t>(queue_.front()->batch.events.size()),
                                std::memory_order_relaxed);
            done.push_back(std::move(queue_.front()));
            queue_.pop_front();
          }
          queue_cv_.notify_all();
        }
        for (auto& p : done) p->done.set_value(Status::Ok());
        continue;
      }
      // The disk refused. Everything applied after the last durable commit is undone by
      // rebuilding from the store before anything else is applied, and every queued caller is
      // told it failed (their batches were applied on top of the refused one).
      if (s.code() == StatusCode::kInternal) s = Status::Unavailable(s.message());
      std::deque<std::unique_ptr<PendingCommit>> failed;
      {
        std::lock_guard queue_lock(queue_mu_);
        failed.swap(queue_);
        rebuild_needed_.store(true, std::memory_order_release);
        queue_cv_.notify_all();
      }
      {
        std::lock_guard write_lock(write_mu_);
        (void)RebuildIfNeeded();  // a failure here is retried by the next writer
      }
      for (auto& p : failed) p->done.set_value(s);
    }
  }

  // REQUIRES: write_mu_. Every writer calls this first.
  Status RebuildIfNeeded() {
    if (!rebuild_needed_.load(std::memory_order_acquire)) return Status::Ok();
    RETURN_IF_ERROR(RebuildAll());
    rebuild_needed_.store(false, std::memory_order_release);
    return Status::Ok();
  }

  // Replays the store into fresh states beside the live ones, then swaps them in, so readers
  // never see a half-rebuilt state.
  // REQUIRES: write_mu_ held and the commit queue empty.
  Status RebuildAll() {
    std::shared_lock tenants_lock(tenants_mu_);
    TenantMap fresh;
    for (auto& [id, tenant] : tenants_) {
      auto state = std::make_unique<TenantState>(id);
      state->set_epoch(tenant->state->epoch() + 1);
      fresh.emplace(id, std::move(state));
    }
    RETURN_IF_ERROR(store_->ScanEvents(0, [&](const std::string& w, Event&& e) {
      auto it = fresh.find(w);
      if (it != fresh.end()) it->second->Apply(e, nullptr);
      return Status::Ok();
    }));
    for (auto& [id, state] : fresh) RETURN_IF_ERROR(RegisterChannels(*state));
    for (auto& [id, tenant] : tenants_) {
      std::unique_lock lock(tenant->mu);
      tenant->state = std::move(fresh[id]);
      NotifyReset(id, *tenant->state);
    }
    ASSIGN_OR_RETURN(int64_t last, store_->LastEventSeq());
    next_seq_ = last + 1;
    committed_seq_.store(last, std::memory_order_release);
    return Status::Ok();
  }

  // REQUIRES: write_mu_ (so nothing new is queued while waiting).
  void WaitForCommits() {
    std::unique_lock queue_lock(queue_mu_);
    queue_cv_.wait(queue_lock, [&] { return queue_.empty(); });
  }

  Status WriteSnapshot() override {
    if (!options_.load_state) return Status::Ok();
    std::lock_guard write_lock(write_mu_);
    return WriteSnapshotLocked();
  }

  // REQUIRES: write_mu_.
  Status WriteSnapshotLocked() {
    // Only committed state goes into a snapshot; the writer is held off, readers continue.
    WaitForCommits();
    RETURN_IF_ERROR(RebuildIfNeeded());
    TenantMap view;
    std::shared_lock tenants_lock(tenants_mu_);
    for (auto& [id, t] : tenants_) {
      view.emplace(id, std::unique_ptr<TenantState>(t->state.get()));
    }
    Status s = pond::WriteSnapshot(Path(kSnapshotFile), next_seq_ - 1, view, snapshot_key_);
    for (auto& [id, state] : view) state.release();  // borrowed, not owned
    return s;
  }

  Result<ErasureResult> EraseCustomer(const std::string& ws, const std::string& key,
                                      const PersonalKeyTest& is_personal) override {
    if (!options_.load_state) {
      return Status::FailedPrecondition("engine opened for configuration only");
    }
    Tenant* tenant = FindTenant(ws);
    if (!tenant) return Status::NotFound("workspace \"" + ws + "\" not found");
    ErasureResult result;
    {
      std::lock_guard write_lock(write_mu_);
      WaitForCommits();
      RETURN_IF_ERROR(RebuildIfNeeded());
      std::unordered_set<int64_t> own;  // seqs of the customer's events, merged profiles' too
      {
        std::shared_lock lock(tenant->mu);
        const TenantState& state = *tenant->state;
        uint32_t c = ResolveKey(state, key);
        if (c == kNoIndex) return Status::NotFound("customer \"" + key + "\" not found");
        c = state.Live(c);
        result.customer_id = TenantState::CustomerId(c);
        for (const HistoryEntry& h : state.customers().history[c]) {
          own.insert(state.events().seq[h.event]);
        }
      }
      ASSIGN_OR_RETURN(std::vector<Identity> identities,
                       store_->IdentitiesOf(ws, result.customer_id));
      ASSIGN_OR_RETURN(std::vector<Merge> merges, store_->MergesInto(ws, result.customer_id));
      for (const Merge& m : merges) {
        ASSIGN_OR_RETURN(std::vector<Identity> more, store_->IdentitiesOf(ws, m.from_customer));
        identities.insert(identities.end(), more.begin(), more.end());
      }
      const std::vector<IdentityRename> renames = StandInsFor(identities);
      // The snapshot names the person (its identity index): it goes first, so that a crash
      // during the rewrite starts again from the store, and is written again at the end.
      ASSIGN_OR_RETURN(const bool had_snapshot, RemoveSnapshot());
      // Another customer's event may name one of these values too (two userIds are never
      // merged, so an event can carry someone else's phone): it is renamed there as well.
      std::vector<Event> rewritten;
      RETURN_IF_ERROR(store_->ScanEvents(0, [&](const std::string& w, Event&& e) {
        if (w == ws && EraseFromEvent(&e, renames, own.count(e.seq) > 0, is_personal)) {
          rewritten.push_back(std::move(e));
        }
        return Status::Ok();
      }));
      RETURN_IF_ERROR(store_->RewriteEvents(ws, rewritten, renames));
      result.identities = static_cast<int64_t>(renames.size());
      result.events_rewritten = static_cast<int64_t>(rewritten.size());
      rebuild_needed_.store(true, std::memory_order_release);
      RETURN_IF_ERROR(RebuildIfNeeded());
      // Without it the next start replays the whole log: slower, not wrong.
      if (had_snapshot) (void)WriteSnapshotLocked();
    }
    Event erased = ServiceEvent(std::string(kCustomerErased), "erased:" + result.customer_id,
                                result.customer_id, clock_->NowMicros(),
                                "{\"identities\":" + std::to_string(result.identities) +
                                    ",\"events\":" + std::to_string(result.events_rewritten) + "}");
    RETURN_IF_ERROR(Submit(ws, {std::move(erased)}).status());
    return result;
  }

  // Deletes snapshot.bin; whether there was one. REQUIRES: write_mu_.
  Result<bool> RemoveSnapshot() {
    const std::string path = Path(kSnapshotFile);
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return false;
    if (!std::filesystem::remove(path, ec) && std::filesystem::exists(path, ec)) {
      return Status::Unavailable("cannot delete " + path + " before an erasure: " + ec.message());
    }
    return true;
  }

  // --- reads ---------------------------------------------------------------------------
  static uint32_t ResolveKey(const TenantState& state, const std::string& key) {
    return ResolveCustomerKey(state, key);
  }

  Result<CustomerProfile> GetCustomer(const std::string& ws, const std::string& key,
                                      size_t timeline_limit) override {
    Tenant* tenant = FindTenant(ws);
    if (!tenant) return Status::NotFound("workspace \"" + ws + "\" not found");
    CustomerProfile p;
    std::vector<int64_t> seqs, order_seqs, refund_seqs;
    {
      std::shared_lock lock(tenant->mu);
      const TenantState& state = *tenant->state;
      uint32_t c = ResolveKey(state, key);
      if (c == kNoIndex) return Status::NotFound("customer \"" + key + "\" not found");
      c = state.Live(c);
      p.summary = Summarize(state, c);
      seqs = state.RecentEventSeqs(c, timeline_limit);
      p.tags = state.TagsOf(c);
      order_seqs = state.MoneyEventSeqs(c, kCountedOrder);
      refund_seqs = state.MoneyEventSeqs(c, kCountedRefund);
    }
    const std::string& id = p.summary.id;
    ASSIGN_OR_RETURN(p.identities, store_->IdentitiesOf(ws, id));
    ASSIGN_OR_RETURN(p.merged_from, store_->MergesInto(ws, id));
    ASSIGN_OR_RETURN(p.timeline, store_->EventsBySeq(seqs));
    ASSIGN_OR_RETURN(p.orders, store_->OrdersBySeq(ws, order_seqs));
    ASSIGN_OR_RETURN(p.refunds, store_->RefundsBySeq(ws, refund_seqs));
    return p;
  }

  Result<std::string> ResolveCustomer(const std::string& ws, const std::string& key) override {
    Tenant* tenant = FindTenant(ws);
    if (!tenant) return Status::NotFound("workspace \"" + ws + "\" not found");
    std::shared_lock lock(tenant->mu);
    const uint32_t c = ResolveKey(*tenant->state, key);
    if (c == kNoIndex) return Status::NotFound("customer \"" + key + "\" not found");
    return TenantState::CustomerId(tenant->state->Live(c));
  }

  Result<CustomerPage> ListCustomers(const std::string& ws, const std::string& query, size_t limit,
                                     const std::string& cursor) override {
    Tenant* tenant = FindTenant(ws);
    if (!tenant) return Status::NotFound("workspace \"" + ws + "\" not found");
    uint64_t start = 0;
    if (!cursor.empty()) {
      char* end = nullptr;
      start =
          cursor.size() > 1 && cursor[0] == 'c' ? std::strtoull(cursor.c_str() + 1, &end, 10) : 0;
      if (!end || *end != '\0' || start == 0) {
        return FieldError("cursor", "not a cursor this API returned");
      }
    }
    if (query.size() > 256) return FieldError("query", "longer than 256 bytes");
    std::shared_lock lock(tenant->mu);
    const TenantState& state = *tenant->state;
    const CustomerColumns& cs = state.customers();
    std::unordered_set<uint32_t> by_identity;
    if (!query.empty()) {
      for (int k = 1; k <= static_cast<int>(IdentityKind::kTaobaoNick); ++k) {
        auto kind = static_cast<IdentityKind>(k);
        if (auto v = NormalizeIdentity(kind, query)) {
          uint32_t c = state.FindByIdentity(kind, *v);
          if (c != kNoIndex) by_identity.insert(c);
        }
      }
    }
    auto matches = [&](uint32_t c) {
      if (cs.merged_into[c] != kNoIndex) return false;
      if (query.empty() || by_identity.count(c)) return true;
      for (const char* key : {"name", "nickname"}) {
        if (state.customers().traits[c].GetString(key).find(query) != std::string::npos) {
          return true;
        }
      }
      return false;
    };
    CustomerPage page;
    for (uint32_t c = 0; c < cs.size(); ++c) {
      if (!matches(c)) continue;
      ++page.total;
      if (c < start) continue;
      if (page.data.size() < limit) {
        page.data.push_back(Summarize(state, c));
      } else if (!page.next_cursor) {
        page.next_cursor = "c" + std::to_string(c);
      }
    }
    return page;
  }

  Result<StoreStats> Stats(const std::string& ws) override { return store_->Stats(ws); }

  Result<SubmitResult> ChangeTags(const std::string& ws, const std::string& key,
                                  const std::vector<std::string>& tags, bool add,
                                  const std::string& by) override {
    if (tags.empty()) return FieldError("tags", "at least one tag");
    if (tags.size() > 100) return FieldError("tags", "at most 100 tags at once");
    for (size_t i = 0; i < tags.size(); ++i) {
      Status s = ValidateTag(tags[i]);
      if (!s.ok()) return FieldError("tags[" + std::to_string(i) + "]", s.message());
    }
    ASSIGN_OR_RETURN(std::string customer, ResolveCustomer(ws, key));
    std::vector<Event> events;
    for (const std::string& tag : tags) events.push_back(TagChangeEvent(customer, tag, add, by));
    return Submit(ws, std::move(events));
  }

  Result<std::vector<TagCount>> ListTags(const std::string& ws) override {
    Tenant* tenant = FindTenant(ws);
    if (!tenant) return Status::NotFound("workspace \"" + ws + "\" not found");
    std::shared_lock lock(tenant->mu);
    const TenantState& state = *tenant->state;
    std::vector<TagCount> out;
    for (size_t t = 0; t < state.tag_names().size(); ++t) {
      auto n = static_cast<int64_t>(state.tag_bitmaps()[t].cardinality());
      // pond's own tags (pond:friend) are read through stages, not listed as the brand's.
      if (n > 0 && !state.tag_names()[t].starts_with("pond:")) {
        out.push_back({state.tag_names()[t], n});
      }
    }
    std::sort(out.begin(), out.end(),
              [](const TagCount& a, const TagCount& b) { return a.tag < b.tag; });
    return out;
  }

  EngineMetrics Metrics() override {
    EngineMetrics m;
    m.events_accepted = accepted_.load(std::memory_order_relaxed);
    m.duplicates = duplicates_.load(std::memory_order_relaxed);
    m.batches = batches_.load(std::memory_order_relaxed);
    m.replayed_at_open = replayed_at_open_;
    m.snapshots_written = snapshots_written_.load(std::memory_order_relaxed);
    std::shared_lock tenants_lock(tenants_mu_);
    for (auto& [id, t] : tenants_) {
      std::shared_lock lock(t->mu);
      m.customers += t->state->live_customers();
      m.events_in_memory += static_cast<int64_t>(t->state->events().size());
      m.memory_bytes += static_cast<int64_t>(t->state->MemoryBytes());
    }
    m.store_bytes = store_->BytesOnDisk();
    return m;
  }

  const LatencyHistogram& SubmitLatency() const override { return latency_; }

  // --- configuration -------------------------------------------------------------------
  Result<std::vector<Workspace>> ListWorkspaces() override { return store_->ListWorkspaces(); }

  Result<Workspace> GetWorkspace(const std::string& id) override {
    std::lock_guard lock(workspaces_mu_);
    auto it = workspaces_.find(id);
    if (it == workspaces_.end()) return Status::NotFound("workspace \"" + id + "\" not found");
    return it->second;
  }

  Result<Workspace> CreateWorkspace(const std::string& id, const std::string& name,
                                    int utc_offset_seconds) override {
    if (id.empty() || id.size() > 64) return FieldError("id", "1 to 64 characters");
    if (utc_offset_seconds < -12 * 3600 || utc_offset_seconds > 14 * 3600) {
      return FieldError("utc_offset", "between -12:00 and +14:00");
    }
    for (char c : id) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
        return FieldError("id", "only a-z, 0-9, '-' and '_'");
      }
    }
    RETURN_IF_ERROR(ValidateText(name, "name", 128, false));
    std::lock_guard write_lock(write_mu_);
    if (FindTenant(id)) return Status::AlreadyExists("workspace \"" + id + "\" already exists");
    Workspace w{id, name.empty() ? id : name, utc_offset_seconds, clock_->NowMicros()};
    RETURN_IF_ERROR(store_->PutWorkspace(w));
    RETURN_IF_ERROR(AddTenant(w));
    return w;
  }

  // An empty tenant for a workspace that is in the store. The caller holds write_mu_.
  Status AddTenant(const Workspace& w) {
    {
      // Before the observers' reset below: they ask for the new workspace's zone.
      std::lock_guard lock(workspaces_mu_);
      workspaces_[w.id] = w;
    }
    auto t = std::make_unique<Tenant>();
    t->state = std::make_unique<TenantState>(w.id);
    RETURN_IF_ERROR(RegisterChannels(*t->state));
    {
      std::unique_lock lock(t->mu);
      NotifyReset(w.id, *t->state);
    }
    std::unique_lock tenants_lock(tenants_mu_);
    tenants_.emplace(w.id, std::move(t));
    return Status::Ok();
  }

  Result<NewApiKey> CreateApiKey(const std::string& ws, KeyKind kind) override {
    if (!FindTenant(ws)) return Status::NotFound("workspace \"" + ws + "\" not found");
    NewApiKey k;
    k.secret = GenerateKeySecret(kind);
    k.key = {RandomId("key_"), ws, kind, HashKeySecret(k.secret), clock_->NowMicros()};
    RETURN_IF_ERROR(store_->PutApiKey(k.key));
    return k;
  }

  Result<ApiKey> Authenticate(const std::string& secret) override {
    if (secret.empty() || secret.size() > 128) return Status::Unauthenticated("invalid API key");
    std::string hash = HashKeySecret(secret);
    const Micros now = clock_->NowMicros();
    {
      std::lock_guard lock(keys_mu_);
      if (auto it = key_cache_.find(hash);
          it != key_cache_.end() && now - it->second.checked_at < kKeyRecheckMicros) {
        if (it->second.key.revoked_at) return Status::Unauthenticated("API key revoked");
        return it->second.key;
      }
    }
    ASSIGN_OR_RETURN(std::optional<ApiKey> key, store_->FindApiKeyByHash(hash));
    if (!key) return Status::Unauthenticated("invalid API key");
    if (!FindTenant(key->workspace_id)) RETURN_IF_ERROR(AdoptWorkspace(key->workspace_id));
    {
      std::lock_guard lock(keys_mu_);
      key_cache_[hash] = {*key, now};
    }
    if (key->revoked_at) return Status::Unauthenticated("API key revoked");
    return *key;
  }

  Status RevokeApiKey(const std::string& ws, const std::string& key_id) override {
    RETURN_IF_ERROR(store_->RevokeApiKey(ws, key_id, clock_->NowMicros()));
    std::lock_guard lock(keys_mu_);
    std::erase_if(key_cache_, [&](const auto& entry) { return entry.second.key.id == key_id; });
    return Status::Ok();
  }

  // A workspace another process created in the store (`pond workspace create` beside a running
  // server): taken in empty, as CreateWorkspace would have, so its keys work without a restart.
  Status AdoptWorkspace(const std::string& id) {
    ASSIGN_OR_RETURN(std::vector<Workspace> stored, store_->ListWorkspaces());
    auto w = std::find_if(stored.begin(), stored.end(),
                          [&](const Workspace& candidate) { return candidate.id == id; });
    if (w == stored.end()) return Status::Unauthenticated("API key of an unknown workspace");
    std::lock_guard write_lock(write_mu_);
    if (FindTenant(id)) return Status::Ok();  // another request adopted it first
    return AddTenant(*w);
  }

  Result<std::vector<ApiKey>> ListApiKeys(const std::string& ws) override {
    return store_->ListApiKeys(ws);
  }

  Result<Channel> CreateChannel(const std::string& ws, Channel channel) override {
    if (!FindTenant(ws)) return Status::NotFound("workspace \"" + ws + "\" not found");
    RETURN_IF_ERROR(ValidateText(channel.code, "code", 128, true));
    RETURN_IF_ERROR(ValidateText(channel.name, "name", 128, false));
    if (channel.name.empty()) channel.name = channel.code;
    if (channel.id.empty()) {
      channel.id = RandomId("chn_");
    } else if (!channel.id.starts_with("chn_") || channel.id.size() > 64) {
      return FieldError("id", "\"chn_\" and at most 60 more characters (or none: pond picks one)");
    }
    channel.created_at = clock_->NowMicros();
    std::lock_guard write_lock(write_mu_);  // observers are called by one writer at a time
    RETURN_IF_ERROR(store_->PutChannel(ws, channel));
    Tenant* tenant = FindTenant(ws);
    std::unique_lock lock(tenant->mu);
    tenant->state->RegisterChannel(channel.code, channel.kind);
    for (StateObserver* o : observers_) o->OnChannelRegistered(ws, *tenant->state);
    return channel;
  }

  Result<std::vector<Channel>> ListChannels(const std::string& ws) override {
    if (!FindTenant(ws)) return Status::NotFound("workspace \"" + ws + "\" not found");
    return store_->ListChannels(ws);
  }

  Status AddChannelSpend(const std::string& ws, const ChannelSpend& spend) override {
    ASSIGN_OR_RETURN(std::vector<Channel> channels, ListChannels(ws));
    bool known = false;
    for (const Channel& c : channels) known |= c.id == spend.channel_id;
    if (!known) return Status::NotFound("channel \"" + spend.channel_id + "\" not found");
    if (spend.day.size() != 10 || !ParseIso8601(spend.day).ok()) {
      return FieldError("day", "not a date like 2024-03-01");
    }
    if (spend.amount_fen < 0) return FieldError("amount_fen", "negative");
    return store_->PutChannelSpend(ws, spend);
  }

  Result<std::vector<ChannelSpend>> ListChannelSpend(const std::string& ws,
                                                     const std::string& channel_id) override {
    return store_->ListChannelSpend(ws, channel_id);
  }

  Status PutStaffAccount(const std::string& ws, const StaffAccount& staff) override {
    if (!FindTenant(ws)) return Status::NotFound("workspace \"" + ws + "\" not found");
    return store_->PutStaffAccount(ws, staff);
  }
  Result<std::vector<StaffAccount>> ListStaffAccounts(const std::string& ws) override {
    return store_->ListStaffAccounts(ws);
  }

  Status PutObject(const std::string& ws, const StoredObject& object) override {
    if (!FindTenant(ws)) return Status::NotFound("workspace \"" + ws + "\" not found");
    return store_->PutObject(ws, object);
  }
  Result<bool> DeleteObject(const std::string& ws, const std::string& kind,
                            const std::string& id) override {
    return store_->DeleteObject(ws, kind, id);
  }
  Result<std::vector<StoredObject>> ListObjects(const std::string& ws,
                                                const std::string& kind) override {
    return store_->ListObjects(ws, kind);
  }

  void AddObserver(StateObserver* observer) override {
    std::lock_guard write_lock(write_mu_);
    observers_.push_back(observer);
    std::shared_lock tenants_lock(tenants_mu_);
    for (auto& [id, t] : tenants_) {
      std::unique_lock lock(t->mu);
      observer->OnReset(id, *t->state);
    }
  }

  void RemoveObserver(StateObserver* observer) override {
    std::lock_guard write_lock(write_mu_);
    std::erase(observers_, observer);
  }

  Result<std::vector<Event>> LoadEvents(std::span<const int64_t> seqs) override {
    // An event past the committed seq is either still queued (taken from the queue) or was
    // committed and dequeued after `committed` was read (so it is in the store by now).
    const int64_t committed = committed_seq_.load(std::memory_order_acquire);
    std::vector<Event> out;
    std::vector<int64_t> stored;
    {
      std::unordered_map<int64_t, const Event*> queued;
      std::lock_guard queue_lock(queue_mu_);
      for (const auto& p : queue_) {
        for (const Event& q : p->batch.events) {
          if (q.seq > committed) queued.emplace(q.seq, &q);
        }
      }
      for (int64_t seq : seqs) {
        auto it = seq > committed ? queued.find(seq) : queued.end();
        if (it != queued.end()) {
          out.push_back(*it->second);
        } else {
          stored.push_back(seq);
        }
      }
    }
    ASSIGN_OR_RETURN(std::vector<Event> from_store, store_->EventsBySeq(stored));
    for (Event& e : from_store) out.push_back(std::move(e));
    return out;
  }

  Result<std::vector<Order>> LoadOrders(const std::string& ws,
                                        std::span<const int64_t> seqs) override {
    return store_->OrdersBySeq(ws, seqs);
  }

  Status ReadState(const std::string& ws,
                   const std::function<void(const TenantState&)>& fn) override {
    Tenant* tenant = FindTenant(ws);
    if (!tenant) return Status::NotFound("workspace \"" + ws + "\" not found");
    std::shared_lock lock(tenant->mu);
    fn(*tenant->state);
    return Status::Ok();
  }

  Clock& clock() override { return *clock_; }

 private:
  // REQUIRES: write_mu_ and the tenant's lock held exclusively.
  void NotifyApplied(const std::string& ws, const TenantState& state, const Event& e) {
    if (observers_.empty()) return;
    auto index = static_cast<uint32_t>(state.events().size() - 1);
    const uint32_t customer = state.events().customer[index];
    // The event just applied is the last of its customer's history.
    AppliedEvent applied{e, index, state.customers().history[customer].back().name, customer,
                         state.merged_by_last_apply()};
    for (StateObserver* o : observers_) o->OnApplied(ws, state, applied);
  }
  // The store's channels, with their kinds, into a state just built.
  Status RegisterChannels(TenantState& state) {
    ASSIGN_OR_RETURN(std::vector<Channel> channels, store_->ListChannels(state.workspace_id()));
    for (const Channel& c : channels) state.RegisterChannel(c.code, c.kind);
    return Status::Ok();
  }

  void NotifyReset(const std::string& ws, const TenantState& state) {
    for (StateObserver* o : observers_) o->OnReset(ws, state);
  }

  std::string Path(const char* file) const {
    return (std::filesystem::path(options_.data_dir) / file).string();
  }

  Tenant* FindTenant(const std::string& ws) {
    std::shared_lock lock(tenants_mu_);
    auto it = tenants_.find(ws);
    return it == tenants_.end() ? nullptr : it->second.get();
  }

  EngineOptions options_;
  Clock* clock_;
  std::unique_ptr<Store> owned_store_;
  std::string snapshot_key_;  // derived from the master key
  Store* store_ = nullptr;

  // One queued group-commit entry: what a Submit call applied, and its caller's verdict.
  struct PendingCommit {
    CommitBatch batch;
    int64_t last_seq = 0;
    std::promise<Status> done;
  };
  static constexpr size_t kMaxBatchesPerGroup = 64;

  // The workspaces' records (name, zone) as stored, read on every request that needs local
  // time; a workspace's zone never changes once it is made.
  std::mutex workspaces_mu_;  // last in lock order: nothing is called while it is held
  std::map<std::string, Workspace> workspaces_;  // GUARDED_BY(workspaces_mu_)

  std::mutex write_mu_;  // the single writer: Submit, snapshots, workspace creation
  std::vector<StateObserver*> observers_;  // GUARDED_BY(write_mu_)
  int64_t next_seq_ = 1;                   // GUARDED_BY(write_mu_)

  std::mutex queue_mu_;  // after write_mu_ when both are held
  std::condition_variable queue_cv_;
  std::deque<std::unique_ptr<PendingCommit>> queue_;  // GUARDED_BY(queue_mu_)
  bool stopping_ = false;                             // GUARDED_BY(queue_mu_)
  std::atomic<int64_t> committed_seq_{0};             // highest seq known durable
  std::atomic<bool> rebuild_needed_{false};  // a commit failed; state is ahead of the store
  std::thread committer_;

  std::mutex snapshot_mu_;
  std::condition_variable snapshot_cv_;
  bool stop_snapshots_ = false;  // GUARDED_BY(snapshot_mu_)
  std::thread snapshotter_;

  std::shared_mutex tenants_mu_;
  std::map<std::string, std::unique_ptr<Tenant>> tenants_;  // GUARDED_BY(tenants_mu_)

  std::mutex keys_mu_;
  struct CachedKey {
    ApiKey key;
    Micros checked_at = 0;  // read from the store then; read again after kKeyRecheckMicros
  };
  std::unordered_map<std::string, CachedKey> key_cache_;  // by secret hash; GUARDED_BY(keys_mu_)

  std::atomic<int64_t> accepted_{0};
  int64_t replayed_at_open_ = 0;  // events in the store after the snapshot loaded at open
  std::atomic<int64_t> snapshots_written_{0};  // by the background writer
  std::atomic<int64_t> duplicates_{0};
  std::atomic<int64_t> batches_{0};
  LatencyHistogram latency_;
  int lock_fd_ = -1;
};

}  // namespace

PendingSubmit::PendingSubmit(SubmitResult counts, std::shared_ptr<Verdict> verdict)
    : counts_(counts), verdict_(std::move(verdict)) {}
PendingSubmit::PendingSubmit(PendingSubmit&&) noexcept = default;
PendingSubmit& PendingSubmit::operator=(PendingSubmit&&) noexcept = default;
PendingSubmit::~PendingSubmit() = default;

Result<SubmitResult> PendingSubmit::Wait() {
  if (verdict_) {
    Status s = verdict_->done.get();
    verdict_.reset();
    if (!s.ok()) return s;
  }
  return counts_;
}

Status Engine::LoadThenObserve(StateObserver* service,
                               const std::function<Status(const Workspace& workspace)>& load) {
  if (load) {
    ASSIGN_OR_RETURN(std::vector<Workspace> all, ListWorkspaces());
    for (const Workspace& w : all) RETURN_IF_ERROR(load(w));
  }
  AddObserver(service);
  return Status::Ok();
}

Result<int> Engine::UtcOffsetOf(const std::string& workspace_id) {
  ASSIGN_OR_RETURN(Workspace w, GetWorkspace(workspace_id));
  return w.utc_offset_seconds;
}

Result<std::unique_ptr<Engine>> Engine::Open(const EngineOptions& options) {
  auto engine = std::make_unique<EngineImpl>(options);
  RETURN_IF_ERROR(engine->Load());
  return std::unique_ptr<Engine>(std::move(engine));
}

}  // namespace pond
