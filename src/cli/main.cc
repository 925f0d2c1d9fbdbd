// pond: the one binary. `pond --help` lists the commands; every one takes --data DIR.
#include <CLI/CLI.hpp>
#include <algorithm>

#include "cli/commands.h"
#include "pond/base/time.h"
#include "pond/model/workspace.h"

int main(int argc, char** argv) {
  using namespace pond::cli;
  CLI::App app{"pond: private-domain traffic operations engine (私域流量 SCRM)"};
  app.require_subcommand(1);
  Common common;
  auto add_common = [&](CLI::App* cmd, bool workspace = true) {
    cmd->add_option("--data", common.data_dir, "data directory")->capture_default_str();
    if (workspace) {
      cmd->add_option("--workspace", common.workspace, "workspace")->capture_default_str();
    }
  };

  ServeArgs serve;
  auto* serve_cmd = app.add_subcommand("serve", "serve the HTTP API (and the console)");
  add_common(serve_cmd, false);
  serve_cmd->add_option("--listen", serve.listen, "HOST:PORT; port 0 picks a free port")
      ->capture_default_str();
  serve_cmd->add_option("--threads", serve.threads, "I/O threads")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  serve_cmd
      ->add_option("--durability", serve.durability,
                   "process: survives kill -9 (WAL, synchronous=NORMAL); power: survives "
                   "power loss (synchronous=FULL)")
      ->check(CLI::IsMember({"process", "power"}))
      ->capture_default_str();
  serve_cmd
      ->add_option("--snapshot-every", serve.snapshot_every,
                   "write snapshot.bin after this many new events, at most every 10 "
                   "minutes (0: only at stop)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  serve_cmd
      ->add_option("--max-connections", serve.max_connections,
                   "open connections at most; one more is answered 503 and closed")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  serve_cmd
      ->add_option("--max-connection-age", serve.max_connection_age_s,
                   "seconds a keep-alive connection may live, however busy")
      ->check(CLI::Range(1, 86'400))
      ->capture_default_str();
  serve_cmd
      ->add_option("--web", serve.web,
                   "the console's built files (web/dist, made by scripts/setup.sh), served at /; "
                   "\"\" serves the API alone")
      ->capture_default_str();

  ImportArgs imp;
  auto* import_cmd =
      app.add_subcommand("import", "import orders, events or customers from CSV/JSONL");
  add_common(import_cmd);
  import_cmd->add_option("kind", imp.kind, "orders | events | customers")
      ->required()
      ->check(CLI::IsMember({"orders", "events", "customers"}));
  import_cmd->add_option("file", imp.file, "CSV, or JSONL (.jsonl/.ndjson)")
      ->required()
      ->check(CLI::ExistingFile);
  import_cmd->add_option("--map", imp.map, "field=Column pairs, e.g. order_id=单号,phone=电话");
  import_cmd->add_option("--columns", imp.columns, "column names for a CSV without a header");
  import_cmd->add_option("--utc-offset", imp.utc_offset,
                         "zone of times without an offset (default: the workspace's)");
  import_cmd
      ->add_option("--refund-prefix", imp.refund_prefix,
                   "order ids with this prefix are cancellations (refunds)")
      ->capture_default_str();
  import_cmd->add_option("--source", imp.source, "order source label")->capture_default_str();
  import_cmd->add_option("--rejects", imp.rejects,
                         "where rejected rows go (default DATA/<file>.rejected.csv)");
  import_cmd->add_flag("--json", common.json, "print the summary as JSON");

  auto* customers = app.add_subcommand("customers", "read customers");
  customers->require_subcommand(1);
  std::string key, query;
  int timeline = 20, limit = 50;
  auto* show = customers->add_subcommand("show", "one customer: cus_… id, kind:value, or userId");
  add_common(show);
  show->add_option("id", key, "customer")->required();
  show->add_option("--timeline", timeline, "events to show")->check(CLI::Range(0, 10000));
  show->add_flag("--json", common.json, "print the API's JSON");
  auto* list = customers->add_subcommand("list", "list or search customers");
  add_common(list);
  list->add_option("--query", query, "identity or name");
  list->add_option("--limit", limit, "rows")->check(CLI::Range(1, 1000));
  list->add_flag("--json", common.json, "print the API's JSON");
  bool erase_yes = false;
  auto* erase = customers->add_subcommand(
      "erase", "forget who a customer is (docs/privacy.md, Erasure); cannot be undone");
  add_common(erase);
  erase->add_option("id", key, "the customer's cus_… id")->required();
  erase->add_flag("--yes", erase_yes, "yes, erase");
  erase->add_flag("--json", common.json, "print the result as JSON");

  auto* key_cmd = app.add_subcommand("key", "API keys");
  key_cmd->require_subcommand(1);
  bool write = false, admin = false, read = false;
  auto* create =
      key_cmd->add_subcommand("create", "create a key; prints it alone on the last line");
  add_common(create);
  auto* w = create->add_flag("--write", write, "a write key (event ingest)");
  auto* a = create->add_flag("--admin", admin, "an admin token (everything)");
  auto* r = create->add_flag("--read", read, "a read key (reports, definitions, customers masked)");
  w->excludes(a);
  r->excludes(w);
  r->excludes(a);
  auto* keys_list = key_cmd->add_subcommand("list", "list keys (ids only; secrets are not kept)");
  add_common(keys_list);
  keys_list->add_flag("--json", common.json, "JSON");
  std::string key_id;
  auto* key_revoke = key_cmd->add_subcommand("revoke", "refuse a key from now on");
  add_common(key_revoke);
  key_revoke->add_option("id", key_id, "the key's id (key_…, from pond key list)")->required();
  auto* key_rotate = key_cmd->add_subcommand(
      "rotate", "replace a key: a new one of the same kind, the old revoked; prints the new one");
  add_common(key_rotate);
  key_rotate->add_option("id", key_id, "the key's id (key_…, from pond key list)")->required();

  UserArgs user_args;
  auto* user_cmd = app.add_subcommand("user", "the team's accounts (docs/privacy.md)");
  user_cmd->require_subcommand(1);
  auto* user_add = user_cmd->add_subcommand("add", "add a user; prints a password pond chose");
  add_common(user_add);
  user_add->add_option("--login", user_args.login, "an email address or a phone number")
      ->required();
  user_add->add_option("--role", user_args.role, "owner, operator, analyst, staff or distributor")
      ->required();
  user_add->add_option("--name", user_args.name, "the name shown (default: the login)");
  user_add->add_option("--staff-id", user_args.staff_id, "staff: their staff account (stf_…)");
  user_add->add_option("--distributor-id", user_args.distributor_id,
                       "distributor: their distributor id");
  user_add->add_flag("--password-stdin", user_args.password_stdin,
                     "read the password from the first line of stdin (else pond picks one)");
  auto* user_list = user_cmd->add_subcommand("list", "list users (no password hashes)");
  add_common(user_list);
  user_list->add_flag("--json", common.json, "JSON");
  auto* user_disable = user_cmd->add_subcommand("disable", "disable a user, ending their sessions");
  add_common(user_disable);
  user_disable->add_option("user", user_args.user, "an id (usr_…) or a login")->required();
  auto* user_reset =
      user_cmd->add_subcommand("reset-password", "a new password; ends the user's sessions");
  add_common(user_reset);
  user_reset->add_option("user", user_args.user, "an id (usr_…) or a login")->required();
  user_reset->add_flag("--password-stdin", user_args.password_stdin,
                       "read the password from the first line of stdin (else pond picks one)");

  int audit_limit = 50;
  std::string audit_action;
  auto* audit_cmd = app.add_subcommand(
      "audit", "the audit log, newest first: unmasked reads, sign-ins, team, keys, money");
  add_common(audit_cmd);
  audit_cmd->add_option("--limit", audit_limit, "entries")->check(CLI::Range(1, 10000));
  audit_cmd->add_option("--action", audit_action,
                        "only actions starting with this (customer.reveal, auth., POST /v1/…)");
  audit_cmd->add_flag("--json", common.json, "JSON");

  std::string ws_id, ws_name, ws_zone = pond::FormatUtcOffset(pond::kDefaultUtcOffsetSeconds);
  auto* ws = app.add_subcommand("workspace", "workspaces (tenants)");
  ws->require_subcommand(1);
  auto* ws_create = ws->add_subcommand("create", "create a workspace");
  add_common(ws_create, false);
  ws_create->add_option("id", ws_id, "a-z, 0-9, - and _")->required();
  ws_create->add_option("--name", ws_name, "display name");
  ws_create->add_option("--utc-offset", ws_zone, "the brand's zone, like -05:00")
      ->capture_default_str();

  auto* tag_cmd = app.add_subcommand("tag", "customer tags");
  tag_cmd->require_subcommand(1);
  std::string tag_customer;
  std::vector<std::string> tag_names;
  auto* tag_add = tag_cmd->add_subcommand("add", "add tags to a customer");
  auto* tag_remove = tag_cmd->add_subcommand("remove", "remove tags from a customer");
  for (auto* sub : {tag_add, tag_remove}) {
    add_common(sub);
    sub->add_option("customer", tag_customer, "cus_… id, kind:value, or userId")->required();
    sub->add_option("tags", tag_names, "group:name or name")->required();
  }
  std::vector<std::string> bulk_add, bulk_remove;
  std::string bulk_customers, bulk_rule;
  auto* tag_bulk = tag_cmd->add_subcommand(
      "bulk",
      "tag many customers: listed one per line (--customers FILE, - for stdin) or by --rule");
  add_common(tag_bulk);
  tag_bulk->add_option("--add", bulk_add, "tags to add");
  tag_bulk->add_option("--remove", bulk_remove, "tags to remove");
  auto* bulk_c = tag_bulk->add_option("--customers", bulk_customers,
                                      "file of customer ids, kind:value or userIds; - reads stdin");
  auto* bulk_r = tag_bulk->add_option("--rule", bulk_rule, "a rule (docs/rules.md)");
  bulk_c->excludes(bulk_r);
  tag_bulk->add_flag("--json", common.json, "JSON");
  auto* tag_list = tag_cmd->add_subcommand("list", "tags with their customer counts");
  add_common(tag_list);
  tag_list->add_flag("--json", common.json, "JSON");

  auto* seg_cmd = app.add_subcommand("segment", "segments: rules over customers, kept current");
  seg_cmd->require_subcommand(1);
  std::string seg_rule, seg_name, seg_id, seg_description;
  int seg_limit = 20;
  const char* rule_help = "a rule (docs/rules.md), text or JSON; - reads standard input";
  auto* seg_preview = seg_cmd->add_subcommand("preview", "count and first customers of a rule");
  add_common(seg_preview);
  seg_preview->add_option("rule", seg_rule, rule_help)->required();
  seg_preview->add_option("--limit", seg_limit, "customers to show")->check(CLI::Range(0, 1000));
  seg_preview->add_flag("--json", common.json, "print the API's JSON");
  auto* seg_list = seg_cmd->add_subcommand("list", "saved segments with their member counts");
  add_common(seg_list);
  seg_list->add_flag("--json", common.json, "print the API's JSON");
  auto* seg_create = seg_cmd->add_subcommand("create", "save a segment; prints its id last");
  add_common(seg_create);
  seg_create->add_option("name", seg_name, "its name")->required();
  seg_create->add_option("rule", seg_rule, rule_help)->required();
  seg_create->add_option("--description", seg_description, "what it is for");
  seg_create->add_flag("--json", common.json, "print the API's JSON");
  auto* seg_delete = seg_cmd->add_subcommand("delete", "delete a segment");
  add_common(seg_delete);
  seg_delete->add_option("id", seg_id, "seg_… id or name")->required();
  auto* seg_customers = seg_cmd->add_subcommand("customers", "a segment's members");
  add_common(seg_customers);
  seg_customers->add_option("id", seg_id, "seg_… id or name")->required();
  seg_customers->add_option("--limit", seg_limit, "rows")->check(CLI::Range(1, 1000));
  seg_customers->add_flag("--json", common.json, "print the API's JSON");

  auto* snapshot = app.add_subcommand("snapshot", "write the in-memory state to snapshot.bin");

  auto* journey_cmd = app.add_subcommand("journey", "SOP journeys (docs/journeys.md)");
  journey_cmd->require_subcommand(1);
  std::vector<std::string> journey_files;
  auto* journey_validate =
      journey_cmd->add_subcommand("validate", "check journey definitions without a data dir");
  add_common(journey_validate);  // only for the workspace's zone, when the data dir exists
  journey_validate->add_option("files", journey_files, "JSON files; - reads standard input")
      ->required();
  auto* journey_save = journey_cmd->add_subcommand(
      "save", "save journeys: new ones paused, known ids as a new version");
  add_common(journey_save);
  journey_save->add_option("files", journey_files, "JSON files; - reads standard input")
      ->required();
  std::string journey_id, journey_at;
  auto* journey_activate = journey_cmd->add_subcommand("activate", "start running a journey");
  auto* journey_pause = journey_cmd->add_subcommand("pause", "stop entries and timers");
  auto* journey_delete = journey_cmd->add_subcommand("delete", "delete a paused journey");
  auto* journey_stats =
      journey_cmd->add_subcommand("stats", "entered, live, converted, per step, suppressed");
  for (auto* sub : {journey_activate, journey_pause, journey_delete, journey_stats}) {
    add_common(sub);
    sub->add_option("id", journey_id, "the journey's id")->required();
  }
  journey_stats->add_flag("--json", common.json, "print the API's JSON");
  auto* journey_list = journey_cmd->add_subcommand("list", "journeys with status and counts");
  add_common(journey_list);
  journey_list->add_flag("--json", common.json, "JSON");
  auto* journey_run = journey_cmd->add_subcommand(
      "run",
      "do what is due (entries, timers, schedules) once and exit; serve does it each second");
  add_common(journey_run);
  journey_run->add_option("--at", journey_at, "the time to run at (ISO 8601; default now)");
  journey_run->add_flag("--json", common.json, "JSON");

  PlanFissionArgs plan;
  auto* plan_cmd = app.add_subcommand("plan", "plan before launching");
  plan_cmd->require_subcommand(1);
  auto* plan_fission = plan_cmd->add_subcommand(
      "fission", "what a task campaign costs per new customer (docs/fission.md)");
  plan_fission->add_flag("--json", common.json, "print the API's JSON");
  const char* kMoneyHelp[] = {"the reward's retail price, yuan", "one unit's cost, yuan",
                              "shipping one unit, yuan", "what each friend pays, yuan"};
  for (size_t i = 0; i < plan.money.size(); ++i) {
    std::string flag = "--" + plan.money[i].first;
    std::replace(flag.begin(), flag.end(), '_', '-');
    plan_fission->add_option(flag, plan.money[i].second, kMoneyHelp[i]);
  }
  const char* kNumberHelp[] = {"friends per reward", "inviters who start (1000)",
                               "share who reach the reward (0.3)",
                               "friends brought by the others (a third of the target)",
                               "share of friends who are fake (0.1)"};
  for (size_t i = 0; i < plan.numbers.size(); ++i) {
    std::string flag = "--" + plan.numbers[i].first;
    std::replace(flag.begin(), flag.end(), '_', '-');
    plan_fission->add_option(flag, plan.numbers[i].second, kNumberHelp[i]);
  }

  MomentsArgs moments;
  auto* plan_moments = plan_cmd->add_subcommand(
      "moments", "a Moments calendar per staff account, or --check one (docs/content.md)");
  add_common(plan_moments);
  plan_moments->add_flag("--json", common.json, "print the API's JSON");
  plan_moments->add_option("--staff", moments.staff, "staff account ids")->delimiter(',');
  plan_moments->add_option("--persona", moments.persona, "expert, friend or shopkeeper")
      ->capture_default_str();
  plan_moments->add_option("--from", moments.from, "the first day, YYYY-MM-DD");
  plan_moments->add_option("--days", moments.days, "how many days (1–366)")->capture_default_str();
  plan_moments->add_option("--items", moments.items,
                           "content items as a JSON array (- for stdin) instead of --data's");
  plan_moments->add_option("--check", moments.check,
                           "validate this calendar (JSON, - for stdin); exit 1 on a broken rule");

  WecomArgs wecom_args;
  auto* wecom_cmd = app.add_subcommand("wecom", "the WeCom connector (docs/wecom.md)");
  wecom_cmd->require_subcommand(1);
  auto* wecom_configure = wecom_cmd->add_subcommand(
      "configure", "the workspace's callback Token, EncodingAESKey, corp id");
  add_common(wecom_configure);
  wecom_configure->add_option("--token", wecom_args.token, "the callback Token")->required();
  wecom_configure->add_option("--aes-key", wecom_args.aes_key, "the 43-character EncodingAESKey")
      ->required();
  wecom_configure->add_option("--corp-id", wecom_args.corp_id, "the corp id (企业ID)")->required();
  auto* wecom_replay = wecom_cmd->add_subcommand(
      "replay", "feed recorded callbacks (JSON lines {query, body}) through the callback path");
  add_common(wecom_replay);
  wecom_replay->add_option("file", wecom_args.file, "the recorded callbacks, - for stdin")
      ->required();

  auto* wecom_sync = wecom_cmd->add_subcommand(
      "sync", "read the corp's staff, customers and groups from WeCom; resumes an unfinished run");
  add_common(wecom_sync);
  wecom_sync->add_flag("--json", common.json, "print the progress as JSON");
  std::string handover_from, handover_to, handover_message;
  bool handover_resigned = false;
  ArchiveArgs archive;
  auto* wecom_archive = wecom_cmd->add_subcommand(
      "archive", "pull the chat archive, or import decrypted messages (docs/conversations.md)");
  add_common(wecom_archive);
  wecom_archive->add_option("--sdk", archive.sdk, "the path of libWeWorkFinanceSdk_C.so");
  wecom_archive->add_option("--corp-id", archive.corp_id, "the corp id (企业ID)");
  wecom_archive->add_option("--secret-file", archive.secret_file,
                            "a file holding the chat archive Secret (会话内容存档 Secret)");
  wecom_archive->add_option("--key", archive.keys,
                            "VERSION=FILE: the RSA private key (PEM) of a publickey_ver; repeat");
  wecom_archive->add_option("--limit", archive.limit, "messages a page, 1-1000")
      ->check(CLI::Range(1, 1000));
  wecom_archive->add_option("--proxy", archive.proxy, "a proxy for the SDK (socks5://…)");
  wecom_archive->add_option("--proxy-password-file", archive.proxy_password_file,
                            "a file holding the proxy's user:password");
  wecom_archive->add_option("--timeout", archive.timeout, "seconds a page may take")
      ->check(CLI::Range(1, 600));
  wecom_archive->add_option("--import", archive.import_file,
                            "decrypted messages, one JSON object a line (- for stdin)");
  wecom_archive->add_flag("--configure", archive.configure,
                          "store the settings for pond serve to pull every minute");
  wecom_archive->add_flag("--json", common.json, "print the summary as JSON");
  auto* wecom_handover = wecom_cmd->add_subcommand(
      "handover", "hand a staff member's customers and groups to another (transfer_customer)");
  add_common(wecom_handover);
  wecom_handover->add_option("--from", handover_from, "the handing-over staff's WeCom userid")
      ->required();
  wecom_handover->add_option("--to", handover_to, "the taking-over staff's WeCom userid")
      ->required();
  wecom_handover->add_flag("--resigned", handover_resigned, "--from has left the corp");
  wecom_handover->add_option("--message", handover_message,
                             "sent to each customer on the job's handover (at most 200 chars)");
  wecom_handover->add_flag("--json", common.json, "print the report as JSON");

  ReportArgs report;
  auto* report_cmd = app.add_subcommand(
      "report",
      "analytics reports (docs/analytics.md): funnel, channels, cohorts, value, ltv, rfm, grid, "
      "replies");
  add_common(report_cmd);
  report_cmd
      ->add_option("kind", report.kind,
                   "funnel, channels, cohorts, value, ltv, rfm, grid or replies")
      ->required()
      ->check(CLI::IsMember(
          {"funnel", "channels", "cohorts", "value", "ltv", "rfm", "grid", "replies"}));
  report_cmd->add_option("steps", report.steps,
                         "funnel: its steps, each an event as count() takes it (none: the "
                         "channel funnel)");
  report_cmd->add_option("--window", report.window, "funnel: from the first step")
      ->capture_default_str();
  report_cmd->add_option("--from", report.from,
                         "funnel, grid, replies: at or after (ISO 8601; replies: 30 days back)");
  report_cmd->add_option("--to", report.to, "funnel, grid, replies: before (ISO 8601; now)");
  report_cmd->add_option("--by", report.by, "funnel: channel, for a funnel per channel");
  report_cmd->add_option("--period", report.period,
                         "cohorts: month or week; channel funnel: all, month or week");
  report_cmd->add_option("--cohorts", report.cohorts,
                         "cohorts: the newest this many (default 36 months or 104 weeks; at most "
                         "240 or 1040)");
  report_cmd->add_option("--horizon-days", report.horizon_days, "ltv: days ahead")
      ->capture_default_str();
  report_cmd->add_option("--gross-margin", report.gross_margin,
                         "channels: the brand's gross margin in percent (e.g. 60)");
  report_cmd->add_flag("--json", report.json, "print the API's JSON");
  report_cmd->add_flag("--csv", report.csv, "print the API's CSV");

  DiagnoseArgs diagnose;
  auto* diagnose_cmd = app.add_subcommand(
      "diagnose", "does private-domain operation pay back for this brand, and why");
  add_common(diagnose_cmd);
  static const std::pair<const char*, const char*> kDiagnoseOptions[] = {
      {"category", "beauty, clothing, mother_baby, education, food, electronics, furniture, other"},
      {"gross_margin", "gross margin, percent"},
      {"repurchase_rate", "share of buyers who buy again, percent"},
      {"orders_per_year", "orders per buyer a year"},
      {"aov", "average order value, yuan"},
      {"topics", "natural topics of the category: low, medium or high"},
      {"staff_cost", "cost of one staff account a month, yuan"},
      {"customers_per_staff", "customers one staff account serves"}};
  for (const auto& [name, help] : kDiagnoseOptions) {
    std::string flag = std::string("--") + name;
    std::replace(flag.begin(), flag.end(), '_', '-');
    diagnose_cmd->add_option(flag, diagnose.params[name], help);
  }
  diagnose_cmd->add_flag(
      "--no-store", [&](int64_t) { diagnose.use_store = false; },
      "ignore the data directory's own orders");
  diagnose_cmd->add_flag("--json", diagnose.json, "print the API's JSON");

  GroupArgs grp;
  auto* groups_cmd =
      app.add_subcommand("groups", "community groups and codes (docs/communities.md)");
  groups_cmd->require_subcommand(1);
  auto* groups_list = groups_cmd->add_subcommand("list", "groups with members and held places");
  auto* groups_health = groups_cmd->add_subcommand("health", "a group's health and alerts");
  auto* groups_route = groups_cmd->add_subcommand("route", "route a customer by a group code");
  for (auto* sub : {groups_list, groups_health, groups_route}) {
    add_common(sub);
    sub->add_flag("--json", common.json, "print the API's JSON");
  }
  groups_health->add_option("group", grp.id, "grp_… id")->required();
  groups_route->add_option("code", grp.id, "gcd_… id (or a grp_… id)")->required();
  groups_route->add_option("customer", grp.customer, "cus_… id or any identity")->required();

  ScriptArgs scripts;
  auto* scripts_cmd = app.add_subcommand("scripts", "the script library, 话术库 (docs/content.md)");
  scripts_cmd->require_subcommand(1);
  auto* scripts_search = scripts_cmd->add_subcommand("search", "find scripts; no query: most used");
  add_common(scripts_search);
  scripts_search->add_flag("--json", common.json, "print the API's JSON");
  scripts_search->add_option("query", scripts.query, "words, Chinese or English");
  scripts_search->add_option("--tag", scripts.tag, "only scripts with this tag");
  scripts_search->add_option("--stage", scripts.stage, "only scripts for this stage");
  scripts_search->add_option("--limit", scripts.limit, "at most this many")->capture_default_str();
  auto* scripts_import = scripts_cmd->add_subcommand("import", "save scripts from a JSON array");
  add_common(scripts_import);
  scripts_import->add_option("file", scripts.file, "the file (- for stdin)")->required();

  FissionArgs fis;
  auto* fis_cmd = app.add_subcommand("fission", "fission campaigns (docs/fission.md)");
  fis_cmd->require_subcommand(1);
  std::vector<std::pair<CLI::App*, std::string>> fis_subs;
  for (const char* name : {"list", "report", "review", "approve", "reject", "fraud", "tree"}) {
    const std::string n = name;
    auto* sub =
        fis_cmd->add_subcommand(n, n == "list"     ? "campaigns with their figures"
                                   : n == "report" ? "a campaign's report"
                                   : n == "review" ? "rewards waiting for review, with the reasons"
                                   : n == "fraud"  ? "fraud scores now, most suspicious first"
                                   : n == "tree"   ? "who invited a customer, and whom they brought"
                                                   : n + " a held reward");
    add_common(sub);
    sub->add_flag("--json", common.json, "print the API's JSON");
    if (n == "tree") {
      sub->add_option("customer", fis.customer, "cus_… id or any identity")->required();
      sub->add_option("--depth", fis.depth, "levels below the customer (1–10)")
          ->check(CLI::Range(1, 10));
    } else if (n != "list") {
      sub->add_option("campaign", fis.campaign, "cmp_… id")->required();
    }
    if (n == "approve" || n == "reject") {
      sub->add_option("key", fis.key, "the reward's key")->required();
    }
    fis_subs.emplace_back(sub, n);
  }

  DistributionArgs dist;
  auto* dist_cmd = app.add_subcommand("distribution", "distributors, commission and withdrawals");
  dist_cmd->require_subcommand(1);
  struct DistAction {
    const char* name;
    const char* help;
    const char* id_help;  // nullptr: takes no id
  };
  const DistAction kDistActions[] = {
      {"settings", "print the settings; --set FILE replaces them", nullptr},
      {"list", "distributors with clients, GMV, commission and balances", nullptr},
      {"show", "one distributor", "dst_… id"},
      {"approve", "approve an application", "dst_… id"},
      {"freeze", "freeze: no new commission or withdrawals", "dst_… id"},
      {"unfreeze", "undo a freeze", "dst_… id"},
      {"report", "totals, commission cost ratio and the leaderboard", nullptr},
      {"reconcile", "prove the ledger balances (exit 1 if not)", nullptr},
      {"withdrawals", "withdrawals (newest first)", nullptr},
      {"approve-withdrawal", "approve a withdrawal", "wdr_… id"},
      {"reject-withdrawal", "reject a withdrawal", "wdr_… id"},
      {"paid", "record a withdrawal's payout", "wdr_… id"},
      {"run", "make the decisions that are due, once", nullptr},
  };
  std::vector<std::pair<CLI::App*, std::string>> dist_subs;
  for (const DistAction& act : kDistActions) {
    auto* sub = dist_cmd->add_subcommand(act.name, act.help);
    add_common(sub);
    sub->add_flag("--json", common.json, "print the API's JSON");
    if (act.id_help) sub->add_option("id", dist.id, act.id_help)->required();
    dist_subs.emplace_back(sub, act.name);
  }
  dist_cmd->get_subcommand("settings")->add_option("--set", dist.file, "JSON file; - reads stdin");
  dist_cmd->get_subcommand("list")->add_option("--state", dist.state,
                                               "applied|active|frozen|rejected");
  dist_cmd->get_subcommand("withdrawals")
      ->add_option("--state", dist.state, "requested|approved|rejected|paid|refused");
  dist_cmd->get_subcommand("withdrawals")->add_option("--distributor", dist.id, "dst_… id");
  dist_cmd->get_subcommand("approve")->add_option("--grade", dist.grade, "a grade of the plan");
  dist_cmd->get_subcommand("freeze")->add_option("--reason", dist.reason, "why");
  dist_cmd->get_subcommand("reject-withdrawal")->add_option("--reason", dist.reason, "why");
  dist_cmd->get_subcommand("approve-withdrawal")
      ->add_option("--fee-fen", dist.fee_fen, "default: the settings' fee");
  dist_cmd->get_subcommand("paid")->add_option("--reference", dist.reference,
                                               "the payout's reference");
  dist_cmd->get_subcommand("report")->add_option("--by", dist.by, "gmv|earned|clients");
  dist_cmd->get_subcommand("report")
      ->add_option("--limit", dist.limit, "rows")
      ->check(CLI::Range(1, 1000));
  dist_cmd->get_subcommand("run")->add_option("--at", dist.at, "the time to run at (ISO 8601)");

  DemoArgs demo;
  auto* demo_cmd = app.add_subcommand(
      "demo", "generate the demo world (a beauty brand's private domain) into an empty --data");
  add_common(demo_cmd, false);
  demo_cmd->add_option("--customers", demo.customers, "people reached")
      ->check(CLI::Range(int64_t{1}, int64_t{50'000'000}))
      ->capture_default_str();
  demo_cmd->add_option("--days", demo.days, "days simulated")
      ->check(CLI::Range(1, 3650))
      ->capture_default_str();
  demo_cmd->add_option("--seed", demo.seed, "the same seed gives the same store")
      ->capture_default_str();
  demo_cmd->add_flag("--until-now", demo.until_now,
                     "end the simulation now instead of 2026-11-20 (not reproducible)");
  demo_cmd->add_flag("--wecom", demo.wecom,
                     "WeCom-sourced events arrive as encrypted WeCom callbacks (docs/wecom.md)");
  demo_cmd->add_option("--wecom-record", demo.wecom_record,
                       "with --wecom: also write the callbacks here, for pond wecom replay");
  add_common(snapshot, false);
  auto* version = app.add_subcommand("version", "print the version");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (create->parsed() && !write && !admin && !read) {
    std::fprintf(stderr, "pond: key create needs --write, --read or --admin\n");
    return 2;
  }
  if (*serve_cmd) return RunServe(common, serve);
  if (*audit_cmd) return RunAudit(common, audit_limit, audit_action);
  if (*import_cmd) return RunImport(common, imp);
  if (*show) return RunCustomersShow(common, key, timeline);
  if (*erase) return RunCustomersErase(common, key, erase_yes);
  if (*list) return RunCustomersList(common, query, limit);
  if (*create) {
    return RunKeyCreate(common, admin  ? pond::KeyKind::kAdmin
                                : read ? pond::KeyKind::kRead
                                       : pond::KeyKind::kWrite);
  }
  if (*keys_list) return RunKeyList(common);
  for (auto [sub, action] : {std::pair{user_add, "add"},
                             {user_list, "list"},
                             {user_disable, "disable"},
                             {user_reset, "reset-password"}}) {
    if (*sub) {
      user_args.action = action;
      return RunUser(common, user_args);
    }
  }
  if (*key_revoke) return RunKeyRevoke(common, key_id, false);
  if (*key_rotate) return RunKeyRevoke(common, key_id, true);
  if (*ws_create) return RunWorkspaceCreate(common, ws_id, ws_name, ws_zone);
  if (*snapshot) return RunSnapshot(common);
  if (*demo_cmd) return RunDemo(common, demo);
  if (*plan_fission) return RunPlanFission(common, plan);
  if (*plan_moments) {
    if (moments.check.empty() && moments.from.empty()) {
      std::fprintf(stderr, "pond: plan moments needs --from (or --check FILE)\n");
      return 2;
    }
    return RunPlanMoments(common, moments);
  }
  if (*report_cmd) return RunReport(common, report);
  if (*diagnose_cmd) return RunDiagnoseCommand(common, diagnose);
  if (*wecom_configure) return RunWecomConfigure(common, wecom_args);
  if (*wecom_replay) return RunWecomReplay(common, wecom_args);
  if (*wecom_sync) return RunWecomSync(common);
  if (*wecom_archive) return RunWecomArchive(common, archive);
  if (*wecom_handover) {
    return RunWecomHandover(common, handover_from, handover_to, handover_resigned,
                            handover_message);
  }
  if (*groups_list || *groups_health || *groups_route) {
    grp.action = *groups_list ? "list" : *groups_health ? "health" : "route";
    return RunGroups(common, grp);
  }
  if (*scripts_search || *scripts_import) {
    scripts.action = *scripts_import ? "import" : "search";
    return RunScripts(common, scripts);
  }
  for (const auto& [sub, name] : fis_subs) {
    if (!*sub) continue;
    fis.action = name;
    return RunFission(common, fis);
  }
  for (const auto& [sub, name] : dist_subs) {
    if (!*sub) continue;
    dist.action = name;
    return RunDistribution(common, dist);
  }
  if (*journey_validate) return RunJourneyValidate(common, journey_files);
  if (*journey_save) return RunJourneySave(common, journey_files);
  if (*journey_activate) return RunJourneySetStatus(common, journey_id, true);
  if (*journey_pause) return RunJourneySetStatus(common, journey_id, false);
  if (*journey_delete) return RunJourneyDelete(common, journey_id);
  if (*journey_list) return RunJourneyList(common);
  if (*journey_stats) return RunJourneyStats(common, journey_id);
  if (*journey_run) return RunJourneyRun(common, journey_at);
  if (*tag_add) return RunTagChange(common, tag_customer, tag_names, true);
  if (*tag_remove) return RunTagChange(common, tag_customer, tag_names, false);
  if (*tag_list) return RunTagList(common);
  if (*tag_bulk) return RunTagBulk(common, bulk_add, bulk_remove, bulk_customers, bulk_rule);
  if (*seg_preview) return RunSegmentPreview(common, seg_rule, seg_limit);
  if (*seg_list) return RunSegmentList(common);
  if (*seg_create) return RunSegmentCreate(common, seg_name, seg_rule, seg_description);
  if (*seg_delete) return RunSegmentDelete(common, seg_id);
  if (*seg_customers) return RunSegmentCustomers(common, seg_id, seg_limit);
  if (*version) {
    std::printf("pond %s\n", POND_VERSION);
    return 0;
  }
  return 2;
}
