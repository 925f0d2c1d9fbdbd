// Tags pond sets: in bulk (by list or by rule), from questionnaire answers, and automatically
// from rules.
#include "pond/segment/tag_service.h"

#include <nlohmann/json.hpp>

#include "pond/engine/keys.h"
#include "pond/segment/segment_workspace.h"

namespace pond {
namespace {

constexpr char kAnswerTagsKind[] = "answer_tags";
constexpr char kTagRulesKind[] = "tag_rules";

// The tags a compiled rule reads with has_tag.
void TagsRead(const CompiledNode& n, std::set<std::string>* out) {
  if (n.kind == RuleKind::kHasTag) out->insert(n.name);
  for (const CompiledNode& c : n.children) TagsRead(c, out);
}

std::unique_ptr<LiveSegment> AutoTagSegment(const std::string& tag, CompiledRule rule) {
  auto live = std::make_unique<LiveSegment>();
  live->auto_tag = tag;
  live->info.id = live->info.name = "tag:" + tag;
  live->info.rule = rule.text;
  live->rule = std::move(rule);
  return live;
}

}  // namespace

Status LoadTagTables(Engine* engine, LiveRules::Workspace& w) {
  ASSIGN_OR_RETURN(std::vector<StoredObject> answers, engine->ListObjects(w.id, kAnswerTagsKind));
  for (const StoredObject& o : answers) {
    nlohmann::json rows = nlohmann::json::parse(o.body, nullptr, false);
    if (!rows.is_array()) return Status::Internal("stored answer tags are not a JSON list");
    for (const auto& r : rows) {
      w.answer_tags.push_back({r.value("questionnaire", ""), r.value("question", ""),
                               r.value("answer", ""), r.value("tag", "")});
    }
  }
  ASSIGN_OR_RETURN(std::vector<StoredObject> rules, engine->ListObjects(w.id, kTagRulesKind));
  for (const StoredObject& o : rules) {
    nlohmann::json rows = nlohmann::json::parse(o.body, nullptr, false);
    if (!rows.is_array()) return Status::Internal("stored tag rules are not a JSON list");
    for (const auto& r : rows) {
      ASSIGN_OR_RETURN(std::unique_ptr<RuleNode> rule, ParseRule(r.value("rule", "")));
      ASSIGN_OR_RETURN(CompiledRule compiled, CompileRule(*rule));
      w.segments.push_back(AutoTagSegment(r.value("tag", ""), std::move(compiled)));
    }
  }
  w.Reindex();
  return LoadTagGroups(engine, w);
}

Status TagService::SetTagRules(const std::string& ws, std::vector<TagRuleSpec> rows) {
  if (rows.size() > kMaxTagRules)
    return FieldError("rules", "at most " + std::to_string(kMaxTagRules));
  std::set<std::string> tags;
  for (size_t i = 0; i < rows.size(); ++i) {
    const std::string at = "rules[" + std::to_string(i) + "]";
    if (Status s = ValidateTag(rows[i].tag); !s.ok()) return FieldError(at + ".tag", s.message());
    if (!tags.insert(rows[i].tag).second) {
      return FieldError(at + ".tag", "\"" + rows[i].tag + "\" has two rules");
    }
    if (!rows[i].rule) return FieldError(at + ".rule", "required");
  }
  std::vector<std::string> in_order;
  for (const TagRuleSpec& row : rows) in_order.push_back(row.tag);
  RETURN_IF_ERROR(CheckTagGroupValues(*engine_, ws, in_order, "rules"));
  std::vector<CompiledRule> compiled;
  nlohmann::json body = nlohmann::json::array();
  for (size_t i = 0; i < rows.size(); ++i) {
    const std::string at = "rules[" + std::to_string(i) + "]";
    Result<CompiledRule> rule = CompileRule(*rows[i].rule);
    if (!rule.ok()) return rule.status().WithFieldPrefix(at);
    if (!rule->segments.empty()) {
      return FieldError(at + ".rule", "an automatic tag's rule cannot use in_segment");
    }
    std::set<std::string> read;
    TagsRead(rule->root, &read);
    for (const std::string& tag : read) {
      if (tags.count(tag)) {
        return FieldError(at + ".rule", "has_tag(\"" + tag +
                                            "\") reads an automatic tag; rules of automatic tags "
                                            "cannot read each other's tags");
      }
    }
    body.push_back({{"tag", rows[i].tag}, {"rule", rule->text}});
    compiled.push_back(std::move(*rule));
  }
  Status result;
  RETURN_IF_ERROR(engine_->ReadState(ws, [&](const TenantState& state) {
    std::lock_guard lock(rules_->mu());
    LiveRules::Workspace& w = rules_->WorkspaceFor(ws);
    const Micros now = engine_->clock().NowMicros();
    for (const CompiledRule& rule : compiled) {
      if (Status s = w.EnsureFilters(engine_, state, rule); !s.ok()) {
        result = s;
        return;
      }
    }
    result = engine_->PutObject(ws, {kTagRulesKind, "table", body.dump(), now});
    if (!result.ok()) return;
    std::erase_if(w.segments, [](const auto& s) { return !s->auto_tag.empty(); });
    for (size_t i = 0; i < rows.size(); ++i) {
      w.segments.push_back(AutoTagSegment(rows[i].tag, std::move(compiled[i])));
    }
    w.Reindex();
    // From now on the tag is the rule's: customers the rule does not select lose it, even if it
    // was set by hand before.
    for (auto& s : w.segments) {
      if (s->auto_tag.empty()) continue;
      w.Rebuild(state, *s, now);
      w.SyncAutoTag(state, *s);
    }
  }));
  return result;
}

Result<std::vector<TagService::TagRule>> TagService::TagRules(const std::string& ws) {
  std::vector<TagRule> out;
  RETURN_IF_ERROR(engine_->ReadState(ws, [&](const TenantState&) {
    std::lock_guard lock(rules_->mu());
    for (const auto& s : rules_->WorkspaceFor(ws).segments) {
      if (s->auto_tag.empty()) continue;
      out.push_back({s->auto_tag, s->rule.text, static_cast<int64_t>(s->members.cardinality())});
    }
  }));
  return out;
}

Status CheckManualTags(Engine& engine, const std::string& ws, const std::vector<std::string>& tags,
                       const std::string& field, bool adding) {
  if (adding) RETURN_IF_ERROR(CheckTagGroupValues(engine, ws, tags, field));
  ASSIGN_OR_RETURN(std::vector<StoredObject> tables, engine.ListObjects(ws, kTagRulesKind));
  for (const StoredObject& o : tables) {
    nlohmann::json rows = nlohmann::json::parse(o.body, nullptr, false);
    if (!rows.is_array()) return Status::Internal("stored tag rules are not a JSON list");
    for (const auto& r : rows) {
      for (size_t i = 0; i < tags.size(); ++i) {
        if (r.value("tag", "") != tags[i]) continue;
        return FieldError(
            field + "[" + std::to_string(i) + "]",
            "\"" + tags[i] + "\" is set automatically by the rule " + r.value("rule", ""));
      }
    }
  }
  return Status::Ok();
}

void LiveRules::Workspace::TagAnswers(const TenantState& state, const Event& e, uint32_t c) {
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
    RemoveOthersOfGroup(state, c, row.tag, by);
    const uint32_t id = state.FindTag(row.tag);
    if (id == kNoIndex || !state.tag_bitmaps()[id].contains(c)) {
      pending.push_back(TagChangeEvent(cid, row.tag, true, by));
    }
  }
}

Result<TagService::BulkTagResult> TagService::BulkTag(const std::string& ws,
                                                      const BulkTagRequest& req) {
  if (req.add.empty() && req.remove.empty())
    return FieldError("add", "at least one tag to add or remove");
  if (req.add.size() + req.remove.size() > 20) return FieldError("add", "at most 20 tags at once");
  for (const auto* list : {&req.add, &req.remove}) {
    const char* field = list == &req.add ? "add" : "remove";
    for (size_t i = 0; i < list->size(); ++i) {
      Status s = ValidateTag((*list)[i]);
      if (!s.ok())
        return FieldError(std::string(field) + "[" + std::to_string(i) + "]", s.message());
    }
  }
  RETURN_IF_ERROR(CheckManualTags(*engine_, ws, req.add, "add"));
  RETURN_IF_ERROR(CheckManualTags(*engine_, ws, req.remove, "remove", false));
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
    ASSIGN_OR_RETURN(selected, SegmentService(rules_).Evaluate(ws, *req.rule));
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

Status TagService::SetAnswerTags(const std::string& ws, std::vector<AnswerTag> rows) {
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
    if (rows[i].questionnaire.size() > 256)
      return FieldError(at + ".questionnaire", "at most 256 bytes");
    if (Status s = ValidateTag(rows[i].tag); !s.ok()) return FieldError(at + ".tag", s.message());
    body.push_back({{"questionnaire", rows[i].questionnaire},
                    {"question", rows[i].question},
                    {"answer", rows[i].answer},
                    {"tag", rows[i].tag}});
  }
  std::vector<std::string> tags;
  for (const AnswerTag& row : rows) tags.push_back(row.tag);
  RETURN_IF_ERROR(CheckManualTags(*engine_, ws, tags, "rows"));
  RETURN_IF_ERROR(engine_->PutObject(
      ws, {kAnswerTagsKind, "table", body.dump(), engine_->clock().NowMicros()}));
  std::lock_guard lock(rules_->mu());
  rules_->WorkspaceFor(ws).answer_tags = std::move(rows);
  return Status::Ok();
}

Result<std::vector<TagService::AnswerTag>> TagService::AnswerTags(const std::string& ws) {
  std::vector<AnswerTag> out;
  RETURN_IF_ERROR(engine_->ReadState(ws, [&](const TenantState&) {
    std::lock_guard lock(rules_->mu());
    out = rules_->WorkspaceFor(ws).answer_tags;
  }));
  return out;
}

}  // namespace pond
