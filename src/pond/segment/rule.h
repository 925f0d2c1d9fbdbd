// The segment rule language: its syntax tree, its text form and its JSON form.
//
// Text (docs/rules.md has the grammar):
//   has_tag("skin:oily") and trait.age between 25 and 35
//   and count(order_paid, 90d) >= 2 and not stage == "dormant"
// JSON (what the console's visual builder sends):
//   {"and": [{"has_tag": "skin:oily"}, {"trait": "age", "op": "between", "value": [25, 35]}, …]}
// Both parse to the same tree; ToText and ToJson print it back in canonical form.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pond/base/status.h"

namespace pond {

enum class RuleKind {
  kAnd,
  kOr,
  kNot,
  kHasTag,     // has_tag("group:tag")
  kInSegment,  // in_segment("seg_…" or name)
  kInGroup,    // in_group("grp_…"): the last join of that group_id after the last leave
  kTrait,      // trait.KEY <comparison>
  kCount,      // count(EVENT [where …] [, WINDOW]) CMP NUMBER
  kSum,        // sum(EVENT.FIELD [where …] [, WINDOW]) CMP NUMBER
  kLast,       // last(EVENT [where …]) within|older_than DURATION
  kFirst,      // first(EVENT [where …]) within|older_than DURATION
  kAttribute,  // channel, channel_kind, owner, stage, rfm, intent  CMP value
};

enum class RuleOp { kEq, kNe, kGt, kGe, kLt, kLe, kBetween, kIn, kWithin, kOlderThan, kExists };
std::string_view RuleOpText(RuleOp op);  // "==", "between", "older_than", …

struct RuleValue {
  enum class Type { kString, kNumber, kBool };
  Type type = Type::kString;
  std::string text;  // strings unquoted; numbers canonical, "99.90" as "99.9" (rule_number.h)
  double number = 0;
  bool boolean = false;
  friend bool operator==(const RuleValue& a, const RuleValue& b) {
    return a.type == b.type && a.text == b.text && a.boolean == b.boolean;
  }
};

// `property.KEY OP VALUE` inside count/sum/last/first(… where …).
struct PropertyFilter {
  std::string property;
  RuleOp op = RuleOp::kEq;
  RuleValue value;
};

// The attributes a rule can compare directly.
inline constexpr const char* kRuleAttributes[] = {"channel", "channel_kind", "owner",
                                                  "stage",   "rfm",          "intent"};

struct RuleNode {
  RuleKind kind = RuleKind::kAnd;
  std::vector<std::unique_ptr<RuleNode>> children;  // and, or (2+), not (1)
  std::string name;   // tag, segment, group, trait key, event name, attribute name
  std::string field;  // sum: the summed property ("amount")
  std::vector<PropertyFilter> where;
  int64_t window_seconds = 0;  // count/sum: 0 = all time
  RuleOp op = RuleOp::kEq;
  std::vector<RuleValue> values;  // 1, or 2 for between, 1+ for in, 0 for exists/within
  int64_t duration_seconds = 0;   // within / older_than
  int line = 0, column = 0;       // where it starts in the text, for error messages
};

// Parses the text form. Errors are InvalidArgument with field "rule" and a message like
//   line 1, column 17: expected ")" after the event name
//     count(order_paid 90d) >= 2
//                      ^
Result<std::unique_ptr<RuleNode>> ParseRule(std::string_view text);

// Parses the JSON form (a JSON object's text). Errors name the JSON path: "rule.and[1].op".
Result<std::unique_ptr<RuleNode>> ParseRuleJson(std::string_view json);

// Canonical forms: ParseRule(ToText(r)) and ParseRuleJson(ToJson(r)) give back r.
std::string ToText(const RuleNode& rule);
std::string ToJson(const RuleNode& rule);

// "7d", "36h", "2w", "30m" ↔ seconds.
Result<int64_t> ParseDuration(std::string_view text);
std::string FormatDuration(int64_t seconds);

}  // namespace pond
