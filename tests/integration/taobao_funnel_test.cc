// Funnels on the real Taobao user-behaviour log (../shared/data/taobao-user-behavior/), checked
// against SQL over the same rows: for each step, the users with some pv, then a cart, then a buy,
// each after the one before (a later second, or the same second later in the file) and within the
// window of the pv. SQL states the definition as "such rows exist"; pond finds it in one pass.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "pond/analytics/funnel.h"
#include "pond/engine/engine.h"
#include "pond/testing/temp_dir.h"
#include "sql.h"

namespace pond {
namespace {

using testing::Sql;

const std::string kDir = std::string(POND_SHARED_DATA) + "/taobao-user-behavior/";

struct Row {
  std::string user, item, category, behavior;
  int64_t ts = 0;
};

std::vector<Row> ReadLog(const std::string& file) {
  std::vector<Row> rows;
  std::ifstream in(kDir + file);
  std::string line;
  while (std::getline(in, line)) {
    std::stringstream fields(line);
    Row r;
    std::string ts;
    std::getline(fields, r.user, ',');
    std::getline(fields, r.item, ',');
    std::getline(fields, r.category, ',');
    std::getline(fields, r.behavior, ',');
    std::getline(fields, ts, ',');
    r.ts = std::stoll(ts);
    rows.push_back(std::move(r));
  }
  return rows;
}

// The log as track events in file order: each behaviour an event, item and category properties.
void Import(Engine& engine, const std::vector<Row>& rows) {
  std::vector<Event> batch;
  for (size_t i = 0; i < rows.size(); ++i) {
    Event e;
    e.message_id = "tb" + std::to_string(i);
    e.name = rows[i].behavior;
    e.user_id = rows[i].user;
    e.identities = {{IdentityKind::kUserId, rows[i].user}};
    e.timestamp = rows[i].ts * kMicrosPerSecond;
    e.properties = R"({"item_id":)" + rows[i].item + R"(,"category_id":)" + rows[i].category + "}";
    batch.push_back(std::move(e));
    if (batch.size() == kMaxEventsPerSubmit || i + 1 == rows.size()) {
      ASSERT_TRUE(engine.Submit(kDefaultWorkspace, batch).ok());
      batch.clear();
    }
  }
}

// rowid is the file order: SQLite assigns it in insertion order.
void Load(Sql& sql, const std::vector<Row>& rows) {
  sql.Exec("CREATE TABLE ev (user TEXT, category INTEGER, behavior TEXT, ts INTEGER)");
  sql.Exec("BEGIN");
  sqlite3_stmt* ins = nullptr;
  sqlite3_prepare_v2(sql.db(), "INSERT INTO ev VALUES (?,?,?,?)", -1, &ins, nullptr);
  for (const Row& r : rows) {
    sqlite3_bind_text(ins, 1, r.user.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(ins, 2, std::stoll(r.category));
    sqlite3_bind_text(ins, 3, r.behavior.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(ins, 4, r.ts);
    sqlite3_step(ins);
    sqlite3_reset(ins);
  }
  sqlite3_finalize(ins);
  sql.Exec("COMMIT");
  sql.Exec("CREATE INDEX ev_user ON ev (user, behavior)");
}

// Users reaching each step: the rows e0 … ek of one user with the steps' behaviours, each after
// the one before, ek within `window` seconds of e0; `where[i]` limits row ei ("e0.category = 7").
std::vector<int64_t> SqlFunnel(Sql& sql, const std::vector<std::string>& behaviors, int64_t window,
                               const std::vector<std::string>& where = {}) {
  std::vector<int64_t> reached;
  for (size_t k = 0; k < behaviors.size(); ++k) {
    std::string from = "ev e0", cond = "e0.behavior = '" + behaviors[0] + "'";
    for (size_t i = 0; i <= k; ++i) {
      const std::string e = "e" + std::to_string(i), prev = "e" + std::to_string(i - 1);
      if (i > 0) {
        from += ", ev " + e;
        cond += " AND " + e + ".user = e0.user AND " + e + ".behavior = '" + behaviors[i] +
                "' AND (" + e + ".ts > " + prev + ".ts OR (" + e + ".ts = " + prev + ".ts AND " +
                e + ".rowid > " + prev + ".rowid))";
      }
      if (i < where.size() && !where[i].empty()) cond += " AND " + where[i];
    }
    cond += " AND e" + std::to_string(k) + ".ts - e0.ts <= " + std::to_string(window);
    reached.push_back(sql.Count("SELECT COUNT(DISTINCT e0.user) FROM " + from + " WHERE " + cond));
  }
  return reached;
}

analytics::FunnelReport PondFunnel(Engine& engine, std::vector<std::string> steps,
                                   int64_t window_seconds) {
  analytics::FunnelRequest r;
  r.steps = std::move(steps);
  r.window = window_seconds * kMicrosPerSecond;
  Result<analytics::FunnelReport> out = RunFunnel(engine, kDefaultWorkspace, r);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  return out.ok() ? *out : analytics::FunnelReport{};
}

class TaobaoFunnelTest : public ::testing::Test {
 protected:
  void Open(const std::string& file) {
    rows_ = ReadLog(file);
    ASSERT_GT(rows_.size(), 4000u);
    EngineOptions o;
    o.data_dir = dir_.File("data");
    engine_ = Engine::Open(o).value();
    Import(*engine_, rows_);
    Load(sql_, rows_);
  }

  testing::TempDir dir_;
  std::unique_ptr<Engine> engine_;
  std::vector<Row> rows_;
  Sql sql_;
};

TEST_F(TaobaoFunnelTest, TheSliceOfTwoHoursMatchesSql) {
  Open("user_behavior_slice.csv");
  const std::vector<std::vector<std::string>> funnels = {
      {"pv", "cart", "buy"}, {"pv", "buy"}, {"cart", "buy"}, {"pv", "fav", "cart"}};
  for (const auto& steps : funnels) {
    for (int64_t window : {600, 3600}) {
      SCOPED_TRACE(steps[0] + "→" + steps[1] + " in " + std::to_string(window) + " s");
      const std::vector<int64_t> expected = SqlFunnel(sql_, steps, window);
      EXPECT_GT(expected.back(), 0);  // real conversions, not an empty funnel
      EXPECT_EQ(PondFunnel(*engine_, steps, window).total.reached, expected);
    }
  }
  EXPECT_GT(SqlFunnel(sql_, {"pv", "buy"}, 3600).back(), 300);
  // With filters on both ends: viewed, then bought, in the category most users did so in.
  const int64_t category = sql_.Count(
      "SELECT b.category FROM ev p JOIN ev b ON b.user = p.user AND b.category = p.category "
      "WHERE p.behavior = 'pv' AND b.behavior = 'buy' AND b.ts >= p.ts GROUP BY b.category "
      "ORDER BY COUNT(DISTINCT b.user) DESC, b.category LIMIT 1");
  const std::string c = std::to_string(category);
  const std::vector<int64_t> expected =
      SqlFunnel(sql_, {"pv", "buy"}, 3600, {"e0.category = " + c, "e1.category = " + c});
  EXPECT_GT(expected[1], 1);
  EXPECT_EQ(
      PondFunnel(
          *engine_,
          {"pv where property.category_id == " + c, "buy where property.category_id == " + c}, 3600)
          .total.reached,
      expected);
}

TEST_F(TaobaoFunnelTest, NineDaysOfFortyThreeUsersMatchSql) {
  Open("user_behavior_head.csv");
  for (int64_t window : {3600, 86'400, 10 * 86'400}) {
    SCOPED_TRACE(window);
    const std::vector<int64_t> expected = SqlFunnel(sql_, {"pv", "cart", "buy"}, window);
    EXPECT_GT(expected[2], 0);
    EXPECT_EQ(PondFunnel(*engine_, {"pv", "cart", "buy"}, window).total.reached, expected);
  }
}

}  // namespace
}  // namespace pond
