#include "pond/segment/compiled_rule.h"

#include <charconv>

#include "pond/base/money.h"
#include "pond/engine/traits.h"
#include "pond/model/event_names.h"
#include "pond/segment/intent.h"
#include "pond/segment/lifecycle.h"
#include "pond/segment/rfm.h"
#include "pond/segment/value_match.h"

namespace pond {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;

Status Refuse(const RuleNode& n, const std::string& why) {
  return Status::InvalidArgument(
      "line " + std::to_string(n.line) + ", column " + std::to_string(n.column) + ": " + why,
      "rule");
}

}  // namespace

std::string EventFilterKey(std::string_view event, const std::vector<PropertyFilter>& filters) {
  std::string key(event);
  for (const PropertyFilter& f : filters) {
    key += &f == &filters.front() ? " where property." : " and property.";
    key += f.property;
    key += ' ';
    key += RuleOpText(f.op);
    key += ' ';
    key += f.value.type == RuleValue::Type::kString ? "\"" + f.value.text + "\"" : f.value.text;
  }
  return key;
}

namespace {

class Compiler {
 public:
  Compiler(CompiledRule* out, const RuleSettings& settings) : out_(out), settings_(settings) {}

  Status Compile(const RuleNode& n, CompiledNode* c) {
    c->kind = n.kind;
    c->op = n.op;
    c->name = n.name;
    c->values = n.values;
    switch (n.kind) {
      case RuleKind::kAnd:
      case RuleKind::kOr:
      case RuleKind::kNot:
        for (const auto& child : n.children) {
          RETURN_IF_ERROR(Compile(*child, &c->children.emplace_back()));
        }
        return Status::Ok();
      case RuleKind::kHasTag:
        out_->events.insert(kTagAdded);
        out_->events.insert(kTagRemoved);
        if (n.name == kFriendTag) {
          out_->events.insert(kFriendAdded);
          out_->events.insert(kFriendDeleted);
        }
        return Status::Ok();
      case RuleKind::kInSegment:
        out_->segments.insert(n.name);
        return Status::Ok();
      case RuleKind::kInGroup:
        return CompileInGroup(n, c);
      case RuleKind::kAttribute:
        if (n.name == "stage") return CompileStage(n, c);
        if (n.name == "rfm") return CompileRfm(n);
        if (n.name == "intent") return CompileIntent(n, c);
        return CompileContact(n);
      case RuleKind::kTrait:
        out_->uses_traits = true;
        if (n.op == RuleOp::kWithin || n.op == RuleOp::kOlderThan) {
          out_->uses_time = true;
          c->duration = n.duration_seconds * kMicrosPerSecond;
        }
        return Status::Ok();
      case RuleKind::kCount:
      case RuleKind::kSum:
      case RuleKind::kLast:
      case RuleKind::kFirst:
        return CompileEvent(n, c);
    }
    return Status::Ok();
  }

 private:
  // intent OP NUMBER, intent between A and B, intent ==/!= "strong" | "weak" | "none".
  Status CompileIntent(const RuleNode& n, CompiledNode* c) {
    constexpr int64_t kInf = INT64_MAX, kMinusInf = INT64_MIN;
    const IntentSettings& intent = settings_.intent;
    auto scaled = [&](const RuleValue& v, int64_t* out) {
      if (v.type != RuleValue::Type::kNumber || v.number < 0 || v.number > 1e12) return false;
      *out = static_cast<int64_t>(v.number * kIntentScale);
      return true;
    };
    const std::string usage =
        "intent compares with a number (>=, >, <=, <, between) or == / != \"strong\", \"weak\", "
        "\"none\"";
    if (n.values.empty()) return Refuse(n, usage);
    int64_t x = 0, y = 0;
    if ((n.op == RuleOp::kEq || n.op == RuleOp::kNe) &&
        n.values[0].type == RuleValue::Type::kString) {
      const std::string& band = n.values[0].text;
      if (band == "strong") {
        c->range_lo = intent.strong * kIntentScale, c->range_hi = kInf;
      } else if (band == "weak") {
        c->range_lo = intent.weak * kIntentScale, c->range_hi = intent.strong * kIntentScale;
      } else if (band == "none") {
        c->range_lo = kMinusInf, c->range_hi = intent.weak * kIntentScale;
      } else {
        return Refuse(n, usage);
      }
      c->negate = n.op == RuleOp::kNe;
    } else if (n.op == RuleOp::kBetween && n.values.size() == 2 && scaled(n.values[0], &x) &&
               scaled(n.values[1], &y)) {
      c->range_lo = x, c->range_hi = y + 1;
    } else if (scaled(n.values[0], &x) && n.op == RuleOp::kGe) {
      c->range_lo = x, c->range_hi = kInf;
    } else if (scaled(n.values[0], &x) && n.op == RuleOp::kGt) {
      c->range_lo = x + 1, c->range_hi = kInf;
    } else if (scaled(n.values[0], &x) && n.op == RuleOp::kLe) {
      c->range_lo = kMinusInf, c->range_hi = x + 1;
    } else if (scaled(n.values[0], &x) && n.op == RuleOp::kLt) {
      c->range_lo = kMinusInf, c->range_hi = x;
    } else {
      return Refuse(n, usage);
    }
    for (const IntentRow& row : intent.rows) {
      out_->events.insert(row.event);
      if (!row.where.empty()) AddFilter(row.filter_key, row.event, row.where);
    }
    out_->events.insert(kOrderPaid);  // a first order ends the score
    out_->uses_time = true;
    out_->uses_intent = true;
    return Status::Ok();
  }

  // in_group("grp_…"): a member when the customer's last group_joined of that group_id came
  // after their last group_left of it (docs/communities.md). Two children, one per side, each
  // with its where-filter: kInGroup nodes too, so that nothing takes them for a timed event.
  Status CompileInGroup(const RuleNode& n, CompiledNode* c) {
    if (n.name.empty()) return Refuse(n, "in_group names a group's id, as group_joined carries it");
    for (const char* event : {kGroupJoined, kGroupLeft}) {
      PropertyFilter same_group;
      same_group.property = "group_id";
      same_group.value.text = n.name;
      const std::vector<PropertyFilter> where = {same_group};
      CompiledNode& side = c->children.emplace_back();
      side.kind = RuleKind::kInGroup;
      side.name = event;
      side.filter_key = EventFilterKey(event, where);
      AddFilter(side.filter_key, event, where);
      out_->events.insert(event);
    }
    return Status::Ok();
  }

  // channel / channel_kind / owner == / != / in: codes, kinds or staff ids, "none" for none.
  Status CompileContact(const RuleNode& n) {
    if (n.op != RuleOp::kEq && n.op != RuleOp::kNe && n.op != RuleOp::kIn) {
      return Refuse(n, n.name + " compares with ==, != or in");
    }
    for (const RuleValue& v : n.values) {
      if (v.type != RuleValue::Type::kString) return Refuse(n, n.name + " compares with strings");
      if (n.name == "channel_kind" && v.text != "none" && !ChannelKindFromName(v.text)) {
        return Refuse(n, "no channel kind \"" + v.text +
                             "\" (kinds: package_card, sms, offline_store, xiaohongshu, douyin, "
                             "zhihu, weibo, paid_ads, live_stream, taobao, referral, other)");
      }
    }
    if (n.name == "owner") {
      out_->events.insert(kFriendAdded);
      out_->events.insert(kFriendDeleted);
    } else {
      out_->events.insert(kChannelScanned);
      out_->events.insert(kFriendAdded);
      out_->uses_channel_kinds |= n.name == "channel_kind";
    }
    return Status::Ok();
  }

  // rfm == / != / in: a named cell (rfm.h); answered from the cells last computed.
  Status CompileRfm(const RuleNode& n) {
    if (n.op != RuleOp::kEq && n.op != RuleOp::kNe && n.op != RuleOp::kIn) {
      return Refuse(n, "rfm compares with ==, != or in");
    }
    for (const RuleValue& v : n.values) {
      if (v.type == RuleValue::Type::kString && RfmCellFromName(v.text)) continue;
      std::string cells;
      for (const char* cell : kRfmCells) cells += std::string(cells.empty() ? "" : ", ") + cell;
      return Refuse(n, "no RFM cell \"" + v.text + "\" (cells: " + cells + ")");
    }
    out_->uses_rfm = true;
    return Status::Ok();
  }

  // stage == / != / in: expanded to the stages' rules (lifecycle.h), compiled like any rule.
  Status CompileStage(const RuleNode& n, CompiledNode* c) {
    if (n.op != RuleOp::kEq && n.op != RuleOp::kNe && n.op != RuleOp::kIn) {
      return Refuse(n, "stage compares with ==, != or in");
    }
    auto any = std::make_unique<RuleNode>();
    any->kind = RuleKind::kOr;
    for (const RuleValue& v : n.values) {
      if (v.type != RuleValue::Type::kString) return Refuse(n, "a stage is a string");
      Result<std::unique_ptr<RuleNode>> rule = StageMembershipRule(settings_.stages, v.text);
      if (!rule.ok()) return Refuse(n, rule.status().message());
      any->children.push_back(std::move(*rule));
    }
    std::unique_ptr<RuleNode> expanded = std::move(any);
    if (expanded->children.size() == 1) expanded = std::move(expanded->children[0]);
    if (n.op == RuleOp::kNe) {
      auto negated = std::make_unique<RuleNode>();
      negated->kind = RuleKind::kNot;
      negated->children.push_back(std::move(expanded));
      expanded = std::move(negated);
    }
    // The stage is kept as a bitmap per stage (LiveRules); the expansion answers where
    // none is at hand, and says what events and times the stage depends on.
    out_->uses_stage = true;
    return Compile(*expanded, &c->children.emplace_back());
  }

  Status CompileEvent(const RuleNode& n, CompiledNode* c) {
    if (IsDerivedEvent(n.name)) {
      return Refuse(n, n.name + " is produced by segments themselves; a rule cannot count it");
    }
    out_->events.insert(n.name);
    c->counted_only = n.name == kOrderPaid || n.name == kOrderRefunded;
    c->window = n.window_seconds * kMicrosPerSecond;
    c->duration = n.duration_seconds * kMicrosPerSecond;
    if (c->window > 0 || n.kind == RuleKind::kLast || n.kind == RuleKind::kFirst) {
      out_->uses_time = true;
    }
    if (!n.where.empty()) {
      c->filter_key = EventFilterKey(n.name, n.where);
      AddFilter(c->filter_key, n.name, n.where);
    }
    if (n.kind == RuleKind::kCount) {
      const std::string& text = n.values.empty() ? std::string() : n.values[0].text;
      auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), c->threshold);
      if (ec != std::errc() || p != text.data() + text.size() || c->threshold < 0) {
        return Refuse(n, "count compares with a whole number of events, not \"" + text + "\"");
      }
    } else if (n.kind == RuleKind::kSum) {
      if (n.field != "amount") {
        return Refuse(
            n, "sum adds up amount (the money of orders and refunds), not \"" + n.field + "\"");
      }
      const std::string& text = n.values.empty() ? std::string() : n.values[0].text;
      Result<Money> m = Money::ParseYuan(text);
      if (!m.ok())
        return Refuse(n, "sum compares with yuan like 300 or 99.90, not \"" + text + "\"");
      c->threshold = m->fen();
    }
    return Status::Ok();
  }

  void AddFilter(const std::string& key, const std::string& event,
                 const std::vector<PropertyFilter>& where) {
    for (const EventFilter& f : out_->filters) {
      if (f.key == key) return;
    }
    out_->filters.push_back({key, event, where});
  }

  CompiledRule* out_;
  const RuleSettings& settings_;
};

}  // namespace

bool IsDerivedEvent(std::string_view name) {
  return name == kSegmentEntered || name == kSegmentLeft || name == kStageChanged;
}

const RuleSettings& DefaultRuleSettings() {
  static const RuleSettings settings{DefaultStages(), DefaultIntentSettings()};
  return settings;
}

Result<CompiledRule> CompileRule(const RuleNode& rule, const RuleSettings& settings) {
  CompiledRule out;
  Compiler compiler(&out, settings);
  RETURN_IF_ERROR(compiler.Compile(rule, &out.root));
  out.text = ToText(rule);
  return out;
}

Status ParseEventSelector(std::string_view text, std::string* event,
                          std::vector<PropertyFilter>* where) {
  // Parsed where count() parses it, so the two can never disagree.
  Result<std::unique_ptr<RuleNode>> parsed = ParseRule("count(" + std::string(text) + ") >= 0");
  if (!parsed.ok()) return Status::InvalidArgument(parsed.status().message());
  if ((*parsed)->kind != RuleKind::kCount) return Status::InvalidArgument("not one event");
  *event = (*parsed)->name;
  *where = std::move((*parsed)->where);
  return Status::Ok();
}

bool MatchesFilters(std::string_view properties_json, const std::vector<PropertyFilter>& filters) {
  Traits properties;  // a flat key -> raw JSON map is all a filter needs
  if (!properties.MergeJson(properties_json).ok()) return false;
  for (const PropertyFilter& f : filters) {
    if (!MatchesValue(properties.Get(f.property), f.op, {&f.value, 1})) return false;
  }
  return true;
}

}  // namespace pond
