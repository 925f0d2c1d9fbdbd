// The CSV reader (RFC 4180) over arbitrary bytes: no crash, it always ends, and each record's raw
// text is part of the input.
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "fuzz_target.h"
#include "pond/channels/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using pond::fuzz::Require;
  // The reader streams from a file, as imports do.
  static const std::string path = "/tmp/pond-fuzz-csv-" + std::to_string(getpid());
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  auto reader = pond::CsvReader::Open(path);
  if (!reader.ok()) return 0;
  std::vector<std::string> fields;
  std::string raw;
  size_t records = 0, raw_bytes = 0;
  while (true) {
    auto more = reader->Next(&fields, &raw);
    if (!more.ok() || !*more) break;
    raw_bytes += raw.size();
    Require(++records <= size + 1, "the reader ends");
  }
  Require(raw_bytes <= size, "records are made of the input's bytes");
  return 0;
}
