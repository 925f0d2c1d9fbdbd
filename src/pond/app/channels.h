// Acquisition channels (渠道) with their WeCom live codes: one use-case for "a channel and its
// 「联系我」 code", shared by POST /v1/channels and whoever else creates channels; and the
// outbound channels' settings.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "pond/app/app.h"
#include "pond/channels/outbound/outbound.h"
#include "pond/channels/wecom/wecom_service.h"
#include "pond/model/workspace.h"

namespace pond::app {

// {id, code, name, kind, created_at}.
nlohmann::json ChannelJson(const Channel& c);

// Every channel, each with its live code's QR image (`qr_code`) when it has one, as a list
// page. REQUIRES: wecom started.
Result<nlohmann::json> ChannelListJson(App& app, const std::string& ws);

// Creates the channel and then, with `live_code`, its live code at WeCom (state = the channel's
// code). The channel stays when WeCom refuses the code: the error says so and how to retry.
// REQUIRES: wecom started.
Result<nlohmann::json> CreateChannel(App& app, const std::string& ws, const Channel& channel,
                                     const std::optional<wecom::LiveCode>& live_code);

// Replaces the outbound channel settings (docs/journeys.md, "Delivery"). A secret sent back as
// GET showed it, masked ("••••…"), keeps its stored value. Returns the settings now in force.
// REQUIRES: deliveries started.
Result<outbound::ChannelSettings> ReplaceChannelSettings(App& app, const std::string& ws,
                                                         outbound::ChannelSettings settings);

}  // namespace pond::app
