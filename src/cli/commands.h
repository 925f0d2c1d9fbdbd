// `pond` subcommands. Each returns the process exit code: 0 ok, 1 failure (usage errors, 2,
// are CLI11's). Errors go to stderr as "pond: <message>".
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "pond/model/workspace.h"

namespace pond {
class Engine;
}

namespace pond::cli {

struct Common {
  std::string data_dir = "data";
  std::string workspace = "default";
  bool json = false;
};

struct ServeArgs {
  std::string listen = "127.0.0.1:8080";
  int threads = 2;
  std::string durability = "process";  // or "power"
  int64_t snapshot_every = 1'000'000;
  std::string web = POND_WEB_DIR;  // the console's built files ("": API only)
  int max_connections = 1024;
  int max_connection_age_s = 300;
};
int RunServe(const Common& common, const ServeArgs& args);

struct ImportArgs {
  std::string kind;  // orders | events | customers
  std::string file;
  std::string map;
  std::string columns;
  std::string utc_offset;  // "": the workspace's zone
  std::string refund_prefix = "C";
  std::string source = "import";
  std::string rejects;
};
int RunImport(const Common& common, const ImportArgs& args);

int RunCustomersShow(const Common& common, const std::string& key, int timeline);
int RunCustomersList(const Common& common, const std::string& query, int limit);
// Erases a customer's personal data (docs/privacy.md, "Erasure"); refuses without `yes`.
int RunCustomersErase(const Common& common, const std::string& id, bool yes);
int RunKeyCreate(const Common& common, KeyKind kind);
int RunKeyList(const Common& common);

// `pond user add|list|disable|reset-password` (user_commands.cc).
struct UserArgs {
  std::string action;                    // add, list, disable, reset-password
  std::string login, name, role;         // add
  std::string staff_id, distributor_id;  // add: for the staff and distributor roles
  std::string user;                      // disable, reset-password: an id or a login
  bool password_stdin = false;           // the password is the first line of stdin
};
int RunUser(const Common& common, const UserArgs& args);
// `rotate`: a new key of the same kind first, printed alone on the last line.
int RunKeyRevoke(const Common& common, const std::string& key_id, bool rotate);
// `utc_offset`: "+08:00", "-05:00", "Z".
int RunWorkspaceCreate(const Common& common, const std::string& id, const std::string& name,
                       const std::string& utc_offset);
int RunSnapshot(const Common& common);
// `pond audit` (audit_commands.cc): the newest `limit` entries, those whose action starts with
// `action_prefix` when set.
int RunAudit(const Common& common, int limit, const std::string& action_prefix);
// An audit entry for a change made from the command line (actor "cli"); a failure to write it
// is reported on stderr and does not undo the change.
void RecordCliAudit(Engine& engine, const std::string& ws, const std::string& action,
                    const std::string& target);

// Checks journey definitions (docs/journeys.md); FILE "-" reads standard input. Exit 1 on the
// first invalid one, naming the file and the JSON path.
int RunJourneyValidate(const Common& common, const std::vector<std::string>& files);
// Saves each file: a new journey (paused) or a new version of a known one.
int RunJourneySave(const Common& common, const std::vector<std::string>& files);
int RunJourneySetStatus(const Common& common, const std::string& id, bool active);
int RunJourneyDelete(const Common& common, const std::string& id);
int RunJourneyList(const Common& common);
int RunJourneyStats(const Common& common, const std::string& id);
// Runs everything due at `at` (ISO 8601; empty: now) once, then exits: the same work `pond
// serve` does every second.
int RunJourneyRun(const Common& common, const std::string& at);

// `pond distribution ACTION`: settings (--set FILE), list, show, approve, freeze, unfreeze,
// report, reconcile (exit 1 when the ledger does not balance), withdrawals, approve-withdrawal,
// reject-withdrawal, paid, run (one pass of the service's work, --at a time).
struct DistributionArgs {
  std::string action;
  std::string id;     // a distributor (dst_…) or a withdrawal (wdr_…)
  std::string file;   // settings --set
  std::string state;  // list / withdrawals filter
  std::string grade, reason, reference, at;
  std::string by = "gmv";
  size_t limit = 20;
  int64_t fee_fen = -1;
};
int RunDistribution(const Common& common, const DistributionArgs& args);

// `pond report KIND` (docs/analytics.md): funnel (no steps: the channel funnel), channels (ROI),
// cohorts, value, ltv, rfm; an aligned table, or --json / --csv as the API gives them.
struct ReportArgs {
  std::string kind;
  std::vector<std::string> steps;  // funnel: events as count() takes them
  std::string window = "7d", from, to, by, period;
  int horizon_days = 365;
  int cohorts = 0;           // cohorts: the newest this many (0: the default)
  std::string gross_margin;  // channels: percent
  bool json = false, csv = false;
};
int RunReport(const Common& common, const ReportArgs& args);

// `pond diagnose`: does private-domain operation pay back (docs/analytics.md, "Diagnose").
// `params` by the API's names; `use_store` reads the data directory's orders.
struct DiagnoseArgs {
  std::map<std::string, std::string> params;
  bool use_store = true, json = false;
};
int RunDiagnoseCommand(const Common& common, const DiagnoseArgs& args);

// `pond plan fission`: the planner's inputs; money as yuan text, "" or < 0 when not given.
struct PlanFissionArgs {
  std::vector<std::pair<std::string, std::string>> money = {
      {"retail_price", ""}, {"unit_cost", ""}, {"shipping", ""}, {"invitee_price", ""}};
  std::vector<std::pair<std::string, double>> numbers = {{"invites_per_reward", -1},
                                                         {"participants", -1},
                                                         {"completion_rate", -1},
                                                         {"partial_invites", -1},
                                                         {"fraud_rate", -1}};
};
int RunPlanFission(const Common& common, const PlanFissionArgs& args);

// `pond plan moments`: a calendar per staff account, from the library in --data or --items
// FILE; --check FILE validates a calendar (exit 1 when a rule is broken).
struct MomentsArgs {
  std::vector<std::string> staff = {"stf_default"};
  std::string persona = "friend";
  std::string from;  // YYYY-MM-DD
  int days = 7;
  std::string items;  // a JSON array of content items ("-": stdin); "" = the data dir's library
  std::string check;  // a calendar to validate ("-": stdin)
};
int RunPlanMoments(const Common& common, const MomentsArgs& args);

// `pond wecom configure --token T --aes-key KEY43 --corp-id ID`, `pond wecom replay FILE`.
struct WecomArgs {
  std::string token, aes_key, corp_id;
  std::string file;  // replay: recorded callbacks, one JSON object a line ("-": stdin)
};
int RunWecomConfigure(const Common& common, const WecomArgs& args);
int RunWecomReplay(const Common& common, const WecomArgs& args);
// `pond wecom sync`: the corp's staff, customers and groups read from WeCom (docs/wecom.md,
// Sync), progress on stderr, the summary on stdout (JSON with --json). Exit 1 on WeCom's refusal.
int RunWecomSync(const Common& common);
// `pond wecom handover --from A --to B [--resigned] [--message TEXT]` (docs/wecom.md, Handover).
int RunWecomHandover(const Common& common, const std::string& from, const std::string& to,
                     bool resigned, const std::string& message);

// `pond wecom archive [--sdk LIB --corp-id ID --secret-file F --key VER=PEM…]`: the chat
// archive pulled from the cursor on (docs/conversations.md), with the settings given or, without
// them, the workspace's stored ones; progress on stderr, the summary on stdout.
// `… --configure`: the settings stored (sealed) for `pond serve` to pull every minute.
// `pond wecom archive --import FILE`: decrypted messages, one JSON a line ("-": stdin).
struct ArchiveArgs {
  std::string sdk, corp_id, secret_file;
  std::vector<std::string> keys;  // "VERSION=path/to/private.pem"
  unsigned limit = 1000;
  std::string proxy, proxy_password_file;
  int timeout = 10;
  std::string import_file;
  bool configure = false;
};
int RunWecomArchive(const Common& common, const ArchiveArgs& args);

// `pond groups list | health GROUP | route CODE CUSTOMER`.
struct GroupArgs {
  std::string action;
  std::string id;  // a group, or a code
  std::string customer;
};
int RunGroups(const Common& common, const GroupArgs& args);

// `pond scripts search [QUERY] | import FILE`.
struct ScriptArgs {
  std::string action;
  std::string query, tag, stage, file;
  size_t limit = 20;
};
int RunScripts(const Common& common, const ScriptArgs& args);

// `pond fission ACTION`: list, report CAMPAIGN, review CAMPAIGN, approve|reject CAMPAIGN KEY,
// fraud CAMPAIGN, tree CUSTOMER [--depth N].
struct FissionArgs {
  std::string action;
  std::string campaign;
  std::string key;  // a held reward's "<campaign>:<inviter>:<tier>"
  std::string customer;
  int depth = 3;
};
int RunFission(const Common& common, const FissionArgs& args);

struct DemoArgs {
  int64_t customers = 100'000;
  int days = 180;
  uint64_t seed = 1;
  bool until_now = false;
  bool wecom = false;        // WeCom-sourced events as encrypted callbacks
  std::string wecom_record;  // ... also written to this file
};
// Generates the demo world into an empty data directory (src/pond/sim, docs/demo-world.md).
int RunDemo(const Common& common, const DemoArgs& args);
int RunTagChange(const Common& common, const std::string& customer,
                 const std::vector<std::string>& tags, bool add);
int RunTagList(const Common& common);
// Tags many customers: those listed one per line in `customers_file` ("-": standard input), or
// those `rule` selects.
int RunTagBulk(const Common& common, const std::vector<std::string>& add,
               const std::vector<std::string>& remove, const std::string& customers_file,
               const std::string& rule);

// Segments. A rule given as "-" is read from standard input; text or JSON form.
int RunSegmentPreview(const Common& common, const std::string& rule, int limit);
int RunSegmentList(const Common& common);
int RunSegmentCreate(const Common& common, const std::string& name, const std::string& rule,
                     const std::string& description);
int RunSegmentDelete(const Common& common, const std::string& id);
int RunSegmentCustomers(const Common& common, const std::string& id, int limit);

}  // namespace pond::cli
