// ContentService (docs/content.md): the content library with each item's performance, the
// Moments planner over it, and the script library with its search.
//
// Items and scripts are stored objects ("content_item", "script"). Performance and what each
// staff account posted come from events, kept by observing the engine:
//   content_viewed / content_liked / content_commented {content_id}   → views, likes, comments
//   moment_liked / moment_commented {content_id} (WeCom's, moments.h) → likes, comments
//   moment_posted {staff_id, content_id, moment_id?}                 → no repeat within 14 days
//                                                         (once per moment_id: WeCom's posts
//                                                          are recorded on each viewer)
//   script_used {script_id, staff}                                   → a script's uses
// A use of a script is an event on the customer it was used with (UseScript writes it), so a
// replay of the log counts the same uses. A script stored before uses were events keeps the
// count it was stored with, and the events add to it.
#pragma once

#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "pond/content/content_item.h"
#include "pond/content/moments_plan.h"
#include "pond/content/script_library.h"
#include "pond/engine/engine.h"
#include "pond/engine/workspace_map.h"

namespace pond {

class ContentService final : public ReplayingObserver {
 public:
  static Result<std::unique_ptr<ContentService>> Start(Engine* engine);
  ~ContentService() override;

  // --- the content library -------------------------------------------------------------
  Result<ContentItem> SaveItem(const std::string& ws, const ContentItem& item);
  // kind "" = all; with their performance, best first.
  Result<std::vector<ContentItem>> Items(const std::string& ws, const std::string& kind);
  Result<ContentItem> GetItem(const std::string& ws, const std::string& id);
  Status DeleteItem(const std::string& ws, const std::string& id);

  // --- Moments ---------------------------------------------------------------------------
  struct StaffPlan {
    std::string staff;
    Persona persona;
  };
  // One calendar per staff account over the library, avoiding what each posted before `from`.
  Result<std::vector<MomentsPlan>> PlanMoments(const std::string& ws,
                                               const std::vector<StaffPlan>& staff, Micros from,
                                               int days, const MomentsRules& rules);
  // What the validator finds in a calendar, against the library.
  Result<std::vector<MomentsViolation>> ValidateMoments(const std::string& ws,
                                                        const std::vector<PlannedPost>& posts,
                                                        const Persona& persona, Micros from,
                                                        int days, const MomentsRules& rules);

  // --- scripts ---------------------------------------------------------------------------
  Result<Script> SaveScript(const std::string& ws, const Script& script);  // keeps its uses
  Result<Script> GetScript(const std::string& ws, const std::string& id);
  Status DeleteScript(const std::string& ws, const std::string& id);
  // query "" = every script, most used first; else by relevance. `tag`/`stage` filter.
  struct ScriptHit {
    Script script;
    std::string snippet;
  };
  Result<std::vector<ScriptHit>> SearchScripts(const std::string& ws, const std::string& query,
                                               const std::string& tag, const std::string& stage,
                                               size_t limit);
  // `staff` used the script with `customer_key` (a customer id or identity): script_used on the
  // customer. A `request_id` makes a retry count once (it names the event's messageId).
  struct ScriptUse {
    std::string customer_key;
    std::string staff;
    std::string request_id;
  };
  Result<Script> UseScript(const std::string& ws, const std::string& id, const ScriptUse& use);

  void OnApplied(const std::string& ws, const TenantState& state,
                 const AppliedEvent& applied) override;
  void OnReset(const std::string& ws, const TenantState& state) override;

 private:
  struct Workspace {
    std::map<std::string, ContentItem> items;
    std::map<std::string, Script> scripts;
    std::unique_ptr<ScriptIndex> index;
    std::map<std::string, std::array<int64_t, 3>> performance;  // views, likes, comments
    std::map<std::string, std::vector<PlannedPost>> posted;     // by staff
    std::set<std::string> moments;                              // WeCom moment_ids posted
    std::map<std::string, int64_t> used;                        // script_used, by script
    void Note(const Event& e);
    // The script with its uses: the count it was stored with and its script_used events.
    Script WithUses(const Script& s) const;
  };
  explicit ContentService(Engine* engine) : engine_(engine) {}
  Status Load(const std::string& ws);
  Workspace& WorkspaceFor(const std::string& ws);  // REQUIRES: mu_
  ContentItem WithPerformance(const Workspace& w, const ContentItem& item) const;

  Engine* engine_;
  std::mutex use_mu_;  // script saves, one at a time; before mu_
  std::mutex mu_;
  WorkspaceMap<Workspace> workspaces_;  // REQUIRES: mu_
};

}  // namespace pond
