#include "pond/channels/wecom/archive_service.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "pond/base/json_text.h"
#include "pond/channels/wecom/wecom_config.h"  // PutSealedObject
#include "pond/store/sealing.h"

namespace pond::wecom {
namespace {

using nlohmann::json;

constexpr char kKind[] = "wecom_archive_config";
constexpr char kId[] = "archive";

json ConfigJson(const ArchiveConfig& c) {
  json keys = json::object();
  for (const auto& [version, pem] : c.keys) keys[std::to_string(version)] = pem;
  return {{"sdk_path", c.sdk_path}, {"corp_id", c.corp_id}, {"secret", c.secret},
          {"keys", keys},           {"proxy", c.proxy},     {"passwd", c.passwd}};
}

ArchiveConfig ConfigFrom(const json& j) {
  ArchiveConfig c;
  c.sdk_path = j.value("sdk_path", "");
  c.corp_id = j.value("corp_id", "");
  c.secret = j.value("secret", "");
  const json keys = j.value("keys", json::object());  // items() of a temporary would dangle
  for (const auto& [version, pem] : keys.items()) {
    if (pem.is_string()) c.keys[std::atoi(version.c_str())] = pem.get<std::string>();
  }
  c.proxy = j.value("proxy", "");
  c.passwd = j.value("passwd", "");
  return c;
}

}  // namespace

Status CheckArchiveConfig(const ArchiveConfig& c) {
  if (c.sdk_path.empty() || c.sdk_path.size() > 4096 || c.sdk_path[0] != '/') {
    return FieldError("sdk_path", "the absolute path of libWeWorkFinanceSdk_C.so");
  }
  if (c.corp_id.empty() || c.corp_id.size() > 64) {
    return FieldError("corp_id", "the corp id (企业ID), 1 to 64 characters");
  }
  if (c.secret.empty() || c.secret.size() > 256) {
    return FieldError("secret", "the chat archive Secret, 1 to 256 characters");
  }
  if (c.keys.empty()) return FieldError("keys", "at least one {publickey_ver: private key PEM}");
  ArchiveKeys check;
  for (const auto& [version, pem] : c.keys) {
    if (version < 1) return FieldError("keys", "versions are numbers from 1");
    RETURN_IF_ERROR(check.Add(version, pem));
  }
  return Status::Ok();
}

Result<OpenedArchive> OpenArchive(const ArchiveConfig& c) {
  RETURN_IF_ERROR(CheckArchiveConfig(c));
  OpenedArchive out;
  for (const auto& [version, pem] : c.keys) RETURN_IF_ERROR(out.keys.Add(version, pem));
  ASSIGN_OR_RETURN(out.sdk, FinanceSdk::Load(c.sdk_path, c.corp_id, c.secret));
  return out;
}

Result<std::unique_ptr<ArchiveService>> ArchiveService::Open(Engine* engine,
                                                             const std::string& key_file) {
  ASSIGN_OR_RETURN(std::string key, ReadOrCreateKeyFile(key_file));
  return std::unique_ptr<ArchiveService>(new ArchiveService(engine, std::move(key)));
}

ArchiveService::~ArchiveService() { background_.Stop(); }

Status ArchiveService::Configure(const std::string& ws, const ArchiveConfig& config) {
  RETURN_IF_ERROR(CheckArchiveConfig(config));
  RETURN_IF_ERROR(PutSealedObject(*engine_, ws, kKind, kId, DumpJson(ConfigJson(config)), key_));
  std::lock_guard lock(mu_);
  loaded_.erase(ws);  // the next pull loads the new settings
  return Status::Ok();
}

Result<std::optional<ArchiveConfig>> ArchiveService::Config(const std::string& ws) {
  ASSIGN_OR_RETURN(std::optional<std::string> plain,
                   GetSealedObject(*engine_, ws, kKind, kId, key_, "archive settings"));
  if (!plain) return std::optional<ArchiveConfig>();
  const json j = json::parse(*plain, nullptr, false);
  if (!j.is_object()) return Status::Internal("the stored archive settings are damaged");
  return std::optional<ArchiveConfig>(ConfigFrom(j));
}

Result<ArchiveProgress> ArchiveService::PullNow(const std::string& ws) {
  ASSIGN_OR_RETURN(std::optional<ArchiveConfig> config, Config(ws));
  if (!config) {
    return Status::FailedPrecondition("the chat archive is not configured for " + ws +
                                      ": pond wecom archive --configure");
  }
  std::lock_guard lock(mu_);
  auto l = loaded_.find(ws);
  if (l == loaded_.end()) {
    ASSIGN_OR_RETURN(OpenedArchive opened, OpenArchive(*config));
    l = loaded_.emplace(ws, std::move(opened)).first;
  }
  ArchivePull pull;
  pull.proxy = config->proxy;
  pull.passwd = config->passwd;
  return PullArchive(*engine_, *l->second.sdk, l->second.keys, ws, pull);
}

void ArchiveService::RunInBackground(std::chrono::milliseconds every) {
  background_.Start(every, [this] {
    Result<std::vector<Workspace>> workspaces = engine_->ListWorkspaces();
    for (const Workspace& w : workspaces.ok() ? *workspaces : std::vector<Workspace>{}) {
      Result<std::optional<ArchiveConfig>> config = Config(w.id);
      if (!config.ok() || !*config) continue;
      Result<ArchiveProgress> pulled = PullNow(w.id);
      if (!pulled.ok()) {
        std::fprintf(stderr, "pond: chat archive (%s): %s\n", w.id.c_str(),
                     pulled.status().message().c_str());
      }
    }
  });
}

}  // namespace pond::wecom
