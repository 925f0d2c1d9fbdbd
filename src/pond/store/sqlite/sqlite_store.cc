#include "pond/store/sqlite/sqlite_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <mutex>

namespace pond {
namespace {

// Each entry moves the schema one version up. Never edit a released entry: append a new one.
const char* const kMigrations[] = {
    // 1: the event log, its projections and configuration.
    R"sql(
CREATE TABLE workspaces (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, utc_offset_seconds INTEGER NOT NULL,
  created_at INTEGER NOT NULL);
CREATE TABLE events (
  seq INTEGER PRIMARY KEY, workspace_id TEXT NOT NULL, message_id TEXT NOT NULL,
  type INTEGER NOT NULL, name TEXT NOT NULL, user_id TEXT NOT NULL, anonymous_id TEXT NOT NULL,
  customer_id TEXT NOT NULL, timestamp INTEGER NOT NULL, received_at INTEGER NOT NULL,
  amount_fen INTEGER NOT NULL, order_ref TEXT NOT NULL, identities TEXT NOT NULL,
  properties TEXT NOT NULL, traits TEXT NOT NULL, context TEXT NOT NULL);
-- No index on message_id: the engine dedupes in memory (engine/message_index.h).
CREATE TABLE customers (
  workspace_id TEXT NOT NULL, id TEXT NOT NULL, created_at INTEGER NOT NULL,
  merged_into TEXT NOT NULL DEFAULT '', PRIMARY KEY (workspace_id, id)) WITHOUT ROWID;
-- Keyed by customer: the engine owns the value -> customer index (in memory) and guarantees
-- one customer per identity; the store is read by customer, and new customers append in order.
CREATE TABLE identities (
  workspace_id TEXT NOT NULL, customer_id TEXT NOT NULL, kind INTEGER NOT NULL,
  value TEXT NOT NULL, PRIMARY KEY (workspace_id, customer_id, kind, value)) WITHOUT ROWID;
CREATE TABLE merges (
  workspace_id TEXT NOT NULL, from_customer TEXT NOT NULL, into_customer TEXT NOT NULL,
  event_seq INTEGER NOT NULL, merged_at INTEGER NOT NULL, reason_kind INTEGER NOT NULL,
  reason_value TEXT NOT NULL);
CREATE INDEX merges_by_into ON merges (workspace_id, into_customer);
-- Orders and refunds are keyed by the seq of the event that recorded them: appended in order.
-- The engine keeps order and refund ids unique. Line items ride in the order row
-- (store.h: EncodeLineItems).
CREATE TABLE orders (
  workspace_id TEXT NOT NULL, event_seq INTEGER NOT NULL, order_id TEXT NOT NULL,
  customer_id TEXT NOT NULL, paid_at INTEGER NOT NULL, total_fen INTEGER NOT NULL,
  discount_fen INTEGER NOT NULL, currency TEXT NOT NULL, source TEXT NOT NULL,
  items TEXT NOT NULL, PRIMARY KEY (workspace_id, event_seq)) WITHOUT ROWID;
CREATE TABLE refunds (
  workspace_id TEXT NOT NULL, event_seq INTEGER NOT NULL, refund_id TEXT NOT NULL,
  order_id TEXT NOT NULL, customer_id TEXT NOT NULL, refunded_at INTEGER NOT NULL,
  amount_fen INTEGER NOT NULL, reason TEXT NOT NULL,
  PRIMARY KEY (workspace_id, event_seq)) WITHOUT ROWID;
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, kind INTEGER NOT NULL,
  secret_hash TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL);
CREATE TABLE channels (
  workspace_id TEXT NOT NULL, id TEXT NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL,
  kind INTEGER NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (workspace_id, id));
CREATE UNIQUE INDEX channels_by_code ON channels (workspace_id, code);
CREATE TABLE channel_spend (
  workspace_id TEXT NOT NULL, channel_id TEXT NOT NULL, day TEXT NOT NULL,
  amount_fen INTEGER NOT NULL, PRIMARY KEY (workspace_id, channel_id, day));
CREATE TABLE staff_accounts (
  workspace_id TEXT NOT NULL, id TEXT NOT NULL, kind INTEGER NOT NULL, name TEXT NOT NULL,
  persona TEXT NOT NULL, friend_capacity INTEGER NOT NULL, daily_add_limit INTEGER NOT NULL,
  wecom_userid TEXT NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (workspace_id, id));
)sql",
    // 2: definitions the engine's parts keep as JSON (segments, later journeys, groups, ...).
    R"sql(
CREATE TABLE objects (
  workspace_id TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL,
  updated_at INTEGER NOT NULL, PRIMARY KEY (workspace_id, kind, id)) WITHOUT ROWID;
)sql",
    // 3: a merge repoints profiles merged into the one folded away; without this index that
    // update read every customer (the demo world's merges made it the whole ingest cost).
    R"sql(
CREATE INDEX customers_by_merged_into ON customers (workspace_id, merged_into);
)sql",
    // 4: keys can be revoked (`pond key revoke`); a revoked key stays listed.
    R"sql(
ALTER TABLE api_keys ADD COLUMN revoked_at INTEGER NOT NULL DEFAULT 0;
)sql",
};

// The order or refund an event carries, so replay can count it once and bound a refund by its
// order: "o:<order_id>", "r:<refund_id>", "r:<refund_id>\x1f<order_id>" or "". Ids hold no
// control characters (the ingest edge refuses them). Line items live in the orders projection,
// not in the log's index.
constexpr char kRefundOrderSeparator = '\x1f';

std::string OrderRef(const Event& e) {
  if (e.order) return "o:" + e.order->order_id;
  if (e.refund && e.refund->order_id.empty()) return "r:" + e.refund->refund_id;
  if (e.refund) return "r:" + e.refund->refund_id + kRefundOrderSeparator + e.refund->order_id;
  return {};
}

void RestoreOrderRef(std::string_view ref, Event* e) {
  if (ref.starts_with("o:")) {
    e->order.emplace();
    e->order->order_id = ref.substr(2);
    e->order->total_fen = e->amount_fen;
    e->order->paid_at = e->timestamp;
  } else if (ref.starts_with("r:")) {
    e->refund.emplace();
    ref.remove_prefix(2);
    const size_t separator = ref.find(kRefundOrderSeparator);
    e->refund->refund_id = ref.substr(0, separator);
    if (separator != std::string_view::npos) e->refund->order_id = ref.substr(separator + 1);
    e->refund->amount_fen = e->amount_fen;
    e->refund->refunded_at = e->timestamp;
  }
}

constexpr int kSchemaVersion = sizeof(kMigrations) / sizeof(kMigrations[0]);

// A prepared statement, reset and cleared every time it is taken.
class Stmt {
 public:
  // Every statement binds all of its parameters, so no clear_bindings is needed.
  explicit Stmt(sqlite3_stmt* s) : s_(s) {}
  Stmt& Bind(int i, int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  Stmt& Bind(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return sqlite3_step(s_); }
  int64_t Int(int col) { return sqlite3_column_int64(s_, col); }
  std::string Text(int col) {
    auto p = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
    return p ? std::string(p, sqlite3_column_bytes(s_, col)) : std::string();
  }
  ~Stmt() { sqlite3_reset(s_); }

 private:
  sqlite3_stmt* s_;
};

// One connection with its statement cache.
class Connection {
 public:
  ~Connection() {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    if (db_) sqlite3_close(db_);
  }
  Status Open(const std::string& path, int flags) {
    if (sqlite3_open_v2(path.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
      return Status::Unavailable("cannot open store " + path + ": " + Error());
    }
    sqlite3_busy_timeout(db_, 10000);
    return Status::Ok();
  }
  std::string Error() const { return db_ ? sqlite3_errmsg(db_) : "out of memory"; }
  Status Exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : Error();
      sqlite3_free(err);
      return Status::Internal(std::string("store: ") + msg);
    }
    return Status::Ok();
  }
  Result<Stmt> Prepare(const char* sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
      sqlite3_stmt* stmt = nullptr;
      if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) !=
          SQLITE_OK) {
        return Status::Internal("store: prepare failed: " + Error());
      }
      it = cache_.emplace(sql, stmt).first;
    }
    return Stmt(it->second);
  }
  // Runs a statement that returns no rows.
  Status Done(Stmt& stmt) {
    int rc = stmt.Step();
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
      return Status::Internal("store: " + Error());
    }
    return Status::Ok();
  }
  sqlite3* db() { return db_; }
  int64_t Changes() const { return sqlite3_changes64(db_); }

 private:
  sqlite3* db_ = nullptr;
  std::map<const char*, sqlite3_stmt*> cache_;  // keyed by the literal's address
};

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(std::string path) : path_(std::move(path)) {}

  Status Open(const StoreOptions& options) {
    // A new store is readable by its owner only (SQLite gives its -wal and -shm files the same
    // mode): it holds customers' personal data. SQLite alone would follow the umask (0644).
    if (path_ != ":memory:") {
      const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if (fd >= 0) ::close(fd);
    }
    RETURN_IF_ERROR(writer_.Open(path_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
    RETURN_IF_ERROR(writer_.Exec("PRAGMA journal_mode=WAL"));
    RETURN_IF_ERROR(writer_.Exec(options.durability == Durability::kPowerLoss
                                     ? "PRAGMA synchronous=FULL"
                                     : "PRAGMA synchronous=NORMAL"));
    RETURN_IF_ERROR(writer_.Exec("PRAGMA cache_size=-262144"));  // 256 MiB
    // Checkpoint every ~40 MB of WAL instead of every 4 MB: fewer, larger checkpoints.
    RETURN_IF_ERROR(writer_.Exec("PRAGMA wal_autocheckpoint=10000"));
    RETURN_IF_ERROR(Migrate());
    RETURN_IF_ERROR(reader_.Open(path_, SQLITE_OPEN_READONLY));
    return Status::Ok();
  }

  Status Migrate() {
    RETURN_IF_ERROR(writer_.Exec("BEGIN IMMEDIATE"));
    Status s = MigrateInTransaction();
    if (!s.ok()) {
      (void)writer_.Exec("ROLLBACK");
      return s;
    }
    return writer_.Exec("COMMIT");
  }

  Status MigrateInTransaction() {
    RETURN_IF_ERROR(
        writer_.Exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"));
    int version = 0;
    {
      ASSIGN_OR_RETURN(Stmt q, writer_.Prepare("SELECT MAX(version) FROM schema_version"));
      if (q.Step() == SQLITE_ROW) version = static_cast<int>(q.Int(0));
    }
    if (version > kSchemaVersion) {
      return Status::FailedPrecondition("store " + path_ + " has schema version " +
                                        std::to_string(version) + ", newer than this pond (" +
                                        std::to_string(kSchemaVersion) + ")");
    }
    for (int v = version; v < kSchemaVersion; ++v) {
      RETURN_IF_ERROR(writer_.Exec(kMigrations[v]));
      ASSIGN_OR_RETURN(Stmt ins, writer_.Prepare("INSERT INTO schema_version VALUES (?)"));
      ins.Bind(1, v + 1);
      RETURN_IF_ERROR(writer_.Done(ins));
    }
    return Status::Ok();
  }

  using Store::Commit;
  Status Commit(std::span<const CommitBatch* const> batches) override {
    std::lock_guard lock(writer_mu_);
    RETURN_IF_ERROR(writer_.Exec("BEGIN IMMEDIATE"));
    Status s;
    for (const CommitBatch* b : batches) {
      s = CommitInTransaction(*b);
      if (!s.ok()) break;
    }
    if (!s.ok()) {
      (void)writer_.Exec("ROLLBACK");
      return s;
    }
    return writer_.Exec("COMMIT");
  }

  Status CommitInTransaction(const CommitBatch& b) {
    const std::string& ws = b.workspace_id;
    for (const Customer& c : b.new_customers) {
      ASSIGN_OR_RETURN(Stmt q, writer_.Prepare("INSERT INTO customers (workspace_id, id, "
                                               "created_at) VALUES (?,?,?)"));
      q.Bind(1, ws).Bind(2, c.id).Bind(3, c.created_at);
      RETURN_IF_ERROR(writer_.Done(q));
    }
    for (const IdentityLink& l : b.new_identities) {
      ASSIGN_OR_RETURN(Stmt q,
                       writer_.Prepare("INSERT OR IGNORE INTO identities VALUES (?,?,?,?)"));
      q.Bind(1, ws).Bind(2, l.customer_id).Bind(3, static_cast<int64_t>(l.identity.kind));
      q.Bind(4, l.identity.value);
      RETURN_IF_ERROR(writer_.Done(q));
    }
    for (const Event& e : b.events) {
      ASSIGN_OR_RETURN(
          Stmt q, writer_.Prepare("INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
      q.Bind(1, e.seq).Bind(2, ws).Bind(3, e.message_id).Bind(4, static_cast<int64_t>(e.type));
      q.Bind(5, e.name).Bind(6, e.user_id).Bind(7, e.anonymous_id).Bind(8, e.customer_id);
      q.Bind(9, e.timestamp).Bind(10, e.received_at).Bind(11, e.amount_fen);
      std::string ref = OrderRef(e);
      std::string ids = EncodeIdentities(e.identities);
      q.Bind(12, ref).Bind(13, ids).Bind(14, e.properties).Bind(15, e.traits).Bind(16, e.context);
      int rc = q.Step();
      if (rc == SQLITE_CONSTRAINT) {
        return Status(StatusCode::kAlreadyExists,
                      "store: event seq " + std::to_string(e.seq) + " is already stored");
      }
      if (rc != SQLITE_DONE) return Status::Internal("store: " + writer_.Error());
    }
    for (const Order& o : b.orders) {
      ASSIGN_OR_RETURN(Stmt q, writer_.Prepare("INSERT INTO orders VALUES (?,?,?,?,?,?,?,?,?,?)"));
      std::string items = EncodeLineItems(o.items);
      q.Bind(1, ws).Bind(2, o.event_seq).Bind(3, o.order_id).Bind(4, o.customer_id);
      q.Bind(5, o.paid_at).Bind(6, o.total_fen).Bind(7, o.discount_fen).Bind(8, o.currency);
      q.Bind(9, o.source).Bind(10, items);
      RETURN_IF_ERROR(writer_.Done(q));
    }
    for (const Refund& r : b.refunds) {
      ASSIGN_OR_RETURN(Stmt q, writer_.Prepare("INSERT INTO refunds VALUES (?,?,?,?,?,?,?,?)"));
      q.Bind(1, ws).Bind(2, r.event_seq).Bind(3, r.refund_id).Bind(4, r.order_id);
      q.Bind(5, r.customer_id).Bind(6, r.refunded_at).Bind(7, r.amount_fen).Bind(8, r.reason);
      RETURN_IF_ERROR(writer_.Done(q));
    }
    for (const Merge& m : b.merges) RETURN_IF_ERROR(ApplyMerge(ws, m));
    return Status::Ok();
  }

  Status ApplyMerge(const std::string& ws, const Merge& m) {
    static const char* const kMoves[] = {
        "UPDATE OR IGNORE identities SET customer_id = ?1 WHERE workspace_id = ?2 AND "
        "customer_id = ?3",
        "UPDATE customers SET merged_into = ?1 WHERE workspace_id = ?2 AND id = ?3",
        // Profiles merged into `from` earlier now point at the survivor directly.
        "UPDATE customers SET merged_into = ?1 WHERE workspace_id = ?2 AND merged_into = ?3",
        "UPDATE merges SET into_customer = ?1 WHERE workspace_id = ?2 AND into_customer = ?3",
    };
    for (const char* sql : kMoves) {
      ASSIGN_OR_RETURN(Stmt q, writer_.Prepare(sql));
      q.Bind(1, m.into_customer).Bind(2, ws).Bind(3, m.from_customer);
      RETURN_IF_ERROR(writer_.Done(q));
    }
    ASSIGN_OR_RETURN(Stmt q, writer_.Prepare("INSERT INTO merges VALUES (?,?,?,?,?,?,?)"));
    q.Bind(1, ws).Bind(2, m.from_customer).Bind(3, m.into_customer).Bind(4, m.event_seq);
    q.Bind(5, m.merged_at).Bind(6, static_cast<int64_t>(m.reason.kind)).Bind(7, m.reason.value);
    return writer_.Done(q);
  }

  Result<int64_t> LastEventSeq() override {
    std::lock_guard lock(reader_mu_);
    ASSIGN_OR_RETURN(Stmt q, reader_.Prepare("SELECT COALESCE(MAX(seq), 0) FROM events"));
    if (q.Step() != SQLITE_ROW) return Status::Internal("store: " + reader_.Error());
    return q.Int(0);
  }

  static Event ReadEvent(Stmt& q, int first) {
    Event e;
    e.seq = q.Int(first);
    e.message_id = q.Text(first + 1);
    e.type = static_cast<EventType>(q.Int(first + 2));
    e.name = q.Text(first + 3);
    e.user_id = q.Text(first + 4);
    e.anonymous_id = q.Text(first + 5);
    e.customer_id = q.Text(first + 6);
    e.timestamp = q.Int(first + 7);
    e.received_at = q.Int(first + 8);
    e.amount_fen = q.Int(first + 9);
    RestoreOrderRef(q.Text(first + 10), &e);
    e.identities = DecodeIdentities(q.Text(first + 11));
    e.properties = q.Text(first + 12);
    e.traits = q.Text(first + 13);
    e.context = q.Text(first + 14);
    return e;
  }

  Status ScanEvents(int64_t after_seq, const EventVisitor& fn) override {
    // A dedicated connection: a scan of millions of rows must not hold the reader's mutex.
    Connection scan;
    RETURN_IF_ERROR(scan.Open(path_, SQLITE_OPEN_READONLY));
    ASSIGN_OR_RETURN(Stmt q,
                     scan.Prepare("SELECT workspace_id, seq, message_id, type, name, user_id, "
                                  "anonymous_id, customer_id, timestamp, received_at, amount_fen, "
                                  "order_ref, identities, properties, traits, context FROM events "
                                  "WHERE seq > ? ORDER BY seq"));
    q.Bind(1, after_seq);
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) {
      std::string ws = q.Text(0);
      RETURN_IF_ERROR(fn(ws, ReadEvent(q, 1)));
    }
    if (rc != SQLITE_DONE) return Status::Internal("store: " + scan.Error());
    return Status::Ok();
  }

  Result<std::vector<Event>> EventsBySeq(std::span<const int64_t> seqs) override {
    std::lock_guard lock(reader_mu_);
    std::vector<Event> out;
    out.reserve(seqs.size());
    for (int64_t seq : seqs) {
      ASSIGN_OR_RETURN(
          Stmt q, reader_.Prepare("SELECT seq, message_id, type, name, user_id, anonymous_id, "
                                  "customer_id, timestamp, received_at, amount_fen, order_ref, "
                                  "identities, properties, traits, context FROM events "
                                  "WHERE seq = ?"));
      q.Bind(1, seq);
      if (q.Step() == SQLITE_ROW) out.push_back(ReadEvent(q, 0));
    }
    return out;
  }

  Result<std::optional<Customer>> GetCustomer(const std::string& ws,
                                              const std::string& id) override {
    std::lock_guard lock(reader_mu_);
    ASSIGN_OR_RETURN(Stmt q, reader_.Prepare("SELECT created_at, merged_into FROM "
                                             "customers WHERE workspace_id = ? AND id = ?"));
    q.Bind(1, ws).Bind(2, id);
    if (q.Step() != SQLITE_ROW) return std::optional<Customer>();
    Customer c;
    c.id = id;
    c.created_at = q.Int(0);
    c.merged_into = q.Text(1);
    return std::optional<Customer>(std::move(c));
  }

  Result<std::vector<Identity>> IdentitiesOf(const std::string& ws,
                                             const std::string& customer) override {
    std::lock_guard lock(reader_mu_);
    ASSIGN_OR_RETURN(Stmt q, reader_.Prepare("SELECT kind, value FROM identities WHERE "
                                             "workspace_id = ? AND customer_id = ? "
                                             "ORDER BY kind, value"));
    q.Bind(1, ws).Bind(2, customer);
    std::vector<Identity> out;
    while (q.Step() == SQLITE_ROW) {
      out.push_back({static_cast<IdentityKind>(q.Int(0)), q.Text(1)});
    }
    return out;
  }

  Result<std::vector<Merge>> MergesInto(const std::string& ws,
                                        const std::string& customer) override {
    std::lock_guard lock(reader_mu_);
    ASSIGN_OR_RETURN(Stmt q, reader_.Prepare("SELECT from_customer, into_customer, event_seq, "
                                             "merged_at, reason_kind, reason_value FROM merges "
                                             "WHERE workspace_id = ? AND into_customer = ? "
                                             "ORDER BY event_seq"));
    q.Bind(1, ws).Bind(2, customer);
    std::vector<Merge> out;
    while (q.Step() == SQLITE_ROW) {
      Merge m;
      m.from_customer = q.Text(0);
      m.into_customer = q.Text(1);
      m.event_seq = q.Int(2);
      m.merged_at = q.Int(3);
      m.reason = {static_cast<IdentityKind>(q.Int(4)), q.Text(5)};
      out.push_back(std::move(m));
    }
    return out;
  }

  Result<std::vector<Order>> OrdersBySeq(const std::string& ws,
                                         std::span<const int64_t> seqs) override {
    std::lock_guard lock(reader_mu_);
    std::vector<Order> out;
    for (int64_t seq : seqs) {
      ASSIGN_OR_RETURN(
          Stmt q, reader_.Prepare("SELECT order_id, customer_id, paid_at, total_fen, discount_fen, "
                                  "currency, source, items FROM orders WHERE workspace_id = ? AND "
                                  "event_seq = ?"));
      q.Bind(1, ws).Bind(2, seq);
      if (q.Step() != SQLITE_ROW) continue;
      Order o;
      o.event_seq = seq;
      o.order_id = q.Text(0);
      o.customer_id = q.Text(1);
      o.paid_at = q.Int(2);
      o.total_fen = q.Int(3);
      o.discount_fen = q.Int(4);
      o.currency = q.Text(5);
      o.source = q.Text(6);
      o.items = DecodeLineItems(q.Text(7));
      out.push_back(std::move(o));
    }
    return out;
  }

  Result<std::vector<Refund>> RefundsBySeq(const std::string& ws,
                                           std::span<const int64_t> seqs) override {
    std::lock_guard lock(reader_mu_);
    std::vector<Refund> out;
    for (int64_t seq : seqs) {
      ASSIGN_OR_RETURN(Stmt q,
                       reader_.Prepare("SELECT refund_id, order_id, customer_id, refunded_at, "
                                       "amount_fen, reason FROM refunds WHERE workspace_id = ? AND "
                                       "event_seq = ?"));
      q.Bind(1, ws).Bind(2, seq);
      if (q.Step() != SQLITE_ROW) continue;
      out.push_back({q.Text(0), q.Text(1), q.Text(2), seq, q.Int(3), q.Int(4), q.Text(5)});
    }
    return out;
  }

  Result<StoreStats> Stats(const std::string& ws) override {
    std::lock_guard lock(reader_mu_);
    StoreStats st;
    struct Count {
      const char* sql;
      int64_t* out;
    } counts[] = {
        {"SELECT COUNT(*) FROM events WHERE workspace_id = ?", &st.events},
        {"SELECT COUNT(*) FROM customers WHERE workspace_id = ? AND merged_into = ''",
         &st.customers},
        {"SELECT COUNT(*) FROM identities WHERE workspace_id = ?", &st.identities},
        {"SELECT COUNT(*) FROM merges WHERE workspace_id = ?", &st.merges},
        {"SELECT COUNT(*) FROM orders WHERE workspace_id = ?", &st.orders},
        {"SELECT COUNT(*) FROM refunds WHERE workspace_id = ?", &st.refunds},
    };
    for (const Count& c : counts) {
      ASSIGN_OR_RETURN(Stmt q, reader_.Prepare(c.sql));
      q.Bind(1, ws);
      if (q.Step() == SQLITE_ROW) *c.out = q.Int(0);
    }
    st.bytes = FileBytes();
    struct stat sb;
    st.wal_bytes = stat((path_ + "-wal").c_str(), &sb) == 0 ? sb.st_size : 0;
    return st;
  }

  Status RewriteEvents(const std::string& ws, std::span<const Event> events,
                       std::span<const IdentityRename> renames) override {
    std::lock_guard lock(writer_mu_);
    // Zero what the rewrite frees, so the old values do not linger in free space.
    RETURN_IF_ERROR(writer_.Exec("PRAGMA secure_delete=ON"));
    RETURN_IF_ERROR(writer_.Exec("BEGIN IMMEDIATE"));
    Status s = RewriteInTransaction(ws, events, renames);
    if (!s.ok()) {
      (void)writer_.Exec("ROLLBACK");
      (void)writer_.Exec("PRAGMA secure_delete=OFF");
      return s;
    }
    RETURN_IF_ERROR(writer_.Exec("COMMIT"));
    RETURN_IF_ERROR(writer_.Exec("PRAGMA secure_delete=OFF"));
    // The pages as they were before the rewrite are still in the write-ahead log: copy the new
    // ones into the database and empty the log. A reader in the middle of a long scan can keep
    // the checkpoint from finishing; the next automatic one then completes it.
    return writer_.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }

  Status RewriteInTransaction(const std::string& ws, std::span<const Event> events,
                              std::span<const IdentityRename> renames) {
    for (const Event& e : events) {
      ASSIGN_OR_RETURN(Stmt q, writer_.Prepare("UPDATE events SET user_id = ?, anonymous_id = ?, "
                                               "identities = ?, properties = ?, traits = ?, "
                                               "context = ? WHERE workspace_id = ? AND seq = ?"));
      std::string ids = EncodeIdentities(e.identities);
      q.Bind(1, e.user_id).Bind(2, e.anonymous_id).Bind(3, ids).Bind(4, e.properties);
      q.Bind(5, e.traits).Bind(6, e.context).Bind(7, ws).Bind(8, e.seq);
      RETURN_IF_ERROR(writer_.Done(q));
    }
    static const char* const kRenames[] = {
        "UPDATE identities SET value = ?1 WHERE workspace_id = ?2 AND kind = ?3 AND value = ?4",
        "UPDATE merges SET reason_value = ?1 WHERE workspace_id = ?2 AND reason_kind = ?3 AND "
        "reason_value = ?4",
    };
    for (const IdentityRename& r : renames) {
      for (const char* sql : kRenames) {
        ASSIGN_OR_RETURN(Stmt q, writer_.Prepare(sql));
        q.Bind(1, r.to).Bind(2, ws).Bind(3, static_cast<int64_t>(r.from.kind));
        q.Bind(4, r.from.value);
        RETURN_IF_ERROR(writer_.Done(q));
      }
    }
    return Status::Ok();
  }

  int64_t BytesOnDisk() override { return FileBytes(); }

  int64_t FileBytes() const {
    int64_t total = 0;
    for (const std::string& p : {path_, path_ + "-wal"}) {
      struct stat sb;
      if (stat(p.c_str(), &sb) == 0) total += sb.st_size;
    }
    return total;
  }

  // --- configuration -------------------------------------------------------------------
  Status PutWorkspace(const Workspace& w) override {
    std::lock_guard lock(writer_mu_);
    ASSIGN_OR_RETURN(Stmt q, writer_.Prepare("INSERT OR REPLACE INTO workspaces VALUES (?,?,?,?)"));
    q.Bind(1, w.id).Bind(2, w.name).Bind(3, w.utc_offset_seconds).Bind(4, w.created_at);
    return writer_.Done(q);
  }

  Result<std::vector<Workspace>> ListWorkspaces() override {
    std::lock_guard lock(reader_mu_);
    ASSIGN_OR_RETURN(Stmt q, reader_.Prepare("SELECT id, name, utc_offset_seconds, created_at "
                                             "FROM workspaces ORDER BY id"));
    std::vector<Workspace> out;
    while (q.Step() == SQLITE_ROW) {
      out.push_back({q.Text(0), q.Text(1), static_cast<int>(q.Int(2)), q.Int(3)});
    }
    return out;
  }

  Status PutApiKey(const ApiKey& k) override {
    std::lock_guard lock(writer_mu_);
    ASSIGN_OR_RETURN(Stmt q, writer_.Prepare("INSERT INTO api_keys VALUES (?,?,?,?,?,?)"));
    q.Bind(1, k.id).Bind(2, k.workspace_id).Bind(3, static_cast<int64_t>(k.kind));
    q.Bind(4, k.secret_hash).Bind(5, k.created_at).Bind(6, k.revoked_at);
    return writer_.Done(q);
  }

  Status RevokeApiKey(const std::string& ws, const std::string& id, Micros at) override {
    std::lock_guard lock(writer_mu_);
    ASSIGN_OR_RETURN(Stmt q, writer_.Prepare("UPDATE api_keys SET revoked_at = ? WHERE "
                                             "workspace_id = ? AND id = ? AND revoked_at = 0"));
    q.Bind(1, at).Bind(2, ws).Bind(3, id);
    RETURN_IF_ERROR(writer_.Done(q));
    if (writer_.Changes() > 0) return Status::Ok();
    ASSIGN_OR_RETURN(Stmt exists, writer_.Prepare("SELECT 1 FROM api_keys WHERE "
                                                  "workspace_id = ? AND id = ?"));
    exists.Bind(1, ws).Bind(2, id);
    if (exists.Step() == SQLITE_ROW) return Status::Ok();  // revoked before
    return Status::NotFound("key \"" + id + "\" not found in workspace \"" + ws + "\"");
  }

  static ApiKey ReadKey(Stmt& q) {
    return {q.Text(0), q.Text(1), static_cast<KeyKind>(q.Int(2)), q.Text(3), q.Int(4), q.Int(5)};
  }

  Result<std::optional<ApiKey>> FindApiKeyByHash(const std::string& hash) override {
    std::lock_guard lock(reader_mu_);
    ASSIGN_OR_RETURN(Stmt q,
                     reader_.Prepare("SELECT id, workspace_id, kind, secret_hash, "
                                     "created_at, revoked_at FROM api_keys WHERE secret_hash = ?"));
    q.Bind(1, hash);
    if (q.Step() != SQLITE_ROW) return std::optional<ApiKey>();
    return std::optional<ApiKey>(ReadKey(q));
  }

  Result<std::vector<ApiKey>> ListApiKeys(const std::string& ws) override {
    std::lock_guard lock(reader_mu_);
    ASSIGN_OR_RETURN(Stmt q,
                     reader_.Prepare("SELECT id, workspace_id, kind, secret_hash, "
                                     "created_at, revoked_at FROM api_keys WHERE workspace_id = ? "
                                     "ORDER BY created_at, id"));
    q.Bind(1, ws);
    std::vector<ApiKey> out;
    while (q.Step() == SQLITE_ROW) out.push_back(ReadKey(q));
    return out;
  }

  Status PutChannel(const std::string& ws, const Channel& c) override {
    std::lock_guard lock(writer_mu_);
    ASSIGN_OR_RETURN(Stmt q, writer_.Prepare("INSERT INTO channels VALUES (?,?,?,?,?,?) "
                                             "ON CONFLICT (workspace_id, id) DO UPDATE SET "
                                             "code = excluded.code, name = excluded.name, "
                                             "kind = excluded.kind"));
    q.Bind(1, ws).Bind(2, c.id).Bind(3, c.code).Bind(4, c.name);
    q.Bind(5, static_cast<int64_t>(c.kind)).Bind(6, c.created_at);
    int rc = q.Step();
    if (rc == SQLITE_CONSTRAINT) {
      return Status::AlreadyExists("a channel with code \"" + c.code + "\" already exists");
    }
    if (rc != SQLITE_DONE) return Status::Internal("store: " + writer_.Error());
    return Status::Ok();
  }

  Result<std::vector<Channel>> ListChannels(const std::string& ws) override {
    std::lock_guard lock(reader_mu_);
    ASSIGN_OR_RETURN(Stmt q, reader_.Prepare("SELECT id, code, name, kind, created_at FROM "
                                             "channels WHERE workspace_id = ? ORDER BY "
                                             "created_at, id"));
    q.Bind(1, ws);
    std::vector<Channel> out;
    while (q.Step() == SQLITE_ROW) {
      out.push_back(
          {q.Text(0), q.Text(1), q.Text(2), static_cast<ChannelKind>(q.Int(3)), q.Int(4)});
    }
    return out;
  }

  Status PutChannelSpend(const std::string& ws, const ChannelSpend& s) override {
    std::lock_guard lock(writer_mu_);
    ASSIGN_OR_RETURN(Stmt q, writer_.Prepare("INSERT OR REPLACE INTO channel_spend VALUES "
                                             "(?,?,?,?)"));
    q.Bind(1, ws).Bind(2, s.channel_id).Bind(3, s.day).Bind(4, s.amount_fen);
    return writer_.Done(q);
  }

  Result<std::vector<ChannelSpend>> ListChannelSpend(const std::string& ws,
                                                     const std::string& channel_id) override {
    std::lock_guard lock(reader_mu_);
    ASSIGN_OR_RETURN(Stmt q, reader_.Prepare("SELECT channel_id, day, amount_fen FROM "
                                             "channel_spend WHERE workspace_id = ? AND "
                                             "channel_id = ? ORDER BY day"));
    q.Bind(1, ws).Bind(2, channel_id);
    std::vector<ChannelSpend> out;
    while (q.Step() == SQLITE_ROW) out.push_back({q.Text(0), q.Text(1), q.Int(2)});
    return out;
  }

  Status PutStaffAccount(const std::string& ws, const StaffAccount& s) override {
    std::lock_guard lock(writer_mu_);
    ASSIGN_OR_RETURN(Stmt q, writer_.Prepare("INSERT OR REPLACE INTO staff_accounts VALUES "
                                             "(?,?,?,?,?,?,?,?,?)"));
    q.Bind(1, ws).Bind(2, s.id).Bind(3, static_cast<int64_t>(s.kind)).Bind(4, s.name);
    q.Bind(5, s.persona).Bind(6, s.friend_capacity).Bind(7, s.daily_add_limit);
    q.Bind(8, s.wecom_userid).Bind(9, s.created_at);
    return writer_.Done(q);
  }

  Result<std::vector<StaffAccount>> ListStaffAccounts(const std::string& ws) override {
    std::lock_guard lock(reader_mu_);
    ASSIGN_OR_RETURN(Stmt q, reader_.Prepare("SELECT id, kind, name, persona, friend_capacity, "
                                             "daily_add_limit, wecom_userid, created_at FROM "
                                             "staff_accounts WHERE workspace_id = ? ORDER BY id"));
    q.Bind(1, ws);
    std::vector<StaffAccount> out;
    while (q.Step() == SQLITE_ROW) {
      out.push_back({q.Text(0), static_cast<StaffKind>(q.Int(1)), q.Text(2), q.Text(3), q.Int(4),
                     q.Int(5), q.Text(6), q.Int(7)});
    }
    return out;
  }

  Status PutObject(const std::string& ws, const StoredObject& o) override {
    std::lock_guard lock(writer_mu_);
    ASSIGN_OR_RETURN(Stmt q, writer_.Prepare("INSERT OR REPLACE INTO objects VALUES (?,?,?,?,?)"));
    q.Bind(1, ws).Bind(2, o.kind).Bind(3, o.id).Bind(4, o.body).Bind(5, o.updated_at);
    return writer_.Done(q);
  }

  Result<bool> DeleteObject(const std::string& ws, const std::string& kind,
                            const std::string& id) override {
    std::lock_guard lock(writer_mu_);
    ASSIGN_OR_RETURN(Stmt q, writer_.Prepare("DELETE FROM objects WHERE workspace_id = ? AND "
                                             "kind = ? AND id = ?"));
    q.Bind(1, ws).Bind(2, kind).Bind(3, id);
    RETURN_IF_ERROR(writer_.Done(q));
    return writer_.Changes() > 0;
  }

  Result<std::vector<StoredObject>> ListObjects(const std::string& ws,
                                                const std::string& kind) override {
    std::lock_guard lock(reader_mu_);
    ASSIGN_OR_RETURN(Stmt q, reader_.Prepare("SELECT id, body, updated_at FROM objects WHERE "
                                             "workspace_id = ? AND kind = ? ORDER BY id"));
    q.Bind(1, ws).Bind(2, kind);
    std::vector<StoredObject> out;
    while (q.Step() == SQLITE_ROW) out.push_back({kind, q.Text(0), q.Text(1), q.Int(2)});
    return out;
  }

 private:
  std::string path_;
  std::mutex writer_mu_;
  Connection writer_;  // GUARDED_BY(writer_mu_)
  std::mutex reader_mu_;
  Connection reader_;  // GUARDED_BY(reader_mu_)
};

}  // namespace

int SqliteSchemaVersion() { return kSchemaVersion; }

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                               const StoreOptions& options) {
  auto store = std::make_unique<SqliteStore>(path);
  RETURN_IF_ERROR(store->Open(options));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace pond
