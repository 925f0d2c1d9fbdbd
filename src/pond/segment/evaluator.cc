#include "pond/segment/evaluator.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <unordered_map>
#include <vector>

#include "pond/base/time.h"
#include "pond/segment/intent.h"
#include "pond/segment/value_match.h"

namespace pond {
namespace {

constexpr Micros kDay = 86'400'000'000LL;
constexpr Micros kOldest = std::numeric_limits<Micros>::min();

Micros NextLocalMidnight(Micros now, int offset_seconds) {
  return (LocalDay(now, offset_seconds) + 1) * kDay - int64_t{offset_seconds} * 1'000'000;
}

// Days from `today` to the next anniversary of `date` (0 when it is today). A 29 February
// falls on 1 March in other years.
int64_t DaysUntilAnniversary(int64_t date, int64_t today) {
  int64_t y, ty;
  unsigned m, d, tm, td;
  CivilFromDays(date, &y, &m, &d);
  CivilFromDays(today, &ty, &tm, &td);
  int64_t next = DaysFromCivil(ty, m, d);
  if (next < today) next = DaysFromCivil(ty + 1, m, d);
  return next - today;
}

// The interned id of the node's name (an event or a tag), cached on the node per state.
template <typename Find>
uint32_t CachedId(const CompiledNode& n, const TenantState& s, Find find) {
  if (n.id_state == &s) return n.id;
  const uint32_t id = (s.*find)(n.name);
  if (id != kNoIndex) {
    n.id_state = &s;
    n.id = id;
  }
  return id;
}
uint32_t EventNameId(const CompiledNode& n, const TenantState& s) {
  return CachedId(n, s, &TenantState::FindEventName);
}
uint32_t TagId(const CompiledNode& n, const TenantState& s) {
  return CachedId(n, s, &TenantState::FindTag);
}

void Lower(Micros* next, Micros t, Micros now) {
  if (t > now && t < *next) *next = t;
}

bool CompareInt(int64_t v, RuleOp op, int64_t t) {
  switch (op) {
    case RuleOp::kEq:
      return v == t;
    case RuleOp::kNe:
      return v != t;
    case RuleOp::kGt:
      return v > t;
    case RuleOp::kGe:
      return v >= t;
    case RuleOp::kLt:
      return v < t;
    case RuleOp::kLe:
      return v <= t;
    default:
      return false;
  }
}

bool IsEventNode(RuleKind k) {
  return k == RuleKind::kCount || k == RuleKind::kSum || k == RuleKind::kLast ||
         k == RuleKind::kFirst;
}

// What a customer's selected events add up to.
struct Aggregate {
  int64_t count = 0;
  int64_t sum = 0;
  Micros first = kNever;
  Micros last = kOldest;
  Micros expiry = kNever;  // the earliest time a counted event leaves the window
};

// The answer of an event condition given the aggregate, and when it could change.
bool Decide(const CompiledNode& n, const Aggregate& a, Micros now, Micros* next) {
  switch (n.kind) {
    case RuleKind::kCount:
      if (next) Lower(next, a.expiry, now);
      return CompareInt(a.count, n.op, n.threshold);
    case RuleKind::kSum:
      if (next) Lower(next, a.expiry, now);
      return CompareInt(a.sum, n.op, n.threshold);
    case RuleKind::kLast:
    case RuleKind::kFirst: {
      if (a.count == 0) return false;
      Micros t = n.kind == RuleKind::kLast ? a.last : a.first;
      if (next) Lower(next, t + n.duration + 1, now);
      return n.op == RuleOp::kWithin ? t >= now - n.duration : t < now - n.duration;
    }
    default:
      return false;
  }
}

const Roaring* FilterOf(const CompiledNode& n, const EvalContext& ctx, bool* none_match) {
  *none_match = false;
  if (n.filter_key.empty()) return nullptr;
  const Roaring* m = ctx.filter_matches ? ctx.filter_matches(n.filter_key) : nullptr;
  *none_match = m == nullptr;
  return m;
}

bool TraitHolds(const CompiledNode& n, const EvalContext& ctx, uint32_t c, Micros* next) {
  std::string_view raw = ctx.state->customers().traits[c].Get(n.name);
  if (n.op != RuleOp::kWithin && n.op != RuleOp::kOlderThan) {
    return MatchesValue(raw, n.op, n.values);
  }
  std::optional<DateValue> date = ParseDateValue(raw, ctx.utc_offset_seconds);
  if (!date) return false;
  const Micros now = ctx.now;
  if (date->date_only) {
    if (next) Lower(next, NextLocalMidnight(now, ctx.utc_offset_seconds), now);
    const int64_t today = LocalDay(now, ctx.utc_offset_seconds), days = n.duration / kDay;
    if (n.op == RuleOp::kWithin) return DaysUntilAnniversary(date->days, today) <= days;
    return today - date->days > days;
  }
  const Micros t = date->at;
  if (n.op == RuleOp::kWithin) {
    if (next) {
      Lower(next, t - n.duration, now);
      Lower(next, t + n.duration + 1, now);
    }
    return t >= now - n.duration && t <= now + n.duration;
  }
  if (next) Lower(next, t + n.duration + 1, now);
  return t < now - n.duration;
}

// The number column of a numeric comparison (>, >=, <, <=, between with numbers), if kept.
const std::vector<double>* NumericTraitColumn(const CompiledNode& n, const EvalContext& ctx) {
  if (!ctx.trait_numbers || n.values.empty()) return nullptr;
  switch (n.op) {
    case RuleOp::kGt:
    case RuleOp::kGe:
    case RuleOp::kLt:
    case RuleOp::kLe:
      break;
    case RuleOp::kBetween:
      if (n.values.size() != 2) return nullptr;
      break;
    default:
      return nullptr;
  }
  for (const RuleValue& v : n.values) {
    if (v.type != RuleValue::Type::kNumber) return nullptr;
  }
  return ctx.trait_numbers(n.name);
}

// --- one customer ------------------------------------------------------------------------
Aggregate AggregateCustomer(const CompiledNode& n, const EvalContext& ctx, uint32_t c) {
  Aggregate a;
  const TenantState& s = *ctx.state;
  const uint32_t name = EventNameId(n, s);
  bool none_match = false;
  const Roaring* matches = FilterOf(n, ctx, &none_match);
  if (name == kNoIndex || none_match) return a;
  const Micros from = n.window > 0 ? ctx.now - n.window : kOldest;
  const EventColumns& e = s.events();
  auto add = [&](uint32_t i, uint32_t event_name, Micros ts) {
    if (event_name != name) return;
    if (n.counted_only && e.money[i] == 0) return;
    if (ts < from) return;
    if (matches && !matches->contains(i)) return;
    ++a.count;
    a.sum += e.amount_fen[i];
    a.first = std::min(a.first, ts);
    a.last = std::max(a.last, ts);
    if (n.window > 0) a.expiry = std::min(a.expiry, ts + n.window + 1);
  };
  for (const HistoryEntry& h : s.customers().history[c]) add(h.event, h.name, h.timestamp);
  return a;
}

Roaring FromSorted(std::vector<uint32_t>& ids) {
  Roaring r;
  if (!ids.empty()) r.addMany(ids.size(), ids.data());
  r.runOptimize();
  return r;
}

// --- in_group ----------------------------------------------------------------------------
// The group's joins and leaves as filtered event indices; null when a filter is not loaded.
struct GroupSides {
  uint32_t joined = kNoIndex, left = kNoIndex;
  const Roaring* joins = nullptr;
  const Roaring* leaves = nullptr;
};

std::optional<GroupSides> SidesOf(const CompiledNode& n, const EvalContext& ctx) {
  GroupSides g;
  bool none = false;
  g.joins = FilterOf(n.children[0], ctx, &none);
  if (none) return std::nullopt;
  g.leaves = FilterOf(n.children[1], ctx, &none);
  if (none) return std::nullopt;
  g.joined = EventNameId(n.children[0], *ctx.state);
  g.left = EventNameId(n.children[1], *ctx.state);
  return g;
}

// Events are indexed in the order they were applied: the later of a join and a leave decides,
// as the community service's membership does.
bool InGroupOfCustomer(const CompiledNode& n, const EvalContext& ctx, uint32_t c) {
  const std::optional<GroupSides> g = SidesOf(n, ctx);
  if (!g || g->joined == kNoIndex) return false;
  int64_t last_join = -1, last_leave = -1;
  for (const HistoryEntry& h : ctx.state->customers().history[c]) {
    if (h.name == g->joined && g->joins->contains(h.event)) {
      last_join = std::max<int64_t>(last_join, h.event);
    } else if (h.name == g->left && g->leaves->contains(h.event)) {
      last_leave = std::max<int64_t>(last_leave, h.event);
    }
  }
  return last_join > last_leave;
}

Roaring InGroupOfAll(const CompiledNode& n, const EvalContext& ctx, const Roaring& universe) {
  const std::optional<GroupSides> g = SidesOf(n, ctx);
  if (!g || g->joined == kNoIndex) return Roaring();
  const TenantState& s = *ctx.state;
  std::unordered_map<uint32_t, std::pair<int64_t, int64_t>> last;  // customer -> join, leave
  for (uint32_t i : *g->joins) {
    auto& [join, leave] = last.try_emplace(s.Live(s.events().customer[i]), -1, -1).first->second;
    join = std::max<int64_t>(join, i);
  }
  for (uint32_t i : *g->leaves) {
    auto it = last.find(s.Live(s.events().customer[i]));
    if (it != last.end()) it->second.second = std::max<int64_t>(it->second.second, i);
  }
  std::vector<uint32_t> out;
  for (const auto& [c, sides] : last) {
    if (sides.first > sides.second && universe.contains(c)) out.push_back(c);
  }
  std::sort(out.begin(), out.end());
  return FromSorted(out);
}

// --- all customers -----------------------------------------------------------------------
// Scratch space reused across evaluations on one thread: one slot per customer.
struct Scratch {
  std::vector<int64_t> value;
  std::vector<uint8_t> seen;
  std::vector<uint64_t> in_universe;
  std::vector<uint32_t> touched;
  void Prepare(size_t customers) {
    if (value.size() < customers) {
      value.resize(customers);
      seen.resize(customers);
    }
    in_universe.assign((customers + 63) / 64, 0);
    touched.clear();
  }
};

// Rough costs, measured on this design: a postings scan reads its array in order (~3 ns a
// posting); a walk reads each candidate's history, contiguous (a cache miss to reach it, then
// ~2 ns an event).
double ScanNanos(const TenantState& s, uint32_t name) {
  return static_cast<double>(s.EventsNamed(name).size()) * 3;
}
double WalkNanos(const TenantState& s, double candidates) {
  if (s.customers().size() == 0) return 0;
  const double per_customer =
      static_cast<double>(s.events().size()) / static_cast<double>(s.customers().size());
  return candidates * (80 + per_customer * 2);
}

// Few candidates: walk each one's history (cheaper than the scan by the estimates above).
Roaring EvalEventByWalk(const CompiledNode& n, const EvalContext& ctx, const Roaring& universe) {
  std::vector<uint32_t> out;
  for (uint32_t c : universe) {
    if (Decide(n, AggregateCustomer(n, ctx, c), ctx.now, nullptr)) out.push_back(c);
  }
  return FromSorted(out);
}

Roaring EvalEventAll(const CompiledNode& n, const EvalContext& ctx, const Roaring& universe) {
  const TenantState& s = *ctx.state;
  const uint32_t name = EventNameId(n, s);
  bool none_match = false;
  const Roaring* matches = FilterOf(n, ctx, &none_match);
  if (name != kNoIndex && !none_match &&
      WalkNanos(s, static_cast<double>(universe.cardinality())) < ScanNanos(s, name)) {
    return EvalEventByWalk(n, ctx, universe);
  }
  thread_local Scratch scratch;
  scratch.Prepare(s.customers().size());
  for (uint32_t c : universe) scratch.in_universe[c >> 6] |= uint64_t{1} << (c & 63);

  const bool keep_max = n.kind == RuleKind::kLast, keep_min = n.kind == RuleKind::kFirst;
  if (name != kNoIndex && !none_match) {
    const Micros from = n.window > 0 ? ctx.now - n.window : kOldest;
    const EventColumns& e = s.events();
    for (const Posting& p : s.EventsNamed(name)) {
      const uint32_t c = p.customer, i = p.event;
      if (!(scratch.in_universe[c >> 6] >> (c & 63) & 1)) continue;
      const Micros ts = p.timestamp;
      if (ts < from) continue;
      if (n.counted_only && e.money[i] == 0) continue;
      if (matches && !matches->contains(i)) continue;
      int64_t& v = scratch.value[c];
      if (!scratch.seen[c]) {
        scratch.seen[c] = 1;
        scratch.touched.push_back(c);
        v = keep_max ? kOldest : (keep_min ? kNever : 0);
      }
      if (keep_max) {
        v = std::max(v, ts);
      } else if (keep_min) {
        v = std::min(v, ts);
      } else {
        v += n.kind == RuleKind::kCount ? 1 : e.amount_fen[i];
      }
    }
  }
  auto decide = [&](bool seen, int64_t value) {
    Aggregate a;
    if (seen) {
      a.count = n.kind == RuleKind::kCount ? value : 1;  // last/first need "at least one"
      a.sum = value;
      a.first = a.last = value;
    }
    return Decide(n, a, ctx.now, nullptr);
  };
  auto passes = [&](uint32_t c) { return decide(scratch.seen[c], scratch.value[c]); };
  std::vector<uint32_t> out;
  if (decide(false, 0)) {  // the empty aggregate passes (count < 2): walk the universe
    for (uint32_t c : universe) {
      if (passes(c)) out.push_back(c);
    }
  } else {
    // In id order without sorting: reuse the universe bitset for the passing customers, then
    // read it word by word.
    std::fill(scratch.in_universe.begin(), scratch.in_universe.end(), 0);
    for (uint32_t c : scratch.touched) {
      if (passes(c)) scratch.in_universe[c >> 6] |= uint64_t{1} << (c & 63);
    }
    for (size_t w = 0; w < scratch.in_universe.size(); ++w) {
      for (uint64_t bits = scratch.in_universe[w]; bits != 0; bits &= bits - 1) {
        out.push_back(static_cast<uint32_t>(w * 64 + static_cast<size_t>(__builtin_ctzll(bits))));
      }
    }
  }
  for (uint32_t c : scratch.touched) scratch.seen[c] = 0;
  return FromSorted(out);
}

// --- intent ------------------------------------------------------------------------------
// The workspace's intent rows resolved against the state: interned names and filter matches.
struct IntentTable {
  struct Row {
    uint32_t name;
    int64_t points;
    const Roaring* matches;  // null: every event of the name
  };
  std::vector<Row> rows;
  Micros half_life;
  IntentTable(const TenantState& s, const EvalContext& ctx) {
    const IntentSettings& settings = ctx.intent ? *ctx.intent : DefaultIntentSettings();
    half_life = settings.half_life_days * kDay;
    for (const IntentRow& r : settings.rows) {
      const uint32_t id = s.FindEventName(r.event);
      if (id == kNoIndex) continue;
      const Roaring* matches = nullptr;
      if (!r.filter_key.empty()) {
        matches = ctx.filter_matches ? ctx.filter_matches(r.filter_key) : nullptr;
        if (!matches) continue;  // filter not loaded: the row matches nothing
      }
      rows.push_back({id, r.points, matches});
    }
  }
  // Every row's points the event earns, decayed to `now`.
  int64_t Score(uint32_t name, uint32_t event, Micros ts, Micros now, Micros* next) const {
    int64_t score = 0;
    for (const Row& r : rows) {
      if (r.name != name || (r.matches && !r.matches->contains(event))) continue;
      score += IntentContribution(r.points, ts, now, half_life, next);
    }
    return score;
  }
};

bool IntentHolds(const CompiledNode& n, int64_t score) {
  const bool in = score >= n.range_lo && score < n.range_hi;
  return n.negate ? !in : in;
}

// A customer without a paid order's score, and when it next changes.
bool IntentOfCustomer(const CompiledNode& n, const EvalContext& ctx, uint32_t c, Micros* next) {
  const TenantState& s = *ctx.state;
  if (s.customers().order_count[c] > 0) return false;  // buyers have no intent score
  const IntentTable table(s, ctx);
  int64_t score = 0;
  for (const HistoryEntry& h : s.customers().history[c]) {
    score += table.Score(h.name, h.event, h.timestamp, ctx.now, next);
  }
  return IntentHolds(n, score);
}

Roaring IntentOfAll(const CompiledNode& n, const EvalContext& ctx, const Roaring& universe) {
  const TenantState& s = *ctx.state;
  const IntentTable table(s, ctx);
  thread_local std::vector<int64_t> score;
  thread_local std::vector<uint64_t> in_universe;
  score.assign(s.customers().size(), 0);
  in_universe.assign((s.customers().size() + 63) / 64, 0);
  for (uint32_t c : universe) in_universe[c >> 6] |= uint64_t{1} << (c & 63);
  for (const IntentTable::Row& r : table.rows) {
    for (const Posting& p : s.EventsNamed(r.name)) {
      if (!(in_universe[p.customer >> 6] >> (p.customer & 63) & 1)) continue;
      if (r.matches && !r.matches->contains(p.event)) continue;
      score[p.customer] +=
          IntentContribution(r.points, p.timestamp, ctx.now, table.half_life, nullptr);
    }
  }
  std::vector<uint32_t> out;
  for (uint32_t c : universe) {
    if (s.customers().order_count[c] == 0 && IntentHolds(n, score[c])) out.push_back(c);
  }
  return FromSorted(out);
}

// --- channel, channel_kind, owner --------------------------------------------------------
// Which interned channels (or staff accounts) the condition's values name, and whether "none"
// (no channel, no owner) is among them; built once per evaluation.
class ContactMatch {
 public:
  ContactMatch(const CompiledNode& n, const EvalContext& ctx)
      : owner_(n.name == "owner"), negate_(n.op == RuleOp::kNe) {
    const TenantState& s = *ctx.state;
    const std::vector<std::string>& names = owner_ ? s.staff_names() : s.channel_names();
    named_.assign(names.size(), 0);
    for (const RuleValue& v : n.values) {
      if (v.text == "none") none_ = true;
    }
    for (size_t id = 0; id < names.size(); ++id) {
      std::string_view key = names[id];
      if (n.name == "channel_kind")
        key = ChannelKindName(s.ChannelKindOf(static_cast<uint32_t>(id)));
      for (const RuleValue& v : n.values) named_[id] |= v.text == key;
    }
  }

  bool Holds(const TenantState& s, uint32_t c) const {
    const uint32_t id = owner_ ? s.OwnerOf(c) : s.customers().channel[c];
    const bool in = id == kNoIndex ? none_ : named_[id] != 0;
    return negate_ ? !in : in;
  }

 private:
  bool owner_, negate_, none_ = false;
  std::vector<uint8_t> named_;
};

bool ContactOfCustomer(const CompiledNode& n, const EvalContext& ctx, uint32_t c) {
  const TenantState& s = *ctx.state;
  const bool owner = n.name == "owner";
  const uint32_t id = owner ? s.OwnerOf(c) : s.customers().channel[c];
  std::string_view key = "none";  // no value names a channel or staff id "none"
  if (id != kNoIndex) {
    key = owner ? s.staff_names()[id] : s.channel_names()[id];
    if (n.name == "channel_kind") key = ChannelKindName(s.ChannelKindOf(id));
  }
  bool in = false;
  for (const RuleValue& v : n.values) in |= v.text == key;
  return n.op == RuleOp::kNe ? !in : in;
}

Roaring ContactOfAll(const CompiledNode& n, const EvalContext& ctx, const Roaring& universe) {
  const ContactMatch match(n, ctx);
  std::vector<uint32_t> out;
  for (uint32_t c : universe) {
    if (match.Holds(*ctx.state, c)) out.push_back(c);
  }
  return FromSorted(out);
}

bool IsContactAttribute(const CompiledNode& n) {
  return n.name == "channel" || n.name == "channel_kind" || n.name == "owner";
}

// The members of the stages (or RFM cells) a `stage` (`rfm`) condition names, or nullopt when
// they are not kept.
std::optional<Roaring> StageBitmap(const CompiledNode& n, const EvalContext& ctx,
                                   const Roaring& universe) {
  const auto& members = n.name == "rfm" ? ctx.rfm_members : ctx.stage_members;
  if (!members) return n.name == "rfm" ? std::optional<Roaring>(Roaring()) : std::nullopt;
  Roaring in;
  for (const RuleValue& v : n.values) {
    const Roaring* m = members(v.text);
    if (!m && n.name == "rfm") continue;  // not computed yet: no members
    if (!m) return std::nullopt;
    in |= *m;
  }
  in &= universe;
  return n.op == RuleOp::kNe ? universe - in : in;
}

bool InStage(const CompiledNode& n, const EvalContext& ctx, uint32_t c, bool* known) {
  const auto& members = n.name == "rfm" ? ctx.rfm_members : ctx.stage_members;
  *known = n.name == "rfm";  // an RFM cell not computed has no members
  if (!members) return false;
  bool in = false;
  for (const RuleValue& v : n.values) {
    const Roaring* m = members(v.text);
    if (!m && n.name == "rfm") continue;
    if (!m) return false;
    in |= m->contains(c);
  }
  *known = true;
  return n.op == RuleOp::kNe ? !in : in;
}

// Rough cost in nanoseconds of evaluating `n` over `u` candidates, measured on this design:
// a bitmap operation is nearly free, a trait is read per candidate (~150 ns: its map is on the
// heap), an event condition scans its postings (~3 ns each) or walks the candidates' events.
double EstimateNanos(const CompiledNode& n, const EvalContext& ctx, double u) {
  const TenantState& s = *ctx.state;
  switch (n.kind) {
    case RuleKind::kHasTag:
    case RuleKind::kInSegment:
      return u * 0.01;
    case RuleKind::kAttribute: {
      if (IsContactAttribute(n)) return u * (n.name == "owner" ? 20 : 3);
      if (n.name == "intent") {
        double postings = 0;
        for (const IntentTable::Row& r : IntentTable(s, ctx).rows) {
          postings += static_cast<double>(s.EventsNamed(r.name).size());
        }
        return postings * 3;
      }
      return ctx.stage_members || n.children.empty() ? u * 0.01
                                                     : EstimateNanos(n.children[0], ctx, u);
    }
    case RuleKind::kTrait:
      return NumericTraitColumn(n, ctx) ? u * 2 : u * 150;
    case RuleKind::kInGroup: {  // a group's joins and leaves are few: nearly free
      const std::optional<GroupSides> g = SidesOf(n, ctx);
      return g ? static_cast<double>(g->joins->cardinality() + g->leaves->cardinality()) * 5 : 0;
    }
    case RuleKind::kAnd:
    case RuleKind::kOr:
    case RuleKind::kNot: {
      double sum = 0;
      for (const CompiledNode& c : n.children) sum += EstimateNanos(c, ctx, u);
      return sum;
    }
    default: {
      const uint32_t name = EventNameId(n, s);
      if (name == kNoIndex) return 0;
      return std::min(ScanNanos(s, name), WalkNanos(s, u));
    }
  }
}

Roaring EvalAll(const CompiledNode& n, const EvalContext& ctx, const Roaring& universe) {
  const TenantState& s = *ctx.state;
  switch (n.kind) {
    case RuleKind::kAnd: {
      // Each step runs the condition cheapest for the candidates left, so costly ones (traits,
      // walks) see the fewest.
      std::vector<const CompiledNode*> left;
      for (const CompiledNode& c : n.children) left.push_back(&c);
      Roaring current = universe;
      while (!left.empty() && !current.isEmpty()) {
        const double u = static_cast<double>(current.cardinality());
        auto next = std::min_element(left.begin(), left.end(),
                                     [&](const CompiledNode* a, const CompiledNode* b) {
                                       return EstimateNanos(*a, ctx, u) < EstimateNanos(*b, ctx, u);
                                     });
        current = EvalAll(**next, ctx, current);
        left.erase(next);
      }
      return current;
    }
    case RuleKind::kOr: {
      Roaring result, remaining = universe;
      for (const CompiledNode& c : n.children) {
        if (remaining.isEmpty()) break;
        Roaring r = EvalAll(c, ctx, remaining);
        result |= r;
        remaining -= r;
      }
      return result;
    }
    case RuleKind::kNot:
      return universe - EvalAll(n.children[0], ctx, universe);
    case RuleKind::kAttribute: {
      if (n.name == "intent") return IntentOfAll(n, ctx, universe);
      if (IsContactAttribute(n)) return ContactOfAll(n, ctx, universe);
      if (std::optional<Roaring> kept = StageBitmap(n, ctx, universe)) return std::move(*kept);
      return EvalAll(n.children[0], ctx, universe);
    }
    case RuleKind::kHasTag: {
      uint32_t tag = TagId(n, s);
      return tag == kNoIndex ? Roaring() : s.tag_bitmaps()[tag] & universe;
    }
    case RuleKind::kInSegment: {
      const Roaring* m = ctx.segment_members ? ctx.segment_members(n.name) : nullptr;
      return m ? *m & universe : Roaring();
    }
    case RuleKind::kInGroup:
      return InGroupOfAll(n, ctx, universe);
    case RuleKind::kTrait: {
      std::vector<uint32_t> out;
      if (const std::vector<double>* numbers = NumericTraitColumn(n, ctx)) {
        const double lo = n.values[0].number;
        const double hi = n.values.back().number;
        for (uint32_t c : universe) {
          const double v = c < numbers->size() ? (*numbers)[c] : std::nan("");
          bool holds = false;  // NaN (no number) compares false, as MatchesValue's nullopt
          switch (n.op) {
            case RuleOp::kGt:
              holds = v > lo;
              break;
            case RuleOp::kGe:
              holds = v >= lo;
              break;
            case RuleOp::kLt:
              holds = v < lo;
              break;
            case RuleOp::kLe:
              holds = v <= lo;
              break;
            default:
              holds = v >= lo && v <= hi;
              break;  // between
          }
          if (holds) out.push_back(c);
        }
        return FromSorted(out);
      }
      for (uint32_t c : universe) {
        if (TraitHolds(n, ctx, c, nullptr)) out.push_back(c);
      }
      return FromSorted(out);
    }
    default:
      if (IsEventNode(n.kind)) return EvalEventAll(n, ctx, universe);
      return Roaring();
  }
}

}  // namespace

bool EvaluateCustomer(const CompiledNode& n, const EvalContext& ctx, uint32_t c,
                      Micros* next_change) {
  const TenantState& s = *ctx.state;
  switch (n.kind) {
    case RuleKind::kAnd:
    case RuleKind::kOr: {
      // The answer is decided by the first child that says false (and) or true (or); until that
      // child changes, nothing else can change the answer, so only its timers matter. When no
      // child decides, every child's timers matter.
      const bool decisive = n.kind == RuleKind::kOr;
      Micros all = kNever;
      for (const CompiledNode& child : n.children) {
        Micros mine = kNever;
        if (EvaluateCustomer(child, ctx, c, &mine) == decisive) {
          *next_change = std::min(*next_change, mine);
          return decisive;
        }
        all = std::min(all, mine);
      }
      *next_change = std::min(*next_change, all);
      return !decisive;
    }
    case RuleKind::kNot:
      return !EvaluateCustomer(n.children[0], ctx, c, next_change);
    case RuleKind::kAttribute: {
      if (n.name == "intent") return IntentOfCustomer(n, ctx, c, next_change);
      if (IsContactAttribute(n)) return ContactOfCustomer(n, ctx, c);
      // A kept stage changes by its own upkeep, which re-evaluates the rules that ask for it.
      bool known = false;
      bool in = InStage(n, ctx, c, &known);
      return known ? in : EvaluateCustomer(n.children[0], ctx, c, next_change);
    }
    case RuleKind::kHasTag: {
      uint32_t tag = TagId(n, s);
      return tag != kNoIndex && s.tag_bitmaps()[tag].contains(c);
    }
    case RuleKind::kInSegment: {
      const Roaring* m = ctx.segment_members ? ctx.segment_members(n.name) : nullptr;
      return m && m->contains(c);
    }
    case RuleKind::kInGroup:
      return InGroupOfCustomer(n, ctx, c);
    case RuleKind::kTrait:
      return TraitHolds(n, ctx, c, next_change);
    default:
      if (IsEventNode(n.kind)) {
        return Decide(n, AggregateCustomer(n, ctx, c), ctx.now, next_change);
      }
      return false;
  }
}

Roaring EvaluateAll(const CompiledNode& rule, const EvalContext& ctx) {
  return EvalAll(rule, ctx, LiveCustomers(*ctx.state));
}

void LowerNextChanges(const CompiledNode& n, const EvalContext& ctx, std::vector<Micros>* next) {
  for (const CompiledNode& child : n.children) LowerNextChanges(child, ctx, next);
  const TenantState& s = *ctx.state;
  const Micros now = ctx.now;
  if (n.kind == RuleKind::kTrait && (n.op == RuleOp::kWithin || n.op == RuleOp::kOlderThan)) {
    const std::vector<uint32_t>& merged = s.customers().merged_into;
    for (uint32_t c = 0; c < merged.size(); ++c) {
      if (merged[c] == kNoIndex) TraitHolds(n, ctx, c, &(*next)[c]);
    }
    return;
  }
  if (n.kind == RuleKind::kAttribute && n.name == "intent") {
    const IntentTable table(s, ctx);
    for (const IntentTable::Row& r : table.rows) {
      for (const Posting& p : s.EventsNamed(r.name)) {
        IntentContribution(r.points, p.timestamp, now, table.half_life, &(*next)[p.customer]);
      }
    }
    return;
  }
  if (!IsEventNode(n.kind)) return;
  const bool windowed = n.kind == RuleKind::kCount || n.kind == RuleKind::kSum;
  if (windowed && n.window == 0) return;  // all-time counts change only with events
  const uint32_t name = EventNameId(n, s);
  if (name == kNoIndex) return;
  for (const Posting& p : s.EventsNamed(name)) {
    // Every event of the name, filter or not: early timers are harmless.
    const Micros flip = p.timestamp + (windowed ? n.window : n.duration) + 1;
    Lower(&(*next)[p.customer], flip, now);
  }
}

Roaring LiveCustomers(const TenantState& state) { return state.live(); }

}  // namespace pond
