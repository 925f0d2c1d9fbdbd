// Segments and RFM on the real UCI Online Retail export, checked against SQL.
//
// The file is imported through ImportFile (as `pond import orders` does); independently, the
// test loads its raw rows into an in-memory SQLite table and computes the expected figures with
// SQL alone: invoices and their totals (a line is quantity × unit price rounded to the fen, half
// away from zero; a "C" invoice is a refund of the sum of its lines' absolute amounts), then per
// customer the paid orders, the money paid and refunded and the last order, then the RFM scores
// with RANK() (1 + 5 × (customers strictly worse) / customers) and the cells by the documented
// grid. pond's counts for the same rules and cells must be equal.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <string>
#include <vector>

#include "online_retail_csv.h"
#include "online_retail_sql.h"
#include "pond/base/time.h"
#include "pond/channels/importer.h"
#include "pond/segment/rfm.h"
#include "pond/segment/score_service.h"
#include "pond/segment/segment_service.h"
#include "pond/testing/temp_dir.h"

namespace pond {
namespace {

const std::string& kFile = testing::kOnlineRetailFile;
using testing::LoadAndDerive;
using testing::Sql;

// The documented grid (rfm.h), as SQL.
const char* kCellSql = R"sql(
  CASE
    WHEN r = 5 AND fm = 1 THEN 'New'
    WHEN r = 5 AND fm IN (2, 3) THEN 'Potential Loyalist'
    WHEN r = 5 THEN 'Champions'
    WHEN r = 4 AND fm = 1 THEN 'Promising'
    WHEN r = 4 AND fm IN (2, 3) THEN 'Potential Loyalist'
    WHEN r = 4 AND fm = 4 THEN 'Loyal'
    WHEN r = 4 THEN 'Champions'
    WHEN r = 3 AND fm <= 2 THEN 'About to Sleep'
    WHEN r = 3 AND fm = 3 THEN 'Need Attention'
    WHEN r = 3 THEN 'Loyal'
    WHEN fm = 5 THEN 'Can''t Lose Them'
    WHEN fm >= 3 THEN 'At Risk'
    WHEN r = 2 THEN 'Hibernating'
    ELSE 'Lost'
  END)sql";

TEST(OnlineRetailSegmentsTest, RulesAndRfmCellsMatchSql) {
  Sql sql;
  LoadAndDerive(sql);
  const Micros now = ParseIso8601("2011-12-10T00:00:00Z").value();
  const int64_t day = 86'400'000'000LL;

  testing::TempDir dir;
  FakeClock clock(now);
  EngineOptions eo;
  eo.data_dir = dir.File("data");
  eo.clock = &clock;
  auto engine = Engine::Open(eo).value();
  ImportOptions o;
  o.utc_offset_seconds = 0;
  ASSERT_TRUE(ImportFile(*engine, kDefaultWorkspace, kFile, o).ok());
  auto rules = LiveRules::Start(engine.get()).value();
  auto segments = std::make_unique<SegmentService>(rules.get());
  auto scores = std::make_unique<ScoreService>(rules.get());
  ASSERT_TRUE(scores->RecomputeRfm(kDefaultWorkspace).ok());

  auto count = [&](const std::string& rule) {
    auto parsed = ParseRule(rule);
    EXPECT_TRUE(parsed.ok()) << rule;
    auto p = segments->Preview(kDefaultWorkspace, **parsed, 0);
    EXPECT_TRUE(p.ok()) << rule << ": " << p.status().ToString();
    return p.ok() ? p->count : -1;
  };
  const std::string since30 = std::to_string(now - 30 * day);
  const std::string since90 = std::to_string(now - 90 * day);
  struct Case {
    std::string rule, sql;
  } cases[] = {
      {"count(order_paid) >= 1", "SELECT COUNT(*) FROM customers WHERE f >= 1"},
      {"count(order_paid) >= 5", "SELECT COUNT(*) FROM customers WHERE f >= 5"},
      {"count(order_paid) == 1", "SELECT COUNT(*) FROM customers WHERE f = 1"},
      {"sum(order_paid.amount) >= 1000", "SELECT COUNT(*) FROM customers WHERE paid >= 100000"},
      {"sum(order_refunded.amount) > 100", "SELECT COUNT(*) FROM customers WHERE refunded > 10000"},
      {"count(order_refunded) >= 1", "SELECT COUNT(*) FROM customers WHERE refunds >= 1"},
      {"last(order_paid) older_than 90d",
       "SELECT COUNT(*) FROM customers WHERE f >= 1 AND last_ts < " + since90},
      {"count(order_paid, 30d) >= 1",
       "SELECT COUNT(DISTINCT customer) FROM invoices WHERE NOT refund AND ts >= " + since30},
      {"count(order_paid, 90d) >= 2 and not count(order_refunded) >= 1",
       "SELECT COUNT(*) FROM customers c WHERE refunds = 0 AND (SELECT COUNT(*) FROM invoices i "
       "WHERE i.customer = c.customer AND NOT refund AND ts >= " +
           since90 + ") >= 2"},
      {"sum(order_paid.amount, 90d) >= 500 or count(order_paid) >= 10",
       "SELECT COUNT(*) FROM customers c WHERE f >= 10 OR (SELECT COALESCE(SUM(signed_fen), 0) "
       "FROM invoices i WHERE i.customer = c.customer AND NOT refund AND ts >= " +
           since90 + ") >= 50000"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.rule);
    int64_t want = sql.Count(c.sql);
    EXPECT_GT(want, 0);
    EXPECT_EQ(count(c.rule), want);
  }

  // RFM: every cell, and the same through a rule.
  auto rfm = scores->Rfm(kDefaultWorkspace);
  ASSERT_TRUE(rfm.ok());
  EXPECT_EQ(rfm->scored, sql.Count("SELECT COUNT(*) FROM rfm"));
  int64_t nonempty = 0;
  for (const auto& cell : rfm->cells) {
    SCOPED_TRACE(cell.cell);
    std::string quoted = cell.cell;
    for (size_t at = quoted.find('\''); at != std::string::npos; at = quoted.find('\'', at + 2)) {
      quoted.insert(at, "'");
    }
    int64_t want = sql.Count("SELECT COUNT(*) FROM rfm WHERE " + std::string(kCellSql) + " = '" +
                             quoted + "'");
    EXPECT_EQ(cell.customers, want);
    EXPECT_EQ(count("rfm == \"" + cell.cell + "\""), want);
    nonempty += want > 0;
  }
  EXPECT_GE(nonempty, 9);  // the data fills (nearly) every cell
}

}  // namespace
}  // namespace pond
