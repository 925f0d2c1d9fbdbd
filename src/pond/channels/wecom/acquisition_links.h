// Customer acquisition links (获客助手, issue 27; docs/wecom.md, "Acquisition links"): a WeCom
// link that opens a chat with a staff member from outside WeChat (an ad, an SMS, a Douyin or
// Xiaohongshu profile), beside live codes as a way into a channel. pond creates the link
// (externalcontact/customer_acquisition/create_link) and answers its URL with
// `customer_channel=<the channel's code>` appended: WeCom gives that string back as the
// friendship's `state` (in the add_external_contact callback and in the customer's details), so
// a friend who arrives through the link gets the channel as their first touch, exactly as a live
// code's do.
#pragma once

#include <string>
#include <vector>

#include "pond/base/clock.h"
#include "pond/channels/outbound/wecom_api.h"
#include "pond/engine/engine.h"

namespace pond::wecom {

struct AcquisitionLink {
  std::string channel;  // the pond channel's code: customer_channel, and so the state
  std::string name;     // the link's name in WeCom ("" = the channel's name)
  std::vector<std::string> staff;
  bool skip_verify = true;
  std::string link_id;
  std::string url;  // WeCom's URL with customer_channel appended: the one to publish
  Micros created_at = 0;
};

// WeCom truncates customer_channel at 64 bytes; a longer channel code is refused.
inline constexpr size_t kMaxCustomerChannel = 64;

// Creates the channel's link at WeCom and keeps it (object kind "wecom_acquisition_link").
// NotFound for an unknown channel, AlreadyExists when it has one, a field error for no staff,
// and WeCom's refusal with its errcode.
Result<AcquisitionLink> CreateAcquisitionLink(Engine& engine, outbound::WecomApi& api,
                                              const std::string& ws, AcquisitionLink link);
Result<std::vector<AcquisitionLink>> AcquisitionLinks(Engine& engine, const std::string& ws);

}  // namespace pond::wecom
