// For the app tests: the workspace's `wecom` channel pointed at the WeCom test corp.
#pragma once

#include <string>

#include "pond/app/app.h"
#include "pond/channels/outbound/delivery_service.h"
#include "pond/testing/wecom_test_corp.h"

namespace pond::app {

inline Status ConnectToTestCorp(App& app, const std::string& ws,
                                const testing::WecomTestCorp& corp) {
  ASSIGN_OR_RETURN(outbound::ChannelSettings s, app.deliveries().Settings(ws));
  s.wecom_base_url = corp.url();
  s.wecom_corp_id = corp.shape().corp_id;
  s.wecom_secret = corp.shape().secret;
  return app.deliveries().SetSettings(ws, s);
}

}  // namespace pond::app
