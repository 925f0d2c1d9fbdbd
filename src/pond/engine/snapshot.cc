#include "pond/engine/snapshot.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <type_traits>

namespace pond {
namespace {

constexpr char kMagic[8] = {'P', 'O', 'N', 'D', 'S', 'N', 'A', 'P'};
// 9: orders with paid and refunded amounts; 10: sealed
constexpr uint32_t kFormatVersion = 11;  // 11: consent tags (tenant_state.h, kOptOutTag)

// The file after its magic and version is one libsodium secretstream (XChaCha20-Poly1305):
// the snapshot holds the customers' traits and identities, which are sealed in the store too.
// Chunks of kChunk bytes, each "u32 length ‖ ciphertext"; the last is tagged final, so a cut
// file is refused rather than read short.
constexpr size_t kChunk = 1 << 20;
constexpr size_t kChunkOverhead = crypto_secretstream_xchacha20poly1305_ABYTES;

class Writer {
 public:
  Writer(std::FILE* f, std::string_view key) : f_(f) {
    unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
    crypto_secretstream_xchacha20poly1305_init_push(
        &state_, header, reinterpret_cast<const unsigned char*>(key.data()));
    Write(header, sizeof header);
    plain_.reserve(kChunk);
  }
  // An empty vector's data() may be null, which must not reach memcpy (UBSan).
  void Raw(const void* p, size_t n) {
    const char* c = static_cast<const char*>(p);
    while (n > 0) {
      const size_t take = std::min(n, kChunk - plain_.size());
      plain_.append(c, take);
      c += take;
      n -= take;
      if (plain_.size() == kChunk) Push(crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
    }
  }
  template <typename T>
  void Pod(T v) {
    static_assert(std::is_trivially_copyable_v<T>);
    Raw(&v, sizeof v);
  }
  void Str(const std::string& s) {
    Pod<uint64_t>(s.size());
    Raw(s.data(), s.size());
  }
  template <typename T>
  void Vec(const std::vector<T>& v) {
    Pod<uint64_t>(v.size());
    if constexpr (std::is_trivially_copyable_v<T>) {
      Raw(v.data(), v.size() * sizeof(T));
    } else {
      for (const auto& s : v) Str(s);
    }
  }
  // Seals what is buffered as the final chunk.
  bool Finish() {
    Push(crypto_secretstream_xchacha20poly1305_TAG_FINAL);
    return ok_;
  }

 private:
  void Write(const void* p, size_t n) {
    if (n > 0) ok_ &= std::fwrite(p, 1, n, f_) == n;
  }
  void Push(unsigned char tag) {
    sealed_.resize(plain_.size() + kChunkOverhead);
    unsigned long long n = 0;
    crypto_secretstream_xchacha20poly1305_push(
        &state_, sealed_.data(), &n, reinterpret_cast<const unsigned char*>(plain_.data()),
        plain_.size(), nullptr, 0, tag);
    const uint32_t length = static_cast<uint32_t>(n);
    Write(&length, sizeof length);
    Write(sealed_.data(), n);
    plain_.clear();
  }

  std::FILE* f_;
  crypto_secretstream_xchacha20poly1305_state state_;
  std::string plain_;
  std::vector<unsigned char> sealed_;
  bool ok_ = true;
};

class Reader {
 public:
  Reader(std::FILE* f, std::string_view key) : f_(f) {
    unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
    ok_ = std::fread(header, 1, sizeof header, f_) == sizeof header &&
          crypto_secretstream_xchacha20poly1305_init_pull(
              &state_, header, reinterpret_cast<const unsigned char*>(key.data())) == 0;
  }
  void Raw(void* p, size_t n) {
    char* c = static_cast<char*>(p);
    while (n > 0 && ok_) {
      if (pos_ == plain_.size() && !Pull()) break;
      const size_t take = std::min(n, plain_.size() - pos_);
      std::memcpy(c, plain_.data() + pos_, take);
      pos_ += take;
      c += take;
      n -= take;
    }
  }
  template <typename T>
  T Pod() {
    T v{};
    Raw(&v, sizeof v);
    return v;
  }
  // Sizes are bounded so a corrupt file cannot ask for terabytes.
  uint64_t Size() {
    auto n = Pod<uint64_t>();
    if (n > (uint64_t{1} << 34)) ok_ = false;
    return ok_ ? n : 0;
  }
  std::string Str() {
    std::string s(Size(), '\0');
    Raw(s.data(), s.size());
    return s;
  }
  template <typename T>
  void Vec(std::vector<T>* v) {
    v->resize(Size());
    if constexpr (std::is_trivially_copyable_v<T>) {
      Raw(v->data(), v->size() * sizeof(T));
    } else {
      for (auto& s : *v) s = Str();
    }
  }
  bool ok() const { return ok_; }
  // Everything was read and the stream ended where its writer finished it.
  bool AtFinalEnd() const { return ok_ && final_ && pos_ == plain_.size(); }

 private:
  bool Pull() {
    uint32_t length = 0;
    if (final_ || std::fread(&length, 1, sizeof length, f_) != sizeof length ||
        length < kChunkOverhead || length > kChunk + kChunkOverhead) {
      return ok_ = false;
    }
    sealed_.resize(length);
    plain_.resize(length - kChunkOverhead);
    unsigned long long n = 0;
    unsigned char tag = 0;
    if (std::fread(sealed_.data(), 1, length, f_) != length ||
        crypto_secretstream_xchacha20poly1305_pull(
            &state_, reinterpret_cast<unsigned char*>(plain_.data()), &n, &tag, sealed_.data(),
            length, nullptr, 0) != 0) {
      return ok_ = false;  // cut, changed, or sealed with another key
    }
    plain_.resize(n);
    pos_ = 0;
    final_ = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
    return true;
  }

  std::FILE* f_;
  crypto_secretstream_xchacha20poly1305_state state_;
  std::string plain_;
  size_t pos_ = 0;
  std::vector<unsigned char> sealed_;
  bool final_ = false;
  bool ok_ = true;
};

}  // namespace

// Friend of TenantState: the only code that sees its private members besides itself.
class SnapshotCodec {
 public:
  static void Write(Writer& w, const TenantState& t) {
    w.Str(t.workspace_id_);
    const CustomerColumns& c = t.customers_;
    w.Vec(c.created_at);
    w.Vec(c.last_seen);
    w.Vec(c.merged_into);
    w.Vec(c.event_count);
    w.Vec(c.order_count);
    w.Vec(c.spent_fen);
    w.Vec(c.refunded_fen);
    w.Vec(c.user_id);
    for (const Traits& tr : c.traits) {
      w.Pod<uint32_t>(static_cast<uint32_t>(tr.entries().size()));
      for (const auto& [k, v] : tr.entries()) {
        w.Str(k);
        w.Str(v);
      }
    }
    w.Vec(c.channel);
    w.Vec(c.channel_at);
    for (const std::vector<Friendship>& friends : c.friends) w.Vec(friends);
    for (const std::vector<HistoryEntry>& history : c.history) w.Vec(history);
    w.Vec(t.channels_.names());
    w.Vec(t.staff_.names());
    const EventColumns& e = t.events_;
    w.Vec(e.seq);
    w.Vec(e.customer);
    w.Vec(e.amount_fen);
    w.Vec(e.money);
    w.Vec(e.touchpoint);
    w.Pod<uint64_t>(t.identity_index_.size());
    for (const auto& [k, v] : t.identity_index_) {
      w.Str(k);
      w.Pod(v);
    }
    w.Vec(t.messages_.slots());
    std::vector<std::string> collided(t.messages_.collided().begin(), t.messages_.collided().end());
    w.Vec(collided);
    w.Pod<uint64_t>(t.orders_.size());
    for (const auto& [id, money] : t.orders_) {
      w.Str(id);
      w.Pod(money.paid_fen);
      w.Pod(money.refunded_fen);
    }
    std::vector<std::string> refunds(t.refund_ids_.begin(), t.refund_ids_.end());
    w.Vec(refunds);
    w.Vec(t.event_names_.names());
    w.Vec(t.tags_.names());
    for (const Roaring& r : t.tag_bitmaps_) {
      std::string bytes(r.getSizeInBytes(), '\0');
      r.write(bytes.data());
      w.Str(bytes);
    }
    w.Pod(t.live_customers_);
    w.Pod(t.last_seq_);
  }

  static std::unique_ptr<TenantState> Read(Reader& r) {
    auto t = std::make_unique<TenantState>(r.Str());
    CustomerColumns& c = t->customers_;
    r.Vec(&c.created_at);
    r.Vec(&c.last_seen);
    r.Vec(&c.merged_into);
    r.Vec(&c.event_count);
    r.Vec(&c.order_count);
    r.Vec(&c.spent_fen);
    r.Vec(&c.refunded_fen);
    r.Vec(&c.user_id);
    c.traits.resize(c.created_at.size());
    for (Traits& tr : c.traits) {
      auto n = r.Pod<uint32_t>();
      if (!r.ok()) return nullptr;
      for (uint32_t i = 0; i < n && r.ok(); ++i) {
        std::string k = r.Str();
        std::string v = r.Str();
        tr.mutable_entries().emplace_back(std::move(k), std::move(v));
      }
    }
    r.Vec(&c.channel);
    r.Vec(&c.channel_at);
    c.friends.resize(c.created_at.size());
    for (std::vector<Friendship>& friends : c.friends) r.Vec(&friends);
    c.history.resize(c.created_at.size());
    for (std::vector<HistoryEntry>& history : c.history) r.Vec(&history);
    std::vector<std::string> interned;
    r.Vec(&interned);
    t->channels_.Restore(std::move(interned));
    interned.clear();
    r.Vec(&interned);
    t->staff_.Restore(std::move(interned));
    EventColumns& e = t->events_;
    r.Vec(&e.seq);
    r.Vec(&e.customer);
    r.Vec(&e.amount_fen);
    r.Vec(&e.money);
    r.Vec(&e.touchpoint);
    uint64_t n = r.Size();
    t->identity_index_.reserve(n);
    for (uint64_t i = 0; i < n && r.ok(); ++i) {
      std::string k = r.Str();
      t->identity_index_.emplace(std::move(k), r.Pod<uint32_t>());
    }
    std::vector<MessageIndex::Slot> slots;
    r.Vec(&slots);
    std::vector<std::string> ids;
    r.Vec(&ids);
    t->messages_.Restore(std::move(slots), {ids.begin(), ids.end()});
    const auto orders = r.Pod<uint64_t>();
    for (uint64_t i = 0; i < orders && r.ok(); ++i) {
      std::string id = r.Str();
      TenantState::OrderMoney& money = t->orders_[std::move(id)];
      money.paid_fen = r.Pod<int64_t>();
      money.refunded_fen = r.Pod<int64_t>();
    }
    r.Vec(&ids);
    t->refund_ids_.insert(ids.begin(), ids.end());
    std::vector<std::string> names;
    r.Vec(&names);
    t->event_names_.Restore(std::move(names));
    std::vector<std::string> tags;
    r.Vec(&tags);
    t->tags_.Restore(tags);
    for (size_t i = 0; i < tags.size() && r.ok(); ++i) {
      std::string bytes = r.Str();
      if (!r.ok() || bytes.empty()) return nullptr;
      try {  // CRoaring's C++ API throws on a corrupt bitmap; keep it inside this function
        t->tag_bitmaps_.push_back(Roaring::readSafe(bytes.data(), bytes.size()));
      } catch (const std::exception&) {
        return nullptr;
      }
    }
    t->live_customers_ = r.Pod<int64_t>();
    t->last_seq_ = r.Pod<int64_t>();
    if (!r.ok()) return nullptr;
    // Column lengths must agree, or the file is not ours.
    size_t nc = c.created_at.size(), ne = e.seq.size();
    bool consistent =
        c.last_seen.size() == nc && c.merged_into.size() == nc && c.event_count.size() == nc &&
        c.order_count.size() == nc && c.spent_fen.size() == nc && c.refunded_fen.size() == nc &&
        c.user_id.size() == nc && e.customer.size() == ne && e.amount_fen.size() == ne &&
        e.money.size() == ne && e.touchpoint.size() == ne && c.channel.size() == nc &&
        c.channel_at.size() == nc;
    if (!consistent) return nullptr;
    for (uint32_t i = 0; i < nc; ++i) {
      if (c.channel[i] != kNoIndex && c.channel[i] >= t->channels_.names().size()) return nullptr;
      for (const Friendship& f : c.friends[i]) {
        if (f.staff >= t->staff_.names().size()) return nullptr;
      }
    }
    for (uint32_t i = 0; i < nc; ++i) {
      if (c.merged_into[i] == kNoIndex) t->live_.add(i);
    }
    // Postings are derived: every event once, by name, in event order.
    const size_t name_count = t->event_names_.names().size();
    std::vector<uint32_t> name_of(ne, kNoIndex);
    std::vector<Micros> time_of(ne);
    for (uint32_t i = 0; i < nc; ++i) {
      for (const HistoryEntry& h : c.history[i]) {
        if (h.event >= ne || h.name >= name_count || name_of[h.event] != kNoIndex ||
            e.customer[h.event] != i) {
          return nullptr;
        }
        name_of[h.event] = h.name;
        time_of[h.event] = h.timestamp;
      }
    }
    for (uint32_t i = 0; i < ne; ++i) {
      if (name_of[i] == kNoIndex) return nullptr;
      t->IndexEventName(i, name_of[i], time_of[i]);
    }
    return t;
  }
};

Status WriteSnapshot(const std::string& path, int64_t last_seq, const TenantMap& tenants,
                     std::string_view key) {
  if (sodium_init() < 0) return Status::Internal("libsodium did not start");
  std::string tmp = path + ".tmp";
  // Owner-only, like the store: the snapshot holds the same customers.
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  std::FILE* f = fd < 0 ? nullptr : ::fdopen(fd, "wb");
  if (!f) {
    if (fd >= 0) ::close(fd);
    return Status::Unavailable("snapshot: cannot write " + tmp);
  }
  bool ok = std::fwrite(kMagic, 1, sizeof kMagic, f) == sizeof kMagic &&
            std::fwrite(&kFormatVersion, 1, sizeof kFormatVersion, f) == sizeof kFormatVersion;
  Writer w(f, key);
  w.Pod(last_seq);
  w.Pod<uint32_t>(static_cast<uint32_t>(tenants.size()));
  for (const auto& [id, t] : tenants) SnapshotCodec::Write(w, *t);
  ok &= w.Finish() && std::fflush(f) == 0 && ::fsync(fileno(f)) == 0;
  ok &= std::fclose(f) == 0;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return Status::Unavailable("snapshot: write to " + path + " failed");
  }
  return Status::Ok();
}

Result<int64_t> ReadSnapshot(const std::string& path, std::string_view key, TenantMap* tenants) {
  if (sodium_init() < 0) return Status::Internal("libsodium did not start");
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Status::NotFound("no snapshot at " + path);
  std::vector<char> buffer(1 << 20);
  std::setvbuf(f, buffer.data(), _IOFBF, buffer.size());
  char magic[8];
  uint32_t version = 0;
  if (std::fread(magic, 1, sizeof magic, f) != sizeof magic ||
      std::fread(&version, 1, sizeof version, f) != sizeof version ||
      std::memcmp(magic, kMagic, sizeof kMagic) != 0 || version != kFormatVersion) {
    std::fclose(f);
    return Status::FailedPrecondition("snapshot: not a pond snapshot of format " +
                                      std::to_string(kFormatVersion));
  }
  Reader r(f, key);
  auto last_seq = r.Pod<int64_t>();
  auto count = r.Pod<uint32_t>();
  Status status;
  if (!r.ok()) {
    status =
        Status::FailedPrecondition("snapshot: does not open with this master key, or is damaged");
  }
  TenantMap loaded;
  for (uint32_t i = 0; status.ok() && i < count; ++i) {
    auto t = SnapshotCodec::Read(r);
    if (!t) {
      status = Status::FailedPrecondition("snapshot: truncated or corrupt");
      break;
    }
    std::string id = t->workspace_id();
    loaded.emplace(std::move(id), std::move(t));
  }
  if (status.ok() && !r.AtFinalEnd()) status = Status::FailedPrecondition("snapshot: truncated");
  std::fclose(f);
  if (!status.ok()) return status;
  *tenants = std::move(loaded);
  return last_seq;
}

}  // namespace pond
