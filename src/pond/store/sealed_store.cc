#include "pond/store/sealed_store.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <mutex>

#include "pond/base/base64.h"
#include "pond/store/sealing.h"

namespace pond {
namespace {

constexpr char kDataKeyKind[] = "data_key";

// --- the event blob: length-prefixed fields ---------------------------------------------------
void PutField(std::string* out, std::string_view s) {
  const uint32_t n = static_cast<uint32_t>(s.size());
  out->append(reinterpret_cast<const char*>(&n), sizeof n);
  out->append(s);
}

bool TakeField(std::string_view* in, std::string* out) {
  uint32_t n = 0;
  if (in->size() < sizeof n) return false;
  std::copy_n(in->data(), sizeof n, reinterpret_cast<char*>(&n));
  in->remove_prefix(sizeof n);
  if (in->size() < n) return false;
  out->assign(in->substr(0, n));
  in->remove_prefix(n);
  return true;
}

Result<std::string> HexKey(std::string_view hex) {
  if (hex.size() != 2 * kSealKeyBytes) {
    return Status::InvalidArgument("POND_MASTER_KEY must be 64 hex digits (32 bytes)");
  }
  std::string key(kSealKeyBytes, '\0');
  for (size_t i = 0; i < key.size(); ++i) {
    auto digit = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    const int hi = digit(hex[2 * i]), lo = digit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return Status::InvalidArgument("POND_MASTER_KEY must be 64 hex digits (32 bytes)");
    }
    key[i] = static_cast<char>(hi * 16 + lo);
  }
  return key;
}

class SealedStore final : public Store {
 public:
  SealedStore(std::unique_ptr<Store> inner, std::string master)
      : inner_(std::move(inner)), master_(std::move(master)) {}

  // --- the event log ---------------------------------------------------------------------------
  Status Commit(std::span<const CommitBatch* const> batches) override {
    std::vector<CommitBatch> sealed;
    sealed.reserve(batches.size());
    for (const CommitBatch* b : batches) {
      ASSIGN_OR_RETURN(const Keys* key, KeyOf(b->workspace_id));
      CommitBatch& s = sealed.emplace_back();
      s.workspace_id = b->workspace_id;
      s.events.reserve(b->events.size());
      for (const Event& e : b->events) s.events.push_back(SealEvent(b->workspace_id, *key, e));
      s.new_customers = b->new_customers;
      s.new_identities = b->new_identities;
      for (IdentityLink& l : s.new_identities) {
        l.identity.value = SealIdentity(b->workspace_id, *key, l.identity.value);
      }
      s.merges = b->merges;
      for (Merge& m : s.merges)
        m.reason.value = SealIdentity(b->workspace_id, *key, m.reason.value);
      s.orders = b->orders;
      s.refunds = b->refunds;
    }
    std::vector<const CommitBatch*> pointers;
    pointers.reserve(sealed.size());
    for (const CommitBatch& s : sealed) pointers.push_back(&s);
    return inner_->Commit(pointers);
  }

  Result<int64_t> LastEventSeq() override { return inner_->LastEventSeq(); }

  Status ScanEvents(int64_t after_seq, const EventVisitor& fn) override {
    return inner_->ScanEvents(after_seq, [&](const std::string& ws, Event&& e) -> Status {
      RETURN_IF_ERROR(OpenEvent(&e));
      return fn(ws, std::move(e));
    });
  }

  Result<std::vector<Event>> EventsBySeq(std::span<const int64_t> seqs) override {
    ASSIGN_OR_RETURN(std::vector<Event> events, inner_->EventsBySeq(seqs));
    for (Event& e : events) RETURN_IF_ERROR(OpenEvent(&e));
    return events;
  }

  Status RewriteEvents(const std::string& ws, std::span<const Event> events,
                       std::span<const IdentityRename> renames) override {
    ASSIGN_OR_RETURN(const Keys* key, KeyOf(ws));
    std::vector<Event> sealed;
    sealed.reserve(events.size());
    for (const Event& e : events) sealed.push_back(SealEvent(ws, *key, e));
    std::vector<IdentityRename> sealed_renames;
    for (const IdentityRename& r : renames) {
      const std::string to = SealIdentity(ws, *key, r.to);
      sealed_renames.push_back({{r.from.kind, SealIdentity(ws, *key, r.from.value)}, to});
      sealed_renames.push_back({r.from, to});  // a row written before sealing
    }
    return inner_->RewriteEvents(ws, sealed, sealed_renames);
  }

  Result<std::optional<Customer>> GetCustomer(const std::string& ws,
                                              const std::string& id) override {
    return inner_->GetCustomer(ws, id);
  }

  Result<std::vector<Identity>> IdentitiesOf(const std::string& ws,
                                             const std::string& customer) override {
    ASSIGN_OR_RETURN(std::vector<Identity> ids, inner_->IdentitiesOf(ws, customer));
    for (Identity& i : ids) {
      ASSIGN_OR_RETURN(i.value, Open(i.value));
    }
    std::sort(ids.begin(), ids.end(), [](const Identity& a, const Identity& b) {
      return a.kind != b.kind ? a.kind < b.kind : a.value < b.value;
    });
    return ids;
  }

  Result<std::vector<Merge>> MergesInto(const std::string& ws,
                                        const std::string& customer) override {
    ASSIGN_OR_RETURN(std::vector<Merge> merges, inner_->MergesInto(ws, customer));
    for (Merge& m : merges) {
      ASSIGN_OR_RETURN(m.reason.value, Open(m.reason.value));
    }
    return merges;
  }

  Result<std::vector<Order>> OrdersBySeq(const std::string& ws,
                                         std::span<const int64_t> seqs) override {
    return inner_->OrdersBySeq(ws, seqs);
  }
  Result<std::vector<Refund>> RefundsBySeq(const std::string& ws,
                                           std::span<const int64_t> seqs) override {
    return inner_->RefundsBySeq(ws, seqs);
  }
  Result<StoreStats> Stats(const std::string& ws) override { return inner_->Stats(ws); }
  int64_t BytesOnDisk() override { return inner_->BytesOnDisk(); }

  // --- configuration ---------------------------------------------------------------------------
  Status PutWorkspace(const Workspace& ws) override { return inner_->PutWorkspace(ws); }
  Result<std::vector<Workspace>> ListWorkspaces() override { return inner_->ListWorkspaces(); }
  Status PutApiKey(const ApiKey& key) override { return inner_->PutApiKey(key); }
  Result<std::optional<ApiKey>> FindApiKeyByHash(const std::string& hash) override {
    return inner_->FindApiKeyByHash(hash);
  }
  Result<std::vector<ApiKey>> ListApiKeys(const std::string& ws) override {
    return inner_->ListApiKeys(ws);
  }
  Status RevokeApiKey(const std::string& ws, const std::string& id, Micros at) override {
    return inner_->RevokeApiKey(ws, id, at);
  }
  Status PutChannel(const std::string& ws, const Channel& channel) override {
    return inner_->PutChannel(ws, channel);
  }
  Result<std::vector<Channel>> ListChannels(const std::string& ws) override {
    return inner_->ListChannels(ws);
  }
  Status PutChannelSpend(const std::string& ws, const ChannelSpend& spend) override {
    return inner_->PutChannelSpend(ws, spend);
  }
  Result<std::vector<ChannelSpend>> ListChannelSpend(const std::string& ws,
                                                     const std::string& channel_id) override {
    return inner_->ListChannelSpend(ws, channel_id);
  }
  Status PutStaffAccount(const std::string& ws, const StaffAccount& staff) override {
    return inner_->PutStaffAccount(ws, staff);
  }
  Result<std::vector<StaffAccount>> ListStaffAccounts(const std::string& ws) override {
    return inner_->ListStaffAccounts(ws);
  }

  Status PutObject(const std::string& ws, const StoredObject& object) override {
    if (object.kind == kDataKeyKind) {
      return Status::InvalidArgument("objects of kind data_key are the store's own");
    }
    ASSIGN_OR_RETURN(const Keys* key, KeyOf(ws));
    StoredObject sealed = object;
    sealed.body = Mark(ws, SealBytes(object.body, key->data));
    return inner_->PutObject(ws, sealed);
  }
  Result<bool> DeleteObject(const std::string& ws, const std::string& kind,
                            const std::string& id) override {
    return inner_->DeleteObject(ws, kind, id);
  }
  Result<std::vector<StoredObject>> ListObjects(const std::string& ws,
                                                const std::string& kind) override {
    if (kind == kDataKeyKind) return std::vector<StoredObject>();
    ASSIGN_OR_RETURN(std::vector<StoredObject> objects, inner_->ListObjects(ws, kind));
    for (StoredObject& o : objects) {
      ASSIGN_OR_RETURN(o.body, Open(o.body));
    }
    return objects;
  }

 private:
  static std::string Mark(const std::string& ws, const std::string& sealed) {
    std::string out(kSealedMark);
    out += ws;
    out += ':';
    out += Base64Encode(sealed);
    return out;
  }

  // A workspace's data key, and the key of its blind index derived from it once.
  struct Keys {
    std::string data, blind;
  };

  std::string SealIdentity(const std::string& ws, const Keys& key, std::string_view v) {
    return Mark(ws, SealDeterministic(v, key.data, key.blind));
  }

  Event SealEvent(const std::string& ws, const Keys& key, const Event& e) {
    std::string blob;
    PutField(&blob, e.user_id);
    PutField(&blob, e.anonymous_id);
    PutField(&blob, e.properties);
    PutField(&blob, e.traits);
    PutField(&blob, e.context);
    PutField(&blob, EncodeIdentities(e.identities));
    // Only what stays readable is copied; the rest is in the blob.
    Event s;
    s.seq = e.seq;
    s.message_id = e.message_id;
    s.type = e.type;
    s.name = e.name;
    s.timestamp = e.timestamp;
    s.received_at = e.received_at;
    s.amount_fen = e.amount_fen;
    s.order = e.order;  // its order or refund id is kept beside the event (order_ref)
    s.refund = e.refund;
    s.customer_id = e.customer_id;
    s.properties = Mark(ws, SealBytes(blob, key.data));
    return s;
  }

  Status OpenEvent(Event* e) {
    if (!e->properties.starts_with(kSealedMark)) return Status::Ok();  // written before sealing
    ASSIGN_OR_RETURN(std::string blob, Open(e->properties));
    std::string_view in = blob;
    std::string identities;
    if (!TakeField(&in, &e->user_id) || !TakeField(&in, &e->anonymous_id) ||
        !TakeField(&in, &e->properties) || !TakeField(&in, &e->traits) ||
        !TakeField(&in, &e->context) || !TakeField(&in, &identities) || !in.empty()) {
      return Status::Internal("store: the sealed event " + std::to_string(e->seq) + " is damaged");
    }
    e->identities = DecodeIdentities(identities);
    return Status::Ok();
  }

  // The text inside a sealed value, or the value itself when it was never sealed.
  Result<std::string> Open(const std::string& text) {
    if (!text.starts_with(kSealedMark)) return text;
    const size_t colon = text.rfind(':');
    const std::string ws = text.substr(kSealedMark.size(), colon - kSealedMark.size());
    ASSIGN_OR_RETURN(const Keys* key, KeyOf(ws));
    ASSIGN_OR_RETURN(std::string sealed,
                     Base64Decode(std::string_view(text).substr(colon + 1), "sealed"));
    return OpenBytes(sealed, key->data);
  }

  // The workspace's keys: the data key made and stored (wrapped by the master key) on first use.
  // The pointer stays valid: keys are never removed from the map.
  Result<const Keys*> KeyOf(const std::string& ws) {
    std::lock_guard lock(mu_);
    if (auto it = keys_.find(ws); it != keys_.end()) return &it->second;
    ASSIGN_OR_RETURN(std::vector<StoredObject> stored, inner_->ListObjects(ws, kDataKeyKind));
    std::string key;
    if (!stored.empty()) {
      Result<std::string> wrapped = Base64Decode(stored[0].body, "data_key");
      if (!wrapped.ok())
        return Status::Internal("store: workspace " + ws + "'s data key is damaged");
      Result<std::string> opened = OpenBytes(*wrapped, master_);
      if (!opened.ok()) {
        return Status::FailedPrecondition(
            "workspace " + ws +
            "'s data key does not open with this master key (POND_MASTER_KEY or "
            "DATA_DIR/master.key): is it the key this data was written with?");
      }
      key = std::move(*opened);
    } else {
      key = RandomKey();
      RETURN_IF_ERROR(
          inner_->PutObject(ws, {kDataKeyKind, "v1", Base64Encode(SealBytes(key, master_)), 0}));
    }
    Keys& stored_keys = keys_[ws];
    stored_keys.blind = BlindIndexKey(key);
    stored_keys.data = std::move(key);
    return &stored_keys;
  }

  std::unique_ptr<Store> inner_;
  const std::string master_;
  std::mutex mu_;
  std::map<std::string, Keys> keys_;  // by workspace
};

}  // namespace

Result<std::string> LoadMasterKey(const std::string& data_dir) {
  if (const char* env = std::getenv("POND_MASTER_KEY"); env && *env) return HexKey(env);
  return ReadOrCreateKeyFile(data_dir + "/master.key");
}

std::unique_ptr<Store> SealStore(std::unique_ptr<Store> inner, std::string master_key) {
  return std::make_unique<SealedStore>(std::move(inner), std::move(master_key));
}

}  // namespace pond
