// Cohorts, repurchase and value on the real UCI Online Retail export, checked against SQL over
// the same file (online_retail_sql.h, independent of pond's importer and engine): the monthly
// triangles of active customers and buyers by the month of the customer's first invoice, the
// repurchase rate, AOV, GMV, refunds, the purchase-interval histogram and historical LTV.
#include <gtest/gtest.h>

#include "online_retail_sql.h"
#include "pond/analytics/cohorts.h"
#include "pond/analytics/value_report.h"
#include "pond/base/time.h"
#include "pond/channels/importer.h"
#include "pond/testing/temp_dir.h"

namespace pond {
namespace {

using analytics::Period;
using testing::Sql;

TEST(OnlineRetailAnalyticsTest, CohortsAndValueMatchSql) {
  Sql sql;
  testing::LoadAndDerive(sql);
  sql.Exec(R"sql(
CREATE TABLE firsts AS
  SELECT customer, MIN(ts) AS first_ts FROM invoices GROUP BY customer;
CREATE TABLE months AS
  SELECT i.customer, i.refund,
         (CAST(strftime('%Y', f.first_ts / 1000000, 'unixepoch') AS INTEGER) * 12 +
          CAST(strftime('%m', f.first_ts / 1000000, 'unixepoch') AS INTEGER)) AS cohort,
         (CAST(strftime('%Y', i.ts / 1000000, 'unixepoch') AS INTEGER) * 12 +
          CAST(strftime('%m', i.ts / 1000000, 'unixepoch') AS INTEGER)) AS month,
         strftime('%Y-%m', f.first_ts / 1000000, 'unixepoch') AS label
  FROM invoices i JOIN firsts f USING (customer);
)sql");
  const Micros now = ParseIso8601("2011-12-10T00:00:00Z").value();

  testing::TempDir dir;
  EngineOptions eo;
  eo.data_dir = dir.File("data");
  auto engine = Engine::Open(eo).value();
  ImportOptions o;
  o.utc_offset_seconds = 0;
  ASSERT_TRUE(ImportFile(*engine, kDefaultWorkspace, testing::kOnlineRetailFile, o).ok());
  analytics::CohortTriangle t;
  analytics::ValueReport v;
  ASSERT_TRUE(engine
                  ->ReadState(kDefaultWorkspace,
                              [&](const TenantState& s) {
                                t = analytics::ComputeCohorts(s, Period::kMonth, now, 0);
                                v = analytics::ComputeValue(s);
                              })
                  .ok());

  // The triangles, cell by cell.
  ASSERT_EQ(static_cast<int64_t>(t.rows.size()),
            sql.Count("SELECT COUNT(DISTINCT cohort) FROM months"));
  ASSERT_EQ(t.rows.size(), 13u);  // December 2010 to December 2011
  int64_t cells = 0;
  for (const analytics::CohortRow& row : t.rows) {
    SCOPED_TRACE(row.cohort);
    const std::string of = "FROM months WHERE label = '" + row.cohort + "'";
    EXPECT_EQ(row.customers, sql.Count("SELECT COUNT(DISTINCT customer) " + of));
    for (size_t k = 0; k < row.buyers.size(); ++k) {
      const std::string at = " AND month - cohort = " + std::to_string(k);
      EXPECT_EQ(row.active[k], sql.Count("SELECT COUNT(DISTINCT customer) " + of + at));
      EXPECT_EQ(row.buyers[k],
                sql.Count("SELECT COUNT(DISTINCT customer) " + of + at + " AND NOT refund"));
      cells += row.buyers[k] > 0;
    }
  }
  EXPECT_GT(cells, 80);  // a real triangle: 13 + 12 + … + 1 = 91 cells, nearly all non-empty

  // Repurchase and value.
  EXPECT_EQ(v.customers, sql.Count("SELECT COUNT(*) FROM customers"));
  EXPECT_EQ(v.buyers, sql.Count("SELECT COUNT(*) FROM customers WHERE f >= 1"));
  EXPECT_EQ(v.repeat_buyers, sql.Count("SELECT COUNT(*) FROM customers WHERE f >= 2"));
  EXPECT_EQ(v.orders, sql.Count("SELECT SUM(f) FROM customers"));
  EXPECT_EQ(v.gmv_fen, sql.Count("SELECT SUM(paid) FROM customers"));
  EXPECT_EQ(v.refunded_fen, sql.Count("SELECT SUM(refunded) FROM customers"));
  EXPECT_EQ(v.aov_fen, sql.Count("SELECT (2 * SUM(paid) + SUM(f)) / (2 * SUM(f)) FROM customers"));
  EXPECT_DOUBLE_EQ(v.repurchase_rate, static_cast<double>(v.repeat_buyers) / v.buyers);
  EXPECT_GT(v.repurchase_rate, 0.6);  // a wholesaler's customers: most order again
  ASSERT_EQ(v.channels.size(), 1u);   // the export names no channel
  EXPECT_EQ(v.channels[0].ltv_fen,
            sql.Count("SELECT (2 * (SUM(paid) - SUM(refunded)) + COUNT(*)) / (2 * COUNT(*)) "
                      "FROM customers"));
  // Purchase intervals: whole days between a customer's consecutive orders.
  sql.Exec(R"sql(
CREATE TABLE gaps AS
  SELECT (ts - LAG(ts) OVER (PARTITION BY customer ORDER BY ts)) / 86400000000 AS days
  FROM invoices WHERE NOT refund;
)sql");
  int low = -1;
  for (size_t b = 0; b < analytics::kIntervalBucketCount; ++b) {
    const int high =
        b < std::size(analytics::kIntervalBuckets) ? analytics::kIntervalBuckets[b] : 1'000'000;
    EXPECT_EQ(v.intervals[b],
              sql.Count("SELECT COUNT(*) FROM gaps WHERE days > " + std::to_string(low) +
                        " AND days <= " + std::to_string(high)))
        << "bucket " << b;
    low = high;
  }
  const int64_t gaps = sql.Count("SELECT COUNT(*) FROM gaps WHERE days IS NOT NULL");
  EXPECT_EQ(v.median_interval_days,
            sql.Count("SELECT days FROM gaps WHERE days IS NOT NULL ORDER BY days LIMIT 1 OFFSET " +
                      std::to_string(gaps / 2)));
}

}  // namespace
}  // namespace pond
