#include "pond/channels/wecom/wecom_xml.h"

#include <expat.h>

#include <memory>

namespace pond::wecom {
namespace {

constexpr size_t kMaxBytes = 64 * 1024;
constexpr int kMaxDepth = 3;

struct Reader {
  XML_Parser parser = nullptr;
  XmlFields out;
  std::vector<std::string> path;  // element names from the root down
  std::string text;
  std::string error;

  void Fail(std::string why) {
    if (error.empty()) error = std::move(why);
    XML_StopParser(parser, XML_FALSE);
  }
};

void OnStart(void* data, const XML_Char* name, const XML_Char**) {
  auto* r = static_cast<Reader*>(data);
  if (r->path.empty() && std::string_view(name) != "xml") {
    return r->Fail("the root element is <" + std::string(name) + ">, not <xml>");
  }
  if (static_cast<int>(r->path.size()) >= kMaxDepth) return r->Fail("nested deeper than 3");
  r->path.emplace_back(name);
  r->text.clear();
}

void OnEnd(void* data, const XML_Char*) {
  auto* r = static_cast<Reader*>(data);
  // After a refusal expat may still report the end of the element it refused (`<xl/>`), whose
  // start was never pushed: popping then was undefined behaviour (found by fuzz_wecom_xml).
  if (!r->error.empty() || r->path.empty()) return;
  if (r->path.size() == 2) {
    r->out.text[r->path[1]] = r->text;
  } else if (r->path.size() == 3) {
    r->out.lists[r->path[1]].push_back(r->text);
  }
  r->path.pop_back();
  r->text.clear();
}

void OnText(void* data, const XML_Char* s, int len) {
  auto* r = static_cast<Reader*>(data);
  if (r->path.size() >= 2) r->text.append(s, static_cast<size_t>(len));
}

void OnDoctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
  static_cast<Reader*>(data)->Fail("a DOCTYPE is not allowed");
}

void OnEntity(void* data, const XML_Char*, int, const XML_Char*, int, const XML_Char*,
              const XML_Char*, const XML_Char*, const XML_Char*) {
  static_cast<Reader*>(data)->Fail("entity declarations are not allowed");
}

}  // namespace

Result<XmlFields> ParseXml(std::string_view xml) {
  if (xml.size() > kMaxBytes) return FieldError("xml", "larger than 64 KiB");
  std::unique_ptr<std::remove_pointer_t<XML_Parser>, decltype(&XML_ParserFree)> parser(
      XML_ParserCreate("UTF-8"), XML_ParserFree);
  if (!parser) return Status::Internal("no XML parser");
  Reader r;
  r.parser = parser.get();
  XML_SetUserData(parser.get(), &r);
  XML_SetElementHandler(parser.get(), OnStart, OnEnd);
  XML_SetCharacterDataHandler(parser.get(), OnText);
  XML_SetStartDoctypeDeclHandler(parser.get(), OnDoctype);
  XML_SetEntityDeclHandler(parser.get(), OnEntity);
  const XML_Status s = XML_Parse(parser.get(), xml.data(), static_cast<int>(xml.size()), XML_TRUE);
  if (!r.error.empty()) return FieldError("xml", r.error);
  if (s != XML_STATUS_OK) {
    return FieldError("xml", std::string(XML_ErrorString(XML_GetErrorCode(parser.get()))) +
                                 " at line " +
                                 std::to_string(XML_GetCurrentLineNumber(parser.get())));
  }
  return r.out;
}

}  // namespace pond::wecom
