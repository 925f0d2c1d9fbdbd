// The segment rule language, text and JSON: no crash on any input, and what parses prints back
// canonically — ParseRule(ToText(r)) parses and prints the same text again (rule.h's promise).
#include <string>

#include "fuzz_target.h"
#include "pond/segment/rule.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using pond::fuzz::Require;
  const std::string_view input = pond::fuzz::View(data, size);
  if (auto rule = pond::ParseRule(input); rule.ok()) {
    const std::string text = pond::ToText(**rule);
    auto again = pond::ParseRule(text);
    Require(again.ok(), "a rule's canonical text parses");
    Require(pond::ToText(**again) == text, "the canonical text is a fixed point");
    auto from_json = pond::ParseRuleJson(pond::ToJson(**rule));
    Require(from_json.ok(), "a rule's canonical JSON parses");
    Require(pond::ToText(**from_json) == text, "JSON and text give the same rule");
  }
  (void)pond::ParseRuleJson(input);  // any outcome but a crash is fine
  (void)pond::ParseDuration(input);
  return 0;
}
