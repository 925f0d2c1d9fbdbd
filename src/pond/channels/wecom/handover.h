// Staff changes (issue 27; docs/wecom.md, "Handover"): a leaving or reassigned staff member's
// customers and groups handed to another, through WeCom's succession APIs and within their
// limits.
//
//   customers  externalcontact/transfer_customer (on the job) or resigned/transfer_customer
//              (left), 100 customers a call; WeCom hands each over after 24 hours unless the
//              customer refuses, and then sends the friendship callbacks pond already maps
//   groups     externalcontact/groupchat/onjob_transfer or groupchat/transfer (the groups the
//              staff member owns, from groupchat/list with owner_filter), 100 a call
//
// Limits pond keeps before asking: a customer asked for in the last two days is pending (WeCom
// hands over after 24 hours, and the friendship callbacks then move them in pond); a customer of
// a staff member on the job may be transferred at most twice in 90 days (WeCom's rule: such a
// customer is skipped); and a staff member hands over
// at most `per_day` customers a local day (the messaging settings' staff.transfers_per_day; the
// rest wait for another run). Each customer WeCom accepted is a transfer_requested {from, to,
// resigned} event on them (messageId from the pair, the customer and the local day, so a retried
// run adds nothing); WeCom's refusals are counted by errcode.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "pond/channels/outbound/wecom_api.h"
#include "pond/engine/engine.h"

namespace pond::wecom {

inline constexpr char kTransferRequested[] = "transfer_requested";

struct HandoverRequest {
  std::string from;       // the handing-over staff member's WeCom userid
  std::string to;         // the taking-over one
  bool resigned = false;  // `from` has left the corp
  std::string message;    // transfer_success_msg (on the job), at most 200 characters
  int per_day = 20;       // customers `from` may hand over a local day
};

struct HandoverReport {
  int64_t customers = 0;         // `from`'s friends in pond
  int64_t requested = 0;         // WeCom accepted, to be handed over in 24 hours
  int64_t pending = 0;           // asked for in the last two days already
  int64_t twice_in_90_days = 0;  // skipped: WeCom's limit
  int64_t over_daily_limit = 0;  // left for another day
  int64_t no_external_userid = 0;
  std::map<int64_t, int64_t> refused;  // WeCom's per-customer errcode -> customers
  int64_t groups = 0;                  // groups handed over
  std::map<int64_t, int64_t> groups_refused;
};

Result<HandoverReport> Handover(Engine& engine, outbound::WecomApi& api, const std::string& ws,
                                const HandoverRequest& request);

}  // namespace pond::wecom
