#include "cli/cli_util.h"

#include <cstdio>
#include <filesystem>

#include "cli/commands.h"

namespace pond::cli {

int Fail(const Status& s) {
  std::fprintf(stderr, "pond: %s\n", s.message().c_str());
  return 1;
}

EngineOptions EngineOptionsFor(const Common& common, bool load_state, Durability durability,
                               int64_t snapshot_every, Clock* clock) {
  EngineOptions o;
  o.data_dir = common.data_dir;
  o.load_state = load_state;
  o.durability = durability;
  o.snapshot_every_events = snapshot_every;
  o.snapshot_min_interval_millis = 10 * 60 * 1000;
  if (clock) o.clock = clock;
  return o;
}

Result<std::unique_ptr<Engine>> OpenEngine(const Common& common, bool load_state,
                                           Durability durability, int64_t snapshot_every,
                                           Clock* clock) {
  return Engine::Open(EngineOptionsFor(common, load_state, durability, snapshot_every, clock));
}

Result<std::unique_ptr<app::App>> OpenApp(const Common& common, app::Parts parts, Clock* clock) {
  app::AppOptions o;
  o.engine = EngineOptionsFor(common, true, Durability::kProcessCrash, 0, clock);
  ASSIGN_OR_RETURN(std::unique_ptr<app::App> app, app::App::Open(o));
  RETURN_IF_ERROR(app->Start(parts));
  return app;
}

Result<int> WorkspaceZone(const Common& common) {
  if (!std::filesystem::exists(common.data_dir + "/pond.db")) return kDefaultUtcOffsetSeconds;
  ASSIGN_OR_RETURN(std::unique_ptr<Engine> engine, OpenEngine(common, false));
  return engine->UtcOffsetOf(common.workspace);
}

std::string WithCommas(int64_t n) {
  std::string s = std::to_string(n < 0 ? -n : n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(i, ",");
  return n < 0 ? "-" + s : s;
}

Result<std::string> ReadInput(const std::string& file, size_t max_bytes) {
  FILE* in = file == "-" ? stdin : std::fopen(file.c_str(), "rb");
  if (!in) return Status::NotFound("cannot read " + file);
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, in)) > 0 && text.size() <= max_bytes) {
    text.append(buf, n);
  }
  if (in != stdin) std::fclose(in);
  if (text.size() > max_bytes) {
    return FieldError(file, "larger than " + std::to_string(max_bytes) + " bytes");
  }
  return text;
}

}  // namespace pond::cli
