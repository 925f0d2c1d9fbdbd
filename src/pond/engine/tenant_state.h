// TenantState: one workspace's customers and events, in memory, as columns.
//
// Layout. Customers and events get dense integer ids (their index in the column vectors);
// nothing outside the engine sees those: customers are "cus_<dense+1>" outside. Each customer
// owns its history: a vector of its events (index, name, time), contiguous, so evaluating a
// rule for one customer reads a few cache lines rather than one scattered line per event. The
// identity index maps "kind byte + value" to the customer that first
// claimed it.
//
// Merges. When one event names identities of two customers, the younger profile is folded into
// the older one (or into the one that owns the event's userId): its events are relinked, its
// counters added, its traits fill gaps, and `merged_into` points at the survivor. The identity
// index is not rewritten; lookups follow `merged_into` to the live customer (the writer
// compresses those paths; readers only follow them). Two customers that each carry a different
// userId are never merged: a shared device (anonymousId) or a shared phone must not fold two
// known accounts into one.
//
// Concurrency. Only the engine's single writer calls the mutating methods, holding the tenant's
// lock exclusively; readers hold it shared. Apply is deterministic: replaying the same events in
// seq order rebuilds the same state, which is how restart works.
#pragma once

#include <cstdint>
#include <roaring/roaring.hh>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "pond/base/clock.h"
#include "pond/engine/message_index.h"
#include "pond/engine/traits.h"
#include "pond/model/event.h"
#include "pond/model/workspace.h"
#include "pond/store/store.h"

namespace pond {

inline constexpr uint32_t kNoIndex = UINT32_MAX;

// A staff account the customer is a friend of now, and since when.
struct Friendship {
  uint32_t staff;  // interned staff id ("" when the event named none)
  Micros since;
};

// One event in its customer's history: what evaluating a rule reads, side by side.
struct HistoryEntry {
  uint32_t event;  // index in EventColumns
  uint32_t name;   // interned event name
  Micros timestamp;
};

struct CustomerColumns {
  std::vector<Micros> created_at;
  std::vector<Micros> last_seen;
  std::vector<uint32_t> merged_into;  // kNoIndex while live
  std::vector<uint32_t> event_count;
  std::vector<uint32_t> order_count;
  std::vector<int64_t> spent_fen;
  std::vector<int64_t> refunded_fen;
  std::vector<std::string> user_id;  // the first userId seen; empty for anonymous customers
  std::vector<Traits> traits;
  // Acquisition: the interned channel of the customer's earliest channel_scanned or
  // friend_added that names one (kNoIndex: none), and that event's time.
  std::vector<uint32_t> channel;
  std::vector<Micros> channel_at;
  // Staff accounts the customer is a friend of now, in the order the friendships began.
  std::vector<std::vector<Friendship>> friends;
  // Every event of the customer in the order applied (a merged profile's events appended).
  std::vector<std::vector<HistoryEntry>> history;
  size_t size() const { return created_at.size(); }
};

// One entry of an event name's postings: the event, with the customer it belongs to now and its
// time, so that a scan over one name reads one array in order.
struct Posting {
  uint32_t event;
  uint32_t customer;
  Micros timestamp;
};

struct EventColumns {
  std::vector<int64_t> seq;
  std::vector<uint32_t> customer;  // the live customer it belongs to now
  std::vector<int64_t> amount_fen;
  std::vector<uint8_t> money;       // kCountedOrder / kCountedRefund / 0
  std::vector<uint8_t> touchpoint;  // a Touchpoint (touchpoint.h), decided when applied
  size_t size() const { return seq.size(); }
};

// The tag pond keeps on every customer who is a staff account's friend now: added by
// friend_added, removed by friend_deleted. The group "pond" is pond's own.
inline constexpr char kFriendTag[] = "pond:friend";
// Marketing consent (docs/privacy.md, "Consent"), also pond's own tags: pond:unsubscribed while
// the customer refuses marketing on every channel (an `unsubscribed` naming no channel, or
// `account_deleted`), pond:unsubscribed_<channel> (pond:unsubscribed_sms) on one channel.
// `subscribed` naming a channel lifts that channel's; naming none, every one.
inline constexpr char kOptOutTag[] = "pond:unsubscribed";

// What an event counted as, for the money columns (a repeated order id counts once).
inline constexpr uint8_t kCountedOrder = 1;
inline constexpr uint8_t kCountedRefund = 2;

// Hash and equality that accept std::string_view, so lookups need no temporary strings.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using StringMap = std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>>;

// Names to dense ids and back (event names, tags).
class Interner {
 public:
  uint32_t Intern(std::string_view name);
  uint32_t Find(std::string_view name) const;  // kNoIndex when never interned
  const std::vector<std::string>& names() const { return names_; }
  void Restore(std::vector<std::string> names);

 private:
  std::vector<std::string> names_;
  StringMap ids_;
};

class TenantState {
 public:
  explicit TenantState(std::string workspace_id) : workspace_id_(std::move(workspace_id)) {}

  const std::string& workspace_id() const { return workspace_id_; }
  // Which build of the workspace's state this is: 1 when loaded, one more each time a refused
  // commit made the engine rebuild it from the store (Engine::SubmitNoWait checks it).
  uint64_t epoch() const { return epoch_; }
  void set_epoch(uint64_t epoch) { epoch_ = epoch; }

  // Dedupe (see message_index.h): the in-memory index of an event whose messageId has the same
  // hash, or kNoIndex; the caller confirms the id against the stored event.
  uint32_t FindMessage(std::string_view message_id) const {
    return messages_.Find(MessageIndex::Hash(message_id));
  }
  // True for an id whose hash collided with an earlier, different id: known exactly.
  bool IsCollidedMessage(std::string_view message_id) const {
    return messages_.IsCollided(message_id);
  }

  // Resolves the event's customer, applies it and, when `out` is not null, appends what must be
  // stored besides the event itself (new customers, identities, merges, orders…); the caller
  // appends the event, whose seq is assigned and whose customer_id this sets.
  // REQUIRES: exclusive lock; event.seq assigned.
  void Apply(Event& event, CommitBatch* out);
  // Refuses a batch whose refunds name no known order (an order earlier in the batch counts) or
  // take back more than is left of one: the field names the event by its place from `first`
  // (the submitted batch's first event), e.g. "batch[3].properties.amount". A refund that names
  // no order (the shop does not link them) is not checked here. REQUIRES: at least a shared lock.
  Status CheckRefunds(std::span<Event* const> batch, const Event* first) const;
  // Customers the last Apply folded into its event's customer (usually none).
  const std::vector<uint32_t>& merged_by_last_apply() const { return merged_by_last_apply_; }

  // --- reads (shared lock) ---------------------------------------------------------------
  // "cus_00000042": zero-padded so that ids sort in creation order, which keeps the store's
  // customer-keyed indexes appending at their right edge instead of dirtying random pages.
  static std::string CustomerId(uint32_t dense);
  // Dense index of "cus_N", or kNoIndex.
  uint32_t ParseCustomerId(std::string_view id) const;
  // Follows merges to the live customer.
  uint32_t Live(uint32_t dense) const;
  // The live customer holding this identity, or kNoIndex.
  uint32_t FindByIdentity(IdentityKind kind, std::string_view normalized_value) const;
  // The customer's event seqs, newest first (by timestamp, then seq), at most `limit`.
  std::vector<int64_t> RecentEventSeqs(uint32_t customer, size_t limit) const;
  // Seqs of the customer's events that counted as orders (kCountedOrder) or refunds, oldest
  // first: the keys of the store's orders and refunds.
  std::vector<int64_t> MoneyEventSeqs(uint32_t customer, uint8_t kind) const;

  // What is left to refund of an order (paid less the refunds linked to it), or -1 for an order
  // pond has not seen.
  int64_t RefundableFen(std::string_view order_id) const {
    auto it = orders_.find(std::string(order_id));
    return it == orders_.end() ? -1 : it->second.paid_fen - it->second.refunded_fen;
  }
  bool IsRefundCounted(std::string_view refund_id) const {
    return refund_ids_.count(std::string(refund_id)) > 0;
  }

  const CustomerColumns& customers() const { return customers_; }
  const EventColumns& events() const { return events_; }
  const std::string& EventName(uint32_t id) const { return event_names_.names()[id]; }
  const std::vector<std::string>& event_names() const { return event_names_.names(); }
  uint32_t FindEventName(std::string_view name) const { return event_names_.Find(name); }
  // Every event with this interned name, in the order applied.
  const std::vector<Posting>& EventsNamed(uint32_t name) const { return events_by_name_[name]; }
  int64_t live_customers() const { return live_customers_; }
  // The live customers (not merged away) as a bitmap.
  const Roaring& live() const { return live_; }

  // Tags: one bitmap of dense customer ids per tag, kept by tag_added / tag_removed events.
  std::vector<std::string> TagsOf(uint32_t customer) const;
  const std::vector<std::string>& tag_names() const { return tags_.names(); }
  const std::vector<Roaring>& tag_bitmaps() const { return tag_bitmaps_; }
  uint32_t FindTag(std::string_view tag) const { return tags_.Find(tag); }

  // Acquisition channel and owner. The channel is first touch: properties.channel (else
  // properties.state, WeCom's live-code state) of the earliest channel_scanned or friend_added
  // that names one. The owner is the staff account (properties.staff_id) of the oldest
  // friendship still standing: friend_added begins one, friend_deleted of that staff ends it.
  const std::vector<std::string>& channel_names() const { return channels_.names(); }
  uint32_t FindChannel(std::string_view code) const { return channels_.Find(code); }
  const std::vector<std::string>& staff_names() const { return staff_.names(); }
  uint32_t FindStaff(std::string_view staff_id) const { return staff_.Find(staff_id); }
  // The owner's interned staff id, or kNoIndex when the customer is nobody's friend now.
  uint32_t OwnerOf(uint32_t customer) const;
  // The kinds of registered channels (Engine::CreateChannel), by interned code; a code that is
  // not registered is kOther. Configuration, not events: the engine registers the store's
  // channels whenever it builds a state.
  void RegisterChannel(std::string_view code, ChannelKind kind);
  ChannelKind ChannelKindOf(uint32_t channel) const {
    return channel < channel_kinds_.size() && channel_kinds_[channel] != 0
               ? static_cast<ChannelKind>(channel_kinds_[channel])
               : ChannelKind::kOther;
  }
  int64_t last_seq() const { return last_seq_; }

  // Approximate heap bytes held, for the bytes/customer figure.
  size_t MemoryBytes() const;

  // Snapshot support (engine/snapshot.cc): raw access for serialisation.
  friend class SnapshotCodec;

 private:
  // "kind byte + value" in a per-thread buffer, valid until the next call.
  static std::string_view IdentityKey(IdentityKind kind, std::string_view value);
  uint32_t NewCustomer(Micros created_at, CommitBatch* out);
  uint32_t FindCompress(uint32_t dense);
  void MergeInto(uint32_t from, uint32_t into, const Event& event, const Identity& reason,
                 CommitBatch* out);
  void ApplyTagEvent(const Event& e, uint32_t customer);
  void ApplyContactEvent(const Event& e, uint32_t customer);
  void ApplyConsentEvent(const Event& e, uint32_t customer);
  void SetTag(std::string_view tag, uint32_t customer, bool on);
  void MergeContact(uint32_t from, uint32_t into);
  void SetFriendTag(uint32_t customer);
  // Appends the event to its name's postings. REQUIRES: events_.customer[event] is set.
  void IndexEventName(uint32_t event, uint32_t name, Micros timestamp);

  std::string workspace_id_;
  uint64_t epoch_ = 1;
  CustomerColumns customers_;
  EventColumns events_;
  StringMap identity_index_;
  MessageIndex messages_;
  // Every order counted, by id: what was paid and what refunds linked to it took back since.
  struct OrderMoney {
    int64_t paid_fen = 0;
    int64_t refunded_fen = 0;
  };
  std::unordered_map<std::string, OrderMoney> orders_;
  std::unordered_set<std::string> refund_ids_;
  Interner event_names_;
  std::vector<std::vector<Posting>> events_by_name_;  // derived from the event columns
  std::vector<uint32_t> merged_by_last_apply_;
  int64_t live_customers_ = 0;
  Roaring live_;  // derived from customers_.merged_into
  int64_t last_seq_ = 0;
  Interner tags_;
  std::vector<Roaring> tag_bitmaps_;  // indexed like tags_
  Interner channels_;
  std::vector<uint8_t> channel_kinds_;  // indexed like channels_; 0: not registered
  Interner staff_;
};

// The tag an event adds or removes: properties.tag of tag_added / tag_removed, else "".
std::string TagOfEvent(const Event& e);

}  // namespace pond
