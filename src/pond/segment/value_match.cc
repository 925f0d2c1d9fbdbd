#include "pond/segment/value_match.h"

#include <charconv>
#include <cmath>

#include "pond/base/simdjson_util.h"
#include "pond/base/time.h"

namespace pond {

std::optional<double> NumberOf(std::string_view raw) {
  if (raw.empty()) return std::nullopt;
  std::string text;
  if (raw.front() == '"') {
    std::optional<std::string> s = JsonStringText(raw);
    if (!s) return std::nullopt;
    text = std::move(*s);
    raw = text;
  }
  double v = 0;
  auto [p, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), v);
  if (ec != std::errc() || p != raw.data() + raw.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

namespace {

// <0, 0, >0 like strcmp, or nullopt when the two cannot be compared.
std::optional<int> Compare(std::string_view raw, const RuleValue& v) {
  switch (v.type) {
    case RuleValue::Type::kNumber: {
      std::optional<double> n = NumberOf(raw);
      if (!n) return std::nullopt;
      return *n < v.number ? -1 : (*n > v.number ? 1 : 0);
    }
    case RuleValue::Type::kString: {
      std::optional<std::string> s = JsonStringText(raw);
      if (!s) return std::nullopt;
      int c = s->compare(v.text);
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case RuleValue::Type::kBool:
      return std::nullopt;
  }
  return std::nullopt;
}

bool Equals(std::string_view raw, const RuleValue& v) {
  if (v.type == RuleValue::Type::kBool) return raw == (v.boolean ? "true" : "false");
  if (v.type == RuleValue::Type::kString && !raw.empty() && raw.front() != '"') {
    return raw == v.text;  // a JSON number against its text: zip == "200000"
  }
  std::optional<int> c = Compare(raw, v);
  return c && *c == 0;
}

}  // namespace

std::optional<std::string> JsonStringText(std::string_view raw) {
  if (raw.size() < 2 || raw.front() != '"' || raw.back() != '"') return std::nullopt;
  std::string_view inner = raw.substr(1, raw.size() - 2);
  if (inner.find('\\') == std::string_view::npos) return std::string(inner);
  thread_local simdjson::ondemand::parser parser;
  simdjson::padded_string padded(raw);
  std::string_view s;
  auto doc = parser.iterate(padded);
  if (doc.get_string().get(s)) return std::nullopt;
  return std::string(s);
}

bool MatchesValue(std::string_view raw, RuleOp op, std::span<const RuleValue> values) {
  if (raw.empty() || raw == "null") return false;
  switch (op) {
    case RuleOp::kExists:
      return true;
    case RuleOp::kEq:
      return !values.empty() && Equals(raw, values[0]);
    case RuleOp::kNe:
      return !values.empty() && !Equals(raw, values[0]);
    case RuleOp::kIn:
      for (const RuleValue& v : values) {
        if (Equals(raw, v)) return true;
      }
      return false;
    case RuleOp::kBetween: {
      if (values.size() != 2) return false;
      std::optional<int> lo = Compare(raw, values[0]), hi = Compare(raw, values[1]);
      return lo && hi && *lo >= 0 && *hi <= 0;
    }
    case RuleOp::kGt:
    case RuleOp::kGe:
    case RuleOp::kLt:
    case RuleOp::kLe: {
      if (values.empty()) return false;
      std::optional<int> c = Compare(raw, values[0]);
      if (!c) return false;
      if (op == RuleOp::kGt) return *c > 0;
      if (op == RuleOp::kGe) return *c >= 0;
      if (op == RuleOp::kLt) return *c < 0;
      return *c <= 0;
    }
    case RuleOp::kWithin:
    case RuleOp::kOlderThan:
      return false;  // time comparisons are the evaluator's (they need "now")
  }
  return false;
}

std::optional<DateValue> ParseDateValue(std::string_view raw, int utc_offset_seconds) {
  std::optional<std::string> s = JsonStringText(raw);
  if (!s) return std::nullopt;
  Result<Micros> t = ParseIso8601(*s, utc_offset_seconds);
  if (!t.ok()) return std::nullopt;
  DateValue d;
  if (s->size() == 10) {
    d.date_only = true;
    int64_t local = *t / 1'000'000 + utc_offset_seconds;
    d.days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
  } else {
    d.at = *t;
  }
  return d;
}

}  // namespace pond
