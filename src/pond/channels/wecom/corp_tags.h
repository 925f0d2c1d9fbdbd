// Corporate tags both ways (issue 27; docs/wecom.md, "Tags"). WeCom's 企业客户标签 live in tag
// groups; pond's tags are "group:name" or "name" (engine.h, ValidateTag). They map one to one:
//   pond "skin:oily"  <->  WeCom group "skin", tag "oily"
//   pond "vip"        <->  WeCom group "pond", tag "vip"     (WeCom has no tag outside a group)
// pond's exclusive tag groups are WeCom tag groups of the same name; the exclusivity is pond's
// (adding skin:oily removes skin:dry as a tag_removed event, which reaches WeCom like any other).
//
// CorpTagBook keeps a workspace's view of the corp's tag library (get_corp_tag_list), finds a
// tag by id or by pond's name, and creates one that WeCom lacks (add_corp_tag, into the group of
// that name when there is one).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "pond/base/status.h"
#include "pond/channels/outbound/wecom_api.h"

namespace pond::wecom {

// The WeCom group for pond's tags that name none.
inline constexpr char kUngroupedTagGroup[] = "pond";

// pond's tag for WeCom's (group, name), or nullopt when it cannot be one (a ':' in the tag's
// name, control characters, longer than 64 characters). A ':' in the group's name becomes '：'.
std::optional<std::string> PondTagFor(std::string_view group, std::string_view name);
// WeCom's (group, name) for pond's tag.
std::pair<std::string, std::string> WecomGroupAndName(std::string_view pond_tag);

struct CorpTag {
  std::string id;
  std::string group_id;
  std::string pond_tag;
};

class CorpTagBook {
 public:
  // Reads the whole library again (get_corp_tag_list); deleted tags are left out.
  Status Load(outbound::WecomApi& api);
  bool loaded() const { return loaded_; }
  void Invalidate() { loaded_ = false; }

  const CorpTag* ById(std::string_view id) const;
  const CorpTag* ByPondTag(std::string_view pond_tag) const;
  // The tag's id, created at WeCom (add_corp_tag) when the library lacks it.
  Result<std::string> Ensure(outbound::WecomApi& api, const std::string& pond_tag);

 private:
  void Add(const std::string& id, const std::string& group_id, const std::string& group,
           const std::string& name);

  bool loaded_ = false;
  std::map<std::string, CorpTag, std::less<>> by_id_;
  std::map<std::string, std::string, std::less<>> id_by_tag_;      // pond tag -> id
  std::map<std::string, std::string, std::less<>> group_by_name_;  // WeCom group name -> id
};

}  // namespace pond::wecom
