// Query strings and percent-decoding (every request's path and parameters): no crash, and
// decoding never makes text longer.
#include "fuzz_target.h"
#include "pond/base/query_string.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using pond::fuzz::Require;
  const std::string_view input = pond::fuzz::View(data, size);
  for (const auto& [key, value] : pond::ParseQueryString(input)) {
    Require(key.size() + value.size() <= size, "parameters come from the input");
  }
  Require(pond::PercentDecode(input, true).size() <= size, "decoding never grows the text");
  Require(pond::PercentDecode(input, false).size() <= size, "decoding never grows the text");
  return 0;
}
