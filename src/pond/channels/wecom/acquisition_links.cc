#include "pond/channels/wecom/acquisition_links.h"

#include <nlohmann/json.hpp>

#include "pond/base/json_text.h"
#include "pond/channels/outbound/http_client.h"

namespace pond::wecom {
namespace {

using nlohmann::json;

constexpr char kKind[] = "wecom_acquisition_link";

json LinkJson(const AcquisitionLink& l) {
  return {{"channel", l.channel},         {"name", l.name},       {"staff", l.staff},
          {"skip_verify", l.skip_verify}, {"link_id", l.link_id}, {"url", l.url},
          {"created_at_us", l.created_at}};
}

AcquisitionLink LinkFrom(const json& j) {
  AcquisitionLink l;
  l.channel = j.value("channel", "");
  l.name = j.value("name", "");
  for (const json& s : j.value("staff", json::array())) {
    if (s.is_string()) l.staff.push_back(s.get<std::string>());
  }
  l.skip_verify = j.value("skip_verify", true);
  l.link_id = j.value("link_id", "");
  l.url = j.value("url", "");
  l.created_at = j.value("created_at_us", Micros{0});
  return l;
}

}  // namespace

Result<std::vector<AcquisitionLink>> AcquisitionLinks(Engine& engine, const std::string& ws) {
  ASSIGN_OR_RETURN(std::vector<StoredObject> objects, engine.ListObjects(ws, kKind));
  std::vector<AcquisitionLink> out;
  for (const StoredObject& o : objects) {
    const json j = json::parse(o.body, nullptr, false);
    if (j.is_object()) out.push_back(LinkFrom(j));
  }
  return out;
}

Result<AcquisitionLink> CreateAcquisitionLink(Engine& engine, outbound::WecomApi& api,
                                              const std::string& ws, AcquisitionLink link) {
  if (link.staff.empty()) return FieldError("staff", "at least one staff member's WeCom userid");
  if (link.channel.size() > kMaxCustomerChannel) {
    return FieldError("channel", "at most 64 bytes: WeCom cuts customer_channel there");
  }
  ASSIGN_OR_RETURN(std::vector<Channel> channels, engine.ListChannels(ws));
  const Channel* channel = nullptr;
  for (const Channel& c : channels) {
    if (c.code == link.channel) channel = &c;
  }
  if (!channel) return Status::NotFound("no channel with code \"" + link.channel + "\"");
  ASSIGN_OR_RETURN(std::vector<AcquisitionLink> existing, AcquisitionLinks(engine, ws));
  for (const AcquisitionLink& l : existing) {
    if (l.channel == link.channel) {
      return Status::AlreadyExists("channel " + link.channel + " has its acquisition link already");
    }
  }
  if (link.name.empty()) link.name = channel->name.empty() ? link.channel : channel->name;
  ASSIGN_OR_RETURN(json answer,
                   api.Post("/cgi-bin/externalcontact/customer_acquisition/create_link",
                            {{"link_name", link.name},
                             {"range", {{"user_list", link.staff}}},
                             {"skip_verify", link.skip_verify}}));
  const json l = answer.value("link", json::object());
  link.link_id = l.value("link_id", "");
  const std::string url = l.value("url", "");
  if (link.link_id.empty() || url.empty()) {
    return Status::Unavailable("wecom create_link answered no link_id or url");
  }
  link.url = url + (url.find('?') == std::string::npos ? "?" : "&") +
             "customer_channel=" + outbound::UrlEncode(link.channel);
  link.created_at = engine.clock().NowMicros();
  RETURN_IF_ERROR(
      engine.PutObject(ws, {kKind, link.channel, DumpJson(LinkJson(link)), link.created_at}));
  return link;
}

}  // namespace pond::wecom
