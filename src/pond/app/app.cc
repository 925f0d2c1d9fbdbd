#include "pond/app/app.h"

#include <cstdio>
#include <cstdlib>
#include <type_traits>

#include "pond/app/wecom_groups.h"
#include "pond/auth/accounts.h"
#include "pond/auth/audit.h"
#include "pond/channels/outbound/delivery_service.h"
#include "pond/channels/wecom/archive_service.h"
#include "pond/channels/wecom/wecom_service.h"
#include "pond/community/community_service.h"
#include "pond/content/content_service.h"
#include "pond/distribution/distribution_service.h"
#include "pond/distribution/payout_service.h"
#include "pond/fission/fission_service.h"
#include "pond/journey/journey_runtime.h"
#include "pond/journey/task_service.h"
#include "pond/segment/live_rules.h"
#include "pond/segment/score_service.h"
#include "pond/segment/segment_service.h"
#include "pond/segment/tag_service.h"

namespace pond::app {
namespace {

// What each part needs started before it.
Parts DependenciesOf(Part part) {
  switch (part) {
    case kJourneys:
    case kDistribution:
    case kCommunity:
      return kSegments;
    case kWecom:
      return kDeliveries;
    default:
      return 0;
  }
}

// A started service kept, or why it did not start: a service that could not replay the events
// its state needs does not run on what it has.
template <typename T>
Status Keep(Result<std::unique_ptr<T>> started, std::unique_ptr<T>* out) {
  if (!started.ok()) return started.status();
  if constexpr (std::is_base_of_v<StateObserver, T>) RETURN_IF_ERROR((*started)->ReplayError());
  *out = std::move(*started);
  return Status::Ok();
}

template <typename T>
T& Started(const std::unique_ptr<T>& service, const char* name) {
  if (!service) {
    std::fprintf(stderr, "pond: the %s service was used before App::Start started it\n", name);
    std::abort();
  }
  return *service;
}

}  // namespace

Result<std::unique_ptr<App>> App::Open(const AppOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<Engine> engine, Engine::Open(options.engine));
  return std::make_unique<App>(std::move(engine), options);
}

App::App(std::unique_ptr<Engine> engine, const AppOptions& options)
    : engine_(std::move(engine)),
      options_(options),
      accounts_(std::make_unique<auth::AccountService>(engine_.get())),
      audit_(std::make_unique<auth::AuditLog>(engine_.get())) {
  if (options_.wecom_key_file.empty()) {
    options_.wecom_key_file = options.engine.data_dir + "/wecom.key";
  }
}

App::~App() = default;

Status App::Start(Parts parts) {
  // A dependency is always a lower bit than its dependents, so one pass from the top closes
  // the set.
  for (uint32_t bit = kAllParts + 1; bit >>= 1;) {
    if (parts & bit) parts |= DependenciesOf(static_cast<Part>(bit));
  }
  for (uint32_t bit = 1; bit < kAllParts; bit <<= 1) {
    if (!(parts & bit) || (started_ & bit)) continue;
    RETURN_IF_ERROR(StartOne(static_cast<Part>(bit)));
    started_ |= bit;
  }
  return Status::Ok();
}

Status App::StartOne(Part part) {
  Engine* e = engine_.get();
  switch (part) {
    case kSegments:
      // One LiveRules evaluates each event once for segments, tags and scores alike.
      RETURN_IF_ERROR(Keep(LiveRules::Start(e), &rules_));
      segments_ = std::make_unique<SegmentService>(rules_.get());
      tags_ = std::make_unique<TagService>(rules_.get());
      scores_ = std::make_unique<ScoreService>(rules_.get());
      return Status::Ok();
    case kJourneys:
      return Keep(JourneyRuntime::Start(e, segments_.get()), &journeys_);
    case kDeliveries:
      return Keep(outbound::DeliveryService::Start(e), &deliveries_);
    case kTasks:
      return Keep(TaskService::Start(e), &tasks_);
    case kDistribution:
      RETURN_IF_ERROR(Keep(DistributionService::Start(e, segments_.get()), &distribution_));
      payouts_ = std::make_unique<PayoutService>(distribution_.get());
      return Status::Ok();
    case kFission:
      return Keep(FissionService::Start(e), &fission_);
    case kContent:
      return Keep(ContentService::Start(e), &content_);
    case kCommunity:
      return Keep(CommunityService::Start(e, segments_.get()), &community_);
    case kWecom: {
      wecom::WecomService::ApiSettingsFn settings = wecom::ApiSettingsOf(deliveries_.get());
      if (options_.wecom_offline) {
        settings = [](const std::string&) -> Result<outbound::WecomApiSettings> {
          return Status::FailedPrecondition("this run makes no WeCom calls");
        };
      }
      RETURN_IF_ERROR(
          Keep(wecom::WecomService::Open(e, options_.wecom_key_file, settings), &wecom_));
      if (community_) wecom_->SetGroupHooks(GroupHooksFor(*this));
      return Keep(wecom::ArchiveService::Open(e, options_.wecom_key_file), &archive_);
    }
    default:
      return Status::Internal("unknown part " + std::to_string(part));
  }
}

void App::RunInBackground(std::chrono::milliseconds every) {
  if (rules_) rules_->RunInBackground(every);
  if (journeys_) journeys_->RunInBackground(every);
  if (deliveries_) deliveries_->RunInBackground(every);
  if (tasks_) tasks_->RunInBackground(every);
  if (distribution_) distribution_->RunInBackground(every);
  if (fission_) fission_->RunInBackground(every);
  if (community_) community_->RunInBackground(every);
  if (wecom_) wecom_->RunInBackground();
  if (archive_) archive_->RunInBackground(std::chrono::minutes(1));
}

Status App::Flush() {
  if (rules_) RETURN_IF_ERROR(rules_->Flush());
  if (tasks_) RETURN_IF_ERROR(tasks_->Flush());
  return Status::Ok();
}

LiveRules& App::rules() { return Started(rules_, "segments"); }
SegmentService& App::segments() { return Started(segments_, "segments"); }
TagService& App::tags() { return Started(tags_, "segments"); }
ScoreService& App::scores() { return Started(scores_, "segments"); }
JourneyRuntime& App::journeys() { return Started(journeys_, "journeys"); }
outbound::DeliveryService& App::deliveries() { return Started(deliveries_, "deliveries"); }
TaskService& App::tasks() { return Started(tasks_, "tasks"); }
DistributionService& App::distribution() { return Started(distribution_, "distribution"); }
PayoutService& App::payouts() { return Started(payouts_, "distribution"); }
FissionService& App::fission() { return Started(fission_, "fission"); }
ContentService& App::content() { return Started(content_, "content"); }
CommunityService& App::community() { return Started(community_, "community"); }
wecom::WecomService& App::wecom() { return Started(wecom_, "wecom"); }
wecom::ArchiveService& App::archive() { return Started(archive_, "wecom"); }

}  // namespace pond::app
