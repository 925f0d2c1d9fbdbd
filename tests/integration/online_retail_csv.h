// The UCI Online Retail export in ../shared/data, read independently of pond's importer: the
// integration tests derive their expected figures from it with this splitter alone.
#pragma once

#include <string>
#include <vector>

namespace pond::testing {

inline const std::string kOnlineRetailFile =
    std::string(POND_SHARED_DATA) + "/online-retail/online_retail.csv";

// One CSV line into fields; quotes group commas and are dropped (the file has no escaped quotes).
inline std::vector<std::string> SplitRetailLine(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

}  // namespace pond::testing
