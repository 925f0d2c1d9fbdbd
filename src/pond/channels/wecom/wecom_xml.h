// The XML WeCom sends (callbacks, and the messages inside their <Encrypt>): one <xml> root of
// simple elements, text or CDATA, and lists of <Item> inside a few (MemChangeList). Read with
// expat; no DOCTYPE (no entities to expand), at most 64 KiB, 3 levels deep.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "pond/base/status.h"

namespace pond::wecom {

struct XmlFields {
  std::map<std::string, std::string> text;                // <Name>value</Name> under the root
  std::map<std::string, std::vector<std::string>> lists;  // <List><Item>a</Item>…</List>
  std::string Get(const std::string& name) const {
    auto it = text.find(name);
    return it == text.end() ? "" : it->second;
  }
};

// Errors name "xml" and say what was wrong.
Result<XmlFields> ParseXml(std::string_view xml);

}  // namespace pond::wecom
