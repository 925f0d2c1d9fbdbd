#include "pond/engine/traits.h"

#include "pond/base/simdjson_util.h"

namespace pond {

Status Traits::MergeJson(std::string_view object_json) {
  if (object_json.empty() || object_json == "{}") return Status::Ok();
  thread_local simdjson::ondemand::parser parser;
  simdjson::ondemand::document doc;
  simdjson::ondemand::object obj;
  if (IterateObjectView(parser, object_json, false, &doc, &obj)) {
    return Status::InvalidArgument("traits: not a JSON object", "traits");
  }
  for (auto field_result : obj) {
    simdjson::ondemand::field field;
    if (std::move(field_result).get(field)) {
      return Status::InvalidArgument("traits: bad key", "traits");
    }
    std::string_view key = RawKey(field), raw;
    if (RawJson(field.value(), &raw)) return Status::InvalidArgument("traits: bad value", "traits");
    Set(key, raw);
  }
  return Status::Ok();
}

void Traits::Set(std::string_view key, std::string_view raw_value) {
  for (auto& [k, v] : entries_) {
    if (k == key) {
      v.assign(raw_value);
      return;
    }
  }
  entries_.emplace_back(std::string(key), std::string(raw_value));
}

void Traits::FillFrom(const Traits& other) {
  for (const auto& [k, v] : other.entries_) {
    if (Get(k).empty()) entries_.emplace_back(k, v);
  }
}

std::string Traits::ToJson() const {
  std::string out = "{";
  for (const auto& [k, v] : entries_) {
    if (out.size() > 1) out += ',';
    out += '"';
    out += k;
    out += "\":";
    out += v;
  }
  out += '}';
  return out;
}

std::string_view Traits::Get(std::string_view key) const {
  for (const auto& [k, v] : entries_) {
    if (k == key) return v;
  }
  return {};
}

std::string Traits::GetString(std::string_view key) const {
  std::string_view v = Get(key);
  if (v.size() < 2 || v.front() != '"') return {};
  if (v.find('\\') == std::string_view::npos) return std::string(v.substr(1, v.size() - 2));
  thread_local simdjson::ondemand::parser parser;
  simdjson::padded_string padded(v);
  std::string_view s;
  auto doc = parser.iterate(padded);
  if (doc.get_string().get(s)) return {};
  return std::string(s);
}

}  // namespace pond
