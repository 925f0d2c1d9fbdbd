// Comparing a stored raw JSON value (a trait, an event property) with a rule's values.
//
// One set of semantics for every path that evaluates rules (per customer, over all customers,
// when an event is applied), so that they cannot disagree:
//  - a missing value or JSON null satisfies nothing, not even `!=` (like SQL's NULL);
//  - against a number, a JSON number or a string holding a number compares numerically
//    (CSV imports send "30" for 30);
//  - against a string, a JSON string compares by its text (ordering is by UTF-8 bytes, which
//    orders ISO dates correctly); a JSON number compares by its literal text for == and !=;
//  - against true/false, only the JSON literals match.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "pond/base/clock.h"
#include "pond/segment/rule.h"

namespace pond {

// `op` is one of ==, !=, >, >=, <, <=, between, in, exists.
bool MatchesValue(std::string_view raw_json, RuleOp op, std::span<const RuleValue> values);

// The number a raw JSON value holds for numeric comparisons (a number, or a string holding
// one; finite), or nullopt. MatchesValue compares with exactly this.
std::optional<double> NumberOf(std::string_view raw_json);

// The text of a JSON string value (escapes undone), or nullopt when `raw_json` is not a string.
std::optional<std::string> JsonStringText(std::string_view raw_json);

// A trait holding a date ("1990-03-12") or a time ("2024-03-01T20:00:00+08:00").
struct DateValue {
  bool date_only = false;  // then `days` is the civil date; else `at` is the instant
  int64_t days = 0;
  Micros at = 0;
};
std::optional<DateValue> ParseDateValue(std::string_view raw_json, int utc_offset_seconds);

}  // namespace pond
