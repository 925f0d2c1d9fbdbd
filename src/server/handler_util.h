// What every API handler shares: reading JSON bodies and query parameters, writing JSON, and
// the handlers that live outside handlers.cc (tags, segments), for the route table.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "pond/app/personal_data.h"
#include "pond/base/json_text.h"
#include "pond/base/status.h"
#include "pond/segment/rule.h"
#include "server/router.h"

namespace pond::server {

using nlohmann::json;

// ?limit= (1 to 1000, default 50).
Result<size_t> LimitParam(const HttpRequest& req);
// An integer query parameter from `lo` to `hi`; `absent` when it is not given. Errors name it.
Result<int64_t> IntParam(const HttpRequest& req, const char* name, int64_t lo, int64_t hi,
                         int64_t absent);
// The list convention (ARCHITECTURE.md) for a list kept whole in memory: ?limit and the opaque
// ?cursor a previous page gave pick the page of `items` answered as {data, next_cursor (null on
// the last page), total}. A cursor this list never gave is a 400 naming `cursor`.
Result<json> ListPage(const HttpRequest& req, json items);
// A list answered whole as one page: {data, next_cursor: null, total: its size}. For lists a
// service already ranked or capped to `limit`, and the short ones read whole.
json OnePage(json data);
std::string QueryParam(const HttpRequest& req, const char* name);
// ?reveal=true answers personal data unmasked: for an owner, operator or staff member (on their
// own customers) or an admin key, and each such read is written to the audit log with `target`.
// Others get a 403 naming their role; absent or false keeps it masked; other values are a 400.
Result<app::Disclosure> RevealParam(ApiContext& ctx, const HttpRequest& req,
                                    const std::string& target);
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
Result<json> ListTags(ApiContext& ctx, const HttpRequest& req);
Result<json> GetCustomerTags(ApiContext& ctx, const HttpRequest& req);
Result<json> AddCustomerTags(ApiContext& ctx, const HttpRequest& req);
Result<json> RemoveCustomerTag(ApiContext& ctx, const HttpRequest& req);
Result<json> BulkTags(ApiContext& ctx, const HttpRequest& req);
Result<json> GetAnswerTags(ApiContext& ctx, const HttpRequest& req);
Result<json> PutAnswerTags(ApiContext& ctx, const HttpRequest& req);
Result<json> GetTagGroups(ApiContext& ctx, const HttpRequest& req);
Result<json> PutTagGroups(ApiContext& ctx, const HttpRequest& req);
Result<json> GetTagRules(ApiContext& ctx, const HttpRequest& req);
Result<json> PutTagRules(ApiContext& ctx, const HttpRequest& req);

// handlers_segments.cc
HttpResponse ListSegments(ApiContext& ctx, const HttpRequest& req);
HttpResponse CreateSegment(ApiContext& ctx, const HttpRequest& req);
HttpResponse GetSegment(ApiContext& ctx, const HttpRequest& req);
HttpResponse UpdateSegment(ApiContext& ctx, const HttpRequest& req);
Result<json> DeleteSegment(ApiContext& ctx, const HttpRequest& req);
HttpResponse SegmentCustomers(ApiContext& ctx, const HttpRequest& req);
HttpResponse PreviewSegment(ApiContext& ctx, const HttpRequest& req);
Result<json> ListStages(ApiContext& ctx, const HttpRequest& req);
Result<json> PutStages(ApiContext& ctx, const HttpRequest& req);
Result<json> GetIntent(ApiContext& ctx, const HttpRequest& req);
Result<json> PutIntent(ApiContext& ctx, const HttpRequest& req);
Result<json> GetRfm(ApiContext& ctx, const HttpRequest& req);

// handlers_journeys.cc
Result<json> ListJourneys(ApiContext& ctx, const HttpRequest& req);
Result<json> CreateJourney(ApiContext& ctx, const HttpRequest& req);
Result<json> GetJourney(ApiContext& ctx, const HttpRequest& req);
Result<json> UpdateJourney(ApiContext& ctx, const HttpRequest& req);
Result<json> DeleteJourney(ApiContext& ctx, const HttpRequest& req);
Result<json> ActivateJourney(ApiContext& ctx, const HttpRequest& req);
Result<json> PauseJourney(ApiContext& ctx, const HttpRequest& req);
HttpResponse JourneyStatsHandler(ApiContext& ctx, const HttpRequest& req);
Result<json> JourneyInstances(ApiContext& ctx, const HttpRequest& req);
Result<json> GetMessagingSettings(ApiContext& ctx, const HttpRequest& req);
Result<json> PutMessagingSettings(ApiContext& ctx, const HttpRequest& req);

// handlers_deliveries.cc
Result<json> ListDeliveries(ApiContext& ctx, const HttpRequest& req);
Result<json> RetryDelivery(ApiContext& ctx, const HttpRequest& req);
Result<json> GetChannelSettings(ApiContext& ctx, const HttpRequest& req);
Result<json> PutChannelSettings(ApiContext& ctx, const HttpRequest& req);

// handlers_distribution.cc
Result<json> GetDistributionSettings(ApiContext& ctx, const HttpRequest& req);
Result<json> PutDistributionSettings(ApiContext& ctx, const HttpRequest& req);
Result<json> ListDistributors(ApiContext& ctx, const HttpRequest& req);
Result<json> CreateDistributor(ApiContext& ctx, const HttpRequest& req);
Result<json> GetDistributor(ApiContext& ctx, const HttpRequest& req);
Result<json> ApproveDistributor(ApiContext& ctx, const HttpRequest& req);
Result<json> RejectDistributor(ApiContext& ctx, const HttpRequest& req);
Result<json> FreezeDistributor(ApiContext& ctx, const HttpRequest& req);
Result<json> UnfreezeDistributor(ApiContext& ctx, const HttpRequest& req);
Result<json> SetDistributorGrade(ApiContext& ctx, const HttpRequest& req);
Result<json> DistributorClients(ApiContext& ctx, const HttpRequest& req);
Result<json> DistributorCommissions(ApiContext& ctx, const HttpRequest& req);
Result<json> DistributorJournal(ApiContext& ctx, const HttpRequest& req);
Result<json> DistributorPortalToken(ApiContext& ctx, const HttpRequest& req);
Result<json> OperatorWithdrawal(ApiContext& ctx, const HttpRequest& req);
Result<json> BindClient(ApiContext& ctx, const HttpRequest& req);
Result<json> ListWithdrawals(ApiContext& ctx, const HttpRequest& req);
Result<json> ApproveWithdrawalHandler(ApiContext& ctx, const HttpRequest& req);
Result<json> RejectWithdrawalHandler(ApiContext& ctx, const HttpRequest& req);
Result<json> PaidWithdrawalHandler(ApiContext& ctx, const HttpRequest& req);
Result<json> DistributionReport(ApiContext& ctx, const HttpRequest& req);
Result<json> ReconciliationReport(ApiContext& ctx, const HttpRequest& req);
Result<json> PortalMe(ApiContext& ctx, const HttpRequest& req);
Result<json> PortalClients(ApiContext& ctx, const HttpRequest& req);
Result<json> PortalCommissions(ApiContext& ctx, const HttpRequest& req);
Result<json> PortalWithdrawals(ApiContext& ctx, const HttpRequest& req);
Result<json> PortalRequestWithdrawal(ApiContext& ctx, const HttpRequest& req);

// handlers_fission.cc
Result<json> PlanFissionHandler(ApiContext& ctx, const HttpRequest& req);
Result<json> ListCampaigns(ApiContext& ctx, const HttpRequest& req);
Result<json> SaveCampaignHandler(ApiContext& ctx, const HttpRequest& req);
Result<json> GetCampaignHandler(ApiContext& ctx, const HttpRequest& req);
Result<json> CampaignPoster(ApiContext& ctx, const HttpRequest& req);
Result<json> CampaignReportHandler(ApiContext& ctx, const HttpRequest& req);
Result<json> CampaignReviewQueue(ApiContext& ctx, const HttpRequest& req);
Result<json> CampaignInviters(ApiContext& ctx, const HttpRequest& req);
Result<json> ApproveHeldReward(ApiContext& ctx, const HttpRequest& req);
Result<json> RejectHeldReward(ApiContext& ctx, const HttpRequest& req);
Result<json> OpenGroupHandler(ApiContext& ctx, const HttpRequest& req);
Result<json> JoinGroupHandler(ApiContext& ctx, const HttpRequest& req);
Result<json> GetGroupHandler(ApiContext& ctx, const HttpRequest& req);
Result<json> StartBargainHandler(ApiContext& ctx, const HttpRequest& req);
Result<json> HelpBargainHandler(ApiContext& ctx, const HttpRequest& req);
Result<json> GetBargainHandler(ApiContext& ctx, const HttpRequest& req);

// handlers_distribution.cc: a customer's own account (fission cash rewards)
Result<json> CustomerWithdrawal(ApiContext& ctx, const HttpRequest& req);
Result<json> CustomerJournal(ApiContext& ctx, const HttpRequest& req);

// handlers_content.cc
Result<json> ListContentItems(ApiContext& ctx, const HttpRequest& req);
Result<json> SaveContentItem(ApiContext& ctx, const HttpRequest& req);
Result<json> GetContentItem(ApiContext& ctx, const HttpRequest& req);
Result<json> DeleteContentItem(ApiContext& ctx, const HttpRequest& req);
Result<json> PlanMomentsHandler(ApiContext& ctx, const HttpRequest& req);
Result<json> ValidateMomentsHandler(ApiContext& ctx, const HttpRequest& req);
Result<json> MomentTasksHandler(ApiContext& ctx, const HttpRequest& req);
Result<json> PlanWecomMomentsHandler(ApiContext& ctx, const HttpRequest& req);
Result<json> ListWecomMomentsHandler(ApiContext& ctx, const HttpRequest& req);
Result<json> SearchScriptsHandler(ApiContext& ctx, const HttpRequest& req);
Result<json> SaveScriptHandler(ApiContext& ctx, const HttpRequest& req);
Result<json> GetScriptHandler(ApiContext& ctx, const HttpRequest& req);
Result<json> DeleteScriptHandler(ApiContext& ctx, const HttpRequest& req);
Result<json> UseScriptHandler(ApiContext& ctx, const HttpRequest& req);

// handlers_community.cc
Result<json> ListGroups(ApiContext& ctx, const HttpRequest& req);
Result<json> SaveGroupHandler(ApiContext& ctx, const HttpRequest& req);
Result<json> GetCommunityGroup(ApiContext& ctx, const HttpRequest& req);
Result<json> GroupMembers(ApiContext& ctx, const HttpRequest& req);
Result<json> GroupHealthHandler(ApiContext& ctx, const HttpRequest& req);
Result<json> ListGroupCodes(ApiContext& ctx, const HttpRequest& req);
Result<json> SaveGroupCodeHandler(ApiContext& ctx, const HttpRequest& req);
Result<json> GetGroupCodeHandler(ApiContext& ctx, const HttpRequest& req);
Result<json> RouteByGroupCode(ApiContext& ctx, const HttpRequest& req);

// handlers_wecom.cc
HttpResponse WecomVerifyUrl(ApiContext& ctx, const HttpRequest& req);
HttpResponse WecomCallback(ApiContext& ctx, const HttpRequest& req);
Result<json> CreateLiveCodeHandler(ApiContext& ctx, const HttpRequest& req);
Result<json> ListLiveCodes(ApiContext& ctx, const HttpRequest& req);
Result<json> UpdateLiveCodeHandler(ApiContext& ctx, const HttpRequest& req);
Result<json> WecomActivityHandler(ApiContext& ctx, const HttpRequest& req);
Result<json> StartWecomSync(ApiContext& ctx, const HttpRequest& req);
Result<json> CreateAcquisitionLinkHandler(ApiContext& ctx, const HttpRequest& req);
Result<json> ListAcquisitionLinks(ApiContext& ctx, const HttpRequest& req);
Result<json> HandoverHandler(ApiContext& ctx, const HttpRequest& req);
Result<json> ListJoinWaysHandler(ApiContext& ctx, const HttpRequest& req);
Result<json> ListStaffAccountsHandler(ApiContext& ctx, const HttpRequest& req);
Result<json> GetConversationKeywords(ApiContext& ctx, const HttpRequest& req);
Result<json> GetArchiveHandler(ApiContext& ctx, const HttpRequest& req);
Result<json> PullArchiveHandler(ApiContext& ctx, const HttpRequest& req);
Result<json> SendToGroupsHandler(ApiContext& ctx, const HttpRequest& req);
Result<json> ListGroupSendsHandler(ApiContext& ctx, const HttpRequest& req);
Result<json> PutConversationKeywords(ApiContext& ctx, const HttpRequest& req);
Result<json> GetWecomSync(ApiContext& ctx, const HttpRequest& req);
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
HttpResponse RepliesReportHandler(ApiContext& ctx, const HttpRequest& req);
HttpResponse TrendReportHandler(ApiContext& ctx, const HttpRequest& req);
HttpResponse ChannelRoiReportHandler(ApiContext& ctx, const HttpRequest& req);
HttpResponse DiagnoseHandler(ApiContext& ctx, const HttpRequest& req);
HttpResponse GrowthReportHandler(ApiContext& ctx, const HttpRequest& req);

// handlers_fission_trees.cc
Result<json> CampaignFraud(ApiContext& ctx, const HttpRequest& req);
Result<json> FissionForest(ApiContext& ctx, const HttpRequest& req);
Result<json> FissionTree(ApiContext& ctx, const HttpRequest& req);

// handlers_broadcasts.cc
Result<json> CreateBroadcast(ApiContext& ctx, const HttpRequest& req);
Result<json> GetBroadcast(ApiContext& ctx, const HttpRequest& req);
Result<json> ListBroadcasts(ApiContext& ctx, const HttpRequest& req);

// handlers_tasks.cc
Result<json> ListTasks(ApiContext& ctx, const HttpRequest& req);
Result<json> CompleteTask(ApiContext& ctx, const HttpRequest& req);
Result<json> SnoozeTask(ApiContext& ctx, const HttpRequest& req);

// handlers_auth.cc
HttpResponse Login(ApiContext& ctx, const HttpRequest& req);
HttpResponse Logout(ApiContext& ctx, const HttpRequest& req);
Result<json> Me(ApiContext& ctx, const HttpRequest& req);
Result<json> ListUsers(ApiContext& ctx, const HttpRequest& req);
Result<json> ListAudit(ApiContext& ctx, const HttpRequest& req);
Result<json> CreateUser(ApiContext& ctx, const HttpRequest& req);
Result<json> DisableUser(ApiContext& ctx, const HttpRequest& req);
Result<json> ResetUserPassword(ApiContext& ctx, const HttpRequest& req);

}  // namespace pond::server
