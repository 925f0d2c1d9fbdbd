// The WeCom test corp's join ways (加入群聊) and Moments (客户朋友圈): wecom_test_corp.h.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "pond/base/hash.h"
#include "pond/base/utf8.h"
#include "pond/testing/wecom_test_corp.h"
#include "pond/testing/wecom_test_wire.h"

namespace pond::testing {
namespace {

using nlohmann::json;
using namespace wire;  // NOLINT: the wire helpers are this file's vocabulary

constexpr int kJoinByQrLimit = 200;  // WeCom: a chat takes no one by QR code from 200 members
constexpr size_t kChatsPerJoinWay = 5;

int64_t Customers(const CorpGroup& g) {
  return std::count_if(g.members.begin(), g.members.end(),
                       [](const CorpGroupMember& m) { return m.type == 2; });
}

}  // namespace

CorpGroup* WecomTestCorp::GroupOf(std::string_view chat_id) {
  for (CorpGroup& g : groups_) {
    if (g.chat_id == chat_id) return &g;
  }
  return nullptr;
}

CorpMoment* WecomTestCorp::MomentOf(std::string_view moment_id) {
  for (CorpMoment& m : moments_) {
    if (!m.moment_id.empty() && m.moment_id == moment_id) return &m;
  }
  return nullptr;
}

// --- join ways ------------------------------------------------------------------------------

CannedResponse WecomTestCorp::SaveJoinWay(const std::string& body, bool update) {
  const json req = json::parse(body, nullptr, false);
  if (!req.is_object()) return Error(40058);
  CorpJoinWay way;
  CorpJoinWay* existing = nullptr;
  if (update) {
    const std::string id = req.value("config_id", "");
    for (CorpJoinWay& w : join_ways_) {
      if (w.config_id == id) existing = &w;
    }
    if (!existing) return Error(40058);
    way = *existing;
  }
  way.scene = req.value("scene", 0);
  if (way.scene != 1 && way.scene != 2) return Error(40058);
  way.remark = req.value("remark", "");
  way.auto_create_room = req.value("auto_create_room", 1);
  way.room_base_name = req.value("room_base_name", "");
  way.room_base_id = req.value("room_base_id", 1);
  way.state = req.value("state", "");
  if ((way.auto_create_room != 0 && way.auto_create_room != 1) || Utf8Length(way.remark) > 30 ||
      Utf8Length(way.room_base_name) > 40 || Utf8Length(way.state) > 30 ||
      (way.auto_create_room == 1 && way.room_base_name.empty())) {
    return Error(40058);
  }
  const json chats = req.value("chat_id_list", json::array());
  if (!chats.is_array() || chats.empty() || chats.size() > kChatsPerJoinWay) return Error(40058);
  way.chat_id_list.clear();
  for (const json& c : chats) {
    if (!c.is_string() || !GroupOf(c.get<std::string>())) return Error(40050);
    way.chat_id_list.push_back(c.get<std::string>());
  }
  if (existing) {
    *existing = way;
    return Ok(json::object());
  }
  way.config_id = Hex(Mix64(shape_.seed * 31 + join_ways_.size() + 1), 32);
  join_ways_.push_back(way);
  return Ok({{"config_id", way.config_id}});
}

CannedResponse WecomTestCorp::GetJoinWay(const std::string& body) {
  const json req = json::parse(body, nullptr, false);
  const std::string id = req.is_object() ? req.value("config_id", "") : "";
  for (const CorpJoinWay& w : join_ways_) {
    if (w.config_id != id) continue;
    return Ok({{"join_way",
                {{"config_id", w.config_id},
                 {"scene", w.scene},
                 {"remark", w.remark},
                 {"auto_create_room", w.auto_create_room},
                 {"room_base_name", w.room_base_name},
                 {"room_base_id", w.room_base_id},
                 {"chat_id_list", w.chat_id_list},
                 {"qr_code", "https://p.qpic.cn/wwhead/join_" + w.config_id},
                 {"state", w.state}}}});
  }
  return Error(40058);
}

CannedResponse WecomTestCorp::DelJoinWay(const std::string& body) {
  const json req = json::parse(body, nullptr, false);
  const std::string id = req.is_object() ? req.value("config_id", "") : "";
  const size_t before = join_ways_.size();
  std::erase_if(join_ways_, [&](const CorpJoinWay& w) { return w.config_id == id; });
  return before == join_ways_.size() ? Error(40058) : Ok(json::object());
}

std::string WecomTestCorp::CreateChat(const std::string& owner, const std::string& name) {
  std::lock_guard lock(mu_);
  CorpGroup g;
  g.chat_id = "wrTCgQhN" + Padded(static_cast<int64_t>(groups_.size()), 6) + "B" +
              Hex(Mix64(shape_.seed + groups_.size()), 16);
  g.name = name;
  g.owner = owner;
  g.create_time = kFirstAdd + static_cast<int64_t>(day_) * 86'400;
  g.members.push_back({owner, 1, "", g.create_time, 0, ""});
  groups_.push_back(std::move(g));
  return groups_.back().chat_id;
}

std::string WecomTestCorp::JoinByWay(const std::string& config_id,
                                     const std::string& external_userid) {
  std::lock_guard lock(mu_);
  CorpJoinWay* way = nullptr;
  for (CorpJoinWay& w : join_ways_) {
    if (w.config_id == config_id) way = &w;
  }
  auto customer = customer_index_.find(external_userid);
  if (!way || customer == customer_index_.end()) return "";
  std::string chosen;
  for (const std::string& chat : way->chat_id_list) {
    const CorpGroup* g = GroupOf(chat);
    if (g && static_cast<int64_t>(g->members.size()) < kJoinByQrLimit) {
      chosen = chat;
      break;
    }
  }
  if (chosen.empty()) {
    if (way->auto_create_room != 1 || way->chat_id_list.empty()) return "";
    const CorpGroup* first = GroupOf(way->chat_id_list.front());
    CorpGroup g;
    g.chat_id = "wrTCgQhA" + Padded(static_cast<int64_t>(groups_.size()), 6) + "B" +
                Hex(Mix64(shape_.seed * 7 + groups_.size()), 16);
    g.name = way->room_base_name + std::to_string(way->room_base_id++);
    g.owner = first ? first->owner : "";
    g.create_time = kFirstAdd + static_cast<int64_t>(day_) * 86'400;
    g.members.push_back({g.owner, 1, "", g.create_time, 0, ""});
    groups_.push_back(std::move(g));
    chosen = groups_.back().chat_id;
    way->chat_id_list.push_back(chosen);
    if (way->chat_id_list.size() > kChatsPerJoinWay)
      way->chat_id_list.erase(way->chat_id_list.begin());
  }
  CorpGroup* g = GroupOf(chosen);
  const CorpCustomer& c = customers_[customer->second];
  g->members.push_back(
      {c.external_userid, 2, c.unionid, kFirstAdd + static_cast<int64_t>(day_) * 86'400, 3, ""});
  return chosen;
}

std::vector<CorpJoinWay> WecomTestCorp::join_ways() const {
  std::lock_guard lock(mu_);
  return join_ways_;
}

int64_t WecomTestCorp::members_of(const std::string& chat_id) const {
  std::lock_guard lock(mu_);
  for (const CorpGroup& g : groups_) {
    if (g.chat_id == chat_id) return Customers(g);
  }
  return 0;
}

// --- Moments --------------------------------------------------------------------------------

CannedResponse WecomTestCorp::AddMomentTask(const std::string& body) {
  const json req = json::parse(body, nullptr, false);
  if (!req.is_object()) return Error(40058);
  CorpMoment m;
  if (auto text = req.find("text"); text != req.end()) {
    if (!text->is_object()) return Error(40058);
    m.text = text->value("content", "");
  }
  const json attachments = req.value("attachments", json::array());
  if (!attachments.is_array() || attachments.size() > 9) return Error(40058);
  if (m.text.empty() && attachments.empty()) return Error(40058);
  if (Utf8Length(m.text) > 2'000) return Error(40058);
  const json range = req.value("visible_range", json::object());
  const json users =
      range.is_object() && range.contains("sender_list") && range["sender_list"].is_object()
          ? range["sender_list"].value("user_list", json::array())
          : json::array();
  for (const json& u : users) {
    const std::string id = u.is_string() ? u.get<std::string>() : "";
    const bool staff = std::find(staff_.begin(), staff_.end(), id) != staff_.end();
    (staff ? m.senders : m.invalid_senders).push_back(id);
  }
  m.jobid = "jobTCmoment" + std::to_string(moments_.size() + 1);
  moments_.push_back(std::move(m));
  return Ok({{"jobid", moments_.back().jobid}});
}

CannedResponse WecomTestCorp::MomentTaskResult(const std::string& query) {
  const std::string jobid = QueryParam(query, "jobid");
  for (CorpMoment& m : moments_) {
    if (m.jobid != jobid) continue;
    if (m.result_reads++ == 0) return Ok({{"status", 2}, {"type", "add_moment_task"}});
    json result = {{"errcode", 0},
                   {"errmsg", "ok"},
                   {"invalid_sender_list", {{"user_list", m.invalid_senders}}},
                   {"invalid_external_contact_list", {{"tag_list", json::array()}}}};
    if (m.senders.empty()) {
      result["errcode"] = 40003;
      result["errmsg"] = Message(40003);
    } else {
      if (m.moment_id.empty()) m.moment_id = "momTC" + Hex(Fnv1a64(m.jobid), 16);
      result["moment_id"] = m.moment_id;
    }
    return Ok({{"status", 3}, {"type", "add_moment_task"}, {"result", result}});
  }
  return Error(40058);
}

CannedResponse WecomTestCorp::MomentTask(const std::string& body) {
  const json req = json::parse(body, nullptr, false);
  if (!req.is_object()) return Error(40058);
  const int64_t limit = req.value("limit", int64_t{500});
  if (limit < 1 || limit > 1000) return Error(40058);
  const CorpMoment* m = MomentOf(req.value("moment_id", ""));
  if (!m) return Error(40058);
  const uint64_t request = Fnv1a64(m->moment_id);
  size_t offset = 0;
  if (!ReadCursor(req.value("cursor", ""), request, &offset)) return Error(40058);
  json list = json::array();
  size_t at = offset;
  for (; at < m->senders.size() && static_cast<int64_t>(list.size()) < limit; ++at) {
    list.push_back({{"userid", m->senders[at]},
                    {"publish_status", m->posted_by.count(m->senders[at]) ? 1 : 0}});
  }
  return Ok(
      {{"task_list", list}, {"next_cursor", at < m->senders.size() ? Cursor(at, request) : ""}});
}

CannedResponse WecomTestCorp::MomentSendResult(const std::string& body) {
  const json req = json::parse(body, nullptr, false);
  if (!req.is_object()) return Error(40058);
  const int64_t limit = req.value("limit", int64_t{3000});
  if (limit < 1 || limit > 5000) return Error(40058);
  const CorpMoment* m = MomentOf(req.value("moment_id", ""));
  const std::string userid = req.value("userid", "");
  if (!m) return Error(40058);
  if (!m->posted_by.count(userid))
    return Ok({{"customer_list", json::array()}, {"next_cursor", ""}});
  static const std::vector<size_t> kNone;
  auto of = customers_of_.find(userid);
  const std::vector<size_t>& mine = of == customers_of_.end() ? kNone : of->second;
  const uint64_t request = Fnv1a64(m->moment_id + "|" + userid);
  size_t offset = 0;
  if (!ReadCursor(req.value("cursor", ""), request, &offset)) return Error(40058);
  json list = json::array();
  size_t at = offset;
  for (; at < mine.size() && static_cast<int64_t>(list.size()) < limit; ++at) {
    list.push_back({{"userid", userid}, {"external_userid", customers_[mine[at]].external_userid}});
  }
  return Ok(
      {{"customer_list", list}, {"next_cursor", at < mine.size() ? Cursor(at, request) : ""}});
}

CannedResponse WecomTestCorp::MomentComments(const std::string& body) {
  const json req = json::parse(body, nullptr, false);
  if (!req.is_object()) return Error(40058);
  const CorpMoment* m = MomentOf(req.value("moment_id", ""));
  if (!m || !m->posted_by.count(req.value("userid", ""))) return Error(40058);
  auto list = [](const std::vector<std::pair<std::string, int64_t>>& from) {
    json out = json::array();
    for (const auto& [who, at] : from)
      out.push_back({{"external_userid", who}, {"create_time", at}});
    return out;
  };
  return Ok({{"comment_list", list(m->comments)}, {"like_list", list(m->likes)}});
}

std::vector<CorpMoment> WecomTestCorp::moments() const {
  std::lock_guard lock(mu_);
  return moments_;
}

bool WecomTestCorp::PublishMoment(const std::string& moment_id, const std::string& sender) {
  std::lock_guard lock(mu_);
  CorpMoment* m = MomentOf(moment_id);
  if (!m || std::find(m->senders.begin(), m->senders.end(), sender) == m->senders.end()) {
    return false;
  }
  m->posted_by.insert(sender);
  return true;
}

bool WecomTestCorp::LikeMoment(const std::string& moment_id, const std::string& external_userid) {
  std::lock_guard lock(mu_);
  CorpMoment* m = MomentOf(moment_id);
  if (!m || m->posted_by.empty() || !customer_index_.count(external_userid)) return false;
  m->likes.emplace_back(external_userid, kFirstAdd + static_cast<int64_t>(day_) * 86'400);
  return true;
}

bool WecomTestCorp::CommentMoment(const std::string& moment_id,
                                  const std::string& external_userid) {
  std::lock_guard lock(mu_);
  CorpMoment* m = MomentOf(moment_id);
  if (!m || m->posted_by.empty() || !customer_index_.count(external_userid)) return false;
  m->comments.emplace_back(external_userid, kFirstAdd + static_cast<int64_t>(day_) * 86'400 + 60);
  return true;
}

}  // namespace pond::testing
