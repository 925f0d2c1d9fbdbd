#include "pond/journey/journey_advance.h"

#include <nlohmann/json.hpp>
#include <optional>

#include "pond/base/json_writer.h"
#include "pond/base/time.h"
#include "pond/engine/engine.h"
#include "pond/model/event_names.h"
#include "pond/segment/segment_service.h"

namespace pond {
namespace {

// A deterministic draw in [0, 1) for an instance at a step: the same arm after a restart.
uint64_t Draw(int64_t instance, uint16_t step) {
  uint64_t x = static_cast<uint64_t>(instance) * 0x9E3779B97F4A7C15ULL + step;
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb3fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

// The trigger event's properties, for "property.KEY" variables: journey_entered records the
// trigger's seq, so both are read back from the store.
std::string TriggerProperties(Engine* engine, int64_t instance) {
  const int64_t entered_seq[] = {instance};
  Result<std::vector<Event>> entered = engine->LoadEvents(entered_seq);
  if (!entered.ok() || entered->empty()) return "{}";
  nlohmann::json p = nlohmann::json::parse((*entered)[0].properties, nullptr, false);
  if (!p.is_object() || !p.contains("trigger_seq") || !p["trigger_seq"].is_number_integer()) {
    return "{}";
  }
  const int64_t trigger_seq[] = {p["trigger_seq"].get<int64_t>()};
  Result<std::vector<Event>> trigger = engine->LoadEvents(trigger_seq);
  return trigger.ok() && !trigger->empty() ? (*trigger)[0].properties : "{}";
}

// The send's variables as a JSON object of strings and raw JSON values.
std::string Variables(RoundContext& ctx, const JourneyStep& step, const Instance& inst) {
  std::string out = "{";
  std::optional<nlohmann::json> trigger;  // loaded at the first property.* variable
  for (const auto& [name, from] : step.variables) {
    if (out.size() > 1) out += ',';
    AppendJsonString(&out, name);
    out += ':';
    if (from == "customer.id") {
      AppendJsonString(&out, TenantState::CustomerId(inst.customer));
      continue;
    }
    std::string_view raw;
    if (from.starts_with("trait.")) {
      raw = ctx.state.customers().traits[inst.customer].Get(from.substr(6));
    } else {
      if (!trigger) {
        trigger = nlohmann::json::parse(TriggerProperties(ctx.engine, inst.key), nullptr, false);
      }
      const std::string key = from.substr(9);
      if (trigger->is_object() && trigger->contains(key)) {
        out += (*trigger)[key].dump();
        continue;
      }
    }
    out += raw.empty() ? std::string_view("null") : raw;
  }
  return out + "}";
}

class Advance {
 public:
  Advance(RoundContext& ctx, uint32_t index)
      : ctx_(ctx),
        index_(index),
        inst_(ctx.w.instances[index]),
        journey_(*ctx.w.journeys[inst_.journey]),
        v_(*journey_.Version(inst_.version)),
        n_(inst_.n),
        customer_id_(TenantState::CustomerId(inst_.customer)) {}

  // Walks from the instance's step until it must wait. `answered`: a wait_for's event came.
  std::vector<Event> Run(bool answered) {
    uint16_t s = inst_.step;
    bool first = true;
    for (int guard = 0; guard < kMaxStepsPerAdvance; ++guard, first = false) {
      if (s == kEndStep) {
        Emit(kJourneyExited, "", kEndStep);
        AddProperty(&out_.back(), "reason", "completed");
        CloseProperties(&out_.back());
        break;
      }
      const JourneyStep& step = v_.def.steps[s];
      const Micros arrived = first ? inst_.since : ctx_.now;
      const uint16_t fallthrough = v_.Fallthrough(s);
      std::optional<uint16_t> next = Perform(step, s, fallthrough, arrived, first, answered);
      if (!next) {  // waiting here
        if (out_.empty() && s != inst_.step) {
          // Only a completed wait led here: record where the instance is now.
          Emit(kJourneyStep, v_.IdOf(inst_.step), s);
          AddProperty(&out_.back(), "kind", StepKindName(v_.def.steps[inst_.step].kind));
          CloseProperties(&out_.back());
        }
        break;
      }
      ++ctx_.steps;
      if (step.kind == StepKind::kExit) break;
      s = *next;
    }
    return std::move(out_);
  }

  std::vector<Event> Convert(int64_t goal_seq) {
    Emit(kJourneyConverted, v_.IdOf(inst_.step), kEndStep);
    AddRawProperty(&out_.back(), "goal_seq", std::to_string(goal_seq));
    CloseProperties(&out_.back());
    return std::move(out_);
  }

 private:
  // Performs one step; the step to go to next, or nullopt to wait at it.
  std::optional<uint16_t> Perform(const JourneyStep& step, uint16_t s, uint16_t fallthrough,
                                  Micros arrived, bool first, bool answered) {
    switch (step.kind) {
      case StepKind::kWait: {
        Instance at = inst_;
        at.step = s;
        at.since = arrived;
        if (ctx_.now < ctx_.w.DueOf(at)) return std::nullopt;
        return fallthrough;
      }
      case StepKind::kWaitFor: {
        if (first && answered) {
          Emit(kJourneyStep, step.id, fallthrough);
          AddProperty(&out_.back(), "outcome", "event");
          CloseProperties(&out_.back());
          return fallthrough;
        }
        if (ctx_.now < arrived + step.duration) return std::nullopt;
        const uint16_t to = step.on_timeout.empty() ? fallthrough : v_.IndexOf(step.on_timeout);
        Emit(kJourneyStep, step.id, to);
        AddProperty(&out_.back(), "outcome", "timeout");
        CloseProperties(&out_.back());
        return to;
      }
      case StepKind::kSend:
        return Send(step, fallthrough, first);
      case StepKind::kBranch: {
        const bool holds = v_.rules[s] && ctx_.segments->Holds(ctx_.w.id, ctx_.state, *v_.rules[s],
                                                               inst_.customer);
        const uint16_t to = holds                    ? v_.IndexOf(step.then_step)
                            : step.else_step.empty() ? fallthrough
                                                     : v_.IndexOf(step.else_step);
        Emit(kJourneyStep, step.id, to);
        AddProperty(&out_.back(), "outcome", holds ? "then" : "else");
        CloseProperties(&out_.back());
        return to;
      }
      case StepKind::kSplit: {
        uint64_t total = 0;
        for (const SplitArm& a : step.arms) total += a.weight;
        uint64_t pick = Draw(inst_.key, s) % total;
        size_t arm = 0;
        while (pick >= static_cast<uint64_t>(step.arms[arm].weight)) {
          pick -= step.arms[arm].weight;
          ++arm;
        }
        const uint16_t to = v_.IndexOf(step.arms[arm].next);
        Emit(kJourneyStep, step.id, to);
        AddRawProperty(&out_.back(), "arm", std::to_string(arm));
        CloseProperties(&out_.back());
        return to;
      }
      case StepKind::kTag:
      case StepKind::kUntag:
        Emit(step.kind == StepKind::kTag ? kTagAdded : kTagRemoved, step.id, fallthrough);
        AddProperty(&out_.back(), "tag", step.target);
        AddProperty(&out_.back(), "by", "journey:" + journey_.id);
        CloseProperties(&out_.back());
        return fallthrough;
      case StepKind::kTask: {
        const uint32_t owner = ctx_.state.OwnerOf(inst_.customer);
        Emit(kTaskCreated, step.id, fallthrough);
        AddProperty(&out_.back(), "title", step.title);
        AddProperty(&out_.back(), "assignee",
                    owner == kNoIndex ? "" : ctx_.state.staff_names()[owner]);
        AddProperty(&out_.back(), "due", FormatIso8601(ctx_.now + step.duration));
        CloseProperties(&out_.back());
        return fallthrough;
      }
      case StepKind::kWebhook:
        Emit(kJourneyStep, step.id, fallthrough);
        AddProperty(&out_.back(), "kind", "webhook");
        AddProperty(&out_.back(), "url", step.target);
        CloseProperties(&out_.back());
        return fallthrough;
      case StepKind::kInviteToGroup:
        Emit(kGroupInvited, step.id, fallthrough);
        AddProperty(&out_.back(), "group", step.target);
        CloseProperties(&out_.back());
        return fallthrough;
      case StepKind::kExit:
        Emit(kJourneyExited, step.id, kEndStep);
        AddProperty(&out_.back(), "reason", "exit");
        CloseProperties(&out_.back());
        return kEndStep;
    }
    return fallthrough;
  }

  // Sends, suppresses (moving on) or defers (waiting here) by politeness.h's rules.
  std::optional<uint16_t> Send(const JourneyStep& step, uint16_t fallthrough, bool first) {
    const PolitenessSettings& p = ctx_.w.politeness;
    const uint32_t c = inst_.customer;
    const int offset = ctx_.w.utc_offset_seconds;
    const uint8_t channel = SendChannelIndex(step.channel);
    auto suppress = [&](std::string_view reason) {
      Emit(kMessageSuppressed, step.id, fallthrough);
      AddProperty(&out_.back(), "channel", step.channel);
      AddProperty(&out_.back(), "template", step.template_id);
      AddProperty(&out_.back(), "reason", reason);
      CloseProperties(&out_.back());
      return fallthrough;
    };
    auto defer = [&](const char* reason, Micros until) -> std::optional<uint16_t> {
      ++journey_.deferred[reason];
      // Remembered on the instance when it already sits here; otherwise its journey_step
      // brings it here and the re-check defers it again.
      if (first) {
        Instance& live = ctx_.w.instances[index_];
        live.defer_until = until;
        ++live.generation;
        ctx_.w.PushTimer(index_);
      }
      return std::nullopt;
    };
    if (std::string_view why = ConsentProblem(ctx_.state, c, step.channel); !why.empty()) {
      return suppress(why);
    }
    if (step.marketing) {
      if (Micros end = QuietHoursEnd(p, ctx_.now, offset); end != 0) {
        return defer("quiet_hours", end);
      }
      const FrequencyCap& cap = p.CapFor(step.channel);
      const int planned = ctx_.planned_marketing[(uint64_t{c} << 8) | channel];
      if (ctx_.w.ledger.MarketingSince(c, channel, ctx_.now - kMicrosPerDay) + planned >=
          cap.per_day) {
        return suppress("cap_day");
      }
      if (ctx_.w.ledger.MarketingSince(c, channel, ctx_.now - 7 * kMicrosPerDay) + planned >=
          cap.per_week) {
        return suppress("cap_week");
      }
      const int per_month = MonthlyCap(cap, step.channel, ctx_.now, offset);
      if (per_month > 0 &&
          ctx_.w.ledger.MarketingSince(c, channel, LocalMonthStart(ctx_.now, offset) - 1) +
                  planned >=
              per_month) {
        return suppress("cap_month");
      }
    }
    const uint32_t staff = step.channel == "wecom" ? ctx_.state.OwnerOf(c) : kNoIndex;
    if (staff != kNoIndex) {
      const int planned = ctx_.planned_staff[staff];
      if (ctx_.w.ledger.StaffThisMinute(staff, ctx_.now) + planned >= p.staff.messages_per_minute) {
        return defer("staff_minute", (ctx_.now / kMicrosPerMinute + 1) * kMicrosPerMinute);
      }
      if (ctx_.w.ledger.StaffToday(staff, ctx_.now, offset) + planned >= p.staff.messages_per_day) {
        return defer("staff_day", NextLocalTime(ctx_.now, 0, {}, offset));
      }
      ++ctx_.planned_staff[staff];
    }
    if (step.marketing) ++ctx_.planned_marketing[(uint64_t{c} << 8) | channel];
    Emit(kMessageSent, step.id, fallthrough);
    Event& e = out_.back();
    AddProperty(&e, "channel", step.channel);
    AddProperty(&e, "template", step.template_id);
    AddRawProperty(&e, "marketing", step.marketing ? "true" : "false");
    if (staff != kNoIndex) AddProperty(&e, "staff", ctx_.state.staff_names()[staff]);
    AddRawProperty(&e, "variables", Variables(ctx_, step, inst_));
    CloseProperties(&e);
    return fallthrough;
  }

  void Emit(const char* name, const std::string& step_id, uint16_t at) {
    out_.push_back(StartJourneyEvent(name, StepMessageId(inst_.key, n_), customer_id_, ctx_.now,
                                     journey_.id, inst_.version, inst_.key, n_, step_id,
                                     v_.IdOf(at)));
    ++n_;
  }

  RoundContext& ctx_;
  uint32_t index_;
  const Instance inst_;  // a copy: deferring may touch the live one
  LiveJourney& journey_;
  const CompiledVersion& v_;
  int64_t n_;
  std::string customer_id_;
  std::vector<Event> out_;
};

std::vector<Event> PlanEntry(RoundContext& ctx, const Work& item) {
  LiveJourney& j = *ctx.w.journeys[item.journey];
  if (!j.active || j.deleted) return {};
  const uint32_t c = ctx.state.Live(item.target);
  if (c == kNoIndex || j.InstanceOf(c) != kNoIndex) return {};
  const JourneyDef& def = j.def();
  const Micros last = j.LastEntered(c);
  if (last != 0 &&
      (def.entry == EntryPolicy::kOnce || (def.entry == EntryPolicy::kOncePerDays &&
                                           ctx.now - last < def.entry_days * kMicrosPerDay))) {
    return {};
  }
  std::string id =
      item.slot >= 0 ? ScheduleEntryMessageId(j.id, item.slot, c) : EntryMessageId(j.id, item.seq);
  std::vector<Event> out;
  out.push_back(StartJourneyEvent(kJourneyEntered, std::move(id), TenantState::CustomerId(c),
                                  ctx.now, j.id, j.current, 0, -1, "", def.steps[0].id));
  if (item.slot < 0) AddRawProperty(&out.back(), "trigger_seq", std::to_string(item.seq));
  CloseProperties(&out.back());
  return out;
}

}  // namespace

std::vector<Event> PlanWork(RoundContext& ctx, const Work& item) {
  if (item.kind == WorkKind::kEnter) return PlanEntry(ctx, item);
  if (item.target >= ctx.w.instances.size()) return {};
  const Instance& inst = ctx.w.instances[item.target];
  if (inst.key == 0 || inst.generation != item.generation) return {};
  const LiveJourney& j = *ctx.w.journeys[inst.journey];
  if (!j.active || j.deleted || !j.Version(inst.version)) return {};
  Advance advance(ctx, item.target);
  if (item.kind == WorkKind::kConvert) return advance.Convert(item.seq);
  return advance.Run(item.kind == WorkKind::kEvent);
}

}  // namespace pond
