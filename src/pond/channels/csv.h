// A CSV reader (RFC 4180: quoted fields, "" escapes, newlines inside quotes, CRLF), streaming
// from a file with a byte count for progress bars.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "pond/base/status.h"

namespace pond {

class CsvReader {
 public:
  static Result<CsvReader> Open(const std::string& path);
  CsvReader(CsvReader&& other) noexcept;
  CsvReader& operator=(CsvReader&&) = delete;
  ~CsvReader();

  // Reads the next record into `fields` and its raw text (for reject files) into `raw`.
  // Returns false at the end of the file. A quote left open at the end is an error.
  Result<bool> Next(std::vector<std::string>* fields, std::string* raw);

  int64_t bytes_read() const { return bytes_read_; }
  int64_t file_bytes() const { return file_bytes_; }
  int64_t line() const { return line_; }  // 1-based line where the last record started

 private:
  explicit CsvReader(std::FILE* f, int64_t size) : file_(f), file_bytes_(size) {}
  std::FILE* file_ = nullptr;
  int64_t file_bytes_ = 0;
  int64_t bytes_read_ = 0;
  int64_t line_ = 0;
  int64_t next_line_ = 1;
};

// Splits "a=b,c=d" into pairs; used by --map.
Result<std::vector<std::pair<std::string, std::string>>> ParseColumnMap(const std::string& spec);

// Quotes a field for writing when it needs it.
std::string CsvQuote(const std::string& field);

}  // namespace pond
