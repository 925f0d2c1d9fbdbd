#include "pond/store/store.h"

#include <cstdlib>

namespace pond {

std::string EncodeIdentities(const std::vector<Identity>& identities) {
  std::string out;
  for (const auto& id : identities) {
    if (!out.empty()) out += '\x1f';
    out += IdentityKindName(id.kind);
    out += ':';
    out += id.value;
  }
  return out;
}

std::vector<Identity> DecodeIdentities(std::string_view encoded) {
  std::vector<Identity> out;
  while (!encoded.empty()) {
    size_t end = encoded.find('\x1f');
    std::string_view item = encoded.substr(0, end);
    size_t colon = item.find(':');
    if (colon != std::string_view::npos) {
      if (auto kind = IdentityKindFromName(item.substr(0, colon))) {
        out.push_back({*kind, std::string(item.substr(colon + 1))});
      }
    }
    if (end == std::string_view::npos) break;
    encoded.remove_prefix(end + 1);
  }
  return out;
}

namespace {

void PutText(std::string* out, const std::string& s) {
  *out += std::to_string(s.size());
  *out += ':';
  *out += s;
}
void PutInt(std::string* out, int64_t v) {
  *out += std::to_string(v);
  *out += ';';
}
bool GetText(std::string_view* in, std::string* s) {
  size_t colon = in->find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 10) return false;
  size_t len = 0;
  for (char c : in->substr(0, colon)) {
    if (c < '0' || c > '9') return false;
    len = len * 10 + static_cast<size_t>(c - '0');
  }
  if (in->size() < colon + 1 + len) return false;
  s->assign(in->substr(colon + 1, len));
  in->remove_prefix(colon + 1 + len);
  return true;
}
bool GetInt(std::string_view* in, int64_t* v) {
  size_t semi = in->find(';');
  if (semi == std::string_view::npos || semi == 0 || semi > 20) return false;
  std::string digits(in->substr(0, semi));
  char* end = nullptr;
  *v = std::strtoll(digits.c_str(), &end, 10);
  if (*end != '\0') return false;
  in->remove_prefix(semi + 1);
  return true;
}

}  // namespace

std::string EncodeLineItems(const std::vector<LineItem>& items) {
  std::string out;
  for (const LineItem& li : items) {
    PutText(&out, li.sku);
    PutText(&out, li.name);
    PutText(&out, li.category);
    PutInt(&out, li.quantity);
    PutInt(&out, li.unit_price_fen);
    PutInt(&out, li.amount_fen);
  }
  return out;
}

std::vector<LineItem> DecodeLineItems(std::string_view in) {
  std::vector<LineItem> out;
  while (!in.empty()) {
    LineItem li;
    if (!GetText(&in, &li.sku) || !GetText(&in, &li.name) || !GetText(&in, &li.category) ||
        !GetInt(&in, &li.quantity) || !GetInt(&in, &li.unit_price_fen) ||
        !GetInt(&in, &li.amount_fen)) {
      break;
    }
    out.push_back(std::move(li));
  }
  return out;
}

}  // namespace pond
