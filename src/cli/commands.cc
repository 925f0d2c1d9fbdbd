#include "cli/commands.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli/cli_util.h"
#include "cli/table.h"
#include "pond/app/demo.h"
#include "pond/app/erasure.h"
#include "pond/app/first_start.h"
#include "pond/app/views.h"
#include "pond/base/money.h"
#include "pond/base/time.h"
#include "pond/channels/csv.h"
#include "pond/channels/importer.h"
#include "pond/channels/wecom/wecom_config.h"
#include "pond/engine/engine.h"
#include "pond/journey/journey.h"
#include "pond/journey/journey_runtime.h"
#include "pond/journey/sop_library.h"
#include "pond/segment/segment_service.h"
#include "pond/segment/tag_service.h"
#include "pond/sim/demo_world.h"
#include "server/http_server.h"

namespace pond::cli {
namespace {

// "+08:00" / "-05:30" / "Z" → seconds east of UTC.
Result<int> ParseOffset(const std::string& text) {
  if (text == "Z" || text == "UTC" || text == "+00:00") return 0;
  int h = 0, m = 0;
  char sign = 0;
  if (std::sscanf(text.c_str(), "%c%2d:%2d", &sign, &h, &m) != 3 || (sign != '+' && sign != '-') ||
      h > 18 || m > 59) {
    return FieldError("utc-offset", "expected an offset like +08:00");
  }
  return (h * 3600 + m * 60) * (sign == '-' ? -1 : 1);
}

// A progress bar on a terminal's stderr; silent when stderr is a pipe or file.
class Progress {
 public:
  Progress() : tty_(::isatty(STDERR_FILENO)) {}
  ~Progress() {
    if (tty_ && shown_) std::fprintf(stderr, "\n");
  }
  void Update(int64_t done, int64_t total) {
    if (!tty_ || total <= 0) return;
    int pct = static_cast<int>(done * 100 / total);
    if (pct == last_) return;
    last_ = pct;
    shown_ = true;
    int filled = pct * 30 / 100;
    std::fprintf(stderr, "\r[%s%s] %3d%%", std::string(filled, '#').c_str(),
                 std::string(30 - filled, ' ').c_str(), pct);
    std::fflush(stderr);
  }

 private:
  bool tty_;
  bool shown_ = false;
  int last_ = -1;
};

}  // namespace

int RunServe(const Common& common, const ServeArgs& args) {
  Result<server::ServerOptions> listen = server::ParseListen(args.listen);
  if (!listen.ok()) return Fail(listen.status());
  listen->threads = args.threads;
  listen->handle_signals = true;
  listen->web_dir = args.web;
  listen->max_connections = args.max_connections;
  listen->max_connection_age = std::chrono::seconds(args.max_connection_age_s);
  app::AppOptions options;
  options.engine = EngineOptionsFor(
      common, true, args.durability == "power" ? Durability::kPowerLoss : Durability::kProcessCrash,
      args.snapshot_every);
  auto opened = app::App::Open(options);
  if (!opened.ok()) return Fail(opened.status());
  app::App& app = **opened;
  Engine& e = app.engine();
  // First start: a fresh data dir gets keys, so `make run` is usable at once.
  std::string admin_token = "$ADMIN";  // shown only on first start; later the operator has it
  if (auto first = app::CreateFirstKeys(app); first.ok() && *first) {
    std::printf(
        "First start: created keys for workspace \"default\" (shown once; stored hashed)\n"
        "  admin token: %s\n  write key:   %s\n",
        (*first)->admin_token.c_str(), (*first)->write_key.c_str());
    if (!(*first)->owner_password.empty()) {
      std::printf("  owner login: %s  password: %s  (change it: pond user reset-password)\n",
                  (*first)->owner_login.c_str(), (*first)->owner_password.c_str());
    }
    admin_token = (*first)->admin_token;
  }
  if (Status started = app.Start(app::kAllParts); !started.ok()) return Fail(started);
  app.RunInBackground(std::chrono::seconds(1));
  auto server = server::HttpServer::Start(app, *listen);
  if (!server.ok()) return Fail(server.status());
  std::printf("pond listening on http://%s:%u\n", listen->host.c_str(), (*server)->port());
  if (!args.web.empty() && std::filesystem::exists(args.web + "/index.html")) {
    std::printf("console: http://%s:%u/ (sign in with the admin token)\n", listen->host.c_str(),
                (*server)->port());
  }
  std::printf(
      "try: curl -s -H 'Authorization: Bearer %s' http://%s:%u/v1/stages  "
      "(the lifecycle funnel; docs/api.md lists the rest)\n",
      admin_token.c_str(), listen->host.c_str(), (*server)->port());
  std::fflush(stdout);
  (*server)->Run();
  Status flushed = app.Flush();
  if (!flushed.ok()) std::fprintf(stderr, "pond: %s\n", flushed.message().c_str());
  Status snap = e.WriteSnapshot();
  if (!snap.ok()) std::fprintf(stderr, "pond: %s\n", snap.message().c_str());
  std::printf("pond stopped\n");
  return 0;
}

int RunImport(const Common& common, const ImportArgs& args) {
  ImportOptions o;
  if (args.kind == "orders") {
    o.kind = ImportKind::kOrders;
  } else if (args.kind == "events") {
    o.kind = ImportKind::kEvents;
  } else if (args.kind == "customers") {
    o.kind = ImportKind::kCustomers;
  } else {
    std::fprintf(stderr, "pond: import what? orders, events or customers\n");
    return 2;
  }
  if (!args.map.empty()) {
    auto map = ParseColumnMap(args.map);
    if (!map.ok()) return Fail(map.status());
    o.column_map = std::move(*map);
  }
  for (size_t start = 0; start < args.columns.size();) {
    size_t comma = args.columns.find(',', start);
    o.columns.push_back(args.columns.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  std::optional<int> offset;  // none: the workspace's zone, once the engine is open
  if (!args.utc_offset.empty()) {
    auto parsed = ParseOffset(args.utc_offset);
    if (!parsed.ok()) return Fail(parsed.status());
    offset = *parsed;
  }
  o.refund_prefix = args.refund_prefix;
  o.source = args.source;
  std::string base = args.file.substr(args.file.find_last_of('/') + 1);
  o.rejects_path =
      args.rejects.empty() ? common.data_dir + "/" + base + ".rejected.csv" : args.rejects;
  Progress progress;
  o.progress = [&](int64_t done, int64_t total) { progress.Update(done, total); };
  auto engine = OpenEngine(common);
  if (!engine.ok()) return Fail(engine.status());
  if (!offset) {
    auto zone = (*engine)->UtcOffsetOf(common.workspace);
    if (!zone.ok()) return Fail(zone.status());
    offset = *zone;
  }
  o.utc_offset_seconds = *offset;
  Result<ImportReport> r = ImportFile(**engine, common.workspace, args.file, o);
  o.progress(1, 1);
  if (!r.ok()) return Fail(r.status());
  Status snap = (*engine)->WriteSnapshot();
  if (!snap.ok()) std::fprintf(stderr, "pond: %s\n", snap.message().c_str());
  if (common.json) {
    nlohmann::json j = {{"rows", r->rows},
                        {"rows_accepted", r->rows_accepted},
                        {"rows_rejected", r->rows_rejected},
                        {"events_accepted", r->events_accepted},
                        {"duplicates", r->duplicates},
                        {"orders", r->orders},
                        {"refunds", r->refunds},
                        {"reject_reasons", r->reject_reasons},
                        {"warnings", r->warnings},
                        {"rejects_file", r->rows_rejected ? o.rejects_path : ""}};
    std::printf("%s\n", j.dump().c_str());
    return 0;
  }
  std::printf("%s rows read: %s accepted, %s rejected\n", WithCommas(r->rows).c_str(),
              WithCommas(r->rows_accepted).c_str(), WithCommas(r->rows_rejected).c_str());
  Table t({"what", "count"});
  t.Add({"events stored", WithCommas(r->events_accepted)});
  t.Add({"already imported", WithCommas(r->duplicates)});
  if (o.kind == ImportKind::kOrders) {
    t.Add({"orders", WithCommas(r->orders)});
    t.Add({"refunds", WithCommas(r->refunds)});
  }
  auto stats = (*engine)->Stats(common.workspace);
  if (stats.ok()) t.Add({"customers in workspace", WithCommas(stats->customers)});
  t.Print();
  for (const auto& [warning, n] : r->warnings) {
    std::printf("note: %s rows: %s\n", WithCommas(n).c_str(), warning.c_str());
  }
  if (r->rows_rejected) {
    std::printf("\nrejected rows by reason (written to %s):\n", o.rejects_path.c_str());
    Table reasons({"rows", "reason"});
    for (const auto& [reason, n] : r->reject_reasons) reasons.Add({WithCommas(n), reason});
    reasons.Print();
  }
  return 0;
}

int RunCustomersShow(const Common& common, const std::string& key, int timeline) {
  auto engine = OpenEngine(common);
  if (!engine.ok()) return Fail(engine.status());
  auto p = (*engine)->GetCustomer(common.workspace, key, static_cast<size_t>(timeline));
  if (!p.ok()) return Fail(p.status());
  if (common.json) {
    std::printf("%s\n", app::ProfileJsonText(*p, app::Disclosure::kRevealed).c_str());
    return 0;
  }
  auto zone = (*engine)->UtcOffsetOf(common.workspace);
  if (!zone.ok()) return Fail(zone.status());
  const CustomerSummary& s = p->summary;
  std::printf("customer %s\n", s.id.c_str());
  Table t({"field", "value"});
  t.Add({"first seen", FormatIso8601(s.created_at, *zone)});
  t.Add({"last seen", FormatIso8601(s.last_seen, *zone)});
  t.Add({"events", std::to_string(s.event_count)});
  t.Add({"orders", std::to_string(s.order_count)});
  t.Add({"spent", "¥" + Money::FromFen(s.spent_fen).ToYuanString()});
  t.Add({"refunded", "¥" + Money::FromFen(s.refunded_fen).ToYuanString()});
  t.Add({"traits", s.traits});
  for (const Identity& id : p->identities)
    t.Add({std::string(IdentityKindName(id.kind)), id.value});
  for (const Merge& m : p->merged_from) {
    t.Add({"merged from", m.from_customer + " (via " +
                              std::string(IdentityKindName(m.reason.kind)) + " " + m.reason.value +
                              ")"});
  }
  t.Print();
  if (!p->timeline.empty()) {
    std::printf("\n%zu most recent events\n", p->timeline.size());
    Table events({"time (" + FormatUtcOffset(*zone) + ")", "type", "event", "amount"});
    for (const Event& e : p->timeline) {
      events.Add({FormatIso8601(e.timestamp, *zone), std::string(EventTypeName(e.type)), e.name,
                  e.amount_fen ? "¥" + Money::FromFen(e.amount_fen).ToYuanString() : ""});
    }
    events.Print();
  }
  return 0;
}

int RunCustomersList(const Common& common, const std::string& query, int limit) {
  auto engine = OpenEngine(common);
  if (!engine.ok()) return Fail(engine.status());
  auto page = (*engine)->ListCustomers(common.workspace, query, static_cast<size_t>(limit), "");
  if (!page.ok()) return Fail(page.status());
  if (common.json) {
    std::printf("%s\n", app::CustomerPageJsonText(*page, app::Disclosure::kRevealed).c_str());
    return 0;
  }
  auto zone = (*engine)->UtcOffsetOf(common.workspace);
  if (!zone.ok()) return Fail(zone.status());
  std::printf("%s customers\n", WithCommas(page->total).c_str());
  Table t({"id", "events", "orders", "spent", "last seen (" + FormatUtcOffset(*zone) + ")"});
  for (const CustomerSummary& s : page->data) {
    t.Add({s.id, std::to_string(s.event_count), std::to_string(s.order_count),
           "¥" + Money::FromFen(s.spent_fen).ToYuanString(), FormatIso8601(s.last_seen, *zone)});
  }
  t.Print();
  return 0;
}

int RunCustomersErase(const Common& common, const std::string& id, bool yes) {
  if (!yes) {
    return Fail(Status::FailedPrecondition(
        "erasure cannot be undone (docs/privacy.md, Erasure): add --yes to erase " + id));
  }
  auto engine = OpenEngine(common);
  if (!engine.ok()) return Fail(engine.status());
  Result<nlohmann::json> r = app::EraseCustomer(**engine, common.workspace, id);
  if (!r.ok()) return Fail(r.status());
  RecordCliAudit(**engine, common.workspace, "customer.erase", (*r)["customer"].get<std::string>());
  if (common.json) {
    std::printf("%s\n", r->dump().c_str());
    return 0;
  }
  std::printf("erased %s: %lld identities replaced, %lld events rewritten\n",
              (*r)["customer"].get<std::string>().c_str(),
              static_cast<long long>((*r)["identities"].get<int64_t>()),
              static_cast<long long>((*r)["events_rewritten"].get<int64_t>()));
  return 0;
}

int RunKeyCreate(const Common& common, KeyKind kind) {
  auto engine = OpenEngine(common, false);
  if (!engine.ok()) return Fail(engine.status());
  auto key = (*engine)->CreateApiKey(common.workspace, kind);
  if (!key.ok()) return Fail(key.status());
  RecordCliAudit(**engine, common.workspace, "key.create", key->key.id);
  std::printf(
      "created %s key %s for workspace \"%s\"; it is shown once, only its hash is stored:\n",
      std::string(KeyKindName(kind)).c_str(), key->key.id.c_str(), common.workspace.c_str());
  std::printf("%s\n", key->secret.c_str());
  return 0;
}

int RunKeyList(const Common& common) {
  auto engine = OpenEngine(common, false);
  if (!engine.ok()) return Fail(engine.status());
  auto keys = (*engine)->ListApiKeys(common.workspace);
  if (!keys.ok()) return Fail(keys.status());
  if (common.json) {
    nlohmann::json data = nlohmann::json::array();
    for (const ApiKey& k : *keys) {
      data.push_back({{"id", k.id},
                      {"kind", KeyKindName(k.kind)},
                      {"created_at", FormatIso8601(k.created_at)},
                      {"revoked_at", k.revoked_at ? FormatIso8601(k.revoked_at) : ""}});
    }
    std::printf("%s\n", nlohmann::json{{"data", data}}.dump().c_str());
    return 0;
  }
  std::printf("%zu keys\n", keys->size());
  Table t({"id", "kind", "created", "revoked"});
  for (const ApiKey& k : *keys) {
    t.Add({k.id, std::string(KeyKindName(k.kind)), FormatIso8601(k.created_at),
           k.revoked_at ? FormatIso8601(k.revoked_at) : ""});
  }
  t.Print();
  return 0;
}

int RunKeyRevoke(const Common& common, const std::string& key_id, bool rotate) {
  auto engine = OpenEngine(common, false);
  if (!engine.ok()) return Fail(engine.status());
  auto keys = (*engine)->ListApiKeys(common.workspace);
  if (!keys.ok()) return Fail(keys.status());
  auto old =
      std::find_if(keys->begin(), keys->end(), [&](const ApiKey& k) { return k.id == key_id; });
  if (old == keys->end()) {
    return Fail(Status::NotFound("key \"" + key_id + "\" not found in workspace \"" +
                                 common.workspace + "\" (pond key list)"));
  }
  // Rotation makes the new key before revoking the old, so a failure leaves one that works.
  std::optional<NewApiKey> fresh;
  if (rotate) {
    auto made = (*engine)->CreateApiKey(common.workspace, old->kind);
    if (!made.ok()) return Fail(made.status());
    fresh = *made;
    RecordCliAudit(**engine, common.workspace, "key.create", fresh->key.id);
  }
  if (Status s = (*engine)->RevokeApiKey(common.workspace, key_id); !s.ok()) return Fail(s);
  RecordCliAudit(**engine, common.workspace, "key.revoke", key_id);
  std::printf("revoked %s; a running server refuses it within %lld s\n", key_id.c_str(),
              static_cast<long long>(Engine::kKeyRecheckMicros / 1'000'000));
  if (rotate) {
    std::printf("created %s key %s in its place; it is shown once:\n",
                std::string(KeyKindName(old->kind)).c_str(), fresh->key.id.c_str());
    std::printf("%s\n", fresh->secret.c_str());
  }
  return 0;
}

int RunWorkspaceCreate(const Common& common, const std::string& id, const std::string& name,
                       const std::string& utc_offset) {
  auto zone = ParseOffset(utc_offset);
  if (!zone.ok()) return Fail(zone.status());
  auto engine = OpenEngine(common, false);
  if (!engine.ok()) return Fail(engine.status());
  auto w = (*engine)->CreateWorkspace(id, name, *zone);
  if (!w.ok()) return Fail(w.status());
  std::printf("created workspace %s (%s)\n", w->id.c_str(),
              FormatUtcOffset(w->utc_offset_seconds).c_str());
  return 0;
}

int RunTagChange(const Common& common, const std::string& customer,
                 const std::vector<std::string>& tags, bool add) {
  auto engine = OpenEngine(common);
  if (!engine.ok()) return Fail(engine.status());
  if (Status s = CheckManualTags(**engine, common.workspace, tags, "tags", add); !s.ok()) {
    return Fail(s);
  }
  auto r = (*engine)->ChangeTags(common.workspace, customer, tags, add, "cli");
  if (!r.ok()) return Fail(r.status());
  auto p = (*engine)->GetCustomer(common.workspace, customer, 0);
  if (!p.ok()) return Fail(p.status());
  std::printf("%zu tags on %s\n", p->tags.size(), p->summary.id.c_str());
  for (const std::string& t : p->tags) std::printf("%s\n", t.c_str());
  return 0;
}

int RunTagList(const Common& common) {
  auto engine = OpenEngine(common);
  if (!engine.ok()) return Fail(engine.status());
  auto tags = (*engine)->ListTags(common.workspace);
  if (!tags.ok()) return Fail(tags.status());
  if (common.json) {
    nlohmann::json data = nlohmann::json::array();
    for (const TagCount& t : *tags) data.push_back({{"tag", t.tag}, {"customers", t.customers}});
    std::printf("%s\n", nlohmann::json{{"data", data}}.dump().c_str());
    return 0;
  }
  std::printf("%zu tags\n", tags->size());
  Table t({"tag", "customers"});
  for (const TagCount& c : *tags) t.Add({c.tag, WithCommas(c.customers)});
  t.Print();
  return 0;
}

// --- segments ------------------------------------------------------------------------------

namespace {

Result<std::unique_ptr<RuleNode>> ReadRule(std::string text) {
  if (text == "-") {
    ASSIGN_OR_RETURN(text, ReadInput("-", 1 << 20));
  }
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '{') return ParseRuleJson(text);
  return ParseRule(text);
}

Result<std::unique_ptr<app::App>> OpenSegments(const Common& common) {
  return OpenApp(common, app::kSegments);
}

void PrintCustomers(const std::vector<CustomerSummary>& customers, int zone) {
  Table t({"customer", "orders", "spent", "last seen"});
  for (const CustomerSummary& c : customers) {
    t.Add({c.id, WithCommas(c.order_count), Money::FromFen(c.spent_fen).ToYuanString(),
           FormatIso8601(c.last_seen, zone)});
  }
  t.Print();
}

}  // namespace

int RunTagBulk(const Common& common, const std::vector<std::string>& add,
               const std::vector<std::string>& remove, const std::string& customers_file,
               const std::string& rule) {
  TagService::BulkTagRequest req;
  req.add = add;
  req.remove = remove;
  req.by = "cli";
  if (!rule.empty()) {
    auto parsed = ReadRule(rule);
    if (!parsed.ok()) return Fail(parsed.status());
    req.rule = std::move(*parsed);
  }
  if (!customers_file.empty()) {
    FILE* in = customers_file == "-" ? stdin : std::fopen(customers_file.c_str(), "r");
    if (!in) return Fail(Status::NotFound("cannot open " + customers_file));
    char line[1024];
    while (std::fgets(line, sizeof line, in)) {
      std::string key(line);
      while (!key.empty() && (key.back() == '\n' || key.back() == '\r' || key.back() == ' ')) {
        key.pop_back();
      }
      if (!key.empty()) req.customers.push_back(key);
    }
    if (in != stdin) std::fclose(in);
  }
  auto s = OpenSegments(common);
  if (!s.ok()) return Fail(s.status());
  auto r = (*s)->tags().BulkTag(common.workspace, req);
  if (!r.ok()) return Fail(r.status());
  if (common.json) {
    std::printf("{\"customers\":%lld,\"events\":%lld}\n", static_cast<long long>(r->customers),
                static_cast<long long>(r->events));
    return 0;
  }
  std::printf("%s customers, %s tag events\n", WithCommas(r->customers).c_str(),
              WithCommas(r->events).c_str());
  return 0;
}

int RunSegmentPreview(const Common& common, const std::string& text, int limit) {
  auto rule = ReadRule(text);
  if (!rule.ok()) return Fail(rule.status());
  auto s = OpenSegments(common);
  if (!s.ok()) return Fail(s.status());
  auto p = (*s)->segments().Preview(common.workspace, **rule, static_cast<size_t>(limit));
  if (!p.ok()) return Fail(p.status());
  if (common.json) {
    std::printf("%s\n", app::SegmentPreviewJsonText(*p, app::Disclosure::kRevealed).c_str());
    return 0;
  }
  std::printf("%s customers match (%.1f ms): %s\n", WithCommas(p->count).c_str(),
              static_cast<double>(p->took_micros) / 1000.0, p->rule.c_str());
  auto zone = (*s)->engine().UtcOffsetOf(common.workspace);
  if (!zone.ok()) return Fail(zone.status());
  PrintCustomers(p->customers, *zone);
  return 0;
}

int RunSegmentList(const Common& common) {
  auto s = OpenSegments(common);
  if (!s.ok()) return Fail(s.status());
  auto list = (*s)->segments().List(common.workspace);
  if (!list.ok()) return Fail(list.status());
  if (common.json) {
    std::printf("%s\n", app::SegmentListJsonText(*list).c_str());
    return 0;
  }
  std::printf("%zu segments\n", list->size());
  Table t({"id", "name", "customers", "rule"});
  for (const SegmentInfo& i : *list) t.Add({i.id, i.name, WithCommas(i.customers), i.rule});
  t.Print();
  return 0;
}

int RunSegmentCreate(const Common& common, const std::string& name, const std::string& text,
                     const std::string& description) {
  SegmentSpec spec;
  auto rule = ReadRule(text);
  if (!rule.ok()) return Fail(rule.status());
  spec.name = name;
  spec.description = description;
  spec.rule = std::move(*rule);
  auto s = OpenSegments(common);
  if (!s.ok()) return Fail(s.status());
  auto made = (*s)->segments().Create(common.workspace, std::move(spec));
  if (!made.ok()) return Fail(made.status());
  if (common.json) {
    std::printf("%s\n", app::SegmentJsonText(*made).c_str());
    return 0;
  }
  std::printf("%s customers in \"%s\"\n%s\n", WithCommas(made->customers).c_str(),
              made->name.c_str(), made->id.c_str());
  return 0;
}

int RunSegmentDelete(const Common& common, const std::string& id) {
  auto s = OpenSegments(common);
  if (!s.ok()) return Fail(s.status());
  Status deleted = (*s)->segments().Delete(common.workspace, id);
  if (!deleted.ok()) return Fail(deleted);
  std::printf("deleted %s\n", id.c_str());
  return 0;
}

int RunSegmentCustomers(const Common& common, const std::string& id, int limit) {
  auto s = OpenSegments(common);
  if (!s.ok()) return Fail(s.status());
  auto page = (*s)->segments().Members(common.workspace, id, static_cast<size_t>(limit), "");
  if (!page.ok()) return Fail(page.status());
  if (common.json) {
    std::printf("%s\n", app::CustomerPageJsonText(*page, app::Disclosure::kRevealed).c_str());
    return 0;
  }
  std::printf("%s customers\n", WithCommas(page->total).c_str());
  auto zone = (*s)->engine().UtcOffsetOf(common.workspace);
  if (!zone.ok()) return Fail(zone.status());
  PrintCustomers(page->data, *zone);
  return 0;
}

int RunSnapshot(const Common& common) {
  auto engine = OpenEngine(common);
  if (!engine.ok()) return Fail(engine.status());
  Status s = (*engine)->WriteSnapshot();
  if (!s.ok()) return Fail(s);
  std::printf("snapshot written to %s/snapshot.bin\n", common.data_dir.c_str());
  return 0;
}

int RunDemo(const Common& common, const DemoArgs& args) {
  sim::DemoParams params = sim::DefaultDemoParams();
  params.customers = args.customers;
  params.days = args.days;
  params.seed = args.seed;
  if (args.until_now) params.end_micros = Clock::System().NowMicros();
  params.wecom_callbacks = args.wecom || !args.wecom_record.empty();
  params.wecom_record = args.wecom_record;
  const Micros day = 86'400'000'000LL;
  // The engine lives on the simulation's clock while the world is generated.
  FakeClock clock(params.end_micros - static_cast<Micros>(params.days + 1) * day);
  app::AppOptions o;
  o.engine.data_dir = common.data_dir;
  o.engine.clock = &clock;
  auto opened = app::App::Open(o);
  if (!opened.ok()) return Fail(opened.status());
  app::App& app = **opened;
  Engine& engine = app.engine();
  auto before = engine.Stats(kDefaultWorkspace);
  if (!before.ok()) return Fail(before.status());
  if (before->events > 0) {
    return Fail(Status::FailedPrecondition("data directory " + common.data_dir + " already holds " +
                                           WithCommas(before->events) +
                                           " events; the demo world goes into an empty one"));
  }
  const auto started = std::chrono::steady_clock::now();
  auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  auto world = app::RunDemoWorld(app, clock, params, [&](int d, const sim::DemoStats& s) {
    if ((d + 1) % 10 == 0 || d + 1 == params.days) {
      std::fprintf(stderr, "\rday %d/%d: %s people, %s friends, %s orders, %s events (%.0f s)",
                   d + 1, params.days, WithCommas(s.people).c_str(), WithCommas(s.friends).c_str(),
                   WithCommas(s.orders).c_str(), WithCommas(s.events).c_str(), seconds());
    }
  });
  std::fprintf(stderr, "\n");
  if (!world.ok()) return Fail(world.status());
  const sim::DemoStats& stats = world->stats;
  const DistributionTotals& totals = world->distribution;
  const std::vector<CampaignReport>& fission_reports = world->fission;
  if (Status s = engine.WriteSnapshot(); !s.ok()) return Fail(s);
  auto after = engine.Stats(kDefaultWorkspace);
  if (!after.ok()) return Fail(after.status());
  std::printf("demo world: %d days, seed %llu, %.1f s\n", params.days,
              static_cast<unsigned long long>(params.seed), seconds());
  std::printf("customers %s (after %s merges), events %s, orders %s, refunds %s, GMV ¥%s\n",
              WithCommas(after->customers).c_str(), WithCommas(after->merges).c_str(),
              WithCommas(after->events).c_str(), WithCommas(after->orders).c_str(),
              WithCommas(after->refunds).c_str(), WithCommas(stats.gmv_fen / 100).c_str());
  std::printf("friends %s, churned %s, buyers %s, repeat buyers %s\n",
              WithCommas(stats.friends).c_str(), WithCommas(stats.churned).c_str(),
              WithCommas(stats.buyers).c_str(), WithCommas(stats.repeat_buyers).c_str());
  std::printf("SOP journeys: %d active on the outbox (docs/sop), %d segments made for them\n",
              world->sop.journeys, world->sop.segments_created);
  std::printf(
      "distribution: %s distributors (two levels), %s clients, %s orders, commission ¥%s "
      "(%.2f%% of GMV), paid out ¥%s\n",
      WithCommas(totals.distributors).c_str(), WithCommas(totals.clients).c_str(),
      WithCommas(totals.orders).c_str(), WithCommas(totals.commission_fen / 100).c_str(),
      totals.commission_cost_bp / 100.0, WithCommas(totals.withdrawn_fen / 100).c_str());
  if (fission_reports.size() == 3) {
    const CampaignReport& task = fission_reports[0];
    std::printf(
        "fission: task %s invites, %s qualified (K %.2f), %s rewards, %s held for review; "
        "group buys %s filled, %s refunded\n",
        WithCommas(task.invites).c_str(), WithCommas(task.qualified).c_str(), task.k_factor,
        WithCommas(task.rewards_granted).c_str(), WithCommas(task.rewards_held).c_str(),
        WithCommas(fission_reports[1].groups_succeeded).c_str(),
        WithCommas(fission_reports[1].groups_failed).c_str());
  }
  const sim::DemoCommunityStats& cs = world->community;
  std::printf(
      "communities: %s routed by the club code (%s groups), %s refused by its threshold, %s "
      "when all were full, %s joined; content: %s Moments planned, %s rule broken\n",
      WithCommas(cs.routed).c_str(), WithCommas(world->club_groups).c_str(),
      WithCommas(cs.refused).c_str(), WithCommas(cs.full).c_str(), WithCommas(cs.joined).c_str(),
      WithCommas(cs.moments).c_str(), WithCommas(cs.violations).c_str());
  if (params.wecom_callbacks) {
    // The demo corp's callback settings, so the recorded callbacks replay and `pond serve`
    // accepts more of them.
    auto store = wecom::WecomConfigStore::Open(&engine, common.data_dir + "/wecom.key");
    if (!store.ok()) return Fail(store.status());
    if (Status s = (*store)->Put(kDefaultWorkspace, sim::kDemoWecom); !s.ok()) return Fail(s);
    std::printf("wecom: %s callbacks sealed, verified, decrypted and mapped%s%s\n",
                WithCommas(stats.wecom_callbacks).c_str(),
                params.wecom_record.empty() ? "" : "; recorded in ", params.wecom_record.c_str());
  }
  return 0;
}

}  // namespace pond::cli
