// Aligned text tables for the CLI's read commands (`--json` prints the API's JSON instead).
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace pond::cli {

class Table {
 public:
  explicit Table(std::vector<std::string> header) : rows_{std::move(header)} {}
  void Add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  // Columns are padded by display width: CJK characters count as two.
  void Print(std::FILE* out = stdout) const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace pond::cli
