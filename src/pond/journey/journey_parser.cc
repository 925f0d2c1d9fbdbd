#include <charconv>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "pond/base/time.h"
#include "pond/engine/engine.h"
#include "pond/journey/journey.h"
#include "pond/model/event_names.h"
#include "pond/segment/compiled_rule.h"

namespace pond {
namespace {

using nlohmann::json;

constexpr Micros kSecond = 1'000'000;

Status Bad(const std::string& path, const std::string& what) { return FieldError(path, what); }

bool IsSlug(std::string_view s, size_t max) {
  if (s.empty() || s.size() > max) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return true;
}

Result<std::string> String(const json& j, const std::string& path, size_t max = 256) {
  if (!j.is_string()) return Bad(path, "must be a string");
  std::string s = j.get<std::string>();
  if (s.empty() || s.size() > max) {
    return Bad(path, "1 to " + std::to_string(max) + " bytes");
  }
  return s;
}

// "30m", "36h", "3d", "2w" (and "45s"): at most a year.
Result<Micros> Duration(const json& j, const std::string& path) {
  const std::string usage = "a duration like \"30m\", \"24h\", \"3d\" or \"2w\", at most a year";
  if (!j.is_string()) return Bad(path, usage);
  const std::string s = j.get<std::string>();
  int64_t n = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || p + 1 != s.data() + s.size() || n <= 0) return Bad(path, usage);
  int64_t unit = 0;
  switch (*p) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86400;
      break;
    case 'w':
      unit = 7 * 86400;
      break;
    default:
      return Bad(path, usage);
  }
  if (n > 366 * 86400 / unit) return Bad(path, usage);
  return n * unit * kSecond;
}

// "HH:MM" in the workspace's zone.
Result<int> TimeOfDay(const json& j, const std::string& path) {
  std::optional<int> minute;
  if (j.is_string()) minute = ParseTimeOfDay(j.get<std::string>());
  if (!minute) return Bad(path, "a local time \"HH:MM\" (00:00 to 23:59)");
  return *minute;
}

Result<std::vector<int>> Weekdays(const json& j, const std::string& path) {
  static const char* names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
  const std::string usage = "a list of weekdays: \"mon\" … \"sun\"";
  if (!j.is_array() || j.empty() || j.size() > 7) return Bad(path, usage);
  std::vector<int> out;
  for (size_t i = 0; i < j.size(); ++i) {
    int found = -1;
    for (int d = 0; d < 7; ++d) {
      if (j[i].is_string() && j[i].get<std::string>() == names[d]) found = d;
    }
    if (found < 0) return Bad(path + "[" + std::to_string(i) + "]", usage);
    out.push_back(found);
  }
  return out;
}

// An event as count() takes it: "message_received where property.keyword == \"price\"".
Status EventSelector(const json& j, const std::string& path, std::string* event,
                     std::vector<PropertyFilter>* where) {
  ASSIGN_OR_RETURN(std::string text, String(j, path, 1000));
  if (Status s = ParseEventSelector(text, event, where); !s.ok()) {
    return Bad(path, "an event name, optionally with where-filters as in count(…): " + s.message());
  }
  return Status::Ok();
}

Status ParseTrigger(const json& j, int utc_offset_seconds, JourneyTrigger* t) {
  if (!j.is_object()) {
    return Bad("trigger",
               "required: {\"event\": …}, {\"segment_entered\": …}, {\"schedule\": …} or "
               "{\"once\": …}");
  }
  if (j.contains("event")) {
    t->kind = TriggerKind::kEvent;
    return EventSelector(j["event"], "trigger.event", &t->event, &t->where);
  }
  if (j.contains(kSegmentEntered)) {
    t->kind = TriggerKind::kSegmentEntered;
    ASSIGN_OR_RETURN(t->segment, String(j[kSegmentEntered], "trigger.segment_entered", 128));
    return Status::Ok();
  }
  if (j.contains("schedule")) {
    const json& s = j["schedule"];
    if (!s.is_object()) return Bad("trigger.schedule", "{\"at\": \"10:00\", \"segment\": …}");
    t->kind = TriggerKind::kSchedule;
    if (!s.contains("at")) return Bad("trigger.schedule.at", "required");
    ASSIGN_OR_RETURN(t->minute_of_day, TimeOfDay(s["at"], "trigger.schedule.at"));
    if (!s.contains("segment")) return Bad("trigger.schedule.segment", "required");
    ASSIGN_OR_RETURN(t->segment, String(s["segment"], "trigger.schedule.segment", 128));
    if (s.contains("weekdays")) {
      ASSIGN_OR_RETURN(t->weekdays, Weekdays(s["weekdays"], "trigger.schedule.weekdays"));
    }
    return Status::Ok();
  }
  if (j.contains("once")) {
    const json& s = j["once"];
    if (!s.is_object()) {
      return Bad("trigger.once", "{\"at\": \"2026-11-25T20:00:00+08:00\", \"segment\": …}");
    }
    t->kind = TriggerKind::kOnce;
    if (!s.contains("at") || !s["at"].is_string()) {
      return Bad("trigger.once.at", "required: an ISO 8601 time");
    }
    Result<Micros> at = ParseIso8601(s["at"].get<std::string>(), utc_offset_seconds);
    if (!at.ok()) return Bad("trigger.once.at", "an ISO 8601 time like 2026-11-25T20:00:00+08:00");
    t->once_at = *at;
    if (!s.contains("segment")) return Bad("trigger.once.segment", "required");
    ASSIGN_OR_RETURN(t->segment, String(s["segment"], "trigger.once.segment", 128));
    return Status::Ok();
  }
  return Bad("trigger", "one of event, segment_entered, schedule, once");
}

Status ParseEntry(const json& root, JourneyDef* d) {
  if (!root.contains("entry")) return Status::Ok();  // once
  const json& e = root["entry"];
  if (e == "once") {
    d->entry = EntryPolicy::kOnce;
  } else if (e == "every_time") {
    d->entry = EntryPolicy::kEveryTime;
  } else if (e.is_object() && e.contains("once_per_days") &&
             e["once_per_days"].is_number_integer() && e["once_per_days"].get<int64_t>() >= 1 &&
             e["once_per_days"].get<int64_t>() <= 3650) {
    d->entry = EntryPolicy::kOncePerDays;
    d->entry_days = e["once_per_days"].get<int>();
  } else {
    return Bad("entry", "\"once\", \"every_time\" or {\"once_per_days\": 1 to 3650}");
  }
  return Status::Ok();
}

// The one action key a step carries besides id and next.
Result<std::string> ActionKey(const json& s, const std::string& path) {
  static const char* kinds[] = {"send",  "wait", "wait_for", "branch",          "split", "tag",
                                "untag", "task", "webhook",  "invite_to_group", "exit"};
  std::string found;
  for (const char* k : kinds) {
    if (!s.contains(k)) continue;
    if (!found.empty()) return Bad(path, "one action per step, not both " + found + " and " + k);
    found = k;
  }
  for (const auto& [key, value] : s.items()) {
    bool known = key == "id" || key == "next";
    for (const char* k : kinds) known |= key == k;
    if (!known) return Bad(path + "." + key, "unknown; a step has id, next and one action");
  }
  if (found.empty()) {
    return Bad(path,
               "no action: send, wait, wait_for, branch, split, tag, untag, task, webhook, "
               "invite_to_group or exit");
  }
  return found;
}

Status ParseStep(const json& s, const std::string& path, JourneyStep* step) {
  if (!s.is_object()) return Bad(path, "must be an object");
  if (!s.contains("id") || !s["id"].is_string() || !IsSlug(s["id"].get<std::string>(), 64)) {
    return Bad(path + ".id", "required: 1 to 64 of a-z, 0-9, _ and -");
  }
  step->id = s["id"].get<std::string>();
  if (s.contains("next")) {
    ASSIGN_OR_RETURN(step->next, String(s["next"], path + ".next", 64));
  }
  ASSIGN_OR_RETURN(std::string kind, ActionKey(s, path));
  const json& a = s[kind];
  const std::string at = path + "." + kind;
  if (kind == "send") {
    step->kind = StepKind::kSend;
    if (!a.is_object()) return Bad(at, "{\"channel\": …, \"template\": …, \"variables\": {…}}");
    if (!a.contains("channel")) return Bad(at + ".channel", "required");
    ASSIGN_OR_RETURN(step->channel, String(a["channel"], at + ".channel", 32));
    bool known = false;
    for (const char* c : kSendChannels) known |= step->channel == c;
    if (!known) return Bad(at + ".channel", "one of outbox, wecom, sms, smtp, webhook");
    if (!a.contains("template")) return Bad(at + ".template", "required");
    if (a.contains("marketing")) {
      if (!a["marketing"].is_boolean()) return Bad(at + ".marketing", "true or false");
      step->marketing = a["marketing"].get<bool>();
    }
    ASSIGN_OR_RETURN(step->template_id, String(a["template"], at + ".template", 128));
    if (a.contains("variables")) {
      const json& v = a["variables"];
      if (!v.is_object() || v.size() > 50) return Bad(at + ".variables", "an object of at most 50");
      for (const auto& [name, source] : v.items()) {
        ASSIGN_OR_RETURN(std::string from, String(source, at + ".variables." + name, 128));
        if (!from.starts_with("trait.") && !from.starts_with("property.") &&
            !from.starts_with("customer.")) {
          return Bad(at + ".variables." + name,
                     "\"trait.KEY\", \"property.KEY\" (of the trigger event) or \"customer.id\"");
        }
        step->variables.emplace_back(name, from);
      }
    }
  } else if (kind == "wait") {
    step->kind = StepKind::kWait;
    if (a.is_string()) {
      ASSIGN_OR_RETURN(step->duration, Duration(a, at));
    } else if (a.is_object() && a.contains("until")) {
      ASSIGN_OR_RETURN(step->until_minute_of_day, TimeOfDay(a["until"], at + ".until"));
      if (a.contains("weekdays")) {
        ASSIGN_OR_RETURN(step->until_weekdays, Weekdays(a["weekdays"], at + ".weekdays"));
      }
    } else {
      return Bad(at, "a duration (\"3d\") or {\"until\": \"10:00\", \"weekdays\": [\"mon\"]}");
    }
  } else if (kind == "wait_for") {
    step->kind = StepKind::kWaitFor;
    if (!a.is_object() || !a.contains("event") || !a.contains("timeout")) {
      return Bad(at, "{\"event\": …, \"timeout\": \"2d\", \"on_timeout\": step id}");
    }
    RETURN_IF_ERROR(EventSelector(a["event"], at + ".event", &step->event, &step->where));
    ASSIGN_OR_RETURN(step->duration, Duration(a["timeout"], at + ".timeout"));
    if (a.contains("on_timeout")) {
      ASSIGN_OR_RETURN(step->on_timeout, String(a["on_timeout"], at + ".on_timeout", 64));
    }
  } else if (kind == "branch") {
    step->kind = StepKind::kBranch;
    if (!a.is_object() || !a.contains("if") || !a.contains("then")) {
      return Bad(at, "{\"if\": rule, \"then\": step id, \"else\": step id}");
    }
    Result<std::unique_ptr<RuleNode>> rule =
        a["if"].is_string()   ? ParseRule(a["if"].get<std::string>())
        : a["if"].is_object() ? ParseRuleJson(a["if"].dump())
                              : Result<std::unique_ptr<RuleNode>>(Bad(at + ".if", "a rule"));
    if (!rule.ok()) return Bad(at + ".if", rule.status().message());
    if (Result<CompiledRule> c = CompileRule(**rule); !c.ok()) {
      return Bad(at + ".if", c.status().message());
    }
    step->rule = std::move(*rule);
    ASSIGN_OR_RETURN(step->then_step, String(a["then"], at + ".then", 64));
    if (a.contains("else")) {
      ASSIGN_OR_RETURN(step->else_step, String(a["else"], at + ".else", 64));
    }
  } else if (kind == "split") {
    step->kind = StepKind::kSplit;
    if (!a.is_array() || a.size() < 2 || a.size() > 10) {
      return Bad(at, "2 to 10 arms [{\"weight\": 50, \"next\": step id}, …]");
    }
    for (size_t i = 0; i < a.size(); ++i) {
      const std::string arm = at + "[" + std::to_string(i) + "]";
      if (!a[i].is_object() || !a[i].contains("weight") || !a[i]["weight"].is_number_integer() ||
          a[i]["weight"].get<int64_t>() < 1 || a[i]["weight"].get<int64_t>() > 10000) {
        return Bad(arm + ".weight", "a whole number from 1 to 10000");
      }
      if (!a[i].contains("next")) return Bad(arm + ".next", "required");
      SplitArm s{a[i]["weight"].get<int>(), ""};
      ASSIGN_OR_RETURN(s.next, String(a[i]["next"], arm + ".next", 64));
      step->arms.push_back(std::move(s));
    }
  } else if (kind == "tag" || kind == "untag") {
    step->kind = kind == "tag" ? StepKind::kTag : StepKind::kUntag;
    ASSIGN_OR_RETURN(step->target, String(a, at, 64));
    if (Status s = ValidateTag(step->target); !s.ok()) return Bad(at, s.message());
  } else if (kind == "task") {
    step->kind = StepKind::kTask;
    if (!a.is_object() || !a.contains("title") || !a.contains("due")) {
      return Bad(at, "{\"title\": …, \"due\": \"24h\"}");
    }
    ASSIGN_OR_RETURN(step->title, String(a["title"], at + ".title", 500));
    ASSIGN_OR_RETURN(step->duration, Duration(a["due"], at + ".due"));
  } else if (kind == "webhook") {
    step->kind = StepKind::kWebhook;
    ASSIGN_OR_RETURN(step->target, String(a, at, 2000));
    if (!step->target.starts_with("http://") && !step->target.starts_with("https://")) {
      return Bad(at, "an http:// or https:// URL");
    }
  } else if (kind == "invite_to_group") {
    step->kind = StepKind::kInviteToGroup;
    ASSIGN_OR_RETURN(step->target, String(a, at, 128));
  } else {
    step->kind = StepKind::kExit;
    if (a != true) return Bad(at, "true");
  }
  return Status::Ok();
}

// The steps a step can go to next (its successors in the flow).
std::vector<std::string> Successors(const JourneyDef& d, size_t i) {
  const JourneyStep& s = d.steps[i];
  const std::string fallthrough =
      !s.next.empty() ? s.next : (i + 1 < d.steps.size() ? d.steps[i + 1].id : "");
  std::vector<std::string> out;
  switch (s.kind) {
    case StepKind::kExit:
      break;
    case StepKind::kBranch:
      out.push_back(s.then_step);
      out.push_back(!s.else_step.empty() ? s.else_step : fallthrough);
      break;
    case StepKind::kSplit:
      for (const SplitArm& a : s.arms) out.push_back(a.next);
      break;
    case StepKind::kWaitFor:
      out.push_back(fallthrough);
      if (!s.on_timeout.empty()) out.push_back(s.on_timeout);
      break;
    default:
      out.push_back(fallthrough);
  }
  std::erase(out, std::string());
  return out;
}

// Every step named exists; no loop of steps without a wait in it.
Status CheckFlow(const JourneyDef& d) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < d.steps.size(); ++i) {
    if (!index.emplace(d.steps[i].id, i).second) {
      return Bad("steps[" + std::to_string(i) + "].id", "\"" + d.steps[i].id + "\" is used twice");
    }
  }
  for (size_t i = 0; i < d.steps.size(); ++i) {
    const JourneyStep& s = d.steps[i];
    const std::string at = "steps[" + std::to_string(i) + "]";
    auto known = [&](const std::string& id, const std::string& field) -> Status {
      if (id.empty() || index.count(id)) return Status::Ok();
      return Bad(at + field, "no step \"" + id + "\"");
    };
    RETURN_IF_ERROR(known(s.next, ".next"));
    RETURN_IF_ERROR(known(s.then_step, ".branch.then"));
    RETURN_IF_ERROR(known(s.else_step, ".branch.else"));
    RETURN_IF_ERROR(known(s.on_timeout, ".wait_for.on_timeout"));
    for (size_t k = 0; k < s.arms.size(); ++k) {
      RETURN_IF_ERROR(known(s.arms[k].next, ".split[" + std::to_string(k) + "].next"));
    }
  }
  // A cycle through steps that never wait would run (and message) forever in one instant:
  // search the graph without its waiting steps for a cycle.
  auto waits = [&](size_t i) {
    return d.steps[i].kind == StepKind::kWait || d.steps[i].kind == StepKind::kWaitFor;
  };
  std::vector<int> state(d.steps.size(), 0);  // 0 new, 1 on the path, 2 done
  std::function<Status(size_t)> visit = [&](size_t i) -> Status {
    state[i] = 1;
    for (const std::string& next : Successors(d, i)) {
      const size_t j = index.at(next);
      if (waits(j)) continue;
      if (state[j] == 1) {
        return Bad("steps[" + std::to_string(j) + "]",
                   "steps \"" + d.steps[i].id + "\" → \"" + next +
                       "\" form a loop without a wait; it would run forever at once");
      }
      if (state[j] == 0) RETURN_IF_ERROR(visit(j));
    }
    state[i] = 2;
    return Status::Ok();
  };
  for (size_t i = 0; i < d.steps.size(); ++i) {
    if (state[i] == 0 && !waits(i)) RETURN_IF_ERROR(visit(i));
  }
  return Status::Ok();
}

}  // namespace

std::string_view StepKindName(StepKind kind) {
  switch (kind) {
    case StepKind::kSend:
      return "send";
    case StepKind::kWait:
      return "wait";
    case StepKind::kWaitFor:
      return "wait_for";
    case StepKind::kBranch:
      return "branch";
    case StepKind::kSplit:
      return "split";
    case StepKind::kTag:
      return "tag";
    case StepKind::kUntag:
      return "untag";
    case StepKind::kTask:
      return "task";
    case StepKind::kWebhook:
      return "webhook";
    case StepKind::kInviteToGroup:
      return "invite_to_group";
    case StepKind::kExit:
      return "exit";
  }
  return "?";
}

Result<JourneyDef> ParseJourney(std::string_view text, int utc_offset_seconds) {
  if (text.size() > 256 * 1024) return Bad("journey", "at most 256 KB");
  json root = json::parse(text, nullptr, false);
  if (root.is_discarded() || !root.is_object()) return Bad("journey", "not a JSON object");
  JourneyDef d;
  if (!root.contains("id") || !root["id"].is_string() ||
      !IsSlug(root["id"].get<std::string>(), 64)) {
    return Bad("id", "required: 1 to 64 of a-z, 0-9, _ and -");
  }
  d.id = root["id"].get<std::string>();
  if (root.contains("name")) {
    ASSIGN_OR_RETURN(d.name, String(root["name"], "name", 200));
  }
  RETURN_IF_ERROR(ParseTrigger(root.contains("trigger") ? root["trigger"] : json(),
                               utc_offset_seconds, &d.trigger));
  RETURN_IF_ERROR(ParseEntry(root, &d));
  if (root.contains("goal")) {
    const json& g = root["goal"];
    if (!g.is_object() || !g.contains("event")) return Bad("goal", "{\"event\": …}");
    RETURN_IF_ERROR(EventSelector(g["event"], "goal.event", &d.goal_event, &d.goal_where));
  }
  if (!root.contains("steps") || !root["steps"].is_array() || root["steps"].empty() ||
      root["steps"].size() > kMaxJourneySteps) {
    return Bad("steps", "required: 1 to " + std::to_string(kMaxJourneySteps) + " steps");
  }
  for (const auto& [key, value] : root.items()) {
    static const std::set<std::string> known = {"id", "name", "trigger", "entry", "goal", "steps"};
    if (!known.count(key))
      return Bad(key, "unknown; a journey has id, name, trigger, entry, goal, steps");
  }
  for (size_t i = 0; i < root["steps"].size(); ++i) {
    RETURN_IF_ERROR(
        ParseStep(root["steps"][i], "steps[" + std::to_string(i) + "]", &d.steps.emplace_back()));
  }
  RETURN_IF_ERROR(CheckFlow(d));
  return d;
}

}  // namespace pond
