// Store: where everything pond acknowledges lives durably. The engine writes through it one
// transaction per submitted batch and rebuilds its in-memory state from it on start.
//
// The events table is the source of truth; customers, identities, merges, orders and refunds are
// projections the engine writes in the same transaction, so other tools can query them and
// profiles can be read without replaying. They are keyed so that a commit appends to them
// instead of touching random pages (bench/ingest measures why that matters): customers and
// identities by customer id (new customers come in id order), orders and refunds by the seq of
// their event (a merge does not move them: the merges table says who they belong to now). Traits
// live in the identify events and in memory, not in a per-customer row rewritten per identify.
// Configuration (workspaces, keys, channels, staff) is written directly.
//
// Implementations: SqliteStore (store/sqlite/), the only one today. A PostgreSQL store for
// teams running several nodes is to implement the same interface; no SQL dialect leaks out of
// this header.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "pond/base/status.h"
#include "pond/model/customer.h"
#include "pond/model/event.h"
#include "pond/model/order.h"
#include "pond/model/workspace.h"

namespace pond {

// An identity now attached to a customer.
struct IdentityLink {
  Identity identity;
  std::string customer_id;
};

// Everything one Engine::submit writes. Committed atomically: all of it or none of it.
struct CommitBatch {
  std::string workspace_id;
  std::vector<Event> events;  // seq assigned, customer_id resolved
  std::vector<Customer> new_customers;
  std::vector<IdentityLink> new_identities;
  std::vector<Merge> merges;  // applied in order: identities, orders, refunds move to `into`
  std::vector<Order> orders;
  std::vector<Refund> refunds;
};

// An identity's value replaced by another of the same kind, throughout a workspace: how erasure
// forgets a person without changing who each event belongs to (engine/erasure.h).
struct IdentityRename {
  Identity from;
  std::string to;
};

struct StoreStats {
  int64_t events = 0;
  int64_t customers = 0;  // live (not merged away)
  int64_t identities = 0;
  int64_t merges = 0;
  int64_t orders = 0;
  int64_t refunds = 0;
  int64_t bytes = 0;      // on disk, database and write-ahead log
  int64_t wal_bytes = 0;  // of which the write-ahead log
};

// A definition stored as JSON: the store does not look inside `body`.
struct StoredObject {
  std::string kind;  // "segment"
  std::string id;    // "seg_…"
  std::string body;
  Micros updated_at = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // --- the event log and its projections -------------------------------------------------
  // Commits several batches (of any workspaces) in one transaction: group commit.
  virtual Status Commit(std::span<const CommitBatch* const> batches) = 0;
  Status Commit(const CommitBatch& batch) {
    const CommitBatch* one = &batch;
    return Commit(std::span<const CommitBatch* const>(&one, 1));
  }
  virtual Result<int64_t> LastEventSeq() = 0;
  // Calls `fn` for every event with seq > after_seq, in seq order, across workspaces. The
  // event's workspace is passed alongside. Stops at the first error `fn` returns.
  using EventVisitor = std::function<Status(const std::string& workspace_id, Event&& event)>;
  virtual Status ScanEvents(int64_t after_seq, const EventVisitor& fn) = 0;
  virtual Result<std::vector<Event>> EventsBySeq(std::span<const int64_t> seqs) = 0;

  virtual Result<std::optional<Customer>> GetCustomer(const std::string& workspace_id,
                                                      const std::string& customer_id) = 0;
  virtual Result<std::vector<Identity>> IdentitiesOf(const std::string& workspace_id,
                                                     const std::string& customer_id) = 0;
  virtual Result<std::vector<Merge>> MergesInto(const std::string& workspace_id,
                                                const std::string& customer_id) = 0;
  // Orders and refunds by the seq of the event that recorded them, in the order asked. The
  // engine knows which events of a customer (merges included) counted as orders and refunds.
  virtual Result<std::vector<Order>> OrdersBySeq(const std::string& workspace_id,
                                                 std::span<const int64_t> seqs) = 0;
  virtual Result<std::vector<Refund>> RefundsBySeq(const std::string& workspace_id,
                                                   std::span<const int64_t> seqs) = 0;
  virtual Result<StoreStats> Stats(const std::string& workspace_id) = 0;  // counts rows: slow
  // Erasure: replaces the workspace's stored events that have the seqs of `events` with them
  // (ids, names, times, customers and amounts as they were; identities and personal fields
  // rewritten) and renames identity values in the identity and merge projections, in one
  // transaction. The old bytes are overwritten, not left in free pages or the write-ahead log.
  virtual Status RewriteEvents(const std::string& workspace_id, std::span<const Event> events,
                               std::span<const IdentityRename> renames) = 0;
  virtual int64_t BytesOnDisk() = 0;  // cheap

  // --- configuration ---------------------------------------------------------------------
  virtual Status PutWorkspace(const Workspace& ws) = 0;  // insert or replace
  virtual Result<std::vector<Workspace>> ListWorkspaces() = 0;
  virtual Status PutApiKey(const ApiKey& key) = 0;
  virtual Result<std::optional<ApiKey>> FindApiKeyByHash(const std::string& secret_hash) = 0;
  virtual Result<std::vector<ApiKey>> ListApiKeys(const std::string& workspace_id) = 0;
  // NotFound when the workspace has no key `id`; revoking a revoked key keeps its first time.
  virtual Status RevokeApiKey(const std::string& workspace_id, const std::string& id,
                              Micros at) = 0;
  virtual Status PutChannel(const std::string& workspace_id, const Channel& channel) = 0;
  virtual Result<std::vector<Channel>> ListChannels(const std::string& workspace_id) = 0;
  virtual Status PutChannelSpend(const std::string& workspace_id, const ChannelSpend& spend) = 0;
  virtual Result<std::vector<ChannelSpend>> ListChannelSpend(const std::string& workspace_id,
                                                             const std::string& channel_id) = 0;
  virtual Status PutStaffAccount(const std::string& workspace_id, const StaffAccount& staff) = 0;
  virtual Result<std::vector<StaffAccount>> ListStaffAccounts(const std::string& workspace_id) = 0;
  // Definitions kept as JSON by the parts above the engine (kind "segment", …).
  virtual Status PutObject(const std::string& workspace_id, const StoredObject& object) = 0;
  // False when there was no such object.
  virtual Result<bool> DeleteObject(const std::string& workspace_id, const std::string& kind,
                                    const std::string& id) = 0;
  virtual Result<std::vector<StoredObject>> ListObjects(const std::string& workspace_id,
                                                        const std::string& kind) = 0;  // by id
};

// How hard a commit waits for the disk.
enum class Durability {
  kProcessCrash,  // survives kill -9 of pond (SQLite WAL + synchronous=NORMAL); the default
  kPowerLoss,     // survives power loss too (synchronous=FULL), at a cost in throughput
};

struct StoreOptions {
  Durability durability = Durability::kProcessCrash;
};

// Opens (creating if needed) the SQLite store at `path` and brings its schema up to date.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                               const StoreOptions& options = {});

// Identities as stored in an event row: "kind:value" joined by '\x1f'.
std::string EncodeIdentities(const std::vector<Identity>& identities);
std::vector<Identity> DecodeIdentities(std::string_view encoded);

// Line items as stored in an order row: length-prefixed text fields and integers, so that any
// byte in a product name survives. Decoding malformed text returns what decoded cleanly.
std::string EncodeLineItems(const std::vector<LineItem>& items);
std::vector<LineItem> DecodeLineItems(std::string_view encoded);

}  // namespace pond
