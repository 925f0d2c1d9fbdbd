#include "pond/testing/wecom_test_corp.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "pond/base/hash.h"
#include "pond/testing/wecom_test_wire.h"

namespace pond::testing {
namespace {

using nlohmann::json;
using namespace wire;  // NOLINT: the wire helpers are this file's vocabulary

constexpr std::array<const char*, 12> kSurnames = {"王", "李", "张", "刘", "陈", "杨",
                                                   "黄", "赵", "吴", "周", "徐", "孙"};
constexpr std::array<const char*, 12> kGiven = {"小雨", "晓彤", "子涵", "可欣", "梓萱", "思远",
                                                "一诺", "雨桐", "欣怡", "浩然", "佳怡", "俊杰"};
constexpr std::array<const char*, 3> kStates = {"xhs_note", "package_card", "live_stream"};

}  // namespace

WecomTestCorp::WecomTestCorp(CorpShape shape) : shape_(std::move(shape)) {
  Generate();
  server_ =
      std::make_unique<HttpTestServer>([this](const RecordedRequest& r) { return Handle(r); });
}

WecomTestCorp::~WecomTestCorp() { server_.reset(); }

void WecomTestCorp::Generate() {
  uint64_t draw = shape_.seed;
  auto next = [&] { return Mix64(++draw); };
  tags_ = {{"etTCtag1", "etTCgrp1", "客户等级", "VIP"},
           {"etTCtag2", "etTCgrp1", "客户等级", "普通"},
           {"etTCtag3", "etTCgrp2", "skin", "oily"},
           {"etTCtag4", "etTCgrp2", "skin", "dry"}};
  next_tag_ = 4;
  for (int s = 0; s < shape_.staff; ++s) staff_.push_back("staff" + Padded(s + 1, 2));
  const int staff = std::max(1, shape_.staff);
  for (int i = 0; i < shape_.customers; ++i) {
    CorpCustomer c;
    const uint64_t r = next();
    c.external_userid = "wmTC" + Padded(i, 8) + "A" + Hex(r, 16);
    if (r % 10 != 0) c.unionid = "oTC" + Hex(Mix64(r), 24);
    c.name = std::string(kSurnames[r % kSurnames.size()]) + kGiven[(r >> 8) % kGiven.size()];
    c.gender = static_cast<int>((r >> 16) % 3);
    CorpFollow f;
    f.userid = staff_.empty() ? "" : staff_[static_cast<size_t>(i % staff)];
    f.createtime = kFirstAdd + static_cast<int64_t>(i) * 600;
    if ((r >> 20) % 10 < 3) f.state = kStates[(r >> 24) % kStates.size()];
    f.add_way = f.state.empty() ? 3 : 1;  // 3: by the staff's card; 1: by a QR code
    if ((r >> 28) % 5 == 0) f.remark = c.name + "（老客）";
    if ((r >> 36) % 4 == 0) f.tag_ids.push_back("etTCtag1");
    if ((r >> 40) % 3 == 0) f.tag_ids.push_back((r >> 44) % 2 ? "etTCtag3" : "etTCtag4");
    c.follows.push_back(f);
    if ((r >> 32) % 10 == 0 && staff > 1) {  // one in ten is a friend of a second staff member
      CorpFollow second = f;
      second.userid = staff_[static_cast<size_t>((i + 7) % staff)];
      if (second.userid == f.userid) second.userid = staff_[static_cast<size_t>((i + 1) % staff)];
      second.createtime = f.createtime + 86'400;
      second.state = "";
      second.add_way = 3;
      c.follows.push_back(second);
    }
    for (const CorpFollow& each : c.follows) {
      customers_of_[each.userid].push_back(static_cast<size_t>(i));
    }
    customer_index_[c.external_userid] = static_cast<size_t>(i);
    customers_.push_back(std::move(c));
  }
  for (int g = 0; g < shape_.groups; ++g) {
    CorpGroup group;
    const uint64_t r = next();
    group.chat_id = "wrTCgQh" + Padded(g, 6) + "B" + Hex(r, 16);
    group.name = "福利群 " + std::to_string(g + 1);
    group.owner = staff_.empty() ? "" : staff_[static_cast<size_t>(g % staff)];
    group.create_time = kFirstAdd + static_cast<int64_t>(g) * 3'600;
    group.status = (r % 40 == 0) ? 1 : 0;
    group.members.push_back({group.owner, 1, "", group.create_time, 0, ""});
    if (!customers_.empty()) {
      const size_t size = std::min<size_t>(20 + (r >> 8) % 180, customers_.size());
      const size_t start = (r >> 16) % customers_.size();
      for (size_t j = 0; j < size; ++j) {
        const CorpCustomer& c = customers_[(start + j) % customers_.size()];
        const int scene = 1 + static_cast<int>((r >> (j % 48)) % 3);
        group.members.push_back({c.external_userid, 2, c.unionid,
                                 group.create_time + static_cast<int64_t>(j + 1) * 60, scene,
                                 scene == 3 ? "" : group.owner});
      }
    }
    groups_.push_back(std::move(group));
  }
}

int64_t WecomTestCorp::follow_pairs() const {
  int64_t n = 0;
  for (const CorpCustomer& c : customers_) n += static_cast<int64_t>(c.follows.size());
  return n;
}

void WecomTestCorp::ExpireTokens() {
  std::lock_guard lock(mu_);
  expired_tokens_.insert(live_tokens_.begin(), live_tokens_.end());
  live_tokens_.clear();
}

void WecomTestCorp::FailNext(std::string api, int errcode, int times) {
  std::lock_guard lock(mu_);
  failures_[std::move(api)] = {errcode, times};
}

void WecomTestCorp::BreakAfter(int calls) {
  std::lock_guard lock(mu_);
  break_after_ = calls;
}

void WecomTestCorp::Mend() {
  std::lock_guard lock(mu_);
  break_after_ = -1;
}

int WecomTestCorp::calls(std::string_view api) const {
  std::lock_guard lock(mu_);
  int n = 0;
  for (const auto& [path, count] : calls_) {
    if (path.ends_with(api)) n += count;
  }
  return n;
}

int WecomTestCorp::tokens_issued() const {
  std::lock_guard lock(mu_);
  return next_token_;
}

CannedResponse WecomTestCorp::Handle(const RecordedRequest& r) {
  const size_t q = r.target.find('?');
  const std::string path = r.target.substr(0, q);
  const std::string query = q == std::string::npos ? "" : r.target.substr(q + 1);
  std::lock_guard lock(mu_);
  if (break_after_ == 0) return {503, "<html>503 Service Unavailable</html>", "text/html"};
  if (break_after_ > 0) --break_after_;
  if (path == "/cgi-bin/gettoken") {
    if (QueryParam(query, "corpid") != shape_.corp_id) return Error(40013);
    if (QueryParam(query, "corpsecret") != shape_.secret) return Error(40001);
    const int n = ++next_token_;
    const std::string token =
        "TC" + std::to_string(n) + "_" + Hex(Mix64(shape_.seed + static_cast<uint64_t>(n)), 16);
    live_tokens_.insert(token);
    ++calls_[path];
    return Ok({{"access_token", token}, {"expires_in", 7200}});
  }
  const std::string token = QueryParam(query, "access_token");
  if (expired_tokens_.count(token)) return Error(42001);
  if (!live_tokens_.count(token)) return Error(40014);
  for (auto& [api, failure] : failures_) {
    if (path.ends_with(api) && failure.second > 0) {
      --failure.second;
      return Error(failure.first);
    }
  }
  ++calls_[path];
  return Api(path, query, r.body);
}

CannedResponse WecomTestCorp::Api(const std::string& path, const std::string& query,
                                  const std::string& body) {
  if (path == "/cgi-bin/externalcontact/get_follow_user_list") return FollowUsers();
  if (path == "/cgi-bin/externalcontact/batch/get_by_user") return BatchGetByUser(body);
  if (path == "/cgi-bin/externalcontact/groupchat/list") return GroupChatList(body);
  if (path == "/cgi-bin/externalcontact/groupchat/get") return GroupChatGet(body);
  if (path == "/cgi-bin/externalcontact/get") return GetContact(query);
  if (path == "/cgi-bin/externalcontact/get_corp_tag_list") return CorpTagList(body);
  if (path == "/cgi-bin/externalcontact/add_corp_tag") return AddCorpTag(body);
  if (path == "/cgi-bin/externalcontact/mark_tag") return MarkTag(body);
  if (path == "/cgi-bin/externalcontact/add_msg_template") return AddMsgTemplate(body);
  if (path == "/cgi-bin/externalcontact/get_groupmsg_send_result") return SendResult(body);
  if (path == "/cgi-bin/externalcontact/customer_acquisition/create_link") return CreateLink(body);
  if (path == "/cgi-bin/externalcontact/transfer_customer" ||
      path == "/cgi-bin/externalcontact/resigned/transfer_customer") {
    return TransferCustomers(body);
  }
  if (path == "/cgi-bin/externalcontact/groupchat/onjob_transfer")
    return TransferGroups(body, false);
  if (path == "/cgi-bin/externalcontact/groupchat/transfer") return TransferGroups(body, true);
  if (path == "/cgi-bin/externalcontact/groupchat/add_join_way") return SaveJoinWay(body, false);
  if (path == "/cgi-bin/externalcontact/groupchat/update_join_way") return SaveJoinWay(body, true);
  if (path == "/cgi-bin/externalcontact/groupchat/get_join_way") return GetJoinWay(body);
  if (path == "/cgi-bin/externalcontact/groupchat/del_join_way") return DelJoinWay(body);
  if (path == "/cgi-bin/externalcontact/add_moment_task") return AddMomentTask(body);
  if (path == "/cgi-bin/externalcontact/get_moment_task_result") return MomentTaskResult(query);
  if (path == "/cgi-bin/externalcontact/get_moment_task") return MomentTask(body);
  if (path == "/cgi-bin/externalcontact/get_moment_send_result") return MomentSendResult(body);
  if (path == "/cgi-bin/externalcontact/get_moment_comments") return MomentComments(body);
  return {404, "not found", "text/plain"};
}

CorpFollow* WecomTestCorp::FollowOf(std::string_view external_userid, std::string_view staff) {
  auto it = customer_index_.find(external_userid);
  if (it == customer_index_.end()) return nullptr;
  for (CorpFollow& f : customers_[it->second].follows) {
    if (f.userid == staff) return &f;
  }
  return nullptr;
}

const CorpTag* WecomTestCorp::TagById(std::string_view id) const {
  for (const CorpTag& t : tags_) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

std::vector<CorpTag> WecomTestCorp::tags() const {
  std::lock_guard lock(mu_);
  return tags_;
}

const CorpTag* WecomTestCorp::FindTag(std::string_view group_name, std::string_view name) const {
  std::lock_guard lock(mu_);
  for (const CorpTag& t : tags_) {
    if (t.group_name == group_name && t.name == name) return &t;
  }
  return nullptr;
}

std::vector<std::string> WecomTestCorp::TagsOn(std::string_view external_userid,
                                               std::string_view staff) const {
  std::lock_guard lock(mu_);
  auto it = customer_index_.find(external_userid);
  if (it == customer_index_.end()) return {};
  for (const CorpFollow& f : customers_[it->second].follows) {
    if (f.userid == staff) return f.tag_ids;
  }
  return {};
}

bool WecomTestCorp::MarkInWecom(std::string_view external_userid, std::string_view staff,
                                const std::string& tag_id, bool add) {
  std::lock_guard lock(mu_);
  CorpFollow* f = FollowOf(external_userid, staff);
  if (!f || !TagById(tag_id)) return false;
  std::erase(f->tag_ids, tag_id);
  if (add) f->tag_ids.push_back(tag_id);
  return true;
}

CannedResponse WecomTestCorp::GetContact(const std::string& query) {
  auto it = customer_index_.find(QueryParam(query, "external_userid"));
  if (it == customer_index_.end()) return Error(84061);
  const CorpCustomer& c = customers_[it->second];
  json contact = {
      {"external_userid", c.external_userid}, {"name", c.name}, {"type", 1}, {"gender", c.gender}};
  if (!c.unionid.empty()) contact["unionid"] = c.unionid;
  json follows = json::array();
  for (const CorpFollow& f : c.follows) {
    json tags = json::array();
    for (const std::string& id : f.tag_ids) {
      if (const CorpTag* t = TagById(id)) {
        tags.push_back(
            {{"group_name", t->group_name}, {"tag_name", t->name}, {"tag_id", t->id}, {"type", 1}});
      }
    }
    json follow = {{"userid", f.userid},  {"remark", f.remark},
                   {"description", ""},   {"createtime", f.createtime},
                   {"tags", tags},        {"remark_mobiles", json::array()},
                   {"add_way", f.add_way}};
    if (!f.state.empty()) follow["state"] = f.state;
    follows.push_back(std::move(follow));
  }
  return Ok({{"external_contact", contact}, {"follow_user", follows}});
}

CannedResponse WecomTestCorp::CorpTagList(const std::string& body) {
  const json req = body.empty() ? json::object() : json::parse(body, nullptr, false);
  if (!req.is_object()) return Error(40035);
  std::set<std::string> want_groups, want_tags;
  for (const json& g : req.value("group_id", json::array())) {
    if (g.is_string()) want_groups.insert(g.get<std::string>());
  }
  for (const json& t : req.value("tag_id", json::array())) {
    if (t.is_string()) want_tags.insert(t.get<std::string>());
  }
  json groups = json::array();
  std::map<std::string, size_t> at;
  for (const CorpTag& t : tags_) {
    if (!want_groups.empty() ? !want_groups.count(t.group_id)
                             : !want_tags.empty() && !want_tags.count(t.id)) {
      continue;
    }
    if (!at.count(t.group_id)) {
      at[t.group_id] = groups.size();
      groups.push_back({{"group_id", t.group_id},
                        {"group_name", t.group_name},
                        {"create_time", kFirstAdd},
                        {"order", static_cast<int64_t>(groups.size())},
                        {"deleted", false},
                        {"tag", json::array()}});
    }
    groups[at[t.group_id]]["tag"].push_back({{"id", t.id},
                                             {"name", t.name},
                                             {"create_time", kFirstAdd},
                                             {"order", 0},
                                             {"deleted", false}});
  }
  return Ok({{"tag_group", groups}});
}

CannedResponse WecomTestCorp::AddCorpTag(const std::string& body) {
  const json req = json::parse(body, nullptr, false);
  if (!req.is_object() || !req.contains("tag") || !req["tag"].is_array() || req["tag"].empty()) {
    return Error(40035);
  }
  std::string group_id = req.value("group_id", ""), group_name = req.value("group_name", "");
  if (!group_id.empty()) {
    group_name.clear();
    for (const CorpTag& t : tags_) {
      if (t.group_id == group_id) group_name = t.group_name;
    }
    if (group_name.empty()) return Error(40068);
  } else {
    if (group_name.empty()) return Error(40035);
    for (const CorpTag& t : tags_) {
      if (t.group_name == group_name) group_id = t.group_id;  // an existing group takes them
    }
    if (group_id.empty()) group_id = "etTCgrp" + std::to_string(++next_tag_);
  }
  json added = json::array();
  for (const json& n : req["tag"]) {
    const std::string name = n.is_object() ? n.value("name", "") : "";
    if (name.empty()) return Error(40035);
    for (const CorpTag& t : tags_) {
      if (t.group_id == group_id && t.name == name) return Error(40071);
    }
    CorpTag tag{"etTCtag" + std::to_string(++next_tag_), group_id, group_name, name};
    tags_.push_back(tag);
    added.push_back({{"id", tag.id}, {"name", name}, {"create_time", kFirstAdd}, {"order", 0}});
  }
  return Ok({{"tag_group",
              {{"group_id", group_id},
               {"group_name", group_name},
               {"create_time", kFirstAdd},
               {"order", 0},
               {"tag", added}}}});
}

CannedResponse WecomTestCorp::MarkTag(const std::string& body) {
  const json req = json::parse(body, nullptr, false);
  if (!req.is_object()) return Error(40035);
  CorpFollow* f = FollowOf(req.value("external_userid", ""), req.value("userid", ""));
  if (!f) return Error(84061);
  std::vector<std::string> add, remove;
  for (const char* key : {"add_tag", "remove_tag"}) {
    for (const json& id : req.value(key, json::array())) {
      if (!id.is_string() || !TagById(id.get<std::string>())) return Error(40068);
      (std::string(key) == "add_tag" ? add : remove).push_back(id.get<std::string>());
    }
  }
  for (const std::string& id : remove) std::erase(f->tag_ids, id);
  for (const std::string& id : add) {
    if (std::find(f->tag_ids.begin(), f->tag_ids.end(), id) == f->tag_ids.end()) {
      f->tag_ids.push_back(id);
    }
  }
  return Ok(json::object());
}

CannedResponse WecomTestCorp::FollowUsers() { return Ok({{"follow_user", staff_}}); }

CannedResponse WecomTestCorp::BatchGetByUser(const std::string& body) {
  const json req = json::parse(body, nullptr, false);
  if (!req.is_object() || !req.contains("userid_list") || !req["userid_list"].is_array()) {
    return Error(40031);
  }
  const json& users = req["userid_list"];
  if (users.empty() || users.size() > 100) return Error(40032);
  std::vector<std::string> ids;
  for (const json& u : users) {
    if (!u.is_string() ||
        std::find(staff_.begin(), staff_.end(), u.get<std::string>()) == staff_.end()) {
      return Error(40031);
    }
    ids.push_back(u.get<std::string>());
  }
  int64_t limit = 50;
  if (req.contains("limit")) {
    if (!req["limit"].is_number_integer() || req["limit"].get<int64_t>() < 1) return Error(40035);
    limit = std::min<int64_t>(req["limit"].get<int64_t>(), 100);
  }
  uint64_t request = kFnv1aOffset;
  for (const std::string& id : ids) request = Fnv1a64(id + ",", request);
  size_t offset = 0;
  const std::string cursor = req.value("cursor", "");
  if (!ReadCursor(cursor, request, &offset)) return Error(40035);

  // The (customer, staff) pairs of the listed staff, staff by staff, each staff's by add time.
  json list = json::array();
  size_t at = 0;
  bool more = false;
  for (const std::string& id : ids) {
    auto it = customers_of_.find(id);
    if (it == customers_of_.end()) continue;
    for (size_t index : it->second) {
      if (at++ < offset) continue;
      if (static_cast<int64_t>(list.size()) == limit) {
        more = true;
        break;
      }
      const CorpCustomer& c = customers_[index];
      const CorpFollow* follow = nullptr;
      for (const CorpFollow& f : c.follows) {
        if (f.userid == id) follow = &f;
      }
      json contact = {
          {"external_userid", c.external_userid},
          {"name", c.name},
          {"avatar", "http://wx.qlogo.cn/mmhead/" + c.external_userid.substr(4, 8) + "/0"},
          {"type", 1},
          {"gender", c.gender}};
      if (!c.unionid.empty()) contact["unionid"] = c.unionid;
      json info = {{"userid", follow->userid},
                   {"remark", follow->remark},
                   {"description", ""},
                   {"createtime", follow->createtime},
                   {"tag_id", follow->tag_ids},
                   {"remark_mobiles", json::array()},
                   {"add_way", follow->add_way},
                   {"oper_userid", follow->add_way == 3 ? follow->userid : c.external_userid}};
      if (!follow->state.empty()) info["state"] = follow->state;
      list.push_back({{"external_contact", contact}, {"follow_info", info}});
    }
    if (more) break;
  }
  return Ok({{"external_contact_list", list},
             {"next_cursor", more ? Cursor(offset + list.size(), request) : ""}});
}

CannedResponse WecomTestCorp::GroupChatList(const std::string& body) {
  const json req = json::parse(body, nullptr, false);
  if (!req.is_object()) return Error(40035);
  const int64_t limit = req.value("limit", int64_t{0});
  if (limit < 1 || limit > 1000) return Error(40035);
  const int64_t status_filter = req.value("status_filter", int64_t{0});
  std::set<std::string> owners;
  if (req.contains("owner_filter") && req["owner_filter"].is_object()) {
    for (const json& u : req["owner_filter"].value("userid_list", json::array())) {
      if (u.is_string()) owners.insert(u.get<std::string>());
    }
  }
  const uint64_t request =
      Fnv1a64(std::to_string(status_filter) + ":" + std::to_string(owners.size()));
  size_t offset = 0;
  if (!ReadCursor(req.value("cursor", ""), request, &offset)) return Error(40035);
  json list = json::array();
  size_t at = 0;
  bool more = false;
  for (const CorpGroup& g : groups_) {
    if (status_filter != 0 && g.status != status_filter) continue;
    if (!owners.empty() && !owners.count(g.owner)) continue;
    if (at++ < offset) continue;
    if (static_cast<int64_t>(list.size()) == limit) {
      more = true;
      break;
    }
    list.push_back({{"chat_id", g.chat_id}, {"status", g.status}});
  }
  return Ok({{"group_chat_list", list},
             {"next_cursor", more ? Cursor(offset + list.size(), request) : ""}});
}

CannedResponse WecomTestCorp::GroupChatGet(const std::string& body) {
  const json req = json::parse(body, nullptr, false);
  if (!req.is_object() || !req.contains("chat_id") || !req["chat_id"].is_string()) {
    return Error(40050);
  }
  const std::string chat_id = req["chat_id"].get<std::string>();
  const bool need_name = req.value("need_name", 0) == 1;
  for (const CorpGroup& g : groups_) {
    if (g.chat_id != chat_id) continue;
    json members = json::array();
    for (const CorpGroupMember& m : g.members) {
      json member = {{"userid", m.userid},
                     {"type", m.type},
                     {"join_time", m.join_time},
                     {"join_scene", m.join_scene},
                     {"group_nickname", ""}};
      if (!m.invitor.empty()) member["invitor"] = {{"userid", m.invitor}};
      if (!m.unionid.empty()) member["unionid"] = m.unionid;
      if (need_name) member["name"] = m.type == 1 ? m.userid : "群成员";
      members.push_back(std::move(member));
    }
    return Ok({{"group_chat",
                {{"chat_id", g.chat_id},
                 {"name", g.name},
                 {"owner", g.owner},
                 {"create_time", g.create_time},
                 {"notice", ""},
                 {"member_list", members},
                 {"admin_list", json::array()},
                 {"member_version", Hex(Fnv1a64(g.chat_id), 16)}}}});
  }
  return Error(40050);
}

CannedResponse WecomTestCorp::AddMsgTemplate(const std::string& body) {
  const json req = json::parse(body, nullptr, false);
  if (!req.is_object()) return Error(40035);
  const std::string chat_type = req.value("chat_type", "single");
  const std::string sender = req.value("sender", "");
  Task task;
  task.msgid = "msgTC" + std::to_string(tasks_.size() + 1);
  task.sender = sender;
  if (chat_type == "group") {
    // To the sender's customer groups: those listed (at most 2,000), else all they own.
    if (std::find(staff_.begin(), staff_.end(), sender) == staff_.end()) return Error(40003);
    const json ids = req.value("chat_id_list", json::array());
    if (!ids.is_array() || ids.size() > 2'000) return Error(40035);
    task.group = true;
    for (const CorpGroup& g : groups_) {
      const bool listed = std::find(ids.begin(), ids.end(), g.chat_id) != ids.end();
      if (ids.empty() ? g.owner == sender : listed) {
        task.status.push_back({g.chat_id, g.owner == sender ? 0 : 2});
      }
    }
    tasks_.push_back(std::move(task));
    return Ok({{"fail_list", json::array()}, {"msgid", tasks_.back().msgid}});
  }
  if (chat_type != "single" || !req.contains("external_userid") ||
      !req["external_userid"].is_array() || req["external_userid"].empty() ||
      req["external_userid"].size() > 10'000) {
    return Error(40035);
  }
  if (std::find(staff_.begin(), staff_.end(), sender) == staff_.end()) return Error(40003);
  json fail = json::array();
  for (const json& c : req["external_userid"]) {
    const std::string external = c.is_string() ? c.get<std::string>() : "";
    if (!FollowOf(external, sender)) {
      fail.push_back(external);
      task.status.push_back({external, 2});
    } else {
      task.status.push_back({external, 0});
    }
  }
  tasks_.push_back(std::move(task));
  return Ok({{"fail_list", fail}, {"msgid", tasks_.back().msgid}});
}

CannedResponse WecomTestCorp::SendResult(const std::string& body) {
  const json req = json::parse(body, nullptr, false);
  if (!req.is_object()) return Error(40035);
  const int64_t limit = req.value("limit", int64_t{500});
  if (limit < 1 || limit > 1000) return Error(40035);
  const std::string msgid = req.value("msgid", ""), userid = req.value("userid", "");
  for (const Task& t : tasks_) {
    if (t.msgid != msgid) continue;
    if (t.sender != userid) return Error(40003);
    const uint64_t request = Fnv1a64(msgid + "|" + userid);
    size_t offset = 0;
    if (!ReadCursor(req.value("cursor", ""), request, &offset)) return Error(40035);
    json list = json::array();
    size_t at = offset;
    for (; at < t.status.size() && static_cast<int64_t>(list.size()) < limit; ++at) {
      const auto& [target, status] = t.status[at];
      json item = {{t.group ? "chat_id" : "external_userid", target},
                   {"userid", userid},
                   {"status", status}};
      if (status == 1) item["send_time"] = t.send_time;
      list.push_back(std::move(item));
    }
    return Ok(
        {{"send_list", list}, {"next_cursor", at < t.status.size() ? Cursor(at, request) : ""}});
  }
  return Error(40035);
}

void WecomTestCorp::ConfirmTasks(std::string_view sender) {
  std::lock_guard lock(mu_);
  for (Task& t : tasks_) {
    if (t.sender != sender || t.confirmed) continue;
    t.confirmed = true;
    t.send_time = kFirstAdd + static_cast<int64_t>(day_) * 86'400;
    for (auto& [target, status] : t.status) {
      if (status != 0) continue;
      // One group message a day from the corp, to a customer and to a group.
      int& last = (t.group ? last_chat_received_ : last_received_)[target];
      status = last == day_ ? 3 : 1;
      if (status == 1) last = day_;
    }
  }
}

void WecomTestCorp::NextDay() {
  std::lock_guard lock(mu_);
  ++day_;
}

int WecomTestCorp::tasks() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(tasks_.size());
}

CannedResponse WecomTestCorp::CreateLink(const std::string& body) {
  const json req = json::parse(body, nullptr, false);
  if (!req.is_object() || req.value("link_name", "").empty() || !req.contains("range") ||
      !req["range"].is_object()) {
    return Error(40035);
  }
  const json users = req["range"].value("user_list", json::array());
  if (users.empty()) return Error(40035);
  for (const json& u : users) {
    if (!u.is_string() ||
        std::find(staff_.begin(), staff_.end(), u.get<std::string>()) == staff_.end()) {
      return Error(40003);
    }
  }
  const std::string id = "cawcdeTC" + std::to_string(++links_);
  return Ok({{"link",
              {{"link_id", id},
               {"link_name", req["link_name"]},
               {"url", "https://work.weixin.qq.com/ca/" + id},
               {"create_time", kFirstAdd}}}});
}

CannedResponse WecomTestCorp::TransferCustomers(const std::string& body) {
  const json req = json::parse(body, nullptr, false);
  if (!req.is_object() || !req.contains("external_userid") || !req["external_userid"].is_array() ||
      req["external_userid"].empty() || req["external_userid"].size() > 100) {
    return Error(40035);
  }
  const std::string from = req.value("handover_userid", ""), to = req.value("takeover_userid", "");
  if (std::find(staff_.begin(), staff_.end(), to) == staff_.end()) return Error(40003);
  json out = json::array();
  for (const json& c : req["external_userid"]) {
    const std::string external = c.is_string() ? c.get<std::string>() : "";
    const bool theirs = FollowOf(external, from) != nullptr;
    out.push_back({{"external_userid", external}, {"errcode", theirs ? 0 : 40096}});
    if (theirs) ++transfers_[to];
  }
  return Ok({{"customer", out}});
}

CannedResponse WecomTestCorp::TransferGroups(const std::string& body, bool resigned_only) {
  const json req = json::parse(body, nullptr, false);
  if (!req.is_object() || !req.contains("chat_id_list") || !req["chat_id_list"].is_array() ||
      req["chat_id_list"].empty() || req["chat_id_list"].size() > 100) {
    return Error(40035);
  }
  const std::string owner = req.value("new_owner", "");
  if (std::find(staff_.begin(), staff_.end(), owner) == staff_.end()) return Error(40003);
  json failed = json::array();
  for (const json& id : req["chat_id_list"]) {
    const std::string chat = id.is_string() ? id.get<std::string>() : "";
    CorpGroup* group = nullptr;
    for (CorpGroup& g : groups_) {
      if (g.chat_id == chat) group = &g;
    }
    const int errcode = !group ? 40050 : resigned_only && group->status != 1 ? 90500 : 0;
    if (errcode != 0) {
      failed.push_back({{"chat_id", chat}, {"errcode", errcode}, {"errmsg", Message(errcode)}});
    } else {
      group->owner = owner;
      group->status = 0;
    }
  }
  return Ok({{"failed_chat_list", failed}});
}

std::map<std::string, int> WecomTestCorp::transfers() const {
  std::lock_guard lock(mu_);
  return transfers_;
}

}  // namespace pond::testing
