// `pond journey …`: validate, save, activate/pause, delete, list, stats, and run (one pass of
// the runtime at a given time, for scripts, cron-less operation and tests).
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "cli/table.h"
#include "pond/app/views.h"
#include "pond/base/time.h"
#include "pond/journey/journey.h"
#include "pond/journey/journey_runtime.h"
#include "pond/journey/journey_store.h"
#include "pond/segment/segment_service.h"

namespace pond::cli {
namespace {

constexpr size_t kMaxDefinitionBytes = 1 << 20;

Result<std::unique_ptr<app::App>> OpenJourneys(const Common& common, Clock* clock = nullptr) {
  return OpenApp(common, app::kJourneys, clock);
}

// The API's stats JSON (server/views.h), as an object to nest.
nlohmann::json StatsJson(const JourneyStats& s) {
  return nlohmann::json::parse(app::JourneyStatsJsonText(s));
}

// A definition file ("-": standard input), parsed in the workspace's zone; errors name the
// file and are printed.
Result<std::pair<std::string, JourneyDef>> ReadDefinition(const std::string& file, int zone) {
  ASSIGN_OR_RETURN(std::string text, ReadInput(file, kMaxDefinitionBytes));
  Result<JourneyDef> d = ParseJourney(text, zone);
  if (!d.ok()) return Status(d.status().code(), file + ": " + d.status().ToString());
  return std::make_pair(std::move(text), std::move(*d));
}

}  // namespace

int RunJourneyValidate(const Common& common, const std::vector<std::string>& files) {
  auto zone = WorkspaceZone(common);
  if (!zone.ok()) return Fail(zone.status());
  for (const std::string& file : files) {
    auto d = ReadDefinition(file, *zone);
    if (!d.ok()) return Fail(d.status());
    std::printf("%s: journey \"%s\" is valid: %zu steps\n", file.c_str(), d->second.id.c_str(),
                d->second.steps.size());
  }
  return 0;
}

int RunJourneySave(const Common& common, const std::vector<std::string>& files) {
  auto engine = OpenEngine(common);
  if (!engine.ok()) return Fail(engine.status());
  JourneyStore store(engine->get());
  auto zone = (*engine)->UtcOffsetOf(common.workspace);
  if (!zone.ok()) return Fail(zone.status());
  for (const std::string& file : files) {
    auto d = ReadDefinition(file, *zone);
    if (!d.ok()) return Fail(d.status());
    const auto& [text, def] = *d;
    // A new id is created (paused); a known one gets a new version.
    Result<SavedJourney> saved = store.Get(common.workspace, def.id).ok()
                                     ? store.Update(common.workspace, def.id, text)
                                     : store.Create(common.workspace, text);
    if (!saved.ok()) return Fail(saved.status());
    std::printf("%s: saved journey %s version %d (%s)\n", file.c_str(), saved->id.c_str(),
                saved->current().version, std::string(JourneyStatusName(saved->status)).c_str());
  }
  return 0;
}

int RunJourneySetStatus(const Common& common, const std::string& id, bool active) {
  auto engine = OpenEngine(common);
  if (!engine.ok()) return Fail(engine.status());
  auto saved = JourneyStore(engine->get())
                   .SetStatus(common.workspace, id,
                              active ? JourneyStatus::kActive : JourneyStatus::kPaused);
  if (!saved.ok()) return Fail(saved.status());
  std::printf("journey %s is %s\n", id.c_str(),
              std::string(JourneyStatusName(saved->status)).c_str());
  return 0;
}

int RunJourneyDelete(const Common& common, const std::string& id) {
  auto engine = OpenEngine(common);
  if (!engine.ok()) return Fail(engine.status());
  Status s = JourneyStore(engine->get()).Delete(common.workspace, id);
  if (!s.ok()) return Fail(s);
  std::printf("deleted journey %s\n", id.c_str());
  return 0;
}

int RunJourneyList(const Common& common) {
  auto s = OpenJourneys(common);
  if (!s.ok()) return Fail(s.status());
  auto list = JourneyStore(&(*s)->engine()).List(common.workspace);
  if (!list.ok()) return Fail(list.status());
  nlohmann::json out = nlohmann::json::array();
  Table t({"id", "name", "status", "version", "entered", "live", "converted"});
  for (const SavedJourney& j : *list) {
    auto stats = (*s)->journeys().Stats(common.workspace, j.id);
    if (!stats.ok()) return Fail(stats.status());
    out.push_back({{"id", j.id},
                   {"name", j.name},
                   {"status", JourneyStatusName(j.status)},
                   {"version", j.current().version},
                   {"stats", StatsJson(*stats)}});
    t.Add({j.id, j.name, std::string(JourneyStatusName(j.status)),
           std::to_string(j.current().version), WithCommas(stats->entered), WithCommas(stats->live),
           WithCommas(stats->converted)});
  }
  if (common.json) {
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    t.Print();
  }
  return 0;
}

int RunJourneyStats(const Common& common, const std::string& id) {
  auto s = OpenJourneys(common);
  if (!s.ok()) return Fail(s.status());
  auto stats = (*s)->journeys().Stats(common.workspace, id);
  if (!stats.ok()) return Fail(stats.status());
  if (common.json) {
    std::printf("%s\n", app::JourneyStatsJsonText(*stats).c_str());
    return 0;
  }
  Table totals({"entered", "live", "converted", "exited", "messages sent", "tasks created"});
  totals.Add({WithCommas(stats->entered), WithCommas(stats->live), WithCommas(stats->converted),
              WithCommas(stats->exited), WithCommas(stats->messages), WithCommas(stats->tasks)});
  totals.Print();
  std::printf("\n");
  Table steps({"step", "live instances"});
  for (const auto& [step, n] : stats->at_step) steps.Add({step, WithCommas(n)});
  steps.Print();
  if (!stats->suppressed.empty()) {
    std::printf("\n");
    Table suppressed({"not sent because", "messages"});
    for (const auto& [reason, n] : stats->suppressed) suppressed.Add({reason, WithCommas(n)});
    suppressed.Print();
  }
  return 0;
}

int RunJourneyRun(const Common& common, const std::string& at) {
  Micros now = Clock::System().NowMicros();
  if (!at.empty()) {
    Result<int> zone = WorkspaceZone(common);
    if (!zone.ok()) return Fail(zone.status());
    Result<Micros> parsed = ParseIso8601(at, *zone);
    if (!parsed.ok())
      return Fail(FieldError("at", "expected a time like 2026-11-23T10:00:00+08:00"));
    now = *parsed;
  }
  FakeClock clock(now);  // stands still: everything due up to `now` runs, nothing after
  auto s = OpenJourneys(common, &clock);
  if (!s.ok()) return Fail(s.status());
  // Segment timers and transitions first, so segment triggers see them; then the journeys;
  // then the segment changes the journeys' own events made, and the journeys again.
  int64_t steps = 0;
  for (int pass = 0; pass < 2; ++pass) {
    (*s)->rules().Tick();
    Status flushed = (*s)->rules().Flush();
    if (!flushed.ok()) return Fail(flushed);
    Result<int64_t> done = (*s)->journeys().RunDue();
    if (!done.ok()) return Fail(done.status());
    steps += *done;
  }
  Status flushed = (*s)->rules().Flush();
  if (!flushed.ok()) return Fail(flushed);
  if (common.json) {
    std::printf("%s\n",
                nlohmann::json({{"at", FormatIso8601(now)}, {"steps", steps}}).dump().c_str());
  } else {
    std::printf("ran journeys at %s: %s steps\n", FormatIso8601(now).c_str(),
                WithCommas(steps).c_str());
  }
  return 0;
}

}  // namespace pond::cli
