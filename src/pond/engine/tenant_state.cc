#include "pond/engine/tenant_state.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "pond/engine/touchpoint.h"
#include "pond/model/event_names.h"

namespace pond {

std::string_view TenantState::IdentityKey(IdentityKind kind, std::string_view value) {
  thread_local std::string key;
  key.clear();
  key += static_cast<char>(kind);
  key += value;
  return key;
}

uint32_t Interner::Intern(std::string_view name) {
  if (auto it = ids_.find(name); it != ids_.end()) return it->second;
  auto id = static_cast<uint32_t>(names_.size());
  names_.emplace_back(name);
  ids_.emplace(std::string(name), id);
  return id;
}

uint32_t Interner::Find(std::string_view name) const {
  auto it = ids_.find(name);
  return it == ids_.end() ? kNoIndex : it->second;
}

void Interner::Restore(std::vector<std::string> names) {
  names_ = std::move(names);
  ids_.clear();
  for (uint32_t i = 0; i < names_.size(); ++i) ids_.emplace(names_[i], i);
}

uint32_t TenantState::NewCustomer(Micros created_at, CommitBatch* out) {
  auto c = static_cast<uint32_t>(customers_.size());
  customers_.created_at.push_back(created_at);
  customers_.last_seen.push_back(created_at);
  customers_.merged_into.push_back(kNoIndex);
  customers_.history.emplace_back();
  customers_.event_count.push_back(0);
  customers_.order_count.push_back(0);
  customers_.spent_fen.push_back(0);
  customers_.refunded_fen.push_back(0);
  customers_.user_id.emplace_back();
  customers_.traits.emplace_back();
  customers_.channel.push_back(kNoIndex);
  customers_.channel_at.push_back(0);
  customers_.friends.emplace_back();
  ++live_customers_;
  live_.add(c);
  if (out) out->new_customers.push_back({CustomerId(c), created_at, ""});
  return c;
}

uint32_t TenantState::Live(uint32_t c) const {
  while (c != kNoIndex && customers_.merged_into[c] != kNoIndex) c = customers_.merged_into[c];
  return c;
}

uint32_t TenantState::FindCompress(uint32_t c) {
  uint32_t root = Live(c);
  while (customers_.merged_into[c] != kNoIndex) {
    uint32_t next = customers_.merged_into[c];
    customers_.merged_into[c] = root;
    c = next;
  }
  return root;
}

std::string TenantState::CustomerId(uint32_t dense) {
  // On the ingest path several times per event: no printf.
  char digits[10];
  int n = 0;
  for (uint32_t v = dense + 1; v != 0; v /= 10) digits[n++] = static_cast<char>('0' + v % 10);
  std::string id = "cus_";
  id.append(n < 8 ? 8 - n : 0, '0');
  while (n > 0) id += digits[--n];
  return id;
}

uint32_t TenantState::ParseCustomerId(std::string_view id) const {
  if (!id.starts_with("cus_")) return kNoIndex;
  id.remove_prefix(4);
  uint64_t n = 0;
  auto [p, ec] = std::from_chars(id.data(), id.data() + id.size(), n);
  if (ec != std::errc() || p != id.data() + id.size() || n == 0 || n > customers_.size()) {
    return kNoIndex;
  }
  return static_cast<uint32_t>(n - 1);
}

uint32_t TenantState::FindByIdentity(IdentityKind kind, std::string_view value) const {
  auto it = identity_index_.find(IdentityKey(kind, value));
  return it == identity_index_.end() ? kNoIndex : Live(it->second);
}

void TenantState::MergeInto(uint32_t from, uint32_t into, const Event& event,
                            const Identity& reason, CommitBatch* out) {
  CustomerColumns& c = customers_;
  c.merged_into[from] = into;
  for (const HistoryEntry& h : c.history[from]) {
    events_.customer[h.event] = into;
    // Postings are in event order: find this one by binary search (merges are rare).
    std::vector<Posting>& postings = events_by_name_[h.name];
    auto p = std::lower_bound(postings.begin(), postings.end(), h.event,
                              [](const Posting& a, uint32_t ev) { return a.event < ev; });
    if (p != postings.end() && p->event == h.event) p->customer = into;
  }
  std::vector<HistoryEntry>& into_history = c.history[into];
  into_history.insert(into_history.end(), c.history[from].begin(), c.history[from].end());
  std::vector<HistoryEntry>().swap(c.history[from]);
  c.event_count[into] += c.event_count[from];
  c.order_count[into] += c.order_count[from];
  c.spent_fen[into] += c.spent_fen[from];
  c.refunded_fen[into] += c.refunded_fen[from];
  c.created_at[into] = std::min(c.created_at[into], c.created_at[from]);
  c.last_seen[into] = std::max(c.last_seen[into], c.last_seen[from]);
  if (c.user_id[into].empty()) c.user_id[into] = c.user_id[from];
  c.traits[into].FillFrom(c.traits[from]);
  for (Roaring& tagged : tag_bitmaps_) {
    if (tagged.removeChecked(from)) tagged.add(into);
  }
  MergeContact(from, into);
  c.traits[from] = Traits();
  --live_customers_;
  live_.remove(from);
  merged_by_last_apply_.push_back(from);
  if (out) {
    out->merges.push_back(
        {CustomerId(from), CustomerId(into), event.seq, event.received_at, reason});
  }
}

void TenantState::Apply(Event& e, CommitBatch* out) {
  last_seq_ = e.seq;
  merged_by_last_apply_.clear();
  messages_.Insert(e.message_id, static_cast<uint32_t>(events_.size()));

  // Every identity the event names, userId first.
  thread_local std::vector<Identity> ids;
  ids.clear();
  if (!e.user_id.empty()) ids.push_back({IdentityKind::kUserId, e.user_id});
  if (!e.anonymous_id.empty()) ids.push_back({IdentityKind::kAnonymousId, e.anonymous_id});
  for (const Identity& id : e.identities) ids.push_back(id);

  // The distinct live customers they point at, with the identity that found each.
  struct Found {
    uint32_t customer;
    size_t identity;
  };
  thread_local std::vector<Found> found;
  found.clear();
  thread_local std::vector<bool> known;
  known.assign(ids.size(), false);
  for (size_t i = 0; i < ids.size(); ++i) {
    uint32_t c = kNoIndex;
    if (ids[i].kind == IdentityKind::kCustomerId) {
      known[i] = true;  // pond's own id: resolved, never indexed
      c = ParseCustomerId(ids[i].value);
      if (c == kNoIndex) continue;
      c = FindCompress(c);
    } else {
      auto it = identity_index_.find(IdentityKey(ids[i].kind, ids[i].value));
      if (it == identity_index_.end()) continue;
      known[i] = true;
      c = FindCompress(it->second);
    }
    bool seen = false;
    for (const Found& f : found) seen |= f.customer == c;
    if (!seen) found.push_back({c, i});
  }

  CustomerColumns& cs = customers_;
  uint32_t target = kNoIndex;
  if (!e.user_id.empty()) {
    for (const Found& f : found) {
      if (cs.user_id[f.customer] == e.user_id) target = f.customer;
    }
  }
  if (target == kNoIndex && !found.empty()) {
    target = std::min_element(found.begin(), found.end(), [](const Found& a, const Found& b) {
               return a.customer < b.customer;
             })->customer;
    // A known account seen on another account's device is a different person.
    if (!e.user_id.empty() && !cs.user_id[target].empty() && cs.user_id[target] != e.user_id) {
      target = kNoIndex;
    }
  }
  if (target == kNoIndex) target = NewCustomer(e.timestamp, out);

  for (const Found& f : found) {
    if (f.customer == target) continue;
    const std::string& a = cs.user_id[f.customer];
    const std::string& b = cs.user_id[target].empty() ? e.user_id : cs.user_id[target];
    if (!a.empty() && !b.empty() && a != b) continue;  // two known accounts: never merged
    MergeInto(f.customer, target, e, ids[f.identity], out);
  }
  for (size_t i = 0; i < ids.size(); ++i) {
    if (known[i]) continue;
    identity_index_.emplace(std::string(IdentityKey(ids[i].kind, ids[i].value)), target);
    if (out) out->new_identities.push_back({ids[i], CustomerId(target)});
  }
  if (!e.user_id.empty() && cs.user_id[target].empty()) cs.user_id[target] = e.user_id;
  if (e.traits.size() > 2) (void)cs.traits[target].MergeJson(e.traits);
  ApplyTagEvent(e, target);
  ApplyContactEvent(e, target);
  ApplyConsentEvent(e, target);

  // Orders and refunds count once per natural key, however many events repeat them.
  int64_t amount = 0;
  uint8_t money = 0;
  if (e.order && orders_.try_emplace(e.order->order_id, OrderMoney{e.order->total_fen, 0}).second) {
    amount = e.order->total_fen;
    money = kCountedOrder;
    cs.order_count[target] += 1;
    cs.spent_fen[target] += amount;
    if (out) {
      e.order->customer_id = CustomerId(target);
      e.order->event_seq = e.seq;
      out->orders.push_back(*e.order);
    }
  } else if (e.refund && refund_ids_.insert(e.refund->refund_id).second) {
    amount = e.refund->amount_fen;
    money = kCountedRefund;
    if (auto o = orders_.find(e.refund->order_id); o != orders_.end()) {
      o->second.refunded_fen += amount;
    }
    cs.refunded_fen[target] += amount;
    if (out) {
      e.refund->customer_id = CustomerId(target);
      e.refund->event_seq = e.seq;
      out->refunds.push_back(*e.refund);
    }
  }

  auto idx = static_cast<uint32_t>(events_.size());
  events_.seq.push_back(e.seq);

  uint32_t name = event_names_.Intern(e.name.empty() ? EventTypeName(e.type) : e.name);

  events_.customer.push_back(target);
  IndexEventName(idx, name, e.timestamp);
  events_.amount_fen.push_back(amount);
  events_.money.push_back(money);
  events_.touchpoint.push_back(static_cast<uint8_t>(ClassifyTouchpoint(e.name, e.properties)));
  cs.history[target].push_back({idx, name, e.timestamp});
  cs.event_count[target] += 1;
  cs.last_seen[target] = std::max(cs.last_seen[target], e.timestamp);

  e.customer_id = CustomerId(target);
}

void TenantState::IndexEventName(uint32_t event, uint32_t name, Micros timestamp) {
  if (name >= events_by_name_.size()) events_by_name_.resize(name + 1);
  events_by_name_[name].push_back({event, events_.customer[event], timestamp});
}

std::vector<int64_t> TenantState::RecentEventSeqs(uint32_t customer, size_t limit) const {
  std::vector<HistoryEntry> idx = customers_.history[customer];
  auto newer = [&](const HistoryEntry& a, const HistoryEntry& b) {
    if (a.timestamp != b.timestamp) return a.timestamp > b.timestamp;
    return events_.seq[a.event] > events_.seq[b.event];
  };
  size_t n = std::min(limit, idx.size());
  std::partial_sort(idx.begin(), idx.begin() + static_cast<long>(n), idx.end(), newer);
  std::vector<int64_t> seqs;
  seqs.reserve(n);
  for (size_t i = 0; i < n; ++i) seqs.push_back(events_.seq[idx[i].event]);
  return seqs;
}

void TenantState::ApplyTagEvent(const Event& e, uint32_t customer) {
  const bool added = e.name == kTagAdded;
  if (!added && e.name != kTagRemoved) return;
  const std::string tag = TagOfEvent(e);
  if (!tag.empty()) SetTag(tag, customer, added);
}

void TenantState::ApplyContactEvent(const Event& e, uint32_t customer) {
  const bool scanned = e.name == kChannelScanned;
  const bool added = e.name == kFriendAdded;
  const bool deleted = e.name == kFriendDeleted;
  if (!scanned && !added && !deleted) return;
  Traits properties;  // flat key -> raw JSON value
  (void)properties.MergeJson(e.properties);
  CustomerColumns& cs = customers_;
  if (scanned || added) {
    std::string code = properties.GetString("channel");
    if (code.empty()) code = properties.GetString("state");
    if (!code.empty() &&
        (cs.channel[customer] == kNoIndex || e.timestamp < cs.channel_at[customer])) {
      cs.channel[customer] = channels_.Intern(code);
      cs.channel_at[customer] = e.timestamp;
    }
  }
  if (scanned) return;
  std::vector<Friendship>& friends = cs.friends[customer];
  const std::string staff_id = properties.GetString("staff_id");
  if (added) {
    const uint32_t staff = staff_.Intern(staff_id);
    bool known = false;
    for (const Friendship& f : friends) known |= f.staff == staff;
    if (!known) friends.push_back({staff, e.timestamp});
  } else if (staff_id.empty()) {
    friends.clear();  // a deletion that names no staff account ends every friendship
  } else {
    const uint32_t staff = staff_.Find(staff_id);
    std::erase_if(friends, [&](const Friendship& f) { return f.staff == staff; });
  }
  SetFriendTag(customer);
}

namespace {

// A channel word as send steps name them ("sms", "wecom"): 1–32 of [a-z0-9_].
bool IsChannelWord(std::string_view channel) {
  if (channel.empty() || channel.size() > 32) return false;
  return std::all_of(channel.begin(), channel.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

}  // namespace

void TenantState::ApplyConsentEvent(const Event& e, uint32_t customer) {
  const bool deleted = e.name == "account_deleted";
  const bool out = deleted || e.name == "unsubscribed";
  if (!out && e.name != "subscribed") return;
  std::string channel;
  if (!deleted) {
    Traits properties;  // flat key -> raw JSON value
    (void)properties.MergeJson(e.properties);
    channel = properties.GetString("channel");
  }
  const bool one_channel = IsChannelWord(channel);
  if (out) {
    // A channel pond cannot read opts out of everything: refusing too much is the safe side.
    SetTag(one_channel ? std::string(kOptOutTag) + "_" + channel : kOptOutTag, customer, true);
  } else if (one_channel) {
    SetTag(std::string(kOptOutTag) + "_" + channel, customer, false);
  } else if (channel.empty()) {
    for (size_t t = 0; t < tag_bitmaps_.size(); ++t) {
      if (tags_.names()[t].starts_with(kOptOutTag)) tag_bitmaps_[t].remove(customer);
    }
  }
}

void TenantState::SetTag(std::string_view tag, uint32_t customer, bool on) {
  const uint32_t id = tags_.Intern(tag);
  if (id == tag_bitmaps_.size()) tag_bitmaps_.emplace_back();
  if (on) {
    tag_bitmaps_[id].add(customer);
  } else {
    tag_bitmaps_[id].remove(customer);
  }
}

void TenantState::MergeContact(uint32_t from, uint32_t into) {
  CustomerColumns& cs = customers_;
  if (cs.channel[from] != kNoIndex &&
      (cs.channel[into] == kNoIndex || cs.channel_at[from] < cs.channel_at[into])) {
    cs.channel[into] = cs.channel[from];
    cs.channel_at[into] = cs.channel_at[from];
  }
  std::vector<Friendship>& friends = cs.friends[into];
  for (const Friendship& f : cs.friends[from]) {
    auto same = std::find_if(friends.begin(), friends.end(),
                             [&](const Friendship& g) { return g.staff == f.staff; });
    if (same == friends.end()) {
      friends.push_back(f);
    } else {
      same->since = std::min(same->since, f.since);
    }
  }
  std::stable_sort(friends.begin(), friends.end(),
                   [](const Friendship& a, const Friendship& b) { return a.since < b.since; });
  cs.friends[from].clear();
  cs.channel[from] = kNoIndex;
  SetFriendTag(from);
  SetFriendTag(into);
}

// pond:friend holds exactly while the customer has a friendship.
void TenantState::SetFriendTag(uint32_t customer) {
  SetTag(kFriendTag, customer, !customers_.friends[customer].empty());
}

void TenantState::RegisterChannel(std::string_view code, ChannelKind kind) {
  const uint32_t id = channels_.Intern(code);
  if (id >= channel_kinds_.size()) channel_kinds_.resize(id + 1, 0);
  channel_kinds_[id] = static_cast<uint8_t>(kind);
}

uint32_t TenantState::OwnerOf(uint32_t customer) const {
  const std::vector<Friendship>& friends = customers_.friends[customer];
  uint32_t owner = kNoIndex;
  Micros since = 0;
  for (const Friendship& f : friends) {
    if (owner == kNoIndex || f.since < since) owner = f.staff, since = f.since;
  }
  return owner;
}

std::vector<std::string> TenantState::TagsOf(uint32_t customer) const {
  std::vector<std::string> out;
  for (size_t t = 0; t < tag_bitmaps_.size(); ++t) {
    if (tag_bitmaps_[t].contains(customer) && !tags_.names()[t].starts_with("pond:")) {
      out.push_back(tags_.names()[t]);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string TagOfEvent(const Event& e) {
  if (e.name != kTagAdded && e.name != kTagRemoved) return {};
  Traits properties;  // a flat key -> raw JSON map is all this needs
  if (!properties.MergeJson(e.properties).ok()) return {};
  return properties.GetString("tag");
}

std::vector<int64_t> TenantState::MoneyEventSeqs(uint32_t customer, uint8_t kind) const {
  std::vector<HistoryEntry> idx;
  for (const HistoryEntry& h : customers_.history[customer]) {
    if (events_.money[h.event] == kind) idx.push_back(h);
  }
  std::sort(idx.begin(), idx.end(), [&](const HistoryEntry& a, const HistoryEntry& b) {
    if (a.timestamp != b.timestamp) return a.timestamp < b.timestamp;
    return events_.seq[a.event] < events_.seq[b.event];
  });
  std::vector<int64_t> seqs;
  seqs.reserve(idx.size());
  for (const HistoryEntry& h : idx) seqs.push_back(events_.seq[h.event]);
  return seqs;
}

size_t TenantState::MemoryBytes() const {
  size_t bytes = 0;
  const CustomerColumns& c = customers_;
  bytes += c.size() *
           (sizeof(Micros) * 3 + sizeof(uint32_t) * 4 + sizeof(int64_t) * 2 + sizeof(std::string) +
            sizeof(Traits) + sizeof(std::vector<Friendship>) + sizeof(std::vector<HistoryEntry>));
  for (size_t i = 0; i < c.size(); ++i) {
    if (c.user_id[i].capacity() > 15) bytes += c.user_id[i].capacity();
    bytes += c.friends[i].capacity() * sizeof(Friendship);
    bytes += c.history[i].capacity() * sizeof(HistoryEntry);
    for (const auto& [k, v] : c.traits[i].entries()) {
      bytes += sizeof(k) * 2 + (k.capacity() > 15 ? k.capacity() : 0) +
               (v.capacity() > 15 ? v.capacity() : 0);
    }
  }
  bytes +=
      events_.size() * (sizeof(int64_t) * 2 + sizeof(uint32_t) + sizeof(uint8_t) + sizeof(Posting));
  // Hash tables: nodes plus buckets, roughly.
  for (const auto& [k, v] : identity_index_) {
    bytes += 48 + (k.capacity() > 15 ? k.capacity() : 0);
  }
  bytes += identity_index_.bucket_count() * sizeof(void*);
  bytes += messages_.MemoryBytes();
  bytes += (orders_.size() + refund_ids_.size()) * 64;
  return bytes;
}

Status TenantState::CheckRefunds(std::span<Event* const> batch, const Event* first) const {
  // What this batch adds to each order it names, before any of it is applied.
  std::unordered_map<std::string_view, OrderMoney> added;
  std::unordered_set<std::string_view> refunds_in_batch;
  for (size_t i = 0; i < batch.size(); ++i) {
    const Event& e = *batch[i];
    if (e.order) {
      if (!orders_.count(e.order->order_id)) {
        added.try_emplace(e.order->order_id, OrderMoney{e.order->total_fen, 0});
      }
      continue;
    }
    if (!e.refund || e.refund->order_id.empty()) continue;
    // A refund id counted already changes nothing (Apply counts each refund id once).
    if (refund_ids_.count(e.refund->refund_id) ||
        !refunds_in_batch.insert(e.refund->refund_id).second) {
      continue;
    }
    const std::string prefix = "batch[" + std::to_string(batch[i] - first) + "].properties.";
    const std::string& order_id = e.refund->order_id;
    const auto known = orders_.find(order_id);
    const auto a = added.find(order_id);
    if (known == orders_.end() && a == added.end()) {
      return FieldError(prefix + "order_id",
                        "order \"" + order_id + "\" is not known: send its order_paid first");
    }
    OrderMoney money = known != orders_.end() ? known->second : OrderMoney{};
    if (a != added.end()) {
      money.paid_fen += a->second.paid_fen;
      money.refunded_fen += a->second.refunded_fen;
    }
    const int64_t left = money.paid_fen - money.refunded_fen;
    if (e.refund->amount_fen > left) {
      return FieldError(prefix + "amount", std::to_string(e.refund->amount_fen) +
                                               " fen is more than the " + std::to_string(left) +
                                               " fen left to refund on order \"" + order_id +
                                               "\" (paid " + std::to_string(money.paid_fen) + ")");
    }
    added[order_id].refunded_fen += e.refund->amount_fen;
  }
  return Status::Ok();
}

}  // namespace pond
