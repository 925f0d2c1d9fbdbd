// The chat archive under `pond serve` (docs/conversations.md, "Pulling"): each workspace's
// archive settings kept sealed (object "wecom_archive_config", with the data directory's
// wecom.key, like the callback settings), and a thread of its own that pulls every workspace
// configured every `every` — its own so that a long pull never delays the WeCom worker's
// welcome messages, which have 20 seconds. The SDK is loaded once per workspace and kept.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "pond/base/periodic.h"
#include "pond/channels/wecom/archive_ingest.h"
#include "pond/engine/engine.h"

namespace pond::wecom {

struct ArchiveConfig {
  std::string sdk_path;  // libWeWorkFinanceSdk_C.so
  std::string corp_id;
  std::string secret;               // the chat archive Secret
  std::map<int, std::string> keys;  // publickey_ver -> RSA private key (PEM)
  std::string proxy, passwd;        // for the SDK, if the network needs one
};

// Errors name the field ("sdk_path", "keys.2", …).
Status CheckArchiveConfig(const ArchiveConfig& c);

// The SDK loaded and initialized, and the keys, of checked settings: what a pull needs.
struct OpenedArchive {
  std::unique_ptr<FinanceSdk> sdk;
  ArchiveKeys keys;
};
Result<OpenedArchive> OpenArchive(const ArchiveConfig& c);

class ArchiveService {
 public:
  static Result<std::unique_ptr<ArchiveService>> Open(Engine* engine, const std::string& key_file);
  ~ArchiveService();

  Status Configure(const std::string& ws, const ArchiveConfig& config);
  Result<std::optional<ArchiveConfig>> Config(const std::string& ws);

  // Pulls the workspace now: FailedPrecondition without settings.
  Result<ArchiveProgress> PullNow(const std::string& ws);
  // Every `every`, each configured workspace (pond serve). A failure is printed, not fatal.
  void RunInBackground(std::chrono::milliseconds every);

 private:
  ArchiveService(Engine* engine, std::string key) : engine_(engine), key_(std::move(key)) {}

  Engine* engine_;
  std::string key_;
  std::mutex mu_;  // one pull at a time; guards loaded_
  std::map<std::string, OpenedArchive> loaded_;
  PeriodicThread background_;
};

}  // namespace pond::wecom
