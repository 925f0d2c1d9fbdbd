#include "pond/testing/wecom_test_wire.h"

#include <algorithm>

namespace pond::testing::wire {

using nlohmann::json;

std::string Hex(uint64_t v, int digits) {
  std::string out(static_cast<size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i, v >>= 4)
    out[static_cast<size_t>(i)] = "0123456789abcdef"[v & 0xf];
  return out;
}

std::string Padded(int64_t n, int width) {
  std::string s = std::to_string(n);
  return std::string(static_cast<size_t>(std::max(0, width - static_cast<int>(s.size()))), '0') + s;
}

std::string Message(int errcode) {
  switch (errcode) {
    case -1:
      return "system busy";
    case 40001:
      return "invalid credential";
    case 40013:
      return "invalid corpid";
    case 40003:
      return "invalid userid";
    case 40014:
      return "invalid access_token";
    case 40031:
      return "invalid userid list";
    case 40032:
      return "invalid userid list size";
    case 40035:
      return "invalid args";
    case 40050:
      return "invalid group id";
    case 40058:
      return "invalid parameter";
    case 40068:
      return "invalid tagid";
    case 40071:
      return "duplicated tag name";
    case 40096:
      return "invalid external userid";
    case 42001:
      return "access_token expired";
    case 45009:
      return "api freq out of limit";
    case 84061:
      return "not external contact";
    case 90500:
      return "the group owner has not resigned";
  }
  return "error";
}

CannedResponse Error(int errcode) {
  json j = {{"errcode", errcode},
            {"errmsg", Message(errcode) +
                           ", hint: [1733000000_00_test], more info at "
                           "https://open.work.weixin.qq.com/devtool/query?e=" +
                           std::to_string(errcode)}};
  return {200, j.dump()};
}

CannedResponse Ok(json j) {
  j["errcode"] = 0;
  j["errmsg"] = "ok";
  return {200, j.dump()};
}

std::string QueryParam(const std::string& query, const std::string& name) {
  size_t at = 0;
  while (at <= query.size()) {
    const size_t end = std::min(query.find('&', at), query.size());
    const std::string pair = query.substr(at, end - at);
    if (pair.starts_with(name + "=")) return pair.substr(name.size() + 1);
    at = end + 1;
  }
  return "";
}

std::string Cursor(size_t offset, uint64_t request) {
  return "C" + std::to_string(offset) + "_" + Hex(request, 8);
}

bool ReadCursor(const std::string& cursor, uint64_t request, size_t* offset) {
  if (cursor.empty()) {
    *offset = 0;
    return true;
  }
  const size_t underscore = cursor.find('_');
  if (cursor[0] != 'C' || underscore == std::string::npos ||
      cursor.substr(underscore + 1) != Hex(request, 8)) {
    return false;
  }
  *offset = 0;
  for (size_t i = 1; i < underscore; ++i) {
    if (cursor[i] < '0' || cursor[i] > '9') return false;
    *offset = *offset * 10 + static_cast<size_t>(cursor[i] - '0');
  }
  return true;
}

}  // namespace pond::testing::wire
