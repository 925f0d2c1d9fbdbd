// ScoreService: stages, intent and RFM. What a workspace configures that rules read (its
// lifecycle stages and its intent table) is stored here; the scores are read from LiveRules.
#include "pond/segment/score_service.h"

#include <nlohmann/json.hpp>

#include "pond/segment/segment_workspace.h"

namespace pond {
namespace {

constexpr char kSettingsKind[] = "settings";

bool IsStageName(std::string_view name) {
  if (name.empty() || name.size() > 32 || name == kNoStage) return false;
  for (char ch : name) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_')) return false;
  }
  return true;
}

// The event of a row as count() takes it: the name, and its filters as rule text.
std::string RowEventText(const IntentRow& row) {
  return row.where.empty() ? row.event : row.filter_key;
}

std::string StagesBody(const std::vector<StageRule>& stages) {
  nlohmann::json body = nlohmann::json::array();
  for (const StageRule& s : stages) body.push_back({{"stage", s.stage}, {"rule", s.rule}});
  return body.dump();
}

std::string IntentBody(const IntentSettings& intent) {
  nlohmann::json rows = nlohmann::json::array();
  for (const IntentRow& r : intent.rows) {
    rows.push_back({{"event", RowEventText(r)}, {"points", r.points}});
  }
  return nlohmann::json{{"half_life_days", intent.half_life_days},
                        {"strong", intent.strong},
                        {"weak", intent.weak},
                        {"points", rows}}
      .dump();
}

Status CheckStages(const std::vector<StageRule>& stages, const RuleSettings& settings) {
  if (stages.size() > ScoreService::kMaxStages) {
    return FieldError("stages", "at most " + std::to_string(ScoreService::kMaxStages));
  }
  std::set<std::string> names;
  for (size_t i = 0; i < stages.size(); ++i) {
    const std::string at = "stages[" + std::to_string(i) + "]";
    if (!IsStageName(stages[i].stage)) {
      return FieldError(at + ".stage", "1 to 32 of a-z, 0-9 and _, not \"none\"");
    }
    if (!names.insert(stages[i].stage).second) return FieldError(at + ".stage", "listed twice");
    Result<std::unique_ptr<RuleNode>> node = ParseRule(stages[i].rule);
    if (!node.ok()) return node.status().WithFieldPrefix(at);
    Result<CompiledRule> rule = CompileRule(**node, settings);
    if (!rule.ok()) return rule.status().WithFieldPrefix(at);
    if (rule->uses_stage || !rule->segments.empty()) {
      return FieldError(at + ".rule", "a stage's rule cannot use stage or in_segment");
    }
  }
  return Status::Ok();
}

}  // namespace

Status LoadRuleSettings(Engine* engine, LiveRules::Workspace& w) {
  ASSIGN_OR_RETURN(std::vector<StoredObject> stored, engine->ListObjects(w.id, kSettingsKind));
  auto settings = std::make_shared<RuleSettings>(*w.settings);
  for (const StoredObject& o : stored) {
    nlohmann::json body = nlohmann::json::parse(o.body, nullptr, false);
    if (body.is_discarded()) return Status::Internal("stored " + o.id + " settings are not JSON");
    if (o.id == "stages" && body.is_array()) {
      settings->stages.clear();
      for (const auto& s : body)
        settings->stages.push_back({s.value("stage", ""), s.value("rule", "")});
    } else if (o.id == "intent" && body.is_object()) {
      IntentSettings intent;
      intent.half_life_days = body.value("half_life_days", int64_t{14});
      intent.strong = body.value("strong", int64_t{60});
      intent.weak = body.value("weak", int64_t{20});
      for (const auto& r : body.value("points", nlohmann::json::array())) {
        ASSIGN_OR_RETURN(IntentRow row, ParseIntentRow(r.value("event", ""),
                                                       r.value("points", int64_t{0}), "points"));
        intent.rows.push_back(std::move(row));
      }
      settings->intent = std::move(intent);
    }
  }
  return w.InstallSettings(std::move(settings));
}

Status ScoreService::Reconfigure(const std::string& ws, const TenantState& state,
                                 std::shared_ptr<const RuleSettings> settings,
                                 bool stages_changed) {
  std::lock_guard lock(rules_->mu());
  LiveRules::Workspace& w = rules_->WorkspaceFor(ws);
  std::shared_ptr<const RuleSettings> previous = w.settings;
  RETURN_IF_ERROR(w.InstallSettings(settings));
  Status stored =
      stages_changed
          ? engine_->PutObject(ws, {kSettingsKind, "stages", StagesBody(settings->stages),
                                    engine_->clock().NowMicros()})
          : engine_->PutObject(ws, {kSettingsKind, "intent", IntentBody(settings->intent),
                                    engine_->clock().NowMicros()});
  if (!stored.ok()) {
    (void)w.InstallSettings(previous);  // compiled before, so it compiles again
    return stored;
  }
  for (auto& s : w.segments) {
    // A filter that cannot be loaded leaves its conditions matching nothing until the next reset.
    (void)w.EnsureFilters(engine_, state, s->rule);
  }
  w.Reindex();
  w.RebuildAndAnnounce(state, engine_->clock().NowMicros(), [&](const CompiledRule& r) {
    return r.uses_intent || (stages_changed && r.uses_stage);
  });
  return Status::Ok();
}

Status ScoreService::SetStages(const std::string& ws, std::vector<StageRule> stages) {
  std::shared_ptr<const RuleSettings> current = rules_->SettingsFor(ws);
  auto next = std::make_shared<RuleSettings>(*current);
  next->stages = stages.empty() ? DefaultStages() : std::move(stages);
  RETURN_IF_ERROR(CheckStages(next->stages, *next));
  Status result;
  RETURN_IF_ERROR(engine_->ReadState(
      ws, [&](const TenantState& state) { result = Reconfigure(ws, state, next, true); }));
  return result;
}

Status ScoreService::SetIntent(const std::string& ws, IntentSettings intent) {
  if (intent.rows.empty()) intent.rows = DefaultIntentSettings().rows;
  RETURN_IF_ERROR(ValidateIntentSettings(intent));
  auto next = std::make_shared<RuleSettings>(*rules_->SettingsFor(ws));
  next->intent = std::move(intent);
  Status result;
  RETURN_IF_ERROR(engine_->ReadState(
      ws, [&](const TenantState& state) { result = Reconfigure(ws, state, next, false); }));
  return result;
}

Result<IntentSettings> ScoreService::Intent(const std::string& ws) {
  std::shared_ptr<const RuleSettings> settings;
  RETURN_IF_ERROR(
      engine_->ReadState(ws, [&](const TenantState&) { settings = rules_->SettingsFor(ws); }));
  return settings->intent;
}

Status ScoreService::RecomputeRfm(const std::string& ws) {
  return engine_->ReadState(ws, [&](const TenantState& state) {
    std::lock_guard lock(rules_->mu());
    rules_->WorkspaceFor(ws).RecomputeRfm(state, engine_->clock().NowMicros());
  });
}

Result<ScoreService::RfmSummary> ScoreService::Rfm(const std::string& ws) {
  RfmSummary out;
  RETURN_IF_ERROR(engine_->ReadState(ws, [&](const TenantState&) {
    std::lock_guard lock(rules_->mu());
    const RfmTable& t = rules_->WorkspaceFor(ws).rfm;
    out.computed_at = t.computed_at;
    out.scored = t.scored;
    for (size_t k = 0; k < kRfmCellCount; ++k) {
      out.cells.push_back({kRfmCells[k], k < t.members.size()
                                             ? static_cast<int64_t>(t.members[k].cardinality())
                                             : 0});
    }
  }));
  return out;
}

Result<std::vector<ScoreService::StageCount>> ScoreService::Stages(const std::string& ws) {
  std::vector<StageCount> out;
  RETURN_IF_ERROR(engine_->ReadState(ws, [&](const TenantState&) {
    std::lock_guard lock(rules_->mu());
    for (auto& s : rules_->WorkspaceFor(ws).segments) {
      if (s->stage.empty()) continue;
      std::string rule;
      for (const StageRule& r : rules_->WorkspaceFor(ws).settings->stages) {
        if (r.stage == s->stage) rule = r.rule;
      }
      out.push_back({s->stage, static_cast<int64_t>(s->members.cardinality()), rule});
    }
  }));
  return out;
}

Result<std::vector<ScoreService::CustomerLabels>> ScoreService::Labels(
    const std::string& ws, const std::vector<std::string>& customer_ids) {
  std::vector<CustomerLabels> out(customer_ids.size());
  RETURN_IF_ERROR(engine_->ReadState(ws, [&](const TenantState& state) {
    std::lock_guard lock(rules_->mu());
    LiveRules::Workspace& w = rules_->WorkspaceFor(ws);
    for (size_t i = 0; i < customer_ids.size(); ++i) {
      const uint32_t dense = state.ParseCustomerId(customer_ids[i]);
      if (dense == kNoIndex) continue;
      const uint32_t live = state.Live(dense);
      out[i].stage = "none";
      for (auto& seg : w.segments) {
        if (!seg->stage.empty() && seg->members.contains(live)) {
          out[i].stage = seg->stage;
          break;
        }
      }
      for (size_t k = 0; k < w.rfm.members.size() && k < kRfmCellCount; ++k) {
        if (w.rfm.members[k].contains(live)) out[i].rfm = kRfmCells[k];
      }
    }
  }));
  return out;
}

Result<Roaring> ScoreService::StageBitmap(const std::string& ws, const std::string& stage) {
  Result<Roaring> result = Status::NotFound("no stage \"" + stage + "\"");
  RETURN_IF_ERROR(engine_->ReadState(ws, [&](const TenantState&) {
    std::lock_guard lock(rules_->mu());
    for (auto& s : rules_->WorkspaceFor(ws).segments) {
      if (s->stage == stage) result = s->members;
    }
  }));
  return result;
}

}  // namespace pond
