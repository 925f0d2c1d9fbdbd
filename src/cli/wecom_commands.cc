// `pond wecom configure --token T --aes-key KEY43 --corp-id ID` (docs/wecom.md): the workspace's
// callback settings, stored sealed under the data dir's wecom.key.
#include <cstdio>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "pond/channels/wecom/wecom_config.h"

namespace pond::cli {

int RunWecomConfigure(const Common& common, const WecomArgs& a) {
  const wecom::WecomConfig config{a.token, a.aes_key, a.corp_id};
  if (Status s = wecom::CheckConfig(config); !s.ok()) return Fail(s);
  auto engine = OpenEngine(common, false);
  if (!engine.ok()) return Fail(engine.status());
  auto store = wecom::WecomConfigStore::Open(engine->get(), common.data_dir + "/wecom.key");
  if (!store.ok()) return Fail(store.status());
  if (Status s = (*store)->Put(common.workspace, config); !s.ok()) return Fail(s);
  std::printf("WeCom callbacks for workspace %s: set the URL to /wecom/callback/%s\n",
              common.workspace.c_str(), common.workspace.c_str());
  return 0;
}

}  // namespace pond::cli
