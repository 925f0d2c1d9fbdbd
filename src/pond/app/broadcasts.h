// Broadcasts (群发): a one-off send to a segment's members at a time. A broadcast is a journey
// with a `once` trigger and one send step, so it obeys consent, quiet hours, caps and staff
// limits like every journey, and its progress and result are that journey's stats
// (docs/journeys.md, "Broadcasts").
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "pond/app/app.h"

namespace pond::app {

struct BroadcastRequest {
  std::string id;       // "": a new bc_… id
  std::string name;     // "": "broadcast <time>"
  std::string segment;  // required: a segment id or name
  std::string at;       // ISO 8601; without an offset, the workspace's local time; "": now
  std::string channel = "outbox";
  std::string template_id;                                        // required
  nlohmann::json variables = nlohmann::json::value_t::discarded;  // discarded: not given
  nlohmann::json marketing = nlohmann::json::value_t::discarded;
};

// The broadcast's report: {id, name, segment, at, channel, template, status (scheduled,
// sending, done, paused), audience, sent, pending, suppressed, deferred}.
// REQUIRES (all three): segments and journeys started.
Result<nlohmann::json> CreateBroadcast(App& app, const std::string& ws,
                                       const BroadcastRequest& request);
Result<nlohmann::json> GetBroadcast(App& app, const std::string& ws, const std::string& id);
// {data: [reports]}, oldest first.
Result<nlohmann::json> ListBroadcasts(App& app, const std::string& ws);

}  // namespace pond::app
