#include "pond/segment/segment_service.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <queue>
#include <set>

#include "pond/base/json_writer.h"
#include "pond/engine/keys.h"
#include "pond/engine/tenant_state.h"
#include "pond/segment/compiled_rule.h"
#include "pond/segment/evaluator.h"
#include "pond/segment/lifecycle.h"
#include "pond/segment/rfm.h"

namespace pond {
namespace {

constexpr char kKind[] = "segment";
constexpr size_t kMaxSegments = 1000;
constexpr size_t kLoadChunk = 10'000;
constexpr Micros kRfmEvery = 3600LL * 1'000'000;  // RFM is recomputed hourly at least,
constexpr Micros kRfmAfterOrders = 60LL * 1'000'000;  // and a minute after new orders

struct LiveSegment {
  SegmentInfo info;
  std::string stage;  // set for pond's own stage segments, which are not listed or named
  CompiledRule rule;
  Roaring members;
  // The same members as a plain bitset: the per-event check "was this customer in?" is one bit
  // test instead of a search through the bitmap's containers.
  std::vector<uint64_t> bits;

  bool Has(uint32_t c) const { return c / 64 < bits.size() && (bits[c / 64] >> (c % 64) & 1); }
  void Set(uint32_t c, bool in) {
    if (c / 64 >= bits.size()) bits.resize(c / 64 + 1, 0);
    if (in) {
      members.add(c);
      bits[c / 64] |= uint64_t{1} << (c % 64);
    } else {
      members.remove(c);
      bits[c / 64] &= ~(uint64_t{1} << (c % 64));
    }
  }
  void Assign(Roaring m) {
    members = std::move(m);
    std::fill(bits.begin(), bits.end(), 0);
    for (uint32_t c : members) {
      if (c / 64 >= bits.size()) bits.resize(c / 64 + 1, 0);
      bits[c / 64] |= uint64_t{1} << (c % 64);
    }
  }
  std::vector<size_t> dependents;  // indexes of later segments whose rule names this one
};

// The events one where-filter selects, kept current as events arrive.
struct FilterIndex {
  EventFilter spec;
  Roaring matches;
};

struct Timer {
  Micros due;
  uint32_t customer;
  bool operator>(const Timer& o) const { return due > o.due; }
};

std::string ToBody(const SegmentInfo& s) {
  nlohmann::json j = {{"id", s.id},
                      {"name", s.name},
                      {"description", s.description},
                      {"rule", s.rule},
                      {"created_at", s.created_at},
                      {"updated_at", s.updated_at}};
  return j.dump();
}

Result<SegmentInfo> FromBody(const std::string& body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::Internal("stored segment is not JSON");
  SegmentInfo s;
  s.id = j.value("id", "");
  s.name = j.value("name", "");
  s.description = j.value("description", "");
  s.rule = j.value("rule", "");
  s.created_at = j.value("created_at", int64_t{0});
  s.updated_at = j.value("updated_at", int64_t{0});
  return s;
}

Status ValidateSpecText(const SegmentSpec& spec) {
  if (spec.name.empty() || spec.name.size() > 128) return FieldError("name", "1 to 128 bytes");
  if (spec.description.size() > 2000) return FieldError("description", "at most 2000 bytes");
  if (!spec.rule) return FieldError("rule", "required");
  return Status::Ok();
}

}  // namespace

struct SegmentService::Workspace {
  std::string id;
  int utc_offset_seconds = 8 * 3600;
  // In dependency order: a segment comes after every segment its rule names.
  std::vector<std::unique_ptr<LiveSegment>> segments;
  std::unordered_map<std::string, std::vector<size_t>> by_event;
  std::vector<size_t> by_traits;
  std::vector<size_t> timed;
  std::map<std::string, FilterIndex> filters;  // by EventFilter::key
  std::unordered_map<std::string, std::vector<FilterIndex*>> filters_by_event;
  std::vector<Micros> due;  // per customer: when its timer fires, kNever for none
  size_t customers_seen = 0;  // customers at or past this index are new to every segment
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers;
  std::vector<Event> pending;  // segment_entered / segment_left, submitted by Flush
  std::vector<CompiledRule> stage_rules;  // DefaultStages(), in order
  RfmTable rfm;                           // recomputed hourly (Tick) and on RecomputeRfm
  int64_t orders_since_rfm = 0;           // order and refund events applied since
  std::vector<SegmentService::AnswerTag> answer_tags;  // questionnaire answers → tags
  std::string id_prefix;                  // messageIds of the events segments emit
  int64_t id_counter = 0;

  // A saved segment (never a stage's).
  LiveSegment* Find(const std::string& id_or_name) {
    for (auto& s : segments) {
      if (s->stage.empty() && s->info.id == id_or_name) return s.get();
    }
    for (auto& s : segments) {
      if (s->stage.empty() && s->info.name == id_or_name) return s.get();
    }
    return nullptr;
  }

  size_t SavedCount() const {
    size_t n = 0;
    for (const auto& s : segments) n += s->stage.empty();
    return n;
  }

  // One segment per lifecycle stage, "none" included, so every live customer is in exactly one.
  void AddStageSegments() {
    std::vector<std::string> names;
    for (const StageRule& s : DefaultStages()) {
      names.push_back(s.stage);
      stage_rules.push_back(CompileRule(*ParseRule(s.rule).value()).value());
    }
    names.push_back(kNoStage);
    for (size_t k = 0; k < names.size(); ++k) {
      const std::string& stage = names[k];
      auto live = std::make_unique<LiveSegment>();
      live->stage = stage;
      live->info.id = live->info.name = "stage:" + stage;
      RuleNode node;
      node.kind = RuleKind::kAttribute;
      node.name = "stage";
      node.op = RuleOp::kEq;
      node.values.push_back({RuleValue::Type::kString, stage, 0, false});
      live->rule = CompileRule(node).value();  // the default stages compile, or tests fail
      live->info.rule = live->rule.text;
      segments.insert(segments.begin() + static_cast<long>(k), std::move(live));
    }
  }

  EvalContext Context(const TenantState& state, Micros now) {
    EvalContext ctx;
    ctx.state = &state;
    ctx.now = now;
    ctx.utc_offset_seconds = utc_offset_seconds;
    ctx.filter_matches = [this](const std::string& key) -> const Roaring* {
      auto it = filters.find(key);
      return it == filters.end() ? nullptr : &it->second.matches;
    };
    ctx.segment_members = [this](const std::string& id) -> const Roaring* {
      LiveSegment* s = Find(id);
      return s ? &s->members : nullptr;
    };
    ctx.rfm_members = [this](const std::string& cell) -> const Roaring* {
      std::optional<size_t> k = RfmCellFromName(cell);
      return k && *k < rfm.members.size() ? &rfm.members[*k] : nullptr;
    };
    ctx.stage_members = [this](const std::string& stage) -> const Roaring* {
      for (auto& s : segments) {
        if (s->stage == stage) return &s->members;
      }
      return nullptr;
    };
    return ctx;
  }

  // Rebuilds the lookup tables after the set of segments changed.
  void Reindex() {
    by_event.clear();
    by_traits.clear();
    timed.clear();
    std::map<std::string, size_t> index;
    for (size_t i = 0; i < segments.size(); ++i) {
      LiveSegment& s = *segments[i];
      index[s.info.id] = i;
      s.dependents.clear();
      for (const std::string& e : s.rule.events) by_event[e].push_back(i);
      if (s.rule.uses_traits) by_traits.push_back(i);
      if (s.rule.uses_time) timed.push_back(i);
      for (const std::string& ref : s.rule.segments) segments[index.at(ref)]->dependents.push_back(i);
      if (s.rule.uses_stage && s.stage.empty()) {
        for (size_t k = 0; k < i; ++k) {
          if (!segments[k]->stage.empty()) segments[k]->dependents.push_back(i);
        }
      }
    }
    filters_by_event.clear();
    std::set<std::string> used;
    for (auto& s : segments) {
      for (const EventFilter& f : s->rule.filters) used.insert(f.key);
    }
    std::erase_if(filters, [&](const auto& kv) { return !used.count(kv.first); });
    for (auto& [key, f] : filters) filters_by_event[f.spec.event].push_back(&f);
  }

  void LowerDue(uint32_t c, Micros t) {
    if (t == kNever) return;
    if (due.size() <= c) due.resize(c + 1, kNever);
    if (t < due[c]) {
      due[c] = t;
      timers.push({t, c});
    }
  }

  // questionnaire_submitted: the tags its answers map to, and the older tags they replace.
  // The events are stamped when they are submitted (Flush).
  void TagAnswers(const TenantState& state, const Event& e, uint32_t c) {
    nlohmann::json props = nlohmann::json::parse(e.properties, nullptr, false);
    if (!props.is_object() || !props.contains("answers") || !props["answers"].is_object()) return;
    const std::string questionnaire =
        props.contains("questionnaire") && props["questionnaire"].is_string()
            ? props["questionnaire"].get<std::string>()
            : std::string();
    for (const auto& row : answer_tags) {
      if (!row.questionnaire.empty() && row.questionnaire != questionnaire) continue;
      auto a = props["answers"].find(row.question);
      if (a == props["answers"].end()) continue;
      bool matched = a->is_string() && a->get<std::string>() == row.answer;
      if (a->is_array()) {
        for (const auto& v : *a) matched |= v.is_string() && v.get<std::string>() == row.answer;
      }
      if (!matched) continue;
      const std::string by = "questionnaire:" + questionnaire;
      const std::string cid = TenantState::CustomerId(c);
      const size_t colon = row.tag.find(':');
      if (colon != std::string::npos) {
        const std::string group = row.tag.substr(0, colon + 1);
        for (const std::string& old : state.TagsOf(c)) {
          if (old.starts_with(group) && old != row.tag) {
            pending.push_back(TagChangeEvent(cid, old, false, by));
          }
        }
      }
      const uint32_t id = state.FindTag(row.tag);
      if (id == kNoIndex || !state.tag_bitmaps()[id].contains(c)) {
        pending.push_back(TagChangeEvent(cid, row.tag, true, by));
      }
    }
  }

  void Queue(const char* name, uint32_t c, const char* k1, const std::string& v1, const char* k2,
             const std::string& v2, Micros now) {
    Event e;
    // Unique without a random draw per event: a random prefix per workspace, then a counter.
    if (id_prefix.empty()) id_prefix = RandomId("sev_") + "_";
    e.message_id = id_prefix + std::to_string(++id_counter);
    e.type = EventType::kTrack;
    e.name = name;
    e.identities.push_back({IdentityKind::kCustomerId, TenantState::CustomerId(c)});
    e.properties = "{\"";
    e.properties += k1;
    e.properties += "\":";
    AppendJsonString(&e.properties, v1);
    e.properties += ",\"";
    e.properties += k2;
    e.properties += "\":";
    AppendJsonString(&e.properties, v2);
    e.properties += "}";
    e.timestamp = now;
    pending.push_back(std::move(e));
  }

  // Re-evaluates live customer `c` for the segments flagged in `affected` (indexes into
  // `segments`), and for the segments that name one whose membership changed.
  void Reevaluate(const TenantState& state, uint32_t c, std::vector<uint8_t>& affected, Micros now) {
    EvalContext ctx = Context(state, now);
    thread_local CustomerEvents events;
    events.Load(state, c);
    ctx.events = &events;
    const std::string* stage_left = nullptr;
    const std::string* stage_entered = nullptr;
    // The stage segments answer together: the stage is the first stage rule that holds. One
    // pass over the rules instead of one expanded rule per stage.
    bool stages_affected = false;
    for (size_t i = 0; i < segments.size(); ++i) {
      stages_affected |= affected[i] && !segments[i]->stage.empty();
    }
    if (stages_affected) {
      const std::string* stage = nullptr;
      Micros next = kNever;
      for (size_t r = 0; r < stage_rules.size() && !stage; ++r) {
        if (EvaluateCustomer(stage_rules[r].root, ctx, c, &next)) stage = &DefaultStages()[r].stage;
      }
      LowerDue(c, next);
      const std::string none = kNoStage;
      for (size_t i = 0; i < segments.size(); ++i) {
        LiveSegment& s = *segments[i];
        if (s.stage.empty()) continue;
        affected[i] = 0;
        const bool in = s.stage == (stage ? *stage : none);
        if (in == s.Has(c)) continue;
        s.Set(c, in);
        (in ? stage_entered : stage_left) = &s.stage;
        for (size_t d : s.dependents) affected[d] = 1;
      }
    }
    for (size_t i = 0; i < segments.size(); ++i) {
      if (!affected[i]) continue;
      LiveSegment& s = *segments[i];
      Micros next = kNever;
      bool in = EvaluateCustomer(s.rule.root, ctx, c, &next);
      if (s.rule.uses_time) LowerDue(c, next);
      if (in == s.Has(c)) continue;
      s.Set(c, in);
      if (!s.stage.empty()) {
        (in ? stage_entered : stage_left) = &s.stage;
      } else {
        Queue(in ? "segment_entered" : "segment_left", c, "segment_id", s.info.id, "segment",
              s.info.name, now);
      }
      for (size_t d : s.dependents) affected[d] = 1;
    }
    if (stage_entered || stage_left) {
      // Stages exclude each other: a customer leaves one as it enters another (a new customer
      // only enters, a merged-away one only leaves).
      Queue("stage_changed", c, "from", stage_left ? *stage_left : std::string(kNoStage), "to",
            stage_entered ? *stage_entered : std::string(kNoStage), now);
    }
  }

  // Every customer's timer, lowered to the earliest time any time condition could flip.
  // Conservative (a timer may fire early and find nothing changed), never late.
  void ScheduleAll(const TenantState& state, const LiveSegment& s, Micros now) {
    if (!s.rule.uses_time) return;
    EvalContext ctx = Context(state, now);
    std::vector<Micros> next(state.customers().size(), kNever);
    LowerNextChanges(s.rule.root, ctx, &next);
    for (uint32_t c = 0; c < next.size(); ++c) LowerDue(c, next[c]);
  }

  Status LoadFilter(Engine* engine, const TenantState& state, FilterIndex* f) {
    f->matches = Roaring();
    uint32_t name = state.FindEventName(f->spec.event);
    if (name == kNoIndex) return Status::Ok();
    const std::vector<Posting>& postings = state.EventsNamed(name);
    std::unordered_map<int64_t, uint32_t> by_seq;
    std::vector<int64_t> seqs;
    for (size_t at = 0; at < postings.size(); at += kLoadChunk) {
      size_t end = std::min(postings.size(), at + kLoadChunk);
      by_seq.clear();
      seqs.clear();
      for (size_t k = at; k < end; ++k) {
        seqs.push_back(state.events().seq[postings[k].event]);
        by_seq.emplace(seqs.back(), postings[k].event);
      }
      ASSIGN_OR_RETURN(std::vector<Event> events, engine->LoadEvents(seqs));
      for (const Event& e : events) {
        if (MatchesFilters(e.properties, f->spec.filters)) f->matches.add(by_seq.at(e.seq));
      }
    }
    f->matches.runOptimize();
    return Status::Ok();
  }

  // Makes sure every filter `rule` uses is loaded.
  Status EnsureFilters(Engine* engine, const TenantState& state, const CompiledRule& rule) {
    for (const EventFilter& spec : rule.filters) {
      if (filters.count(spec.key)) continue;
      FilterIndex f{spec, {}};
      RETURN_IF_ERROR(LoadFilter(engine, state, &f));
      filters.emplace(spec.key, std::move(f));
    }
    return Status::Ok();
  }

  // Recomputes RFM; the segments that use it (and those naming them) are evaluated again, and
  // their changes are events like any other.
  void RecomputeRfm(const TenantState& state, Micros now) {
    rfm = ComputeRfm(state, now);
    orders_since_rfm = 0;
    std::set<std::string> rebuilt;
    for (auto& s : segments) {
      bool stale = s->rule.uses_rfm;
      for (const std::string& ref : s->rule.segments) stale |= rebuilt.count(ref) > 0;
      if (!stale) continue;
      Roaring before = s->members;
      Rebuild(state, *s, now);
      for (uint32_t c : s->members - before) {
        Queue("segment_entered", c, "segment_id", s->info.id, "segment", s->info.name, now);
      }
      for (uint32_t c : before - s->members) {
        Queue("segment_left", c, "segment_id", s->info.id, "segment", s->info.name, now);
      }
      rebuilt.insert(s->info.id);
    }
  }

  // Full evaluation of one segment, and its timers. A stage segment answers from its rules
  // (the other stage segments may not be built yet).
  void Rebuild(const TenantState& state, LiveSegment& s, Micros now) {
    EvalContext ctx = Context(state, now);
    if (!s.stage.empty()) ctx.stage_members = nullptr;
    s.Assign(EvaluateAll(s.rule.root, ctx));
    ScheduleAll(state, s, now);
  }
};

// Puts segments in dependency order; refuses a cycle or a reference to a missing segment.
static Status OrderSegments(std::vector<std::unique_ptr<LiveSegment>>& segments) {
  std::vector<std::unique_ptr<LiveSegment>> ordered;
  std::set<std::string> placed;
  while (!segments.empty()) {
    bool progress = false;
    for (auto it = segments.begin(); it != segments.end();) {
      bool ready = true;
      for (const std::string& ref : (*it)->rule.segments) ready &= placed.count(ref) > 0;
      if (ready) {
        placed.insert((*it)->info.id);
        ordered.push_back(std::move(*it));
        it = segments.erase(it);
        progress = true;
      } else {
        ++it;
      }
    }
    if (!progress) {
      segments.insert(segments.end(), std::make_move_iterator(ordered.begin()),
                      std::make_move_iterator(ordered.end()));
      return FieldError("rule", "in_segment references form a cycle through \"" +
                                    segments.front()->info.name + "\"");
    }
  }
  segments = std::move(ordered);
  return Status::Ok();
}

// Rewrites in_segment names to ids. REQUIRES: the referenced segments exist in `w`.
static Status ResolveReferences(SegmentService::Workspace& w, CompiledNode& n,
                                std::set<std::string>* ids) {
  if (n.kind == RuleKind::kInSegment) {
    LiveSegment* s = w.Find(n.name);
    if (!s) return FieldError("rule", "in_segment(\"" + n.name + "\"): no such segment");
    n.name = s->info.id;
    ids->insert(n.name);
  }
  for (CompiledNode& c : n.children) RETURN_IF_ERROR(ResolveReferences(w, c, ids));
  return Status::Ok();
}

Result<std::unique_ptr<SegmentService>> SegmentService::Start(Engine* engine) {
  std::unique_ptr<SegmentService> service(new SegmentService(engine));
  ASSIGN_OR_RETURN(std::vector<pond::Workspace> workspaces, engine->ListWorkspaces());
  for (const pond::Workspace& ws : workspaces) {
    Workspace& w = service->WorkspaceFor(ws.id);
    w.utc_offset_seconds = ws.utc_offset_seconds;
    ASSIGN_OR_RETURN(std::vector<StoredObject> stored, engine->ListObjects(ws.id, kKind));
    for (const StoredObject& o : stored) {
      auto live = std::make_unique<LiveSegment>();
      ASSIGN_OR_RETURN(live->info, FromBody(o.body));
      ASSIGN_OR_RETURN(std::unique_ptr<RuleNode> rule, ParseRule(live->info.rule));
      ASSIGN_OR_RETURN(live->rule, CompileRule(*rule));
      w.segments.push_back(std::move(live));
    }
    // References were stored as ids, so they resolve as they are.
    for (auto& s : w.segments) {
      std::set<std::string> ids;
      RETURN_IF_ERROR(ResolveReferences(w, s->rule.root, &ids));
    }
    RETURN_IF_ERROR(OrderSegments(w.segments));
    w.Reindex();
    ASSIGN_OR_RETURN(std::vector<StoredObject> tables, engine->ListObjects(ws.id, "answer_tags"));
    for (const StoredObject& o : tables) {
      nlohmann::json rows = nlohmann::json::parse(o.body, nullptr, false);
      if (!rows.is_array()) return Status::Internal("stored answer tags are not a JSON list");
      for (const auto& r : rows) {
        w.answer_tags.push_back({r.value("questionnaire", ""), r.value("question", ""),
                                 r.value("answer", ""), r.value("tag", "")});
      }
    }
  }
  engine->AddObserver(service.get());  // OnReset evaluates them all
  return service;
}

SegmentService::SegmentService(Engine* engine) : engine_(engine) {}

SegmentService::~SegmentService() {
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (background_.joinable()) background_.join();
  engine_->RemoveObserver(this);
}

void SegmentService::RunInBackground(std::chrono::milliseconds every) {
  background_ = std::thread([this, every] {
    std::unique_lock lock(stop_mu_);
    while (!stop_cv_.wait_for(lock, every, [this] { return stopping_; })) {
      lock.unlock();
      Tick();
      (void)Flush();  // what fails stays queued for the next round
      lock.lock();
    }
  })
  ;
}

SegmentService::Workspace& SegmentService::WorkspaceFor(const std::string& ws) {
  auto& w = workspaces_[ws];
  if (!w) {
    w = std::make_unique<Workspace>();
    w->id = ws;
    w->AddStageSegments();
    w->Reindex();
  }
  return *w;
}

void SegmentService::OnReset(const std::string& ws, const TenantState& state) {
  std::lock_guard lock(mu_);
  Workspace& w = WorkspaceFor(ws);
  const Micros now = engine_->clock().NowMicros();
  w.due.assign(state.customers().size(), kNever);
  w.customers_seen = state.customers().size();
  w.timers = {};
  w.filters.clear();
  for (auto& s : w.segments) {
    // A filter that cannot be loaded leaves its conditions matching nothing until the next reset.
    (void)w.EnsureFilters(engine_, state, s->rule);
  }
  w.Reindex();
  w.rfm = ComputeRfm(state, now);
  w.orders_since_rfm = 0;
  for (auto& s : w.segments) w.Rebuild(state, *s, now);
}

SegmentService::UpkeepStats SegmentService::Upkeep() {
  std::lock_guard lock(mu_);
  return upkeep_;
}

void SegmentService::OnApplied(const std::string& ws, const TenantState& state,
                               const AppliedEvent& applied) {
  const auto started = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  ++upkeep_.events;
  struct AddTime {
    std::chrono::steady_clock::time_point started;
    int64_t* nanos;
    ~AddTime() {
      *nanos += std::chrono::duration_cast<std::chrono::nanoseconds>(
                    std::chrono::steady_clock::now() - started)
                    .count();
    }
  } add_time{started, &upkeep_.nanos};
  Workspace& w = WorkspaceFor(ws);
  if (w.segments.empty()) {
    w.customers_seen = state.customers().size();
    return;
  }
  const std::string& name = state.EventName(state.events().link[applied.index].name);
  if (state.events().money[applied.index] != 0) ++w.orders_since_rfm;
  if (name == "questionnaire_submitted" && !w.answer_tags.empty()) {
    w.TagAnswers(state, applied.event, applied.customer);
  }
  if (auto it = w.filters_by_event.find(name); it != w.filters_by_event.end()) {
    for (FilterIndex* f : it->second) {
      if (MatchesFilters(applied.event.properties, f->spec.filters)) f->matches.add(applied.index);
    }
  }
  thread_local std::vector<uint8_t> affected;
  affected.assign(w.segments.size(), 0);
  bool any = false;
  auto mark = [&](size_t i) {
    affected[i] = 1;
    any = true;
  };
  if (auto it = w.by_event.find(name); it != w.by_event.end()) {
    for (size_t i : it->second) mark(i);
  }
  if (applied.event.traits.size() > 2) {
    for (size_t i : w.by_traits) mark(i);
  }
  if (applied.customer >= w.customers_seen) {
    // A new customer: a rule can hold with nothing at all ("not has_tag(…)").
    w.customers_seen = applied.customer + 1;
    for (size_t i = 0; i < w.segments.size(); ++i) mark(i);
  }
  if (!applied.merged.empty()) {
    // The folded profiles are gone; the survivor has new events, tags and traits.
    for (uint32_t m : applied.merged) {
      for (auto& s : w.segments) s->Set(m, false);
      if (m < w.due.size()) w.due[m] = kNever;
    }
    for (size_t i = 0; i < w.segments.size(); ++i) mark(i);
  }
  if (!any) return;
  w.Reevaluate(state, applied.customer, affected, engine_->clock().NowMicros());
}

void SegmentService::Tick() {
  const Micros now = engine_->clock().NowMicros();
  std::vector<std::string> ids;
  std::vector<std::string> rfm_due;
  {
    std::lock_guard lock(mu_);
    for (auto& [id, w] : workspaces_) {
      if (!w->timers.empty() && w->timers.top().due <= now) ids.push_back(id);
      const Micros age = now - w->rfm.computed_at;
      if (age >= kRfmEvery || (w->orders_since_rfm > 0 && age >= kRfmAfterOrders)) {
        rfm_due.push_back(id);
      }
    }
  }
  for (const std::string& ws : rfm_due) (void)RecomputeRfm(ws);
  for (const std::string& ws : ids) {
    (void)engine_->ReadState(ws, [&](const TenantState& state) {
      std::lock_guard lock(mu_);
      Workspace& w = WorkspaceFor(ws);
      thread_local std::vector<uint8_t> affected;
      while (!w.timers.empty() && w.timers.top().due <= now) {
        Timer t = w.timers.top();
        w.timers.pop();
        if (t.customer >= w.due.size() || w.due[t.customer] != t.due) continue;  // superseded
        w.due[t.customer] = kNever;
        if (state.customers().merged_into[t.customer] != kNoIndex) continue;
        affected.assign(w.segments.size(), 0);
        for (size_t i : w.timed) affected[i] = 1;
        w.Reevaluate(state, t.customer, affected, now);
      }
    });
  }
}

Status SegmentService::Flush() {
  std::vector<std::pair<std::string, std::vector<Event>>> batches;
  {
    std::lock_guard lock(mu_);
    for (auto& [id, w] : workspaces_) {
      if (!w->pending.empty()) batches.emplace_back(id, std::move(w->pending));
      w->pending.clear();
    }
  }
  Status result;
  for (auto& [ws, events] : batches) {
    size_t at = 0;
    for (; at < events.size() && result.ok(); at += kMaxEventsPerSubmit) {
      size_t end = std::min(events.size(), at + kMaxEventsPerSubmit);
      std::vector<Event> part(events.begin() + static_cast<long>(at),
                              events.begin() + static_cast<long>(end));
      result = engine_->Submit(ws, std::move(part)).status();
      if (!result.ok()) break;
    }
    if (at < events.size()) {
      // Not submitted: back to the front of the queue for the next Flush (messageIds make a
      // part that was stored after all a duplicate, not a second event).
      std::lock_guard lock(mu_);
      std::vector<Event>& pending = WorkspaceFor(ws).pending;
      pending.insert(pending.begin(), std::make_move_iterator(events.begin() + static_cast<long>(at)),
                     std::make_move_iterator(events.end()));
    }
  }
  return result;
}

Result<SegmentInfo> SegmentService::Create(const std::string& ws, SegmentSpec spec) {
  return Update(ws, "", std::move(spec));
}

Result<SegmentInfo> SegmentService::Update(const std::string& ws, const std::string& id,
                                           SegmentSpec spec) {
  RETURN_IF_ERROR(ValidateSpecText(spec));
  ASSIGN_OR_RETURN(CompiledRule rule, CompileRule(*spec.rule));
  Result<SegmentInfo> result = Status::Internal("not evaluated");
  Status read = engine_->ReadState(ws, [&](const TenantState& state) {
    std::lock_guard lock(mu_);
    Workspace& w = WorkspaceFor(ws);
    const Micros now = engine_->clock().NowMicros();
    LiveSegment* existing = nullptr;
    if (!id.empty()) {
      existing = w.Find(id);
      if (!existing) {
        result = Status::NotFound("segment \"" + id + "\" not found");
        return;
      }
    } else if (w.SavedCount() >= kMaxSegments) {
      result = Status::ResourceExhausted("at most " + std::to_string(kMaxSegments) +
                                         " segments per workspace");
      return;
    }
    for (auto& s : w.segments) {
      if (s->info.name == spec.name && s.get() != existing) {
        result = Status::AlreadyExists("name: a segment named \"" + spec.name + "\" exists");
        return;
      }
    }
    std::set<std::string> refs;
    if (Status s = ResolveReferences(w, rule.root, &refs); !s.ok()) {
      result = s;
      return;
    }
    rule.segments = refs;
    rule.text = ToText(*spec.rule);
    auto live = std::make_unique<LiveSegment>();
    live->info.id = existing ? existing->info.id : RandomId("seg_");
    live->info.name = spec.name;
    live->info.description = spec.description;
    live->info.created_at = existing ? existing->info.created_at : now;
    live->info.updated_at = now;
    live->rule = std::move(rule);
    // Stored with references as ids, so renaming a segment does not break the rules naming it.
    {
      std::unique_ptr<RuleNode> stored_rule = std::move(spec.rule);
      std::function<void(RuleNode&)> to_ids = [&](RuleNode& n) {
        if (n.kind == RuleKind::kInSegment) n.name = w.Find(n.name)->info.id;
        for (auto& c : n.children) to_ids(*c);
      };
      to_ids(*stored_rule);
      live->info.rule = ToText(*stored_rule);
    }
    // Try the new set of segments in order before touching anything.
    std::vector<std::unique_ptr<LiveSegment>> trial;
    for (auto& s : w.segments) {
      if (s.get() == existing) continue;
      auto copy = std::make_unique<LiveSegment>();
      copy->info = s->info;
      copy->rule.segments = s->rule.segments;
      trial.push_back(std::move(copy));
    }
    trial.push_back(std::make_unique<LiveSegment>());
    trial.back()->info = live->info;
    trial.back()->rule.segments = live->rule.segments;
    if (Status s = OrderSegments(trial); !s.ok()) {
      result = s;
      return;
    }
    if (Status s = w.EnsureFilters(engine_, state, live->rule); !s.ok()) {
      result = s;
      return;
    }
    if (Status s = engine_->PutObject(ws, {kKind, live->info.id, ToBody(live->info), now});
        !s.ok()) {
      result = s;
      return;
    }
    LiveSegment* installed = live.get();
    if (existing) {
      for (auto& s : w.segments) {
        if (s.get() == existing) s = std::move(live);
      }
    } else {
      w.segments.push_back(std::move(live));
    }
    (void)OrderSegments(w.segments);  // tried above
    w.Reindex();
    // This segment, and (in order) every segment that names one rebuilt before it.
    std::set<std::string> rebuilt;
    for (auto& s : w.segments) {
      bool stale = s.get() == installed;
      for (const std::string& ref : s->rule.segments) stale |= rebuilt.count(ref) > 0;
      if (!stale) continue;
      w.Rebuild(state, *s, now);
      rebuilt.insert(s->info.id);
    }
    SegmentInfo info = installed->info;
    info.customers = static_cast<int64_t>(installed->members.cardinality());
    result = info;
  });
  if (!read.ok()) return read;
  return result;
}

Status SegmentService::Delete(const std::string& ws, const std::string& id) {
  Status result;
  Status read = engine_->ReadState(ws, [&](const TenantState&) {
    std::lock_guard lock(mu_);
    Workspace& w = WorkspaceFor(ws);
    LiveSegment* s = w.Find(id);
    if (!s) {
      result = Status::NotFound("segment \"" + id + "\" not found");
      return;
    }
    for (auto& other : w.segments) {
      if (other->rule.segments.count(s->info.id)) {
        result = Status::FailedPrecondition("segment \"" + other->info.name +
                                            "\" uses it in in_segment; change that rule first");
        return;
      }
    }
    Result<bool> deleted = engine_->DeleteObject(ws, kKind, s->info.id);
    if (!deleted.ok()) {
      result = deleted.status();
      return;
    }
    std::erase_if(w.segments, [&](const auto& p) { return p.get() == s; });
    w.Reindex();
  });
  return read.ok() ? result : read;
}

Result<std::vector<SegmentInfo>> SegmentService::List(const std::string& ws) {
  std::vector<SegmentInfo> out;
  RETURN_IF_ERROR(engine_->ReadState(ws, [&](const TenantState&) {
    std::lock_guard lock(mu_);
    for (auto& s : WorkspaceFor(ws).segments) {
      if (!s->stage.empty()) continue;
      out.push_back(s->info);
      out.back().customers = static_cast<int64_t>(s->members.cardinality());
    }
  }));
  std::sort(out.begin(), out.end(),
            [](const SegmentInfo& a, const SegmentInfo& b) { return a.name < b.name; });
  return out;
}

Result<SegmentInfo> SegmentService::Get(const std::string& ws, const std::string& key) {
  Result<SegmentInfo> result = Status::NotFound("segment \"" + key + "\" not found");
  RETURN_IF_ERROR(engine_->ReadState(ws, [&](const TenantState&) {
    std::lock_guard lock(mu_);
    if (LiveSegment* s = WorkspaceFor(ws).Find(key)) {
      SegmentInfo info = s->info;
      info.customers = static_cast<int64_t>(s->members.cardinality());
      result = info;
    }
  }));
  return result;
}

Result<SegmentService::BulkTagResult> SegmentService::BulkTag(const std::string& ws,
                                                              const BulkTagRequest& req) {
  if (req.add.empty() && req.remove.empty()) return FieldError("add", "at least one tag to add or remove");
  if (req.add.size() + req.remove.size() > 20) return FieldError("add", "at most 20 tags at once");
  for (const auto* list : {&req.add, &req.remove}) {
    const char* field = list == &req.add ? "add" : "remove";
    for (size_t i = 0; i < list->size(); ++i) {
      Status s = ValidateTag((*list)[i]);
      if (!s.ok()) return FieldError(std::string(field) + "[" + std::to_string(i) + "]", s.message());
    }
  }
  if (req.rule && !req.customers.empty()) {
    return FieldError("customers", "give customers or a rule, not both");
  }
  if (!req.rule && req.customers.empty()) return FieldError("customers", "required (or a rule)");
  if (req.customers.size() > kMaxBulkCustomers) {
    return FieldError("customers", "at most " + std::to_string(kMaxBulkCustomers) +
                                       " per call (use a rule for more)");
  }
  Roaring selected;
  if (req.rule) {
    ASSIGN_OR_RETURN(selected, Evaluate(ws, *req.rule));
  }
  BulkTagResult result;
  std::vector<Event> events;
  Status resolved;
  RETURN_IF_ERROR(engine_->ReadState(ws, [&](const TenantState& state) {
    for (size_t i = 0; i < req.customers.size(); ++i) {
      uint32_t c = ResolveCustomerKey(state, req.customers[i]);
      if (c == kNoIndex) {
        resolved = Status::NotFound("customers[" + std::to_string(i) + "]: no customer \"" +
                                    req.customers[i] + "\"");
        return;
      }
      selected.add(state.Live(c));
    }
    result.customers = static_cast<int64_t>(selected.cardinality());
    for (bool add : {true, false}) {
      for (const std::string& tag : add ? req.add : req.remove) {
        const uint32_t id = state.FindTag(tag);
        for (uint32_t c : selected) {
          const bool has = id != kNoIndex && state.tag_bitmaps()[id].contains(c);
          if (has == add) continue;  // already so: no event
          events.push_back(TagChangeEvent(TenantState::CustomerId(c), tag, add, req.by));
        }
      }
    }
  }));
  RETURN_IF_ERROR(resolved);
  result.events = static_cast<int64_t>(events.size());
  for (size_t at = 0; at < events.size(); at += kMaxEventsPerSubmit) {
    size_t end = std::min(events.size(), at + kMaxEventsPerSubmit);
    std::vector<Event> part(std::make_move_iterator(events.begin() + static_cast<long>(at)),
                            std::make_move_iterator(events.begin() + static_cast<long>(end)));
    RETURN_IF_ERROR(engine_->Submit(ws, std::move(part)).status());
  }
  return result;
}

Status SegmentService::SetAnswerTags(const std::string& ws, std::vector<AnswerTag> rows) {
  if (rows.size() > kMaxAnswerTags) {
    return FieldError("rows", "at most " + std::to_string(kMaxAnswerTags));
  }
  nlohmann::json body = nlohmann::json::array();
  for (size_t i = 0; i < rows.size(); ++i) {
    const std::string at = "rows[" + std::to_string(i) + "]";
    if (rows[i].question.empty() || rows[i].question.size() > 256) {
      return FieldError(at + ".question", "1 to 256 bytes");
    }
    if (rows[i].answer.empty() || rows[i].answer.size() > 256) {
      return FieldError(at + ".answer", "1 to 256 bytes");
    }
    if (rows[i].questionnaire.size() > 256) return FieldError(at + ".questionnaire", "at most 256 bytes");
    if (Status s = ValidateTag(rows[i].tag); !s.ok()) return FieldError(at + ".tag", s.message());
    body.push_back({{"questionnaire", rows[i].questionnaire},
                    {"question", rows[i].question},
                    {"answer", rows[i].answer},
                    {"tag", rows[i].tag}});
  }
  RETURN_IF_ERROR(engine_->PutObject(
      ws, {"answer_tags", "table", body.dump(), engine_->clock().NowMicros()}));
  std::lock_guard lock(mu_);
  WorkspaceFor(ws).answer_tags = std::move(rows);
  return Status::Ok();
}

Result<std::vector<SegmentService::AnswerTag>> SegmentService::AnswerTags(const std::string& ws) {
  std::vector<AnswerTag> out;
  RETURN_IF_ERROR(engine_->ReadState(ws, [&](const TenantState&) {
    std::lock_guard lock(mu_);
    out = WorkspaceFor(ws).answer_tags;
  }));
  return out;
}

Status SegmentService::RecomputeRfm(const std::string& ws) {
  return engine_->ReadState(ws, [&](const TenantState& state) {
    std::lock_guard lock(mu_);
    WorkspaceFor(ws).RecomputeRfm(state, engine_->clock().NowMicros());
  });
}

Result<SegmentService::RfmSummary> SegmentService::Rfm(const std::string& ws) {
  RfmSummary out;
  RETURN_IF_ERROR(engine_->ReadState(ws, [&](const TenantState&) {
    std::lock_guard lock(mu_);
    const RfmTable& t = WorkspaceFor(ws).rfm;
    out.computed_at = t.computed_at;
    out.scored = t.scored;
    for (size_t k = 0; k < kRfmCellCount; ++k) {
      out.cells.push_back(
          {kRfmCells[k], k < t.members.size() ? static_cast<int64_t>(t.members[k].cardinality()) : 0});
    }
  }));
  return out;
}

Result<std::vector<SegmentService::StageCount>> SegmentService::Stages(const std::string& ws) {
  std::vector<StageCount> out;
  RETURN_IF_ERROR(engine_->ReadState(ws, [&](const TenantState&) {
    std::lock_guard lock(mu_);
    for (auto& s : WorkspaceFor(ws).segments) {
      if (!s->stage.empty()) {
        out.push_back({s->stage, static_cast<int64_t>(s->members.cardinality())});
      }
    }
  }));
  return out;
}

Result<Roaring> SegmentService::StageBitmap(const std::string& ws, const std::string& stage) {
  Result<Roaring> result = Status::NotFound("no stage \"" + stage + "\"");
  RETURN_IF_ERROR(engine_->ReadState(ws, [&](const TenantState&) {
    std::lock_guard lock(mu_);
    for (auto& s : WorkspaceFor(ws).segments) {
      if (s->stage == stage) result = s->members;
    }
  }));
  return result;
}

Result<Roaring> SegmentService::MemberBitmap(const std::string& ws, const std::string& key) {
  Result<Roaring> result = Status::NotFound("segment \"" + key + "\" not found");
  RETURN_IF_ERROR(engine_->ReadState(ws, [&](const TenantState&) {
    std::lock_guard lock(mu_);
    if (LiveSegment* s = WorkspaceFor(ws).Find(key)) result = s->members;
  }));
  return result;
}

static CustomerPage PageOf(const TenantState& state, const Roaring& members, size_t limit,
                           uint32_t start) {
  CustomerPage page;
  page.total = static_cast<int64_t>(members.cardinality());
  auto it = members.begin();
  it.equalorlarger(start);
  for (; it != members.end() && page.data.size() < limit; ++it) {
    page.data.push_back(Summarize(state, *it));
  }
  if (it != members.end() && !page.data.empty()) page.next_cursor = page.data.back().id;
  return page;
}

Result<CustomerPage> SegmentService::Members(const std::string& ws, const std::string& key,
                                             size_t limit, const std::string& cursor) {
  Result<CustomerPage> result = Status::NotFound("segment \"" + key + "\" not found");
  RETURN_IF_ERROR(engine_->ReadState(ws, [&](const TenantState& state) {
    uint32_t start = 0;
    if (!cursor.empty()) {
      uint32_t c = state.ParseCustomerId(cursor);
      if (c == kNoIndex) {
        result = FieldError("cursor", "not a cursor from this list");
        return;
      }
      start = c + 1;
    }
    std::lock_guard lock(mu_);
    if (LiveSegment* s = WorkspaceFor(ws).Find(key)) {
      result = PageOf(state, s->members, limit, start);
    }
  }));
  return result;
}

// Full evaluation of an unsaved rule; `done` gets the state and the members while the state is
// still locked.
static Status EvaluateUnsaved(Engine* engine, std::mutex& mu, SegmentService::Workspace& w,
                              const std::string& ws, const RuleNode& rule_node,
                              bool from_stage_rules,
                              const std::function<void(const TenantState&, Roaring)>& done);

Result<Roaring> SegmentService::Evaluate(const std::string& ws, const RuleNode& rule,
                                         bool from_stage_rules) {
  Roaring out;
  Workspace* w;
  {
    std::lock_guard lock(mu_);
    w = &WorkspaceFor(ws);
  }
  RETURN_IF_ERROR(EvaluateUnsaved(engine_, mu_, *w, ws, rule, from_stage_rules,
                                  [&](const TenantState&, Roaring r) { out = std::move(r); }));
  return out;
}

Result<SegmentPreview> SegmentService::Preview(const std::string& ws, const RuleNode& rule,
                                               size_t limit) {
  auto started = std::chrono::steady_clock::now();
  Workspace* w;
  {
    std::lock_guard lock(mu_);
    w = &WorkspaceFor(ws);
  }
  SegmentPreview p;
  RETURN_IF_ERROR(EvaluateUnsaved(engine_, mu_, *w, ws, rule, false,
                                  [&](const TenantState& state, Roaring members) {
                                    CustomerPage page = PageOf(state, members, limit, 0);
                                    p.count = page.total;
                                    p.customers = std::move(page.data);
                                  }));
  p.rule = ToText(rule);
  p.took_micros = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
  return p;
}

static Status EvaluateUnsaved(Engine* engine, std::mutex& mu, SegmentService::Workspace& w,
                              const std::string& ws, const RuleNode& rule_node,
                              bool from_stage_rules,
                              const std::function<void(const TenantState&, Roaring)>& done) {
  ASSIGN_OR_RETURN(CompiledRule rule, CompileRule(rule_node));
  Status result;
  RETURN_IF_ERROR(engine->ReadState(ws, [&](const TenantState& state) {
    std::lock_guard lock(mu);
    std::set<std::string> refs;
    if (Status s = ResolveReferences(w, rule.root, &refs); !s.ok()) {
      result = s;
      return;
    }
    // Filters a saved segment keeps are reused; others are loaded for this evaluation only.
    std::map<std::string, FilterIndex> own;
    for (const EventFilter& spec : rule.filters) {
      if (w.filters.count(spec.key)) continue;
      FilterIndex f{spec, {}};
      if (Status s = w.LoadFilter(engine, state, &f); !s.ok()) {
        result = s;
        return;
      }
      own.emplace(spec.key, std::move(f));
    }
    EvalContext ctx = w.Context(state, engine->clock().NowMicros());
    if (from_stage_rules) ctx.stage_members = nullptr;
    auto shared = ctx.filter_matches;
    ctx.filter_matches = [&](const std::string& key) -> const Roaring* {
      auto it = own.find(key);
      return it != own.end() ? &it->second.matches : shared(key);
    };
    done(state, EvaluateAll(rule.root, ctx));
  }));
  return result;
}

}  // namespace pond
