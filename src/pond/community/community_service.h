// CommunityService (docs/communities.md): groups with entry thresholds, live group codes that
// route each qualified customer to a group with space and open the next group when all are
// full, membership kept from events, and each group's health.
//
// Events it reads (properties.group_id): group_joined, group_left (membership; WeCom's
// change_external_chat callbacks map to these), group_message {is_ad} (activity, ads),
// group_campaign (a campaign sent to the group; with a msgid, counted once per msgid), and
// order_paid of members (conversion). It writes group_routed {group_id, code_id}: a place held for
// the customer for 24 hours, until they join, so that concurrent routes never promise more places
// than a group has.
//
// A journey's invite_to_group step writes group_invited {group}, naming a group code or a
// group; RunDue routes each such customer as the API would and records the outcome as
// group_invite_decided {cause, target, outcome: routed|again|refused, group, reason}, once per
// invitation (its messageIds come from the invitation's seq), also after a restart.
//
// What a route decides beyond a place is an event too, so that a replay rebuilds it:
// group_opened {group_id, code_id, group} when the rotation opens a group, and
// group_route_refused {code_id, reason} when every group is full (the code's alerts).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "pond/base/periodic.h"
#include "pond/community/community_group.h"
#include "pond/community/group_health.h"
#include "pond/engine/engine.h"
#include "pond/engine/workspace_map.h"
#include "pond/model/event_names.h"  // group_routed, group_invite_decided
#include "pond/segment/segment_service.h"

namespace pond {

inline constexpr Micros kRouteHold = 24 * kMicrosPerHour;

struct GroupView {
  CommunityGroup group;
  int64_t members = 0;
  int64_t held = 0;  // places held for routed customers who have not joined yet
};

struct RouteResult {
  std::string group;  // where to send the customer: show this group's QR code
  std::string group_name;
  std::string welcome;
  bool opened = false;  // the group was opened for this route (all others were full)
  bool again = false;   // the customer was routed (or is a member) already: the same group
};

class CommunityService final : public ReplayingObserver {
 public:
  static Result<std::unique_ptr<CommunityService>> Start(Engine* engine, SegmentService* segments);
  ~CommunityService() override;

  Result<CommunityGroup> SaveGroup(const std::string& ws, const CommunityGroup& group);
  Result<std::vector<GroupView>> Groups(const std::string& ws);
  Result<GroupView> GetGroup(const std::string& ws, const std::string& id);
  Result<std::vector<std::string>> Members(const std::string& ws, const std::string& id);
  // The groups `customer` is in now ({id, name}), in id order.
  Result<std::vector<std::pair<std::string, std::string>>> GroupsOf(const std::string& ws,
                                                                    const std::string& customer);

  Result<GroupCode> SaveCode(const std::string& ws, const GroupCode& code);
  Result<std::vector<GroupCode>> Codes(const std::string& ws);
  Result<GroupCode> GetCode(const std::string& ws, const std::string& id);
  // What went wrong with the code's rotation (all groups full and no group left to open).
  Result<std::vector<std::string>> Alerts(const std::string& ws, const std::string& code);

  // Routes the customer by the code: refused with the rule when they do not qualify
  // (FailedPrecondition), or when every group is full and none can be opened
  // (ResourceExhausted, also kept as an alert).
  Result<RouteResult> Route(const std::string& ws, const std::string& code,
                            const std::string& customer_key);

  Result<GroupHealth> Health(const std::string& ws, const std::string& group);

  // Decides the journeys' invitations waiting; returns how many were decided.
  Result<int64_t> RunDue();
  void RunInBackground(std::chrono::milliseconds every);

  void OnApplied(const std::string& ws, const TenantState& state,
                 const AppliedEvent& applied) override;
  void OnReset(const std::string& ws, const TenantState& state) override;

 private:
  struct Live {
    std::set<std::string> members;
    std::map<std::string, Micros> held;  // customer -> when routed
    std::vector<GroupActivity> log;
    std::set<std::string> campaigns;  // msgids of group_campaign events counted
    int64_t Occupied(Micros now) const;
  };
  struct Alert {
    Micros at;
    std::string why;
  };
  struct Workspace {
    // What operators saved (definitions), and when each code was saved.
    std::set<std::string> saved_groups;
    std::map<std::string, GroupCode> saved_codes;
    std::map<std::string, Micros> code_saved_at;
    // The definitions with what the events added: groups the rotation opened.
    std::map<std::string, CommunityGroup> groups;
    std::map<std::string, GroupCode> codes;
    std::map<std::string, Live> live;                                // by group
    std::map<std::string, std::set<std::string>> groups_of;          // customer -> groups
    std::map<std::string, std::vector<Alert>> alerts;                // by code
    std::map<int64_t, std::pair<std::string, std::string>> invites;  // seq -> (customer, target)
    void Note(const Event& e, const std::string& customer);
    // A group the rotation opened for `code` at `at`.
    void NoteOpened(const CommunityGroup& group, const std::string& code, Micros at);
    // Back to the saved definitions, before a replay of the events.
    void ForgetEvents();
  };
  CommunityService(Engine* engine, SegmentService* segments)
      : engine_(engine), segments_(segments) {}
  Status Load(const std::string& ws);
  Workspace& WorkspaceFor(const std::string& ws);  // REQUIRES: mu_
  // Whether the customer satisfies `rule` now ("" = everyone).
  Result<bool> Qualifies(const std::string& ws, const std::string& rule, const std::string& id);
  // `target`: a code, or a group; `cause`: the invitation's seq (0: an API call).
  Result<RouteResult> RouteTo(const std::string& ws, const std::string& target,
                              const std::string& customer, int64_t cause);

  Engine* engine_;
  SegmentService* segments_;
  std::mutex route_mu_;  // routes decided one at a time; before mu_
  std::mutex mu_;
  WorkspaceMap<Workspace> workspaces_;  // REQUIRES: mu_
  PeriodicThread background_;
};

}  // namespace pond
