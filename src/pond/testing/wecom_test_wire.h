// The WeCom test corp's wire vocabulary (wecom_test_corp.h): WeCom's answer envelope, its
// errmsg per errcode, and the cursors its paged APIs hand out. Test-only.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "pond/testing/http_test_server.h"

namespace pond::testing::wire {

inline constexpr int64_t kFirstAdd = 1'735'660'800;  // 2025-01-01 00:00 +08:00, in seconds

std::string Hex(uint64_t v, int digits);
std::string Padded(int64_t n, int width);
std::string Message(int errcode);
// {"errcode", "errmsg": WeCom's message with its hint and help link}, HTTP 200 as WeCom does.
CannedResponse Error(int errcode);
CannedResponse Ok(nlohmann::json j);  // j with errcode 0 and errmsg "ok"
std::string QueryParam(const std::string& query, const std::string& name);

// Cursors name where the next page starts and the request they belong to.
std::string Cursor(size_t offset, uint64_t request);
bool ReadCursor(const std::string& cursor, uint64_t request, size_t* offset);

}  // namespace pond::testing::wire
