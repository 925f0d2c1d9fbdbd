#include "pond/segment/segment_workspace.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "pond/base/json_writer.h"
#include "pond/engine/keys.h"
#include "pond/model/event_names.h"
#include "pond/segment/event_filter_scan.h"
#include "pond/segment/lifecycle.h"
#include "pond/segment/value_match.h"

namespace pond {

LiveSegment* LiveRules::Workspace::Find(const std::string& id_or_name) {
  for (auto& s : segments) {
    if (s->saved() && s->info.id == id_or_name) return s.get();
  }
  for (auto& s : segments) {
    if (s->saved() && s->info.name == id_or_name) return s.get();
  }
  return nullptr;
}

size_t LiveRules::Workspace::SavedCount() const {
  size_t n = 0;
  for (const auto& s : segments) n += s->saved();
  return n;
}

Status LiveRules::Workspace::BuildStageSegments() {
  std::vector<CompiledRule> rules;
  std::vector<std::unique_ptr<LiveSegment>> built;
  for (const StageRule& s : settings->stages) {
    ASSIGN_OR_RETURN(std::unique_ptr<RuleNode> node, ParseRule(s.rule));
    ASSIGN_OR_RETURN(CompiledRule rule, CompileRule(*node, *settings));
    rules.push_back(std::move(rule));
  }
  std::vector<std::string> names;
  for (const StageRule& s : settings->stages) names.push_back(s.stage);
  names.push_back(kNoStage);
  for (const std::string& stage : names) {
    auto live = std::make_unique<LiveSegment>();
    live->stage = stage;
    live->info.id = live->info.name = "stage:" + stage;
    RuleNode node;
    node.kind = RuleKind::kAttribute;
    node.name = "stage";
    node.op = RuleOp::kEq;
    node.values.push_back({RuleValue::Type::kString, stage, 0, false});
    ASSIGN_OR_RETURN(live->rule, CompileRule(node, *settings));
    live->info.rule = live->rule.text;
    built.push_back(std::move(live));
  }
  stage_rules = std::move(rules);
  std::erase_if(segments, [](const auto& s) { return !s->stage.empty(); });
  segments.insert(segments.begin(), std::make_move_iterator(built.begin()),
                  std::make_move_iterator(built.end()));
  return Status::Ok();
}

Status LiveRules::Workspace::InstallSettings(std::shared_ptr<const RuleSettings> next) {
  // Compile everything against the new settings first: a rule that no longer compiles (a
  // stage that is gone) refuses the change and leaves everything as it was.
  std::vector<CompiledRule> compiled;
  for (const auto& s : segments) {
    if (!s->stage.empty()) continue;
    Result<std::unique_ptr<RuleNode>> node = ParseRule(s->info.rule);
    Result<CompiledRule> rule = node.ok() ? CompileRule(**node, *next) : node.status();
    if (rule.ok()) {
      std::set<std::string> ids;
      Status resolved = ResolveReferences(*this, rule->root, &ids);
      if (!resolved.ok()) rule = resolved;
    }
    if (!rule.ok()) {
      const std::string what = s->saved() ? "segment \"" + s->info.name + "\""
                                          : "the rule of the automatic tag \"" + s->auto_tag + "\"";
      return Status::FailedPrecondition(what +
                                        " would no longer compile: " + rule.status().message());
    }
    compiled.push_back(std::move(*rule));
  }
  std::shared_ptr<const RuleSettings> previous = std::exchange(settings, std::move(next));
  if (Status built = BuildStageSegments(); !built.ok()) {
    settings = std::move(previous);
    return built;
  }
  size_t k = 0;
  for (auto& s : segments) {
    if (s->stage.empty()) s->rule = std::move(compiled[k++]);
  }
  Reindex();
  return Status::Ok();
}

const std::vector<double>& LiveRules::Workspace::TraitNumbers(const TenantState& state,
                                                              const std::string& key) {
  auto it = trait_numbers.find(key);
  if (it != trait_numbers.end()) return it->second;
  const CustomerColumns& cs = state.customers();
  std::vector<double> column(cs.size(), std::nan(""));
  for (uint32_t c : state.live()) {
    if (std::optional<double> v = NumberOf(cs.traits[c].Get(key))) column[c] = *v;
  }
  return trait_numbers.emplace(key, std::move(column)).first->second;
}

void LiveRules::Workspace::UpdateTraitNumbers(const TenantState& state, uint32_t c) {
  for (auto& [key, column] : trait_numbers) {
    if (column.size() <= c) column.resize(state.customers().size(), std::nan(""));
    std::optional<double> v = NumberOf(state.customers().traits[c].Get(key));
    column[c] = v ? *v : std::nan("");
  }
}

EvalContext LiveRules::Workspace::Context(const TenantState& state, Micros now) {
  EvalContext ctx;
  ctx.state = &state;
  ctx.now = now;
  ctx.utc_offset_seconds = utc_offset_seconds;
  ctx.intent = &settings->intent;
  ctx.trait_numbers = [this, &state](const std::string& key) { return &TraitNumbers(state, key); };
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

void LiveRules::Workspace::Reindex() {
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

void LiveRules::Workspace::LowerDue(uint32_t c, Micros t) {
  if (t == kNever) return;
  if (due.size() <= c) due.resize(c + 1, kNever);
  if (t < due[c]) {
    due[c] = t;
    timers.push({t, c});
  }
}

void LiveRules::Workspace::Queue(const char* name, uint32_t c, const char* k1,
                                 const std::string& v1, const char* k2, const std::string& v2,
                                 Micros now) {
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

void LiveRules::Workspace::Reevaluate(const TenantState& state, uint32_t c,
                                      std::vector<uint8_t>& affected, Micros now) {
  EvalContext ctx = Context(state, now);
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
      if (EvaluateCustomer(stage_rules[r].root, ctx, c, &next)) stage = &settings->stages[r].stage;
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
      Announce(s, c, in, now);
    }
    for (size_t d : s.dependents) affected[d] = 1;
  }
  if (stage_entered || stage_left) {
    // Stages exclude each other: a customer leaves one as it enters another (a new customer
    // only enters, a merged-away one only leaves). A new customer who enters no stage but
    // "none" has not changed stage.
    std::string from = stage_left ? *stage_left : std::string(kNoStage);
    std::string to = stage_entered ? *stage_entered : std::string(kNoStage);
    if (from != to) Queue(kStageChanged, c, "from", std::move(from), "to", std::move(to), now);
  }
}

void LiveRules::Workspace::ScheduleAll(const TenantState& state, const LiveSegment& s, Micros now) {
  if (!s.rule.uses_time) return;
  EvalContext ctx = Context(state, now);
  std::vector<Micros> next(state.customers().size(), kNever);
  LowerNextChanges(s.rule.root, ctx, &next);
  for (uint32_t c = 0; c < next.size(); ++c) LowerDue(c, next[c]);
}

Status LiveRules::Workspace::LoadFilter(Engine* engine, const TenantState& state, FilterIndex* f) {
  ASSIGN_OR_RETURN(f->matches, ScanMatchingEvents(*engine, state, f->spec.event, f->spec.filters));
  return Status::Ok();
}

Status LiveRules::Workspace::EnsureFilters(Engine* engine, const TenantState& state,
                                           const CompiledRule& rule) {
  for (const EventFilter& spec : rule.filters) {
    if (filters.count(spec.key)) continue;
    FilterIndex f{spec, {}};
    RETURN_IF_ERROR(LoadFilter(engine, state, &f));
    filters.emplace(spec.key, std::move(f));
  }
  return Status::Ok();
}

void LiveRules::Workspace::RecomputeRfm(const TenantState& state, Micros now) {
  rfm = ComputeRfm(state, now);
  orders_since_rfm = 0;
  RebuildAndAnnounce(state, now, [](const CompiledRule& r) { return r.uses_rfm; });
}

void LiveRules::Workspace::RebuildAndAnnounce(
    const TenantState& state, Micros now,
    const std::function<bool(const CompiledRule&)>& stale_rule) {
  std::set<std::string> rebuilt;
  for (auto& s : segments) {
    bool stale = stale_rule(s->rule);
    for (const std::string& ref : s->rule.segments) stale |= rebuilt.count(ref) > 0;
    if (!stale) continue;
    Roaring before = s->members;
    Rebuild(state, *s, now);
    if (!s->stage.empty()) continue;  // stages move silently when their definitions change
    for (uint32_t c : s->members - before) Announce(*s, c, true, now);
    for (uint32_t c : before - s->members) Announce(*s, c, false, now);
    rebuilt.insert(s->info.id);
  }
}

void LiveRules::Workspace::Announce(const LiveSegment& s, uint32_t c, bool in, Micros now) {
  if (!s.auto_tag.empty()) {
    pending.push_back(
        TagChangeEvent(TenantState::CustomerId(c), s.auto_tag, in, "rule:" + s.rule.text));
  } else {
    Queue(in ? kSegmentEntered : kSegmentLeft, c, "segment_id", s.info.id, "segment", s.info.name,
          now);
  }
}

void LiveRules::Workspace::SyncAutoTag(const TenantState& state, const LiveSegment& s) {
  const uint32_t id = state.FindTag(s.auto_tag);
  const Roaring tagged = id == kNoIndex ? Roaring() : state.tag_bitmaps()[id] & state.live();
  for (uint32_t c : s.members - tagged) Announce(s, c, true, 0);
  for (uint32_t c : tagged - s.members) Announce(s, c, false, 0);
}

void LiveRules::Workspace::Rebuild(const TenantState& state, LiveSegment& s, Micros now) {
  EvalContext ctx = Context(state, now);
  if (!s.stage.empty()) ctx.stage_members = nullptr;
  s.Assign(EvaluateAll(s.rule.root, ctx));
  ScheduleAll(state, s, now);
}

Status OrderSegments(std::vector<std::unique_ptr<LiveSegment>>& segments) {
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

Status ResolveReferences(LiveRules::Workspace& w, CompiledNode& n, std::set<std::string>* ids) {
  if (n.kind == RuleKind::kInSegment) {
    LiveSegment* s = w.Find(n.name);
    if (!s) return FieldError("rule", "in_segment(\"" + n.name + "\"): no such segment");
    n.name = s->info.id;
    ids->insert(n.name);
  }
  for (CompiledNode& c : n.children) RETURN_IF_ERROR(ResolveReferences(w, c, ids));
  return Status::Ok();
}

}  // namespace pond
