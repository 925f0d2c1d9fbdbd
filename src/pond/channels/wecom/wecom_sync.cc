#include "pond/channels/wecom/wecom_sync.h"

#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "pond/base/hash.h"
#include "pond/base/json_fields.h"
#include "pond/base/json_text.h"
#include "pond/channels/wecom/corp_tags.h"
#include "pond/model/event_names.h"

namespace pond::wecom {
namespace {

using nlohmann::json;

constexpr char kProgressId[] = "progress";
constexpr size_t kStaffPerCall = 100;   // batch/get_by_user: userid_list holds at most 100
constexpr int kCustomersPerPage = 100;  // batch/get_by_user: limit at most 100
constexpr int kGroupsPerPage = 1000;    // groupchat/list: limit 1–1000

void AddIdentity(Event* e, IdentityKind kind, const std::string& raw) {
  if (raw.empty()) return;
  if (auto v = NormalizeIdentity(kind, raw)) e->identities.push_back({kind, *v});
}

Status SaveProgress(Engine& engine, const std::string& ws, SyncProgress& p) {
  p.updated_at = engine.clock().NowMicros();
  return engine.PutObject(ws, {kSyncProgressKind, kProgressId, SyncProgressJson(p).dump(), 0});
}

SyncProgress ParseProgress(const std::string& body) {
  SyncProgress p;
  const json j = json::parse(body, nullptr, false);
  if (!j.is_object()) return p;
  p.phase = j.value("phase", "");
  for (const json& s : j.value("staff_list", json::array())) {
    if (s.is_string()) p.staff_list.push_back(s.get<std::string>());
  }
  p.contacts = j.value("contacts", int64_t{0});
  p.groups = j.value("groups", int64_t{0});
  p.group_members = j.value("group_members", int64_t{0});
  p.tags = j.value("tags", int64_t{0});
  p.events_stored = j.value("events_stored", int64_t{0});
  p.calls = j.value("calls", int64_t{0});
  p.retries = j.value("retries", int64_t{0});
  p.staff_batch = j.value("staff_batch", int64_t{0});
  p.cursor = j.value("cursor", "");
  p.group_cursor = j.value("group_cursor", "");
  p.group_in_page = j.value("group_in_page", int64_t{0});
  p.started_at = j.value("started_at_us", int64_t{0});
  p.updated_at = j.value("updated_at_us", int64_t{0});
  p.finished_at = j.value("finished_at_us", int64_t{0});
  p.error = j.value("error", "");
  return p;
}

// One run: the API with retries, the events it submits, the progress it saves.
class SyncRun {
 public:
  SyncRun(Engine& engine, outbound::WecomApi& api, const std::string& ws, const std::string& corp,
          const SyncOptions& options, SyncProgress progress)
      : engine_(engine), api_(api), ws_(ws), corp_(corp), o_(options), p_(std::move(progress)) {}

  Result<SyncProgress> Run() {
    Status s = RunPhases();
    if (s.ok()) return p_;
    p_.error = s.ToString();
    (void)SaveProgress(engine_, ws_, p_);  // the error is the answer; saving is best effort
    return s;
  }

 private:
  Status RunPhases() {
    if (p_.phase.empty() || p_.phase == "done" || p_.phase == "staff") {
      const Micros now = engine_.clock().NowMicros();
      p_ = SyncProgress{};
      p_.phase = "staff";
      p_.started_at = now;
      ASSIGN_OR_RETURN(json staff, Call([&] {
                         return api_.Get("/cgi-bin/externalcontact/get_follow_user_list");
                       }));
      for (const json& s : staff.value("follow_user", json::array())) {
        if (s.is_string()) p_.staff_list.push_back(s.get<std::string>());
      }
      RETURN_IF_ERROR(SaveStaff(now));
      p_.phase = "customers";
      if (!Page()) return save_error_;
    }
    p_.error.clear();
    if (p_.phase == "customers") {
      RETURN_IF_ERROR(Customers());
      if (stopped_) return Status::Ok();
      p_.phase = "groups";
      if (!Page()) return save_error_;
    }
    if (p_.phase == "groups") {
      RETURN_IF_ERROR(Groups());
      if (stopped_) return Status::Ok();
    }
    p_.phase = "done";
    p_.finished_at = engine_.clock().NowMicros();
    return SaveProgress(engine_, ws_, p_);
  }

  // Saves the progress and asks on_progress whether to go on. False: stop here, with
  // save_error_ saying why when saving failed (Ok when on_progress asked to stop).
  bool Page() {
    Status s = SaveProgress(engine_, ws_, p_);
    if (!s.ok()) {
      save_error_ = s;
      stopped_ = true;
      return false;
    }
    if (o_.on_progress && !o_.on_progress(p_)) {
      stopped_ = true;
      return false;
    }
    return true;
  }

  template <typename Fn>
  Result<json> Call(const Fn& fn) {
    std::chrono::milliseconds wait(1000);
    for (int attempt = 1;; ++attempt) {
      ++p_.calls;
      Result<json> r = fn();
      if (r.ok() || r.status().code() != StatusCode::kUnavailable || attempt >= o_.max_tries) {
        return r;
      }
      ++p_.retries;
      if (o_.sleep) {
        o_.sleep(wait);
      } else {
        std::this_thread::sleep_for(wait);
      }
      wait = std::min(wait * 2, std::chrono::milliseconds(60'000));
    }
  }

  Status Submit(std::vector<Event> events) {
    if (events.empty()) return Status::Ok();
    ASSIGN_OR_RETURN(SubmitResult r, engine_.Submit(ws_, std::move(events)));
    p_.events_stored += r.accepted;
    return Status::Ok();
  }

  Status Customers() {
    // The corp's tag library, to name the tags each friendship carries.
    RETURN_IF_ERROR(Call([&]() -> Result<json> {
                      RETURN_IF_ERROR(tags_.Load(api_));
                      return json::object();
                    }).status());
    const auto batches =
        static_cast<int64_t>((p_.staff_list.size() + kStaffPerCall - 1) / kStaffPerCall);
    while (p_.staff_batch < batches) {
      const auto first = static_cast<size_t>(p_.staff_batch) * kStaffPerCall;
      const std::vector<std::string> users(
          p_.staff_list.begin() + static_cast<long>(first),
          p_.staff_list.begin() +
              static_cast<long>(std::min(first + kStaffPerCall, p_.staff_list.size())));
      const json request = {
          {"userid_list", users}, {"cursor", p_.cursor}, {"limit", kCustomersPerPage}};
      ASSIGN_OR_RETURN(json page, Call([&] {
                         return api_.Post("/cgi-bin/externalcontact/batch/get_by_user", request);
                       }));
      std::vector<Event> events;
      for (const json& item : page.value("external_contact_list", json::array())) {
        if (!item.is_object()) continue;
        ContactEvents(item.value("external_contact", json::object()),
                      item.value("follow_info", json::object()), &events);
        ++p_.contacts;
      }
      RETURN_IF_ERROR(Submit(std::move(events)));
      p_.cursor = JsonString(page, "next_cursor");
      if (p_.cursor.empty()) ++p_.staff_batch;
      if (!Page()) return save_error_;
    }
    return Status::Ok();
  }

  void ContactEvents(const json& contact, const json& follow, std::vector<Event>* out) {
    const std::string external = JsonString(contact, "external_userid");
    const std::string staff = JsonString(follow, "userid");
    if (external.empty() || staff.empty()) return;
    const Micros added = WecomTime(follow.value("createtime", json()));

    Event id;
    id.type = EventType::kIdentify;
    AddIdentity(&id, IdentityKind::kExternalUserId, external);
    AddIdentity(&id, IdentityKind::kUnionId, JsonString(contact, "unionid"));
    json traits = json::object();
    if (!JsonString(contact, "name").empty()) traits["name"] = JsonString(contact, "name");
    const int gender = contact.value("gender", 0);
    if (gender == 1 || gender == 2) traits["gender"] = gender == 1 ? "male" : "female";
    if (!JsonString(contact, "corp_name").empty())
      traits["corp_name"] = JsonString(contact, "corp_name");
    id.traits = DumpJson(traits);
    // Named by what it says: the same profile read again is the same event; a changed one is
    // a new identify.
    id.message_id = "wecom-sync:" + corp_ + ":contact:" + external + ":" +
                    Hex64(Fnv1a64(id.traits + "|" + JsonString(contact, "unionid")));
    id.timestamp = added;
    out->push_back(std::move(id));

    Event friended;
    friended.type = EventType::kTrack;
    friended.name = kFriendAdded;
    AddIdentity(&friended, IdentityKind::kExternalUserId, external);
    json p = {{"staff_id", staff},
              {"state", JsonString(follow, "state")},
              {"add_way", follow.value("add_way", 0)},
              {"source", "wecom"},
              {"via", "sync"}};
    if (!JsonString(follow, "remark").empty()) p["remark"] = JsonString(follow, "remark");
    friended.properties = DumpJson(p);
    friended.timestamp = added;
    // The messageId the add_external_contact callback gives the same friendship
    // (wecom_events.cc), so that one friendship is one friend_added however it arrived.
    friended.message_id = "wecom:" + corp_ +
                          ":change_external_contact:add_external_contact:" + staff + ":" +
                          external + ":" + std::to_string(added / kMicrosPerSecond);
    out->push_back(std::move(friended));

    // The corp tags staff put on the customer: one tag_added per customer and tag, however many
    // staff members put it there. A tag pond cannot name stays in WeCom alone.
    for (const json& id : follow.value("tag_id", json::array())) {
      const CorpTag* tag = id.is_string() ? tags_.ById(id.get<std::string>()) : nullptr;
      if (!tag) continue;
      Event t;
      t.type = EventType::kTrack;
      t.name = kTagAdded;
      AddIdentity(&t, IdentityKind::kExternalUserId, external);
      t.properties = DumpJson({{"tag", tag->pond_tag}, {"by", "wecom"}});
      t.timestamp = added;
      t.message_id = "wecom-sync:" + corp_ + ":tag:" + external + ":" + tag->id;
      out->push_back(std::move(t));
      ++p_.tags;
    }
  }

  // Each staff member with customer contact as a staff account, id = WeCom userid (the
  // staff_id callbacks and sync put on friendships); one pond has already keeps its name,
  // persona and limits.
  Status SaveStaff(Micros now) {
    ASSIGN_OR_RETURN(std::vector<StaffAccount> known, engine_.ListStaffAccounts(ws_));
    std::set<std::string> have;
    for (const StaffAccount& a : known) have.insert(a.id);
    for (const std::string& userid : p_.staff_list) {
      if (have.count(userid)) continue;
      StaffAccount a;
      a.id = userid;
      a.kind = StaffKind::kWecomMember;
      a.name = userid;
      a.wecom_userid = userid;
      a.created_at = now;
      RETURN_IF_ERROR(engine_.PutStaffAccount(ws_, a));
    }
    return Status::Ok();
  }

  Status Groups() {
    for (;;) {
      json filter = {{"status_filter", 0}, {"limit", kGroupsPerPage}};
      if (!p_.group_cursor.empty()) filter["cursor"] = p_.group_cursor;
      ASSIGN_OR_RETURN(json page, Call([&] {
                         return api_.Post("/cgi-bin/externalcontact/groupchat/list", filter);
                       }));
      const json list = page.value("group_chat_list", json::array());
      for (int64_t i = p_.group_in_page; i < static_cast<int64_t>(list.size()); ++i) {
        const std::string chat = JsonString(list[static_cast<size_t>(i)], "chat_id");
        if (!chat.empty()) RETURN_IF_ERROR(Group(chat));
        p_.group_in_page = i + 1;
        if (!Page()) return save_error_;
      }
      p_.group_cursor = JsonString(page, "next_cursor");
      p_.group_in_page = 0;
      if (p_.group_cursor.empty()) return Status::Ok();
      if (!Page()) return save_error_;
    }
  }

  Status Group(const std::string& chat) {
    ASSIGN_OR_RETURN(json answer, Call([&] {
                       return api_.Post("/cgi-bin/externalcontact/groupchat/get",
                                        {{"chat_id", chat}, {"need_name", 0}});
                     }));
    std::vector<Event> events;
    SyncedGroup group = GroupFromWecom(answer.value("group_chat", json::object()), corp_, &events);
    p_.group_members += group.customers;
    ++p_.groups;
    if (o_.save_group) RETURN_IF_ERROR(o_.save_group(group));
    return Submit(std::move(events));
  }

  Engine& engine_;
  outbound::WecomApi& api_;
  const std::string& ws_;
  const std::string& corp_;
  const SyncOptions& o_;
  SyncProgress p_;
  CorpTagBook tags_;
  bool stopped_ = false;
  Status save_error_;
};

}  // namespace

json SyncProgressJson(const SyncProgress& p) {
  return {{"phase", p.phase},
          {"state", !p.error.empty()    ? "failed"
                    : p.phase == "done" ? "done"
                    : p.phase.empty()   ? "never"
                                        : "running"},
          {"staff", p.staff_list.size()},
          {"staff_list", p.staff_list},
          {"contacts", p.contacts},
          {"groups", p.groups},
          {"group_members", p.group_members},
          {"tags", p.tags},
          {"events_stored", p.events_stored},
          {"calls", p.calls},
          {"retries", p.retries},
          {"staff_batch", p.staff_batch},
          {"cursor", p.cursor},
          {"group_cursor", p.group_cursor},
          {"group_in_page", p.group_in_page},
          {"started_at_us", p.started_at},
          {"updated_at_us", p.updated_at},
          {"finished_at_us", p.finished_at},
          {"error", p.error}};
}

Result<SyncProgress> LoadSyncProgress(Engine& engine, const std::string& ws) {
  ASSIGN_OR_RETURN(std::vector<StoredObject> objects, engine.ListObjects(ws, kSyncProgressKind));
  for (const StoredObject& o : objects) {
    if (o.id == kProgressId) return ParseProgress(o.body);
  }
  return SyncProgress{};
}

Micros WecomTime(const json& seconds) {
  return seconds.is_number_integer() ? seconds.get<int64_t>() * kMicrosPerSecond : 0;
}

SyncedGroup GroupFromWecom(const json& g, const std::string& corp, std::vector<Event>* joins) {
  const std::string chat = JsonString(g, "chat_id");
  SyncedGroup group{GroupIdForChat(chat),
                    chat,
                    JsonString(g, "name"),
                    JsonString(g, "owner"),
                    WecomTime(g.value("create_time", json())),
                    0};
  for (const json& m : g.value("member_list", json::array())) {
    if (!m.is_object() || m.value("type", 0) != 2) continue;  // 1: a staff member
    const std::string member = JsonString(m, "userid");
    if (member.empty()) continue;
    Event e;
    e.type = EventType::kTrack;
    e.name = kGroupJoined;
    AddIdentity(&e, IdentityKind::kExternalUserId, member);
    AddIdentity(&e, IdentityKind::kUnionId, JsonString(m, "unionid"));
    e.timestamp = WecomTime(m.value("join_time", json()));
    e.properties = DumpJson({{"group_id", group.id},
                             {"chat_id", chat},
                             {"scene", std::to_string(m.value("join_scene", 0))},
                             {"source", "wecom"},
                             {"via", "sync"}});
    e.message_id = "wecom-sync:" + corp + ":join:" + chat + ":" + member + ":" +
                   std::to_string(e.timestamp / kMicrosPerSecond);
    joins->push_back(std::move(e));
    ++group.customers;
  }
  return group;
}

Result<SyncProgress> SyncCorp(Engine& engine, outbound::WecomApi& api, const std::string& ws,
                              const std::string& corp_id, const SyncOptions& options) {
  ASSIGN_OR_RETURN(SyncProgress saved, LoadSyncProgress(engine, ws));
  SyncRun run(engine, api, ws, corp_id, options, std::move(saved));
  return run.Run();
}

}  // namespace pond::wecom
