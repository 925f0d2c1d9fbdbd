#include "pond/channels/wecom/wecom_service.h"

#include <algorithm>
#include <cstdio>

#include "pond/base/json_fields.h"
#include "pond/base/json_text.h"
#include "pond/model/event_names.h"

namespace pond::wecom {
namespace {

using nlohmann::json;

constexpr const char* kLiveCodeKind = "wecom_live_code";
constexpr size_t kActivityKept = 500;
constexpr int kProfileAttempts = 3;
constexpr Micros kRetryDelay = 30 * kMicrosPerSecond;

LiveCode LiveCodeFrom(const json& j) {
  LiveCode c;
  c.channel = JsonString(j, "channel");
  if (j.contains("staff") && j["staff"].is_array()) {
    for (const json& s : j["staff"]) {
      if (s.is_string()) c.staff.push_back(s.get<std::string>());
    }
  }
  c.skip_verify = j.value("skip_verify", true);
  c.welcome = JsonString(j, "welcome");
  c.config_id = JsonString(j, "config_id");
  c.qr_code = JsonString(j, "qr_code");
  c.type = j.value("type", 1);
  c.created_at = j.value("created_at", Micros{0});
  return c;
}

}  // namespace

json LiveCodeJson(const LiveCode& c) {
  return {{"channel", c.channel}, {"staff", c.staff},          {"skip_verify", c.skip_verify},
          {"welcome", c.welcome}, {"config_id", c.config_id},  {"qr_code", c.qr_code},
          {"type", c.type},       {"created_at", c.created_at}};
}

Result<std::unique_ptr<WecomService>> WecomService::Open(Engine* engine,
                                                         const std::string& key_file,
                                                         ApiSettingsFn api_settings) {
  ASSIGN_OR_RETURN(std::unique_ptr<WecomConfigStore> configs,
                   WecomConfigStore::Open(engine, key_file));
  return std::make_unique<WecomService>(engine, std::move(configs), std::move(api_settings));
}

WecomService::WecomService(Engine* engine, std::unique_ptr<WecomConfigStore> configs,
                           ApiSettingsFn api_settings)
    : engine_(engine), configs_(std::move(configs)), api_settings_(std::move(api_settings)) {
  tags_ = std::make_unique<TagBridge>(
      engine_, [this](const std::string& ws) { return ApiFor(ws); },
      [this](const std::string& ws, bool ok, const std::string& detail) {
        Note(ws, "tags", ok, detail);
      });
  engine_->AddObserver(tags_.get());
}

WecomService::ApiSettingsFn ApiSettingsOf(outbound::DeliveryService* deliveries) {
  return [deliveries](const std::string& ws) -> Result<outbound::WecomApiSettings> {
    ASSIGN_OR_RETURN(outbound::ChannelSettings s, deliveries->Settings(ws));
    return outbound::WecomApiSettings{s.wecom_base_url, s.wecom_corp_id, s.wecom_secret, s.timeout};
  };
}

WecomService::~WecomService() {
  engine_->RemoveObserver(tags_.get());
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
  std::map<std::string, std::thread> syncs;
  {
    std::lock_guard lock(mu_);
    syncs.swap(syncs_);
  }
  for (auto& [ws, t] : syncs) t.join();
}

Result<SyncProgress> WecomService::Sync(const std::string& ws, SyncOptions options) {
  ASSIGN_OR_RETURN(std::shared_ptr<outbound::WecomApi> api, ApiFor(ws));
  ASSIGN_OR_RETURN(outbound::WecomApiSettings settings, api_settings_(ws));
  Result<SyncProgress> r = SyncCorp(*engine_, *api, ws, settings.corp_id, options);
  Note(ws, "sync", r.ok(), r.ok() ? SyncProgressJson(*r).dump() : r.status().ToString());
  return r;
}

Result<AcquisitionLink> WecomService::CreateAcquisitionLink(const std::string& ws,
                                                            AcquisitionLink link) {
  ASSIGN_OR_RETURN(std::shared_ptr<outbound::WecomApi> api, ApiFor(ws));
  Result<AcquisitionLink> made = wecom::CreateAcquisitionLink(*engine_, *api, ws, std::move(link));
  Note(ws, "acquisition_link", made.ok(), made.ok() ? made->url : made.status().message());
  return made;
}

Result<HandoverReport> WecomService::Handover(const std::string& ws,
                                              const HandoverRequest& request) {
  ASSIGN_OR_RETURN(std::shared_ptr<outbound::WecomApi> api, ApiFor(ws));
  Result<HandoverReport> r = wecom::Handover(*engine_, *api, ws, request);
  Note(ws, "handover", r.ok(),
       request.from + " -> " + request.to + ": " +
           (r.ok() ? std::to_string(r->requested) + " customers, " + std::to_string(r->groups) +
                         " groups"
                   : r.status().message()));
  return r;
}

Result<int64_t> WecomService::PollGroupSends(const std::string& ws) {
  ASSIGN_OR_RETURN(std::shared_ptr<outbound::WecomApi> api, ApiFor(ws));
  ASSIGN_OR_RETURN(int64_t customers, PollGroupSendResults(*engine_, *api, ws));
  ASSIGN_OR_RETURN(int64_t groups, PollChatSends(*engine_, *api, ws));
  return customers + groups;
}

Result<ChatSend> WecomService::SendToChats(const std::string& ws, const std::string& id,
                                           const std::vector<ChatTarget>& chats,
                                           const std::string& text) {
  ASSIGN_OR_RETURN(std::shared_ptr<outbound::WecomApi> api, ApiFor(ws));
  Result<ChatSend> sent = wecom::SendToChats(*engine_, *api, ws, id, chats, text);
  Note(ws, "group_send", sent.ok(),
       id + ": " +
           (sent.ok() ? std::to_string(sent->tasks.size()) + " tasks to groups"
                      : sent.status().message()));
  return sent;
}

Result<MomentsRun> WecomService::PollMoments(const std::string& ws) {
  ASSIGN_OR_RETURN(std::shared_ptr<outbound::WecomApi> api, ApiFor(ws));
  return RunMoments(*engine_, *api, ws);
}

Status WecomService::StartSync(const std::string& ws, SyncOptions options) {
  RETURN_IF_ERROR(ApiFor(ws).status());  // not configured: say so now, not in the background
  std::lock_guard lock(mu_);
  if (stopping_) return Status::Unavailable("pond is stopping");
  if (syncing_.count(ws)) {
    return Status::FailedPrecondition("a WeCom sync is already running for \"" + ws + "\"");
  }
  if (auto old = syncs_.find(ws); old != syncs_.end()) {
    old->second.join();  // finished: syncing_ no longer names it
    syncs_.erase(old);
  }
  auto progress = std::move(options.on_progress);
  options.on_progress = [this, progress](const SyncProgress& p) {
    {
      std::lock_guard stop_lock(mu_);
      if (stopping_) return false;
    }
    return !progress || progress(p);
  };
  syncing_.insert(ws);
  syncs_[ws] = std::thread([this, ws, options = std::move(options)] {
    (void)Sync(ws, options);
    std::lock_guard done_lock(mu_);
    syncing_.erase(ws);
  });
  return Status::Ok();
}

bool WecomService::SyncRunning(const std::string& ws) {
  std::lock_guard lock(mu_);
  return syncing_.count(ws) > 0;
}

void WecomService::Note(const std::string& ws, const char* kind, bool ok, std::string detail) {
  if (!ok) std::fprintf(stderr, "pond: wecom %s (%s): %s\n", kind, ws.c_str(), detail.c_str());
  std::lock_guard lock(mu_);
  auto& log = log_[ws];
  log.push_back({engine_->clock().NowMicros(), kind, ok, std::move(detail)});
  if (log.size() > kActivityKept) log.pop_front();
}

std::vector<WecomActivity> WecomService::Activity(const std::string& ws, size_t limit) {
  std::lock_guard lock(mu_);
  std::vector<WecomActivity> out;
  auto it = log_.find(ws);
  if (it == log_.end()) return out;
  for (auto a = it->second.rbegin(); a != it->second.rend() && out.size() < limit; ++a) {
    out.push_back(*a);
  }
  return out;
}

Result<WecomConfig> WecomService::ConfigFor(const std::string& ws) {
  ASSIGN_OR_RETURN(std::optional<WecomConfig> config, configs_->Get(ws));
  if (!config) return Status::NotFound("no WeCom settings for workspace " + ws);
  return *config;
}

Result<std::string> WecomService::VerifyUrl(const std::string& ws, const CallbackQuery& query,
                                            std::string_view echostr) {
  ASSIGN_OR_RETURN(WecomConfig config, ConfigFor(ws));
  Result<std::string> echo = OpenEncrypted(config, query, echostr);
  if (!echo.ok()) Note(ws, "refused", false, "URL verification: " + echo.status().message());
  return echo;
}

Result<Received> WecomService::Receive(const std::string& ws, const CallbackQuery& query,
                                       std::string_view body) {
  ASSIGN_OR_RETURN(WecomConfig config, ConfigFor(ws));
  Result<XmlFields> xml = OpenCallbackXml(config, query, body);
  if (!xml.ok()) {
    Note(ws, "refused", false, xml.status().message());
    return xml.status();
  }
  Result<std::vector<Event>> events = MapCallback(*xml, config.corp_id);
  Received out;
  std::vector<FollowUp> jobs;
  if (ChatChange chat = ChatChangeOf(*xml); !chat.change.empty()) {
    FollowUp job;
    job.ws = ws;
    job.chat = std::move(chat);
    jobs.push_back(std::move(job));
  }
  for (const Event& e : *events) {
    out.events.push_back(e.name);
    if (e.name == "contact_edited" && !e.identities.empty()) {
      // A staff member edited the customer in WeCom: their tags may have changed.
      FollowUp pull;
      pull.ws = ws;
      pull.external_userid = e.identities[0].value;
      pull.message_id = e.message_id;
      pull.tags_only = true;
      jobs.push_back(std::move(pull));
      continue;
    }
    if (e.name != kFriendAdded || e.identities.empty()) continue;
    const json p = json::parse(e.properties, nullptr, false);
    FollowUp welcome;
    welcome.ws = ws;
    welcome.external_userid = e.identities[0].value;
    welcome.state = JsonString(p, "state");
    welcome.welcome_code = JsonString(p, "welcome_code");
    welcome.message_id = e.message_id;
    jobs.push_back(std::move(welcome));
  }
  if (!events->empty()) {
    Result<SubmitResult> stored = engine_->Submit(ws, std::move(*events));
    if (!stored.ok()) {
      Note(ws, "refused", false, "not stored: " + stored.status().message());
      return stored.status();
    }
    out.stored = stored->accepted;
  }
  std::string names;
  for (const std::string& n : out.events) names += (names.empty() ? "" : ", ") + n;
  Note(ws, "callback", true,
       out.events.empty() ? "verified; no pond event for its kind"
                          : names + (out.stored ? "" : " (a retry: already stored)"));
  // A group's creation or dismissal stores no event, and its follow-up may run twice harmlessly.
  if ((out.stored > 0 || out.events.empty()) && !jobs.empty()) {
    {
      std::lock_guard lock(mu_);
      for (FollowUp& j : jobs) queue_.push_back(std::move(j));
    }
    wake_.notify_all();
  }
  return out;
}

Result<std::shared_ptr<outbound::WecomApi>> WecomService::ApiFor(const std::string& ws) {
  ASSIGN_OR_RETURN(outbound::WecomApiSettings settings, api_settings_(ws));
  if (settings.corp_id.empty() || settings.secret.empty()) {
    return Status::FailedPrecondition(
        "the WeCom API is not configured: set channels.wecom.corp_id and secret");
  }
  std::lock_guard lock(api_mu_);
  Api& a = apis_[ws];
  if (!a.api || a.settings.base_url != settings.base_url ||
      a.settings.corp_id != settings.corp_id || a.settings.secret != settings.secret) {
    a.settings = settings;
    a.api = std::make_shared<outbound::WecomApi>(settings, &engine_->clock());
  }
  return a.api;
}

Result<LiveCode> WecomService::CreateLiveCode(const std::string& ws, LiveCode code) {
  ASSIGN_OR_RETURN(std::vector<Channel> channels, engine_->ListChannels(ws));
  bool known = false;
  for (const Channel& c : channels) known |= c.code == code.channel;
  if (!known) return Status::NotFound("no channel with code \"" + code.channel + "\"");
  if (code.welcome.size() > 4000) return FieldError("welcome", "at most 4000 bytes");
  ASSIGN_OR_RETURN(std::vector<LiveCode> existing, LiveCodes(ws));
  for (const LiveCode& c : existing) {
    if (c.channel == code.channel) {
      return Status::AlreadyExists("channel " + code.channel + " has its live code already");
    }
  }
  ASSIGN_OR_RETURN(std::shared_ptr<outbound::WecomApi> api, ApiFor(ws));
  Result<outbound::WecomApi::ContactWay> way =
      api->AddContactWay(code.channel, code.staff, code.skip_verify);
  if (!way.ok()) {
    Note(ws, "live_code", false, code.channel + ": " + way.status().message());
    return way.status();
  }
  code.type = code.staff.size() == 1 ? 1 : 2;
  code.config_id = way->config_id;
  code.qr_code = way->qr_code;
  code.created_at = engine_->clock().NowMicros();
  RETURN_IF_ERROR(engine_->PutObject(
      ws, {kLiveCodeKind, code.channel, DumpJson(LiveCodeJson(code)), code.created_at}));
  Note(ws, "live_code", true, code.channel + ": config_id " + code.config_id);
  return code;
}

Result<LiveCode> WecomService::UpdateLiveCode(const std::string& ws, const LiveCode& change) {
  ASSIGN_OR_RETURN(std::vector<LiveCode> codes, LiveCodes(ws));
  auto it = std::find_if(codes.begin(), codes.end(),
                         [&](const LiveCode& c) { return c.channel == change.channel; });
  if (it == codes.end()) return Status::NotFound("channel " + change.channel + " has no live code");
  LiveCode code = *it;
  if (code.type == 1 && change.staff.size() != 1) {
    return FieldError("staff", "exactly one: this code was made for one staff member (type 1)");
  }
  if (change.welcome.size() > 4000) return FieldError("welcome", "at most 4000 bytes");
  ASSIGN_OR_RETURN(std::shared_ptr<outbound::WecomApi> api, ApiFor(ws));
  if (Status s = api->UpdateContactWay(code.config_id, change.staff, change.skip_verify); !s.ok()) {
    Note(ws, "live_code", false, code.channel + ": " + s.message());
    return s;
  }
  code.staff = change.staff;
  code.skip_verify = change.skip_verify;
  code.welcome = change.welcome;
  RETURN_IF_ERROR(engine_->PutObject(ws, {kLiveCodeKind, code.channel, DumpJson(LiveCodeJson(code)),
                                          engine_->clock().NowMicros()}));
  Note(ws, "live_code", true, code.channel + ": updated");
  return code;
}

Result<std::vector<LiveCode>> WecomService::LiveCodes(const std::string& ws) {
  ASSIGN_OR_RETURN(std::vector<StoredObject> objects, engine_->ListObjects(ws, kLiveCodeKind));
  std::vector<LiveCode> out;
  for (const StoredObject& o : objects) {
    const json j = json::parse(o.body, nullptr, false);
    if (j.is_object()) out.push_back(LiveCodeFrom(j));
  }
  return out;
}

Event WecomService::ProfileEvent(const json& profile, const std::string& message_id, Micros at) {
  const json contact = profile.value("external_contact", json::object());
  Event e;
  e.type = EventType::kIdentify;
  e.message_id = message_id;
  e.timestamp = at;
  e.identities.push_back({IdentityKind::kExternalUserId, JsonString(contact, "external_userid")});
  if (const std::string unionid = JsonString(contact, "unionid"); !unionid.empty()) {
    e.identities.push_back({IdentityKind::kUnionId, unionid});
  }
  json traits = json::object();
  if (const std::string name = JsonString(contact, "name"); !name.empty()) traits["name"] = name;
  const int64_t gender = contact.value("gender", int64_t{0});  // 0 unknown, 1 male, 2 female
  if (gender == 1 || gender == 2) traits["gender"] = gender == 1 ? "male" : "female";
  if (const std::string avatar = JsonString(contact, "avatar"); !avatar.empty()) {
    traits["avatar"] = avatar;
  }
  if (const std::string corp = JsonString(contact, "corp_name"); !corp.empty()) {
    traits["corp_name"] = corp;
  }
  traits["wecom_type"] = contact.value("type", int64_t{1}) == 2 ? "wecom" : "wechat";
  e.traits = DumpJson(traits);
  return e;
}

Status WecomService::KeepJoinWays(const std::string& ws) {
  if (!group_hooks_.keep_join_ways) return Status::Ok();
  ASSIGN_OR_RETURN(std::shared_ptr<outbound::WecomApi> api, ApiFor(ws));
  Status kept = group_hooks_.keep_join_ways(ws, *api);
  if (!kept.ok()) Note(ws, "join_way", false, kept.message());
  return kept;
}

void WecomService::Run(FollowUp job) {
  if (!job.chat.change.empty()) {
    Result<std::shared_ptr<outbound::WecomApi>> api = ApiFor(job.ws);
    Status done = api.ok() && group_hooks_.chat_changed
                      ? group_hooks_.chat_changed(job.ws, **api, job.chat)
                      : api.status();
    Note(job.ws, "group", done.ok(),
         job.chat.change + " " + job.chat.chat_id + (done.ok() ? "" : ": " + done.message()));
    return;
  }
  if (job.tags_only) {
    Result<int64_t> pulled = tags_->PullCustomer(job.ws, job.external_userid, job.message_id);
    Note(job.ws, "tags", pulled.ok(),
         job.external_userid + ": " +
             (pulled.ok() ? std::to_string(*pulled) + " tag changes from WeCom"
                          : pulled.status().message()));
    return;
  }
  Result<std::shared_ptr<outbound::WecomApi>> api = ApiFor(job.ws);
  if (!api.ok()) {
    Note(job.ws, "profile", false, job.external_userid + ": " + api.status().message());
    return;
  }
  if (job.attempts == 0 && !job.welcome_code.empty()) {
    Result<std::vector<LiveCode>> codes = LiveCodes(job.ws);
    for (const LiveCode& c : codes.ok() ? *codes : std::vector<LiveCode>{}) {
      if (c.channel != job.state || c.welcome.empty()) continue;
      const Status sent = (*api)->SendWelcome(job.welcome_code, c.welcome);
      Note(job.ws, "welcome", sent.ok(),
           job.external_userid + (sent.ok() ? ": sent" : ": " + sent.message()));
    }
  }
  Result<json> profile = (*api)->GetExternalContact(job.external_userid);
  if (!profile.ok()) {
    const bool again =
        profile.status().code() == StatusCode::kUnavailable && job.attempts + 1 < kProfileAttempts;
    Note(job.ws, "profile", false,
         job.external_userid + ": " + profile.status().message() + (again ? " (will retry)" : ""));
    if (again) {
      ++job.attempts;
      job.not_before = engine_->clock().NowMicros() + kRetryDelay;
      std::lock_guard lock(mu_);
      queue_.push_back(std::move(job));
    }
    return;
  }
  const Event e =
      ProfileEvent(*profile, "wecom-profile:" + job.message_id, engine_->clock().NowMicros());
  Result<SubmitResult> stored = engine_->Submit(job.ws, {e});
  Note(job.ws, "profile", stored.ok(),
       job.external_userid + (stored.ok() ? ": " + e.traits : ": " + stored.status().message()));
}

bool WecomService::Due(std::map<std::string, Micros>* last_run, const std::string& ws,
                       Micros every) {
  const Micros now = engine_->clock().NowMicros();
  std::lock_guard lock(mu_);
  Micros& last = (*last_run)[ws];
  if (last != 0 && now - last < every) return false;
  last = now;
  return true;
}

int WecomService::RunFollowUps() {
  std::vector<FollowUp> due;
  {
    std::lock_guard lock(mu_);
    const Micros now = engine_->clock().NowMicros();
    for (auto it = queue_.begin(); it != queue_.end();) {
      if (it->not_before <= now) {
        due.push_back(std::move(*it));
        it = queue_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (FollowUp& job : due) Run(std::move(job));
  int ran = static_cast<int>(due.size()) + tags_->Push();
  // Per workspace whose WeCom API is configured: the join ways every minute, group-send
  // results and Moments every five.
  Result<std::vector<Workspace>> workspaces = engine_->ListWorkspaces();
  for (const Workspace& w : workspaces.ok() ? *workspaces : std::vector<Workspace>{}) {
    const bool keep = group_hooks_.keep_join_ways && Due(&kept_, w.id, kMicrosPerMinute);
    const bool poll = Due(&polled_, w.id, 5 * kMicrosPerMinute);
    if ((!keep && !poll) || !ApiFor(w.id).ok()) continue;
    if (keep) (void)KeepJoinWays(w.id);
    if (!poll) continue;
    Result<int64_t> read = PollGroupSends(w.id);
    if (!read.ok()) Note(w.id, "group_send", false, read.status().message());
    if (read.ok() && *read > 0) {
      Note(w.id, "group_send", true, std::to_string(*read) + " results read back");
    }
    Result<MomentsRun> moments = PollMoments(w.id);
    if (!moments.ok()) Note(w.id, "moments", false, moments.status().message());
    if (moments.ok() && moments->submitted + moments->posted + moments->failed + moments->events) {
      Note(w.id, "moments", true,
           std::to_string(moments->submitted) + " submitted, " + std::to_string(moments->posted) +
               " posted, " + std::to_string(moments->failed) + " failed, " +
               std::to_string(moments->events) + " events");
    }
  }
  return ran;
}

void WecomService::RunInBackground() {
  Result<std::vector<Workspace>> workspaces = engine_->ListWorkspaces();
  for (const Workspace& w : workspaces.ok() ? *workspaces : std::vector<Workspace>{}) {
    Status s = tags_->CatchUp(w.id);
    if (!s.ok()) Note(w.id, "tags", false, "catching up: " + s.message());
  }
  worker_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stopping_) {
      wake_.wait_for(lock, std::chrono::seconds(5));
      if (stopping_) break;
      lock.unlock();
      RunFollowUps();
      lock.lock();
    }
  });
}

}  // namespace pond::wecom
