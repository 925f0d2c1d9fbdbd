#include "pond/channels/wecom/moments.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "pond/base/hash.h"
#include "pond/base/json_fields.h"
#include "pond/base/json_text.h"
#include "pond/channels/wecom/wecom_sync.h"  // WecomTime
#include "pond/model/event_names.h"

namespace pond::wecom {
namespace {

using nlohmann::json;

constexpr char kKind[] = "wecom_moment";
constexpr int64_t kTaskPage = 1'000;  // get_moment_task's limit
constexpr int64_t kSeenPage = 5'000;  // get_moment_send_result's limit

MomentPost PostFrom(const json& j) {
  MomentPost p;
  p.key = j.value("key", "");
  p.staff = j.value("staff", "");
  p.sender = j.value("sender", "");
  p.item = j.value("item", "");
  p.at = j.value("at_us", Micros{0});
  p.body = j.value("body", "");
  p.state = j.value("state", "planned");
  p.jobid = j.value("jobid", "");
  p.moment_id = j.value("moment_id", "");
  p.error = j.value("error", "");
  p.posted_at = j.value("posted_at_us", Micros{0});
  p.reached = j.value("reached", int64_t{0});
  p.likes = j.value("likes", int64_t{0});
  p.comments = j.value("comments", int64_t{0});
  return p;
}

Status Keep(Engine& engine, const std::string& ws, const MomentPost& p) {
  return engine.PutObject(ws,
                          {kKind, p.key, DumpJson(MomentPostJson(p)), engine.clock().NowMicros()});
}

Event MomentEvent(const MomentPost& p, const char* name, const std::string& external,
                  const std::string& message_id, Micros at) {
  Event e;
  e.type = EventType::kTrack;
  e.name = name;
  e.message_id = message_id;
  e.timestamp = at;
  e.identities.push_back({IdentityKind::kExternalUserId, external});
  e.properties = DumpJson({{"moment_id", p.moment_id},
                           {"staff_id", p.staff},
                           {"content_id", p.item},
                           {"touchpoint", "moments"},
                           {"source", "wecom"}});
  return e;
}

class Runner {
 public:
  Runner(Engine& engine, outbound::WecomApi& api, const std::string& ws)
      : engine_(engine), api_(api), ws_(ws), now_(engine.clock().NowMicros()) {}

  // Moves `p` on as far as WeCom allows now; Unavailable leaves it for the next run.
  Status Step(MomentPost& p) {
    if (p.state == "planned" && p.at <= now_) RETURN_IF_ERROR(Submit(p));
    if (p.state == "submitted") RETURN_IF_ERROR(ReadJob(p));
    if (p.state == "created") RETURN_IF_ERROR(ReadPublished(p));
    if (p.state == "posted" && now_ - p.posted_at < kMomentFollowed) {
      RETURN_IF_ERROR(ReadInteractions(p));
    }
    return Status::Ok();
  }
  MomentsRun run;

 private:
  // A refusal that will not pass fails the post; one that may pass is returned.
  Status Refused(MomentPost& p, const Status& s) {
    if (s.code() == StatusCode::kUnavailable) return s;
    p.state = "failed";
    p.error = s.message();
    ++run.failed;
    return Keep(engine_, ws_, p);
  }

  Status Submit(MomentPost& p) {
    const json body = json::parse(p.body, nullptr, false);
    Result<json> answer = api_.Post("/cgi-bin/externalcontact/add_moment_task", body);
    if (!answer.ok()) return Refused(p, answer.status());
    p.jobid = JsonString(*answer, "jobid");
    if (p.jobid.empty()) return Status::Unavailable("wecom add_moment_task answered no jobid");
    p.state = "submitted";
    ++run.submitted;
    return Keep(engine_, ws_, p);
  }

  Status ReadJob(MomentPost& p) {
    Result<json> answer =
        api_.Get("/cgi-bin/externalcontact/get_moment_task_result", "jobid=" + p.jobid);
    if (!answer.ok()) return Refused(p, answer.status());
    if (answer->value("status", 0) != 3) return Status::Ok();  // 1 started, 2 running
    const json result = answer->value("result", json::object());
    const int64_t errcode = result.value("errcode", int64_t{0});
    const json invalid =
        result.value("invalid_sender_list", json::object()).value("user_list", json::array());
    if (errcode != 0 || JsonString(result, "moment_id").empty() ||
        (invalid.is_array() &&
         std::find(invalid.begin(), invalid.end(), p.sender) != invalid.end())) {
      return Refused(p, Status::FailedPrecondition(
                            "wecom add_moment_task errcode " + std::to_string(errcode) + ": " +
                            (errcode != 0 ? JsonString(result, "errmsg")
                                          : p.sender + " may not post for the corp")));
    }
    p.moment_id = JsonString(result, "moment_id");
    p.state = "created";
    ++run.created;
    return Keep(engine_, ws_, p);
  }

  Status ReadPublished(MomentPost& p) {
    bool posted = false;
    std::string cursor;
    do {
      json req = {{"moment_id", p.moment_id}, {"limit", kTaskPage}};
      if (!cursor.empty()) req["cursor"] = cursor;
      Result<json> page = api_.Post("/cgi-bin/externalcontact/get_moment_task", req);
      if (!page.ok()) return Refused(p, page.status());
      for (const json& t : page->value("task_list", json::array())) {
        if (JsonString(t, "userid") == p.sender && t.value("publish_status", 0) == 1) posted = true;
      }
      cursor = JsonString(*page, "next_cursor");
    } while (!cursor.empty() && !posted);
    if (!posted) return Status::Ok();
    // Who can see it: a touch on each of them (its own paging, from the start).
    std::vector<Event> seen;
    cursor.clear();
    do {
      json req = {{"moment_id", p.moment_id}, {"userid", p.sender}, {"limit", kSeenPage}};
      if (!cursor.empty()) req["cursor"] = cursor;
      Result<json> page = api_.Post("/cgi-bin/externalcontact/get_moment_send_result", req);
      if (!page.ok()) return Refused(p, page.status());
      for (const json& c : page->value("customer_list", json::array())) {
        const std::string external = JsonString(c, "external_userid");
        if (external.empty()) continue;
        seen.push_back(MomentEvent(p, kMomentPosted, external,
                                   "wecom-moment:" + p.moment_id + ":seen:" + external, now_));
      }
      cursor = JsonString(*page, "next_cursor");
    } while (!cursor.empty());
    p.reached = static_cast<int64_t>(seen.size());
    RETURN_IF_ERROR(Store(std::move(seen)));
    p.state = "posted";
    p.posted_at = now_;
    ++run.posted;
    return Keep(engine_, ws_, p);
  }

  Status ReadInteractions(MomentPost& p) {
    Result<json> answer = api_.Post("/cgi-bin/externalcontact/get_moment_comments",
                                    {{"moment_id", p.moment_id}, {"userid", p.sender}});
    if (!answer.ok()) return answer.status();  // a posted post stays posted
    std::vector<Event> events;
    auto read = [&](const char* list, const char* name, const char* what) -> int64_t {
      int64_t n = 0;
      for (const json& c : answer->value(list, json::array())) {
        const std::string external = JsonString(c, "external_userid");
        if (external.empty()) continue;  // a staff member's like
        const Micros at = WecomTime(c.value("create_time", json()));
        events.push_back(MomentEvent(p, name, external,
                                     "wecom-moment:" + p.moment_id + ":" + what + ":" + external +
                                         ":" + std::to_string(at / kMicrosPerSecond),
                                     at ? at : now_));
        ++n;
      }
      return n;
    };
    const int64_t likes = read("like_list", kMomentLiked, "like");
    const int64_t comments = read("comment_list", kMomentCommented, "comment");
    RETURN_IF_ERROR(Store(std::move(events)));
    if (likes == p.likes && comments == p.comments) return Status::Ok();
    p.likes = likes;
    p.comments = comments;
    return Keep(engine_, ws_, p);
  }

  Status Store(std::vector<Event> events) {
    if (events.empty()) return Status::Ok();
    ASSIGN_OR_RETURN(SubmitResult stored, engine_.Submit(ws_, std::move(events)));
    run.events += stored.accepted;
    return Status::Ok();
  }

  Engine& engine_;
  outbound::WecomApi& api_;
  const std::string& ws_;
  const Micros now_;
};

}  // namespace

std::string MomentKey(const std::string& staff, Micros at, const std::string& item) {
  return "mom_" + Hex64(Fnv1a64(staff + "|" + std::to_string(at) + "|" + item));
}

json MomentPostJson(const MomentPost& p) {
  return {{"key", p.key},
          {"staff", p.staff},
          {"sender", p.sender},
          {"item", p.item},
          {"at_us", p.at},
          {"body", p.body},
          {"state", p.state},
          {"jobid", p.jobid},
          {"moment_id", p.moment_id},
          {"error", p.error},
          {"posted_at_us", p.posted_at},
          {"reached", p.reached},
          {"likes", p.likes},
          {"comments", p.comments}};
}

Result<std::vector<MomentPost>> MomentPosts(Engine& engine, const std::string& ws) {
  ASSIGN_OR_RETURN(std::vector<StoredObject> objects, engine.ListObjects(ws, kKind));
  std::vector<MomentPost> out;
  for (const StoredObject& o : objects) {
    const json j = json::parse(o.body, nullptr, false);
    if (j.is_object()) out.push_back(PostFrom(j));
  }
  return out;
}

Result<int64_t> PlanMomentPosts(Engine& engine, const std::string& ws,
                                const std::vector<MomentPost>& posts) {
  ASSIGN_OR_RETURN(std::vector<MomentPost> kept, MomentPosts(engine, ws));
  std::set<std::string> known;
  for (const MomentPost& p : kept) known.insert(p.key);
  int64_t added = 0;
  for (MomentPost p : posts) {
    p.key = MomentKey(p.staff, p.at, p.item);
    if (!known.insert(p.key).second) continue;
    p.state = "planned";
    RETURN_IF_ERROR(Keep(engine, ws, p));
    ++added;
  }
  return added;
}

Result<MomentsRun> RunMoments(Engine& engine, outbound::WecomApi& api, const std::string& ws) {
  ASSIGN_OR_RETURN(std::vector<MomentPost> posts, MomentPosts(engine, ws));
  Runner runner(engine, api, ws);
  for (MomentPost& p : posts) {
    if (p.state == "failed") continue;
    Status s = runner.Step(p);
    if (!s.ok() && s.code() != StatusCode::kUnavailable) return s;  // the store failed
  }
  return runner.run;
}

}  // namespace pond::wecom
