// TagBridge (issue 27; docs/wecom.md, "Tags"): corporate tags kept the same in pond and WeCom by
// a running pond.
//
// pond → WeCom. Every tag_added / tag_removed that did not come from WeCom (an operator, a
// journey, a questionnaire's rule) is noted as it is applied and pushed by the WeCom worker:
// the tag is found in the corp's library, or created there (corp_tags.h), and set or cleared on
// each of the customer's friendships with externalcontact/mark_tag. A watermark (the seq up to
// which every change was pushed) is saved after each round, so changes made while pond was
// stopped are pushed when it starts again (CatchUp); the first start pushes no history.
//
// WeCom → pond. When a staff member edits a customer in WeCom (the edit_external_contact
// callback), PullCustomer reads the customer (externalcontact/get) and makes pond's corp tags
// match the union of WeCom's on their friendships, as tag_added / tag_removed {by: "wecom"}
// events whose messageIds come from the callback, so WeCom's retry adds nothing; those events
// are not pushed back. A change_external_tag callback (the library changed) reloads the library.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "pond/channels/outbound/wecom_api.h"
#include "pond/channels/wecom/corp_tags.h"
#include "pond/engine/engine.h"

namespace pond::wecom {

inline constexpr char kTagPushKind[] = "wecom_tag_push";

class TagBridge final : public StateObserver {
 public:
  using ApiFn = std::function<Result<std::shared_ptr<outbound::WecomApi>>(const std::string& ws)>;
  using NoteFn = std::function<void(const std::string& ws, bool ok, const std::string& detail)>;
  TagBridge(Engine* engine, ApiFn api, NoteFn note);

  void OnApplied(const std::string& ws, const TenantState& state,
                 const AppliedEvent& applied) override;
  void OnReset(const std::string&, const TenantState&) override {}

  // Pushes the noted changes; how many were done. A transient refusal keeps a change queued.
  int Push();
  // Queues the workspace's changes after its saved watermark (the first time: saves the log's
  // end as the watermark and queues nothing).
  Status CatchUp(const std::string& ws);
  // Makes pond's corp tags on the customer WeCom's; how many tag events were stored.
  Result<int64_t> PullCustomer(const std::string& ws, const std::string& external_userid,
                               const std::string& cause);
  void InvalidateLibrary(const std::string& ws);
  size_t pending();

 private:
  struct Change {
    std::string ws;
    int64_t seq = 0;
    std::string customer;  // "cus_…"
    std::string tag;
    bool add = true;
    int attempts = 0;
  };
  enum class Outcome { kDone, kRetry };
  Outcome PushOne(Change& c);
  Status SaveWatermark(const std::string& ws, int64_t seq);
  Result<int64_t> Watermark(const std::string& ws);  // -1: none saved

  Engine* engine_;
  ApiFn api_;
  NoteFn note_;
  std::mutex mu_;
  std::deque<Change> queue_;                  // GUARDED_BY(mu_)
  std::map<std::string, int64_t> highest_;    // GUARDED_BY(mu_): the last seq noted, by ws
  std::map<std::string, CorpTagBook> books_;  // used by the worker only (Push, PullCustomer)
  std::mutex book_mu_;                        // the worker and a pull from a callback thread
};

}  // namespace pond::wecom
