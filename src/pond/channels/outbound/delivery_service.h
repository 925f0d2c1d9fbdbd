// DeliveryService: takes every message pond decided to send to a real channel (a
// `message_sent` event whose channel is not `outbox`, or a journey's webhook step) to its
// adapter (channels.h), retries what may pass later with exponential backoff and jitter, and
// dead-letters the rest. Like the journeys, its state is events (docs/journeys.md, "Delivery"):
//
//   message_delivered  {source, channel, attempts, detail}  the remote took it
//   message_failed     {source, channel, attempts, detail}  dead-lettered: permanent failure
//                                                            or the retry budget spent
//   message_retried    {source}                              an operator sent it back
//
// `source` is the deciding event's messageId, which is also the idempotency key the remote
// sees. Outcome events have messageId "dlv:<source>" (":<k>" after the k-th retry), so two
// processes reporting one outcome store it once. A message is pending from its decision until
// an outcome; at start the pending and dead-lettered ones are rebuilt from the log. Delivery is
// at least once: a crash after the remote answered and before the outcome was stored delivers
// again, with the same key.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "pond/base/periodic.h"
#include "pond/channels/outbound/channels.h"
#include "pond/engine/engine.h"
#include "pond/engine/workspace_map.h"
#include "pond/model/event_names.h"  // message_delivered, message_failed, message_retried

namespace pond::outbound {

struct DeliveryView {
  std::string id;  // the source messageId
  std::string channel;
  std::string customer_id;
  std::string template_id;
  std::string status;  // "pending" | "failed"
  int attempts = 0;    // in this process (pending) or in all (failed)
  std::string detail;  // the last answer
  Micros next_attempt = 0;
};

class DeliveryService final : public ReplayingObserver {
 public:
  static Result<std::unique_ptr<DeliveryService>> Start(Engine* engine);
  ~DeliveryService() override;

  // Attempts every delivery due at the engine clock's now; returns the attempts made.
  Result<int64_t> RunDue();
  void RunInBackground(std::chrono::milliseconds every);

  Status SetSettings(const std::string& ws, const ChannelSettings& settings);
  Result<ChannelSettings> Settings(const std::string& ws);
  // status: "pending" or "failed" (the dead letters), oldest first.
  Result<std::vector<DeliveryView>> List(const std::string& ws, const std::string& status,
                                         size_t limit);
  // Sends a dead-lettered message back to the queue (a message_retried event).
  Status Retry(const std::string& ws, const std::string& id);

  void OnApplied(const std::string& ws, const TenantState& state,
                 const AppliedEvent& applied) override;
  void OnReset(const std::string& ws, const TenantState& state) override;

 private:
  struct Item {
    OutboundMessage message;
    int64_t seq = 0;  // of the deciding event: the queue's order
    int attempts = 0;
    int retries = 0;  // message_retried seen
    Micros next_at = 0;
    std::string detail;
  };
  struct Workspace {
    ChannelSettings settings;
    std::map<std::string, std::shared_ptr<OutboundChannel>> channels;
    std::unordered_map<std::string, Item> pending, failed;
    std::set<std::pair<Micros, std::string>> due;  // (next_at, id) of pending, not in flight
  };

  explicit DeliveryService(Engine* engine) : engine_(engine) {}
  Workspace& WorkspaceFor(const std::string& ws);                     // REQUIRES: mu_
  void Apply(Workspace& w, const Event& e, const std::string& name);  // REQUIRES: mu_
  void BuildChannels(Workspace& w);                                   // REQUIRES: mu_
  // Before an attempt, outside every lock: the customer's identities and the rendered text, or
  // the result of an attempt that cannot be made (no channel, no template).
  std::optional<DeliveryResult> Prepare(const std::string& ws, OutboundChannel* channel, Item& item,
                                        const ChannelSettings& settings);
  // After it: the outcome event to store, if the attempt settled the message.
  std::optional<Event> Settle(Item& item, const DeliveryResult& result,
                              const ChannelSettings& settings);

  Engine* engine_;
  PeriodicThread background_;
  std::mutex run_mu_;  // one RunDue at a time
  std::mutex mu_;
  WorkspaceMap<Workspace> workspaces_;  // REQUIRES: mu_
};

}  // namespace pond::outbound
