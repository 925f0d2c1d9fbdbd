// What every API handler shares: reading JSON bodies and query parameters, writing JSON, and
// the handlers that live outside handlers.cc (tags, segments), for the route table.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "pond/base/json_text.h"
#include "pond/base/status.h"
#include "pond/segment/rule.h"
#include "server/router.h"

namespace pond::server {

using nlohmann::json;

// ?limit= (1 to 1000, default 50).
Result<size_t> LimitParam(const HttpRequest& req);
// The list convention (ARCHITECTURE.md) for a list kept whole in memory: ?limit and the opaque
// ?cursor a previous page gave pick the page of `items` answered as {data, next_cursor (null on
// the last page), total}. A cursor this list never gave is a 400 naming `cursor`.
HttpResponse ListResponse(const HttpRequest& req, json items);
// A list answered whole as one page: {data, next_cursor: null, total: its size}. For lists a
// service already ranked or capped to `limit`, and the short ones read whole.
HttpResponse OnePageResponse(json data);
std::string QueryParam(const HttpRequest& req, const char* name);
// The body as a JSON object, or a 400.
Result<json> ParseJsonObject(const HttpRequest& req);
// An optional string member (absent or null leaves *out alone); errors name it.
Status ReadStringField(const json& j, const char* name, std::string* out);
// The body's string member `name`, which must be there and not empty.
Result<std::string> RequiredString(const HttpRequest& req, const char* name);
// An optional list of strings; errors name the member or its element.
Status ReadStringList(const json& body, const char* name, std::vector<std::string>* out);
// A list of objects under `name`, at most `max`, each handed to `each` with its path
// ("rows[2]"). Absent: an error saying `usage` when `required`, else nothing to do. Errors name
// the list or the element; `each` names fields inside its element.
Status ForEachObject(const json& body, const char* name, size_t max, bool required,
                     const std::string& usage,
                     const std::function<Status(const json& item, const std::string& at)>& each);
// "rule": the text form, or the JSON form the console's builder sends.
Result<std::unique_ptr<RuleNode>> RuleField(const json& body);

// handlers_tags.cc
HttpResponse ListTags(ApiContext& ctx, const HttpRequest& req);
HttpResponse GetCustomerTags(ApiContext& ctx, const HttpRequest& req);
HttpResponse AddCustomerTags(ApiContext& ctx, const HttpRequest& req);
HttpResponse RemoveCustomerTag(ApiContext& ctx, const HttpRequest& req);
HttpResponse BulkTags(ApiContext& ctx, const HttpRequest& req);
HttpResponse GetAnswerTags(ApiContext& ctx, const HttpRequest& req);
HttpResponse PutAnswerTags(ApiContext& ctx, const HttpRequest& req);
HttpResponse GetTagGroups(ApiContext& ctx, const HttpRequest& req);
HttpResponse PutTagGroups(ApiContext& ctx, const HttpRequest& req);
HttpResponse GetTagRules(ApiContext& ctx, const HttpRequest& req);
HttpResponse PutTagRules(ApiContext& ctx, const HttpRequest& req);

// handlers_segments.cc
HttpResponse ListSegments(ApiContext& ctx, const HttpRequest& req);
HttpResponse CreateSegment(ApiContext& ctx, const HttpRequest& req);
HttpResponse GetSegment(ApiContext& ctx, const HttpRequest& req);
HttpResponse UpdateSegment(ApiContext& ctx, const HttpRequest& req);
HttpResponse DeleteSegment(ApiContext& ctx, const HttpRequest& req);
HttpResponse SegmentCustomers(ApiContext& ctx, const HttpRequest& req);
HttpResponse PreviewSegment(ApiContext& ctx, const HttpRequest& req);
HttpResponse ListStages(ApiContext& ctx, const HttpRequest& req);
HttpResponse PutStages(ApiContext& ctx, const HttpRequest& req);
HttpResponse GetIntent(ApiContext& ctx, const HttpRequest& req);
HttpResponse PutIntent(ApiContext& ctx, const HttpRequest& req);
HttpResponse GetRfm(ApiContext& ctx, const HttpRequest& req);

// handlers_journeys.cc
HttpResponse ListJourneys(ApiContext& ctx, const HttpRequest& req);
HttpResponse CreateJourney(ApiContext& ctx, const HttpRequest& req);
HttpResponse GetJourney(ApiContext& ctx, const HttpRequest& req);
HttpResponse UpdateJourney(ApiContext& ctx, const HttpRequest& req);
HttpResponse DeleteJourney(ApiContext& ctx, const HttpRequest& req);
HttpResponse ActivateJourney(ApiContext& ctx, const HttpRequest& req);
HttpResponse PauseJourney(ApiContext& ctx, const HttpRequest& req);
HttpResponse JourneyStatsHandler(ApiContext& ctx, const HttpRequest& req);
HttpResponse JourneyInstances(ApiContext& ctx, const HttpRequest& req);
HttpResponse GetMessagingSettings(ApiContext& ctx, const HttpRequest& req);
HttpResponse PutMessagingSettings(ApiContext& ctx, const HttpRequest& req);

// handlers_deliveries.cc
HttpResponse ListDeliveries(ApiContext& ctx, const HttpRequest& req);
HttpResponse RetryDelivery(ApiContext& ctx, const HttpRequest& req);
HttpResponse GetChannelSettings(ApiContext& ctx, const HttpRequest& req);
HttpResponse PutChannelSettings(ApiContext& ctx, const HttpRequest& req);

// handlers_distribution.cc
HttpResponse GetDistributionSettings(ApiContext& ctx, const HttpRequest& req);
HttpResponse PutDistributionSettings(ApiContext& ctx, const HttpRequest& req);
HttpResponse ListDistributors(ApiContext& ctx, const HttpRequest& req);
HttpResponse CreateDistributor(ApiContext& ctx, const HttpRequest& req);
HttpResponse GetDistributor(ApiContext& ctx, const HttpRequest& req);
HttpResponse ApproveDistributor(ApiContext& ctx, const HttpRequest& req);
HttpResponse RejectDistributor(ApiContext& ctx, const HttpRequest& req);
HttpResponse FreezeDistributor(ApiContext& ctx, const HttpRequest& req);
HttpResponse UnfreezeDistributor(ApiContext& ctx, const HttpRequest& req);
HttpResponse SetDistributorGrade(ApiContext& ctx, const HttpRequest& req);
HttpResponse DistributorClients(ApiContext& ctx, const HttpRequest& req);
HttpResponse DistributorCommissions(ApiContext& ctx, const HttpRequest& req);
HttpResponse DistributorJournal(ApiContext& ctx, const HttpRequest& req);
HttpResponse DistributorPortalToken(ApiContext& ctx, const HttpRequest& req);
HttpResponse OperatorWithdrawal(ApiContext& ctx, const HttpRequest& req);
HttpResponse BindClient(ApiContext& ctx, const HttpRequest& req);
HttpResponse ListWithdrawals(ApiContext& ctx, const HttpRequest& req);
HttpResponse ApproveWithdrawalHandler(ApiContext& ctx, const HttpRequest& req);
HttpResponse RejectWithdrawalHandler(ApiContext& ctx, const HttpRequest& req);
HttpResponse PaidWithdrawalHandler(ApiContext& ctx, const HttpRequest& req);
HttpResponse DistributionReport(ApiContext& ctx, const HttpRequest& req);
HttpResponse ReconciliationReport(ApiContext& ctx, const HttpRequest& req);
HttpResponse PortalMe(ApiContext& ctx, const HttpRequest& req);
HttpResponse PortalClients(ApiContext& ctx, const HttpRequest& req);
HttpResponse PortalCommissions(ApiContext& ctx, const HttpRequest& req);
HttpResponse PortalWithdrawals(ApiContext& ctx, const HttpRequest& req);
HttpResponse PortalRequestWithdrawal(ApiContext& ctx, const HttpRequest& req);

// handlers_fission.cc
HttpResponse PlanFissionHandler(ApiContext& ctx, const HttpRequest& req);
HttpResponse ListCampaigns(ApiContext& ctx, const HttpRequest& req);
HttpResponse SaveCampaignHandler(ApiContext& ctx, const HttpRequest& req);
HttpResponse GetCampaignHandler(ApiContext& ctx, const HttpRequest& req);
HttpResponse CampaignPoster(ApiContext& ctx, const HttpRequest& req);
HttpResponse CampaignReportHandler(ApiContext& ctx, const HttpRequest& req);
HttpResponse CampaignReviewQueue(ApiContext& ctx, const HttpRequest& req);
HttpResponse CampaignInviters(ApiContext& ctx, const HttpRequest& req);
HttpResponse ApproveHeldReward(ApiContext& ctx, const HttpRequest& req);
HttpResponse RejectHeldReward(ApiContext& ctx, const HttpRequest& req);
HttpResponse OpenGroupHandler(ApiContext& ctx, const HttpRequest& req);
HttpResponse JoinGroupHandler(ApiContext& ctx, const HttpRequest& req);
HttpResponse GetGroupHandler(ApiContext& ctx, const HttpRequest& req);
HttpResponse StartBargainHandler(ApiContext& ctx, const HttpRequest& req);
HttpResponse HelpBargainHandler(ApiContext& ctx, const HttpRequest& req);
HttpResponse GetBargainHandler(ApiContext& ctx, const HttpRequest& req);

// handlers_distribution.cc: a customer's own account (fission cash rewards)
HttpResponse CustomerWithdrawal(ApiContext& ctx, const HttpRequest& req);
HttpResponse CustomerJournal(ApiContext& ctx, const HttpRequest& req);

// handlers_content.cc
HttpResponse ListContentItems(ApiContext& ctx, const HttpRequest& req);
HttpResponse SaveContentItem(ApiContext& ctx, const HttpRequest& req);
HttpResponse GetContentItem(ApiContext& ctx, const HttpRequest& req);
HttpResponse DeleteContentItem(ApiContext& ctx, const HttpRequest& req);
HttpResponse PlanMomentsHandler(ApiContext& ctx, const HttpRequest& req);
HttpResponse ValidateMomentsHandler(ApiContext& ctx, const HttpRequest& req);
HttpResponse MomentTasksHandler(ApiContext& ctx, const HttpRequest& req);
HttpResponse SearchScriptsHandler(ApiContext& ctx, const HttpRequest& req);
HttpResponse SaveScriptHandler(ApiContext& ctx, const HttpRequest& req);
HttpResponse GetScriptHandler(ApiContext& ctx, const HttpRequest& req);
HttpResponse DeleteScriptHandler(ApiContext& ctx, const HttpRequest& req);
HttpResponse UseScriptHandler(ApiContext& ctx, const HttpRequest& req);

// handlers_community.cc
HttpResponse ListGroups(ApiContext& ctx, const HttpRequest& req);
HttpResponse SaveGroupHandler(ApiContext& ctx, const HttpRequest& req);
HttpResponse GetCommunityGroup(ApiContext& ctx, const HttpRequest& req);
HttpResponse GroupMembers(ApiContext& ctx, const HttpRequest& req);
HttpResponse GroupHealthHandler(ApiContext& ctx, const HttpRequest& req);
HttpResponse ListGroupCodes(ApiContext& ctx, const HttpRequest& req);
HttpResponse SaveGroupCodeHandler(ApiContext& ctx, const HttpRequest& req);
HttpResponse GetGroupCodeHandler(ApiContext& ctx, const HttpRequest& req);
HttpResponse RouteByGroupCode(ApiContext& ctx, const HttpRequest& req);

// handlers_wecom.cc
HttpResponse WecomVerifyUrl(ApiContext& ctx, const HttpRequest& req);
HttpResponse WecomCallback(ApiContext& ctx, const HttpRequest& req);
HttpResponse CreateLiveCodeHandler(ApiContext& ctx, const HttpRequest& req);
HttpResponse ListLiveCodes(ApiContext& ctx, const HttpRequest& req);
HttpResponse UpdateLiveCodeHandler(ApiContext& ctx, const HttpRequest& req);
HttpResponse WecomActivityHandler(ApiContext& ctx, const HttpRequest& req);
// A live code's fields ({staff, skip_verify, welcome}) for `channel`; errors name the field,
// after `field_prefix` when the fields sit inside another object ("wecom.").
Result<wecom::LiveCode> ParseLiveCode(const json& j, const std::string& channel,
                                      const std::string& field_prefix = "");

// handlers_reports.cc
HttpResponse CohortsReport(ApiContext& ctx, const HttpRequest& req);
HttpResponse ValueReportHandler(ApiContext& ctx, const HttpRequest& req);
HttpResponse FunnelReportHandler(ApiContext& ctx, const HttpRequest& req);
HttpResponse LtvReportHandler(ApiContext& ctx, const HttpRequest& req);
HttpResponse GridReportHandler(ApiContext& ctx, const HttpRequest& req);
HttpResponse TrendReportHandler(ApiContext& ctx, const HttpRequest& req);
HttpResponse ChannelRoiReportHandler(ApiContext& ctx, const HttpRequest& req);
HttpResponse DiagnoseHandler(ApiContext& ctx, const HttpRequest& req);
HttpResponse GrowthReportHandler(ApiContext& ctx, const HttpRequest& req);

// handlers_fission_trees.cc
HttpResponse CampaignFraud(ApiContext& ctx, const HttpRequest& req);
HttpResponse FissionForest(ApiContext& ctx, const HttpRequest& req);
HttpResponse FissionTree(ApiContext& ctx, const HttpRequest& req);

// handlers_broadcasts.cc
HttpResponse CreateBroadcast(ApiContext& ctx, const HttpRequest& req);
HttpResponse GetBroadcast(ApiContext& ctx, const HttpRequest& req);
HttpResponse ListBroadcasts(ApiContext& ctx, const HttpRequest& req);

// handlers_tasks.cc
HttpResponse ListTasks(ApiContext& ctx, const HttpRequest& req);
HttpResponse CompleteTask(ApiContext& ctx, const HttpRequest& req);
HttpResponse SnoozeTask(ApiContext& ctx, const HttpRequest& req);

}  // namespace pond::server
