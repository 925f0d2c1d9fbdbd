// The WeCom connector of a running pond (docs/wecom.md): callbacks received and stored, and the
// calls to WeCom's API that follow from pond's own objects.
//   - Receive / VerifyUrl: one callback through OpenCallback into Engine::Submit. WeCom retries
//     a callback until it is answered, so the events are stored before "success" is answered;
//     WeCom's retries carry the same messageIds and store nothing.
//   - A new friend (a friend_added stored for the first time) is followed up in the background,
//     not while WeCom waits: the welcome message with its WelcomeCode when the live code has
//     one (send_welcome_msg; WeCom keeps the code 20 seconds, so it goes first), then the
//     customer's profile (externalcontact/get) as an identify event whose unionid merges the
//     friend with the profile their first scan made.
//   - Live codes: a channel's "contact me" QR code (add_contact_way with state = the channel's
//     code), kept with the staff, skip_verify and welcome text.
//   - Tags: pond's corp tags pushed to WeCom and a staff member's edits in WeCom pulled into
//     pond (tag_bridge.h), on the same background worker.
//   - Sync: the corp's staff, customers and groups read on demand (wecom_sync.h).
//   - Groups: a group WeCom created or dismissed, and the group codes' join ways (GroupHooks).
//   - Activity: what was refused, sent and fetched lately, with WeCom's errcode and errmsg.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "pond/channels/outbound/delivery_service.h"
#include "pond/channels/outbound/wecom_api.h"
#include "pond/channels/wecom/acquisition_links.h"
#include "pond/channels/wecom/chat_sends.h"
#include "pond/channels/wecom/group_send_results.h"
#include "pond/channels/wecom/handover.h"
#include "pond/channels/wecom/moments.h"
#include "pond/channels/wecom/tag_bridge.h"
#include "pond/channels/wecom/wecom_callback.h"
#include "pond/channels/wecom/wecom_config.h"
#include "pond/channels/wecom/wecom_sync.h"
#include "pond/engine/engine.h"

namespace pond::wecom {

struct LiveCode {
  std::string channel;  // the pond channel's code: the contact way's `state`
  std::vector<std::string> staff;
  bool skip_verify = true;
  std::string welcome;  // sent to each new friend with their WelcomeCode; "" for none
  std::string config_id;
  std::string qr_code;  // the QR code image's URL, from WeCom
  int type = 1;         // WeCom's: 1 for one staff member, 2 for several; fixed at creation
  Micros created_at = 0;
};

// The application's side of WeCom's customer groups (app/wecom_groups.h), run on the service's
// worker: what a group WeCom created or dismissed changes in pond (after the callback was
// answered), and the join ways of the group codes, kept every minute for each workspace whose
// WeCom API is configured. Null: nothing.
struct GroupHooks {
  std::function<Status(const std::string& ws, outbound::WecomApi& api, const ChatChange& change)>
      chat_changed;
  std::function<Status(const std::string& ws, outbound::WecomApi& api)> keep_join_ways;
};

struct WecomActivity {
  Micros at = 0;
  std::string kind;  // "callback", "refused", "welcome", "profile", "live_code", "sync", "tags",
                     // "group_send", "acquisition_link", "handover", "group", "join_way",
                     // "moments"
  bool ok = true;
  std::string detail;
};

// What one callback did.
struct Received {
  std::vector<std::string> events;  // the pond event names it mapped to
  int64_t stored = 0;               // of them, stored now (0 for a retry)
};

class WecomService {
 public:
  // The API settings (base URL, corp id, secret) a workspace's calls use: the `wecom` outbound
  // channel's settings.
  using ApiSettingsFn = std::function<Result<outbound::WecomApiSettings>(const std::string& ws)>;

  // The settings are kept sealed under `key_file` (WecomConfigStore).
  static Result<std::unique_ptr<WecomService>> Open(Engine* engine, const std::string& key_file,
                                                    ApiSettingsFn api_settings);
  WecomService(Engine* engine, std::unique_ptr<WecomConfigStore> configs,
               ApiSettingsFn api_settings);
  ~WecomService();
  WecomService(const WecomService&) = delete;
  WecomService& operator=(const WecomService&) = delete;

  // NotFound without settings for `ws`; Unauthenticated / InvalidArgument as OpenCallback.
  // A refusal is logged (stderr and Activity) with its reason.
  Result<Received> Receive(const std::string& ws, const CallbackQuery& query,
                           std::string_view body);
  Result<std::string> VerifyUrl(const std::string& ws, const CallbackQuery& query,
                                std::string_view echostr);

  // Creates the channel's live code at WeCom. The channel must exist; one code per channel
  // (AlreadyExists otherwise). WeCom's refusal is the error.
  Result<LiveCode> CreateLiveCode(const std::string& ws, LiveCode code);
  // New staff, skip_verify and welcome for the channel's code (NotFound without one). A code
  // made for one staff member keeps one (WeCom's type 1).
  Result<LiveCode> UpdateLiveCode(const std::string& ws, const LiveCode& change);
  Result<std::vector<LiveCode>> LiveCodes(const std::string& ws);

  // Sync (wecom_sync.h) of the workspace with its API settings, here and now.
  Result<SyncProgress> Sync(const std::string& ws, SyncOptions options);
  // The same on a thread of its own (POST /v1/wecom/sync); FailedPrecondition while one runs
  // for the workspace. A sync running when the service is destroyed stops after its page and
  // resumes with the next run.
  Status StartSync(const std::string& ws, SyncOptions options);
  bool SyncRunning(const std::string& ws);

  // A channel's customer acquisition link (acquisition_links.h) with the workspace's API.
  Result<AcquisitionLink> CreateAcquisitionLink(const std::string& ws, AcquisitionLink link);

  // Hands a staff member's customers and groups to another (handover.h).
  Result<HandoverReport> Handover(const std::string& ws, const HandoverRequest& request);

  // Reads the results of the workspace's open group-send tasks, to customers
  // (group_send_results.h) and to groups (chat_sends.h): how many events were stored. The
  // worker does it every five minutes for each workspace with WeCom configured.
  Result<int64_t> PollGroupSends(const std::string& ws);

  // A group send to customer groups (chat_sends.h) with the workspace's API; its results are
  // read with the group sends'.
  Result<ChatSend> SendToChats(const std::string& ws, const std::string& id,
                               const std::vector<ChatTarget>& chats, const std::string& text);

  // Moves the workspace's Moments posts on (moments.h); the worker does it every five minutes.
  Result<MomentsRun> PollMoments(const std::string& ws);

  // Set once, before RunInBackground.
  void SetGroupHooks(GroupHooks hooks) { group_hooks_ = std::move(hooks); }
  // The join ways of the workspace's group codes, kept now (the worker does it every minute).
  Status KeepJoinWays(const std::string& ws);

  // Queues the workspace's tag changes made while pond was not pushing (TagBridge::CatchUp);
  // RunInBackground does it for every workspace.
  Status CatchUpTags(const std::string& ws) { return tags_->CatchUp(ws); }

  // Runs the queued follow-ups and tag pushes now; how many ran. The background thread calls it.
  int RunFollowUps();
  // Follow-ups from now on run on a thread of their own (pond serve).
  void RunInBackground();
  std::vector<WecomActivity> Activity(const std::string& ws, size_t limit);
  WecomConfigStore& configs() { return *configs_; }

  // The identify event of a profile from externalcontact/get: external_userid and unionid as
  // identities, name, gender, avatar and corp name as traits, `message_id` kept.
  static Event ProfileEvent(const nlohmann::json& profile, const std::string& message_id,
                            Micros at);

 private:
  struct FollowUp {
    std::string ws, external_userid, state, welcome_code, message_id;
    bool tags_only = false;  // an edit_external_contact: pull the customer's tags
    ChatChange chat;         // a group created or dismissed: GroupHooks::chat_changed
    int attempts = 0;
    Micros not_before = 0;  // a retry waits
  };
  Result<WecomConfig> ConfigFor(const std::string& ws);
  Result<std::shared_ptr<outbound::WecomApi>> ApiFor(const std::string& ws);
  void Run(FollowUp job);
  void Note(const std::string& ws, const char* kind, bool ok, std::string detail);
  // Whether `every` has passed since the last run recorded in `last_run` for `ws` (then records
  // now as the last run).
  bool Due(std::map<std::string, Micros>* last_run, const std::string& ws, Micros every);

  Engine* engine_;
  std::unique_ptr<WecomConfigStore> configs_;
  ApiSettingsFn api_settings_;

  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<FollowUp> queue_;                            // GUARDED_BY(mu_)
  std::map<std::string, std::deque<WecomActivity>> log_;  // GUARDED_BY(mu_), by workspace
  struct Api {
    outbound::WecomApiSettings settings;
    std::shared_ptr<outbound::WecomApi> api;
  };
  std::map<std::string, Api> apis_;  // GUARDED_BY(api_mu_)
  std::mutex api_mu_;
  bool stopping_ = false;
  std::thread worker_;
  std::unique_ptr<TagBridge> tags_;
  std::map<std::string, Micros> polled_;  // GUARDED_BY(mu_): the last group-send poll, by ws
  std::map<std::string, Micros> kept_;    // GUARDED_BY(mu_): the last join-way upkeep, by ws
  GroupHooks group_hooks_;
  std::map<std::string, std::thread> syncs_;  // GUARDED_BY(mu_), by workspace
  std::set<std::string> syncing_;             // GUARDED_BY(mu_)
};

// A live code as kept in the store (created_at in micros).
nlohmann::json LiveCodeJson(const LiveCode& code);

// The `wecom` outbound channel's settings (`PUT /v1/settings/channels`) as the API's.
WecomService::ApiSettingsFn ApiSettingsOf(outbound::DeliveryService* deliveries);

}  // namespace pond::wecom
