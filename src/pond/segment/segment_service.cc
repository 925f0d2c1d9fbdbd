#include "pond/segment/segment_service.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

#include "pond/engine/keys.h"
#include "pond/model/event_names.h"
#include "pond/segment/segment_workspace.h"

namespace pond {
namespace {

constexpr char kKind[] = "segment";
constexpr size_t kMaxSegments = 1000;

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

Status LoadSavedSegments(Engine* engine, LiveRules::Workspace& w) {
  ASSIGN_OR_RETURN(std::vector<StoredObject> stored, engine->ListObjects(w.id, kKind));
  for (const StoredObject& o : stored) {
    auto live = std::make_unique<LiveSegment>();
    ASSIGN_OR_RETURN(live->info, FromBody(o.body));
    ASSIGN_OR_RETURN(std::unique_ptr<RuleNode> rule, ParseRule(live->info.rule));
    ASSIGN_OR_RETURN(live->rule, CompileRule(*rule, *w.settings));
    w.segments.push_back(std::move(live));
  }
  // References were stored as ids, so they resolve as they are.
  for (auto& s : w.segments) {
    std::set<std::string> ids;
    RETURN_IF_ERROR(ResolveReferences(w, s->rule.root, &ids));
  }
  RETURN_IF_ERROR(OrderSegments(w.segments));
  w.Reindex();
  return Status::Ok();
}

Result<SegmentInfo> SegmentService::Create(const std::string& ws, SegmentSpec spec) {
  return Update(ws, "", std::move(spec));
}

Result<SegmentInfo> SegmentService::Update(const std::string& ws, const std::string& id,
                                           SegmentSpec spec) {
  RETURN_IF_ERROR(ValidateSpecText(spec));
  ASSIGN_OR_RETURN(CompiledRule rule, CompileRule(*spec.rule, *rules_->SettingsFor(ws)));
  Result<SegmentInfo> result = Status::Internal("not evaluated");
  Status read = engine_->ReadState(ws, [&](const TenantState& state) {
    std::lock_guard lock(rules_->mu());
    LiveRules::Workspace& w = rules_->WorkspaceFor(ws);
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
    std::lock_guard lock(rules_->mu());
    LiveRules::Workspace& w = rules_->WorkspaceFor(ws);
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
    std::lock_guard lock(rules_->mu());
    for (auto& s : rules_->WorkspaceFor(ws).segments) {
      if (!s->saved()) continue;
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
    std::lock_guard lock(rules_->mu());
    if (LiveSegment* s = rules_->WorkspaceFor(ws).Find(key)) {
      SegmentInfo info = s->info;
      info.customers = static_cast<int64_t>(s->members.cardinality());
      result = info;
    }
  }));
  return result;
}

Result<Roaring> SegmentService::MatchingEvents(const std::string& ws, const TenantState& state,
                                               const std::string& event,
                                               const std::vector<PropertyFilter>& filters) {
  std::lock_guard lock(rules_->mu());
  LiveRules::Workspace& w = rules_->WorkspaceFor(ws);
  const std::string key = EventFilterKey(event, filters);
  if (auto saved = w.filters.find(key); saved != w.filters.end()) return saved->second.matches;
  auto it = w.report_filters.find(key);
  if (it == w.report_filters.end()) {
    FilterIndex f{{key, event, filters}, {}};
    RETURN_IF_ERROR(w.LoadFilter(engine_, state, &f));
    if (w.report_filters.size() >= kMaxReportFilters) {
      auto oldest = std::min_element(
          w.report_filters.begin(), w.report_filters.end(),
          [](const auto& a, const auto& b) { return a.second.last_used < b.second.last_used; });
      w.report_filters.erase(oldest);
    }
    it = w.report_filters.emplace(key, LiveRules::Workspace::ReportFilter{std::move(f), 0}).first;
  }
  it->second.last_used = ++w.report_filter_clock;
  return it->second.index.matches;
}

Result<Roaring> SegmentService::MemberBitmap(const std::string& ws, const std::string& key) {
  Result<Roaring> result = Status::NotFound("segment \"" + key + "\" not found");
  RETURN_IF_ERROR(engine_->ReadState(ws, [&](const TenantState&) {
    std::lock_guard lock(rules_->mu());
    if (LiveSegment* s = rules_->WorkspaceFor(ws).Find(key)) result = s->members;
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
    std::lock_guard lock(rules_->mu());
    if (LiveSegment* s = rules_->WorkspaceFor(ws).Find(key)) {
      result = PageOf(state, s->members, limit, start);
    }
  }));
  return result;
}

// Full evaluation of an unsaved rule; `done` gets the state and the members while the state is
// still locked.
static Status EvaluateUnsaved(Engine* engine, std::mutex& mu, LiveRules::Workspace& w,
                              const std::string& ws, const RuleNode& rule_node,
                              bool from_stage_rules,
                              const std::function<void(const TenantState&, Roaring)>& done);

Result<Roaring> SegmentService::Evaluate(const std::string& ws, const RuleNode& rule,
                                         bool from_stage_rules) {
  Roaring out;
  LiveRules::Workspace* w;
  {
    std::lock_guard lock(rules_->mu());
    w = &rules_->WorkspaceFor(ws);
  }
  RETURN_IF_ERROR(EvaluateUnsaved(engine_, rules_->mu(), *w, ws, rule, from_stage_rules,
                                  [&](const TenantState&, Roaring r) { out = std::move(r); }));
  return out;
}

Result<SegmentPreview> SegmentService::Preview(const std::string& ws, const RuleNode& rule,
                                               size_t limit) {
  auto started = std::chrono::steady_clock::now();
  LiveRules::Workspace* w;
  {
    std::lock_guard lock(rules_->mu());
    w = &rules_->WorkspaceFor(ws);
  }
  SegmentPreview p;
  RETURN_IF_ERROR(EvaluateUnsaved(engine_, rules_->mu(), *w, ws, rule, false,
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

static Status EvaluateUnsaved(Engine* engine, std::mutex& mu, LiveRules::Workspace& w,
                              const std::string& ws, const RuleNode& rule_node,
                              bool from_stage_rules,
                              const std::function<void(const TenantState&, Roaring)>& done) {
  std::shared_ptr<const RuleSettings> settings;
  {
    std::lock_guard lock(mu);
    settings = w.settings;
  }
  ASSIGN_OR_RETURN(CompiledRule rule, CompileRule(rule_node, *settings));
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

Result<CompiledRule> SegmentService::CompileFor(const std::string& ws, const RuleNode& rule) {
  std::lock_guard lock(rules_->mu());
  LiveRules::Workspace& w = rules_->WorkspaceFor(ws);
  ASSIGN_OR_RETURN(CompiledRule compiled, CompileRule(rule, *w.settings));
  std::set<std::string> refs;
  RETURN_IF_ERROR(ResolveReferences(w, compiled.root, &refs));
  return compiled;
}

bool SegmentService::Holds(const std::string& ws, const TenantState& state,
                           const CompiledRule& rule, uint32_t c) {
  // The customer's own events of a filter's name that match it, for filters not kept.
  std::map<std::string, Roaring> own;
  for (const EventFilter& spec : rule.filters) {
    const uint32_t name = state.FindEventName(spec.event);
    Roaring& matches = own[spec.key];
    if (name == kNoIndex) continue;
    std::vector<int64_t> seqs;
    for (const HistoryEntry& h : state.customers().history[c]) {
      if (h.name == name) seqs.push_back(state.events().seq[h.event]);
    }
    if (seqs.empty()) continue;
    Result<std::vector<Event>> events = engine_->LoadEvents(seqs);
    if (!events.ok()) continue;  // matches nothing, as an unloadable filter does elsewhere
    std::unordered_map<int64_t, uint32_t> index_of;
    for (const HistoryEntry& h : state.customers().history[c]) {
      if (h.name == name) index_of[state.events().seq[h.event]] = h.event;
    }
    for (const Event& e : *events) {
      if (MatchesFilters(e.properties, spec.filters)) matches.add(index_of[e.seq]);
    }
  }
  std::lock_guard lock(rules_->mu());
  LiveRules::Workspace& w = rules_->WorkspaceFor(ws);
  EvalContext ctx = w.Context(state, engine_->clock().NowMicros());
  ctx.trait_numbers = nullptr;  // one customer: read its traits rather than build a column
  ctx.filter_matches = [&](const std::string& key) -> const Roaring* {
    auto it = own.find(key);
    return it != own.end() ? &it->second : nullptr;
  };
  Micros next = kNever;
  return EvaluateCustomer(rule.root, ctx, c, &next);
}

}  // namespace pond
