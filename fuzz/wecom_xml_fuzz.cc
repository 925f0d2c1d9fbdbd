// WeCom's callback XML (the decrypted message and the outer envelope) on arbitrary bytes: no
// crash, and every value it returns is made of the input's bytes.
#include "fuzz_target.h"
#include "pond/channels/wecom/wecom_xml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto fields = pond::wecom::ParseXml(pond::fuzz::View(data, size));
  if (!fields.ok()) return 0;
  for (const auto& [name, value] : fields->text) {
    pond::fuzz::Require(name.size() + value.size() <= size, "fields come from the input");
  }
  return 0;
}
