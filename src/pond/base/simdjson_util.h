// Small helpers over simdjson's on-demand API (3.0), for the parsers that include it.
// Include only from .cc files: simdjson.h is heavy.
#pragma once

#include <simdjson.h>

#include <string_view>

namespace pond {

// Drops the JSON whitespace (space, tab, newline, return) that simdjson leaves after a token.
inline std::string_view TrimJsonSpace(std::string_view raw) {
  while (!raw.empty() &&
         (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\t' || raw.back() == '\r')) {
    raw.remove_suffix(1);
  }
  return raw;
}

// A scalar's text as sent (a number's digits exactly), without trailing whitespace.
inline std::string_view RawToken(simdjson::ondemand::value& value) {
  return TrimJsonSpace(value.raw_json_token());
}

// The value's JSON text exactly as sent (objects and arrays included), without trailing
// whitespace. Consumes the value.
inline simdjson::error_code RawJson(simdjson::ondemand::value& value, std::string_view* out) {
  simdjson::ondemand::json_type type;
  if (auto err = value.type().get(type)) return err;
  std::string_view raw;
  simdjson::error_code err;
  if (type == simdjson::ondemand::json_type::object) {
    simdjson::ondemand::object obj;
    err = value.get_object().get(obj);
    if (!err) err = obj.raw_json().get(raw);
  } else if (type == simdjson::ondemand::json_type::array) {
    simdjson::ondemand::array arr;
    err = value.get_array().get(arr);
    if (!err) err = arr.raw_json().get(raw);
  } else {
    raw = value.raw_json_token();
    err = simdjson::SUCCESS;
  }
  if (err) return err;
  *out = TrimJsonSpace(raw);
  return simdjson::SUCCESS;
}

// The key of a field as written between its quotes (escapes kept).
inline std::string_view RawKey(simdjson::ondemand::field& field) {
  const char* p = field.key().raw();
  size_t len = 0;
  while (p[len] != '"') len += p[len] == '\\' ? 2 : 1;
  return {p, len};
}

// True when the document has been read to its end (simdjson 3.0 has no at_end() on documents:
// current_location() reports OUT_OF_BOUNDS once everything is consumed).
inline bool AtEnd(simdjson::ondemand::document& doc) {
  const char* location = nullptr;
  return doc.current_location().get(location) == simdjson::OUT_OF_BOUNDS;
}

// Iterates `text` as one JSON object with `parser`. When the caller knows the bytes after `text`
// are readable padding (a slice of a padded request body), the text is parsed in place;
// otherwise it is copied into a per-thread scratch buffer that has the padding. The document
// is valid until the next call on this thread with text_is_padded == false.
inline simdjson::error_code IterateObjectView(simdjson::ondemand::parser& parser,
                                              std::string_view text, bool text_is_padded,
                                              simdjson::ondemand::document* doc,
                                              simdjson::ondemand::object* obj) {
  const char* data = text.data();
  if (!text_is_padded) {
    thread_local std::string scratch;
    scratch.assign(text);
    scratch.append(simdjson::SIMDJSON_PADDING, ' ');
    data = scratch.data();
  }
  auto err = parser.iterate(data, text.size(), text.size() + simdjson::SIMDJSON_PADDING).get(*doc);
  if (!err) err = doc->get_object().get(*obj);
  return err;
}

}  // namespace pond
