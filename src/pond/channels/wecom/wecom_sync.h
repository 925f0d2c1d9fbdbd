// Sync on connect and on demand (issue 27; docs/wecom.md, "Sync"): what a corp already has in
// WeCom — its staff with customer contact, their customers, its customer groups and their
// members — read through WeCom's server API and recorded in pond as events through
// Engine::Submit, so that a replay rebuilds it like anything else.
//
//   staff      externalcontact/get_follow_user_list
//   customers  externalcontact/batch/get_by_user, 100 staff and 100 customers a page, cursor
//              paging: per customer an identify (external_userid and unionid, so a customer
//              known from the mini program or the official account merges into one profile;
//              traits name and gender) and per (customer, staff) a friend_added {staff_id, state
//              (the channel), add_way, remark}, at the time WeCom says the friendship began
//   groups     externalcontact/groupchat/list (every status, 1,000 a page) and groupchat/get:
//              the group (handed to `save_group`) and a group_joined per customer member
//
// Idempotent: each event's messageId comes from what it records (a friend_added's is the one the
// add_external_contact callback gives the same friendship), so a second sync, or a page read
// again after a crash, stores nothing new. Resumable: the progress (phase, staff batch, cursor)
// is saved as an object after every page, and a run that finds an unfinished one goes on from
// there. A transient refusal (45009 and WeCom's other frequency limits, -1 busy, an HTTP error)
// waits 1 s, 2 s, 4 s, … and tries again, `max_tries` times per call; an expired token is
// fetched again by WecomApi; any other errcode ends the run with WeCom's errcode and errmsg.
#pragma once

#include <chrono>
#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "pond/channels/outbound/wecom_api.h"
#include "pond/channels/wecom/wecom_events.h"  // GroupIdForChat
#include "pond/engine/engine.h"

namespace pond::wecom {

struct SyncedGroup {
  std::string id;  // GroupIdForChat(chat_id)
  std::string chat_id;
  std::string name;
  std::string owner;  // the owner's WeCom userid: a staff id in pond
  Micros created_at = 0;
  int64_t customers = 0;  // external members now
};

struct SyncProgress {
  // "" (never ran), "staff", "customers", "groups" (running, or stopped there), "done".
  std::string phase;
  std::vector<std::string> staff_list;  // as get_follow_user_list answered, kept for resuming
  int64_t contacts = 0;                 // (customer, staff) pairs read
  int64_t groups = 0;
  int64_t group_members = 0;  // customer memberships read
  int64_t tags = 0;           // corp tags read on friendships
  int64_t events_stored = 0;  // new events; a repeated sync stores none
  int64_t calls = 0;          // WeCom API calls of this run
  int64_t retries = 0;        // waits after a transient refusal
  // Where the next page starts.
  int64_t staff_batch = 0;
  std::string cursor;
  std::string group_cursor;
  int64_t group_in_page = 0;  // groups of the current group-list page already done
  Micros started_at = 0;
  Micros updated_at = 0;
  Micros finished_at = 0;
  std::string error;  // why the last run stopped, "" when it did not fail
};

nlohmann::json SyncProgressJson(const SyncProgress& p);

// A time as WeCom gives it (seconds since the epoch), in micros; 0 when it is not a number.
Micros WecomTime(const nlohmann::json& seconds);

// A group as groupchat/get answers it ({chat_id, name, owner, create_time, member_list}), and a
// group_joined per customer member appended to `joins`, with the messageIds a sync gives them.
SyncedGroup GroupFromWecom(const nlohmann::json& group_chat, const std::string& corp,
                           std::vector<Event>* joins);

struct SyncOptions {
  int max_tries = 6;
  // How to wait between tries; null: sleep. Tests pass one that records and returns.
  std::function<void(std::chrono::milliseconds)> sleep;
  // Told after every page; answering false stops the run there (the progress stays saved and
  // the next run resumes), as a crash would.
  std::function<bool(const SyncProgress&)> on_progress;
  // Keeps a group read from WeCom (the application layer saves it as a community group); null:
  // only its members' events are recorded.
  std::function<Status(const SyncedGroup&)> save_group;
};

inline constexpr char kSyncProgressKind[] = "wecom_sync";

// Runs a sync of workspace `ws` to the end, or until an error or on_progress stops it. The
// answer is the saved progress (phase "done" at the end). An error is returned, and saved in the
// progress with the phase it happened in; a stop answers the progress as it is. Either way the
// next run resumes where this one left off.
Result<SyncProgress> SyncCorp(Engine& engine, outbound::WecomApi& api, const std::string& ws,
                              const std::string& corp_id, const SyncOptions& options = {});

// The workspace's saved progress (phase "" when it never synced).
Result<SyncProgress> LoadSyncProgress(Engine& engine, const std::string& ws);

}  // namespace pond::wecom
