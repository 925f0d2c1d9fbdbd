#include "pond/app/channels.h"

#include "pond/base/time.h"

namespace pond::app {

using nlohmann::json;

json ChannelJson(const Channel& c) {
  return {{"id", c.id},
          {"code", c.code},
          {"name", c.name},
          {"kind", ChannelKindName(c.kind)},
          {"created_at", FormatIso8601(c.created_at)}};
}

Result<json> ChannelListJson(App& app, const std::string& ws) {
  ASSIGN_OR_RETURN(std::vector<Channel> channels, app.engine().ListChannels(ws));
  ASSIGN_OR_RETURN(std::vector<wecom::LiveCode> codes, app.wecom().LiveCodes(ws));
  json data = json::array();
  for (const Channel& c : channels) {
    json row = ChannelJson(c);
    for (const wecom::LiveCode& code : codes) {
      if (code.channel == c.code) row["qr_code"] = code.qr_code;
    }
    data.push_back(std::move(row));
  }
  return json{
      {"data", data}, {"next_cursor", nullptr}, {"total", static_cast<int64_t>(channels.size())}};
}

Result<json> CreateChannel(App& app, const std::string& ws, const Channel& channel,
                           const std::optional<wecom::LiveCode>& live_code) {
  ASSIGN_OR_RETURN(Channel made, app.engine().CreateChannel(ws, channel));
  json out = ChannelJson(made);
  if (!live_code) return out;
  Result<wecom::LiveCode> live = app.wecom().CreateLiveCode(ws, *live_code);
  if (!live.ok()) {
    return Status(live.status().code(), "channel " + made.code +
                                            " was created, its WeCom live code was "
                                            "not (create it with POST /v1/wecom/live-codes): " +
                                            live.status().message());
  }
  out["qr_code"] = live->qr_code;
  return out;
}

Result<outbound::ChannelSettings> ReplaceChannelSettings(App& app, const std::string& ws,
                                                         outbound::ChannelSettings settings) {
  ASSIGN_OR_RETURN(const outbound::ChannelSettings stored, app.deliveries().Settings(ws));
  auto keep = [](std::string& secret, const std::string& was) {
    if (secret.starts_with("••••")) secret = was;
  };
  keep(settings.webhook_secret, stored.webhook_secret);
  keep(settings.wecom_secret, stored.wecom_secret);
  RETURN_IF_ERROR(app.deliveries().SetSettings(ws, settings));
  return settings;
}

}  // namespace pond::app
