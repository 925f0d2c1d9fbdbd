// `pond wecom configure --token T --aes-key KEY43 --corp-id ID` (docs/wecom.md): the workspace's
// callback settings, stored sealed under the data dir's wecom.key. `pond wecom replay FILE`:
// recorded callbacks through the same path as POST /wecom/callback/{workspace}. `pond wecom
// sync`: the corp's staff, customers and groups read from WeCom.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "cli/table.h"
#include "pond/app/wecom_sync.h"
#include "pond/channels/wecom/archive_ingest.h"
#include "pond/channels/wecom/archive_service.h"
#include "pond/channels/wecom/wecom_service.h"

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

// Each line's outcome on stdout ("3\tstored\tfriend_added", "4\trefused\t<reason>"), the totals
// on stderr; exit 1 when any line was refused. The follow-ups of new friends (welcome message,
// profile) are WeCom calls of a running server and are not made here.
int RunWecomReplay(const Common& common, const WecomArgs& a) {
  std::ifstream file;
  if (a.file != "-") {
    file.open(a.file);
    if (!file) return Fail(Status::NotFound("cannot read " + a.file));
  }
  std::istream& in = a.file == "-" ? std::cin : file;
  app::AppOptions options;
  options.engine = EngineOptionsFor(common);
  options.wecom_offline = true;
  auto app = app::App::Open(options);
  if (!app.ok()) return Fail(app.status());
  if (Status s = (*app)->Start(app::kWecom); !s.ok()) return Fail(s);
  wecom::WecomService* service = &(*app)->wecom();
  int64_t n = 0, stored = 0, retries = 0, refused = 0;
  std::string line;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    Result<wecom::SealedCallback> callback = wecom::ParseRecordedCallback(line);
    Result<wecom::Received> r =
        callback.ok() ? service->Receive(common.workspace, callback->query, callback->body)
                      : Result<wecom::Received>(callback.status());
    if (!r.ok()) {
      ++refused;
      std::printf("%lld\trefused\t%s\n", static_cast<long long>(n), r.status().message().c_str());
      continue;
    }
    std::string names;
    for (const std::string& e : r->events) names += (names.empty() ? "" : ",") + e;
    const char* outcome = r->events.empty() ? "unmapped" : r->stored ? "stored" : "duplicate";
    stored += r->stored;
    retries += !r->events.empty() && r->stored == 0;
    std::printf("%lld\t%s\t%s\n", static_cast<long long>(n), outcome, names.c_str());
  }
  std::fprintf(stderr, "%lld callbacks: %lld events stored, %lld duplicates, %lld refused\n",
               static_cast<long long>(n), static_cast<long long>(stored),
               static_cast<long long>(retries), static_cast<long long>(refused));
  return refused ? 1 : 0;
}

int RunWecomSync(const Common& common) {
  app::AppOptions options;
  options.engine = EngineOptionsFor(common);
  auto app = app::App::Open(options);
  if (!app.ok()) return Fail(app.status());
  if (Status s = (*app)->Start(app::kWecom | app::kCommunity); !s.ok()) return Fail(s);
  wecom::SyncOptions o = app::WecomSyncOptions(**app, common.workspace);
  o.on_progress = [](const wecom::SyncProgress& p) {
    std::fprintf(stderr, "\r%s: %s contacts, %s groups, %s events stored   ", p.phase.c_str(),
                 WithCommas(p.contacts).c_str(), WithCommas(p.groups).c_str(),
                 WithCommas(p.events_stored).c_str());
    return true;
  };
  Result<wecom::SyncProgress> r = (*app)->wecom().Sync(common.workspace, o);
  std::fprintf(stderr, "\n");
  if (!r.ok()) return Fail(r.status());
  if (common.json) {
    nlohmann::json out = wecom::SyncProgressJson(*r);
    out.erase("staff_list");
    std::printf("%s\n", out.dump().c_str());
    return 0;
  }
  Table t({"staff", "contacts", "groups", "group members", "events stored", "calls", "retries"});
  t.Add({WithCommas(static_cast<int64_t>(r->staff_list.size())), WithCommas(r->contacts),
         WithCommas(r->groups), WithCommas(r->group_members), WithCommas(r->events_stored),
         WithCommas(r->calls), WithCommas(r->retries)});
  t.Print();
  return 0;
}

int RunWecomHandover(const Common& common, const std::string& from, const std::string& to,
                     bool resigned, const std::string& message) {
  app::AppOptions options;
  options.engine = EngineOptionsFor(common);
  auto app = app::App::Open(options);
  if (!app.ok()) return Fail(app.status());
  if (Status s = (*app)->Start(app::kWecom | app::kJourneys); !s.ok()) return Fail(s);
  wecom::HandoverRequest r{from, to, resigned, message,
                           app::TransfersPerDay(**app, common.workspace)};
  Result<wecom::HandoverReport> report = (*app)->wecom().Handover(common.workspace, r);
  if (!report.ok()) return Fail(report.status());
  if (common.json) {
    std::printf("%s\n", app::HandoverJson(*report).dump().c_str());
    return 0;
  }
  Table t(
      {"customers", "requested", "pending", "twice in 90 days", "over today's limit", "groups"});
  t.Add({WithCommas(report->customers), WithCommas(report->requested), WithCommas(report->pending),
         WithCommas(report->twice_in_90_days), WithCommas(report->over_daily_limit),
         WithCommas(report->groups)});
  t.Print();
  for (const auto& [code, n] : report->refused) {
    std::printf("wecom refused %s customers with errcode %lld\n", WithCommas(n).c_str(),
                static_cast<long long>(code));
  }
  return 0;
}

namespace {

// A whole small file (a secret, a key), without a trailing newline.
Result<std::string> ReadSmallFile(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(std::string("cannot read ") + what + " " + path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.size() > 64 * 1024) return FieldError(what, "at most 64 KiB");
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

int PrintArchive(const Common& common, const nlohmann::json& summary) {
  if (common.json) {
    std::printf("%s\n", summary.dump().c_str());
    return 0;
  }
  for (const auto& [key, value] : summary.items()) {
    if (value.is_array()) {
      for (const auto& r : value) std::printf("rejected\t%s\n", r.get<std::string>().c_str());
    } else {
      std::printf("%s\t%s\n", key.c_str(), value.dump().c_str());
    }
  }
  return 0;
}

}  // namespace

int RunWecomArchive(const Common& common, const ArchiveArgs& a) {
  app::AppOptions options;
  options.engine = EngineOptionsFor(common);
  options.wecom_offline = true;
  auto app = app::App::Open(options);
  if (!app.ok()) return Fail(app.status());
  if (Status s = (*app)->Start(app::kAllParts); !s.ok()) return Fail(s);
  Engine& engine = (*app)->engine();
  if (!a.import_file.empty()) {
    std::ifstream file;
    if (a.import_file != "-") {
      file.open(a.import_file);
      if (!file) return Fail(Status::NotFound("cannot read " + a.import_file));
    }
    Result<wecom::ArchiveImport> r =
        wecom::ImportArchiveLines(engine, common.workspace, a.import_file == "-" ? std::cin : file);
    if (!r.ok()) return Fail(r.status());
    PrintArchive(common, {{"lines", r->lines},
                          {"events", r->events},
                          {"skipped", r->skipped},
                          {"rejected", r->rejected},
                          {"rejects", r->rejects}});
    return r->rejected ? 1 : 0;
  }
  auto progress = [](const wecom::ArchiveProgress& p) {
    std::fprintf(stderr, "\rseq %s: %s messages, %s events, %s rejected   ",
                 WithCommas(static_cast<int64_t>(p.seq)).c_str(), WithCommas(p.messages).c_str(),
                 WithCommas(p.events).c_str(), WithCommas(p.rejected).c_str());
    return true;
  };
  Result<wecom::ArchiveProgress> r = Status::Internal("not pulled");
  if (a.sdk.empty() && !a.configure) {  // the stored settings
    r = (*app)->archive().PullNow(common.workspace);
  } else {
    wecom::ArchiveConfig config;
    config.sdk_path = a.sdk;
    config.corp_id = a.corp_id;
    config.proxy = a.proxy;
    Result<std::string> secret = ReadSmallFile(a.secret_file, "secret");
    if (!secret.ok()) return Fail(secret.status());
    config.secret = *secret;
    for (const std::string& k : a.keys) {
      const size_t eq = k.find('=');
      const int version = eq == std::string::npos ? 0 : std::atoi(k.substr(0, eq).c_str());
      if (version <= 0) return Fail(FieldError("key", "VERSION=FILE, the version a number ≥ 1"));
      Result<std::string> pem = ReadSmallFile(k.substr(eq + 1), "key");
      if (!pem.ok()) return Fail(pem.status());
      config.keys[version] = *pem;
    }
    if (!a.proxy_password_file.empty()) {
      Result<std::string> passwd = ReadSmallFile(a.proxy_password_file, "proxy password");
      if (!passwd.ok()) return Fail(passwd.status());
      config.passwd = *passwd;
    }
    if (a.configure) {
      if (Status s = (*app)->archive().Configure(common.workspace, config); !s.ok()) return Fail(s);
      std::printf("the chat archive is configured for %s: pond serve pulls it every minute\n",
                  common.workspace.c_str());
      return 0;
    }
    Result<wecom::OpenedArchive> opened = wecom::OpenArchive(config);
    if (!opened.ok()) return Fail(opened.status());
    wecom::ArchivePull pull;
    pull.limit = a.limit;
    pull.proxy = config.proxy;
    pull.passwd = config.passwd;
    pull.timeout_seconds = a.timeout;
    pull.on_page = progress;
    r = wecom::PullArchive(engine, *opened->sdk, opened->keys, common.workspace, pull);
  }
  std::fprintf(stderr, "\n");
  if (!r.ok()) return Fail(r.status());
  nlohmann::json out = wecom::ArchiveProgressJson(*r);
  out.erase("updated_at_us");
  return PrintArchive(common, out);
}

}  // namespace pond::cli
