// Cohorts, repurchase and value on the real UCI Online Retail export, checked against SQL over
// the same file (online_retail_sql.h, independent of pond's importer and engine): the monthly
// triangles of active customers and buyers by the month of the customer's first invoice, the
// repurchase rate, AOV, GMV, refunds, the purchase-interval histogram and historical LTV; and the
// BG/NBD and Gamma-Gamma fits, checked with a second likelihood written here over summaries made
// by SQL, on a grid around pond's parameters, and against what the customers did next.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "online_retail_sql.h"
#include "pond/analytics/cohorts.h"
#include "pond/analytics/ltv_model.h"
#include "pond/analytics/ltv_report.h"
#include "pond/analytics/value_report.h"
#include "pond/base/time.h"
#include "pond/channels/importer.h"
#include "pond/testing/temp_dir.h"

namespace pond {
namespace {

using analytics::Period;
using testing::Sql;

// The export twice over: as SQL tables built from the raw file, and imported into pond (UTC).
class OnlineRetailAnalyticsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::LoadAndDerive(sql_);
    EngineOptions eo;
    eo.data_dir = dir_.File("data");
    engine_ = Engine::Open(eo).value();
    ImportOptions o;
    o.utc_offset_seconds = 0;
    ASSERT_TRUE(ImportFile(*engine_, kDefaultWorkspace, testing::kOnlineRetailFile, o).ok());
  }

  // The day after the export's last invoice.
  const Micros now_ = ParseIso8601("2011-12-10T00:00:00Z").value();
  Sql sql_;
  testing::TempDir dir_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(OnlineRetailAnalyticsTest, CohortsAndValueMatchSql) {
  Sql& sql = sql_;
  Engine* engine = engine_.get();
  const Micros now = now_;
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

// A customer as the LTV models see them, made by SQL: distinct purchase days (UTC) and the value
// of the days after the first.
struct Summary {
  int64_t x, t_x, T;
  double m_x;
};

std::vector<Summary> SqlSummaries(Sql& sql, Micros end) {
  const std::string end_day = std::to_string(end / (86'400 * kMicrosPerSecond));
  sql.Exec(
      "DROP TABLE IF EXISTS days; CREATE TABLE days AS SELECT customer, ts / 86400000000 AS "
      "day, SUM(signed_fen) AS fen FROM invoices WHERE NOT refund AND ts < " +
      std::to_string(end) + " GROUP BY customer, day");
  sqlite3_stmt* q = nullptr;
  const std::string query =
      "SELECT COUNT(*) - 1, MAX(day) - MIN(day), " + end_day +
      " - MIN(day), SUM(fen) - (SELECT f.fen FROM days f WHERE f.customer = d.customer ORDER BY "
      "f.day LIMIT 1) FROM days d GROUP BY customer";
  EXPECT_EQ(sqlite3_prepare_v2(sql.db(), query.c_str(), -1, &q, nullptr), SQLITE_OK);
  std::vector<Summary> out;
  while (sqlite3_step(q) == SQLITE_ROW) {
    Summary s{sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1), sqlite3_column_int64(q, 2),
              0};
    if (s.x > 0) s.m_x = static_cast<double>(sqlite3_column_int64(q, 3)) / s.x;
    out.push_back(s);
  }
  sqlite3_finalize(q);
  return out;
}

// The BG/NBD likelihood written as products (Γ(r + x) / Γ(r) = r (r + 1) … (r + x − 1)), no
// log-gamma: a second implementation of FHL 2005 equation 6.
double SecondBgNbd(double r, double alpha, double a, double b, const std::vector<Summary>& cs) {
  double sum = 0;
  for (const Summary& c : cs) {
    double ln_a1 = r * std::log(alpha), ln_a2 = 0;
    for (int64_t i = 0; i < c.x; ++i) {
      ln_a1 += std::log(r + i);
      ln_a2 += std::log(b + i) - std::log(a + b + i);
    }
    // A3 + A4 = A3 (1 + A4 / A3), the ratio taken whole: (α + T)^(r+x) alone underflows.
    const double ratio =
        c.x > 0 ? a / (b + c.x - 1) * std::pow((alpha + c.T) / (alpha + c.t_x), r + c.x) : 0;
    const double scaled = 1 + ratio;
    sum += ln_a1 + ln_a2 - (r + c.x) * std::log(alpha + c.T) + std::log(scaled);
  }
  return sum;
}

// Gamma-Gamma through the Beta function: f(m | x) = m^(px − 1) x^px γ^q / (B(px, q) (γ + m x)^(px +
// q)).
double SecondGammaGamma(double p, double q, double gamma, const std::vector<Summary>& cs) {
  double sum = 0;
  for (const Summary& c : cs) {
    if (c.x < 1 || c.m_x <= 0) continue;
    const double px = p * static_cast<double>(c.x);
    const double ln_beta = std::lgamma(px) + std::lgamma(q) - std::lgamma(px + q);
    sum += (px - 1) * std::log(c.m_x) + px * std::log(static_cast<double>(c.x)) +
           q * std::log(gamma) - ln_beta - (px + q) * std::log(gamma + c.m_x * c.x);
  }
  return sum;
}

TEST_F(OnlineRetailAnalyticsTest, LtvModelsFitByMaximumLikelihood) {
  Sql& sql = sql_;
  Engine* engine = engine_.get();
  const Micros now = now_;
  std::vector<analytics::PurchaseSummary> pond;
  analytics::LtvReport report;
  ASSERT_TRUE(engine
                  ->ReadState(kDefaultWorkspace,
                              [&](const TenantState& s) {
                                pond = analytics::SummarisePurchases(s, now, 0);
                                report = analytics::ComputeLtv(s, now, 0, 365);
                              })
                  .ok());
  const std::vector<Summary> mine = SqlSummaries(sql, now);
  ASSERT_EQ(pond.size(), mine.size());
  double x = 0, t_x = 0, T = 0, m = 0, my_x = 0, my_t_x = 0, my_T = 0, my_m = 0;
  for (const auto& c : pond) x += c.x, t_x += c.t_x, T += c.T, m += c.m_x;
  for (const auto& c : mine) my_x += c.x, my_t_x += c.t_x, my_T += c.T, my_m += c.m_x;
  EXPECT_EQ(x, my_x);
  EXPECT_EQ(t_x, my_t_x);
  EXPECT_EQ(T, my_T);
  EXPECT_NEAR(m, my_m, 1e-6 * my_m);

  // BG/NBD: converged, the same likelihood both ways, and no nearby point does better.
  const analytics::BgNbd& f = report.purchases;
  ASSERT_TRUE(report.predicted) << report.why;
  EXPECT_TRUE(f.converged);
  const double best = SecondBgNbd(f.r, f.alpha, f.a, f.b, mine);
  EXPECT_NEAR(f.log_likelihood, best, 1e-9 * std::abs(best));
  int worse = 0;
  for (double dr : {0.95, 0.99, 1.0, 1.01, 1.05})
    for (double dalpha : {0.95, 0.99, 1.0, 1.01, 1.05})
      for (double da : {0.95, 0.99, 1.0, 1.01, 1.05})
        for (double db : {0.95, 0.99, 1.0, 1.01, 1.05}) {
          const double ll = SecondBgNbd(f.r * dr, f.alpha * dalpha, f.a * da, f.b * db, mine);
          EXPECT_LE(ll, best + 1e-6) << dr << " " << dalpha << " " << da << " " << db;
          worse += ll < best;
        }
  EXPECT_EQ(worse, 5 * 5 * 5 * 5 - 1);  // every point but the fit itself is strictly worse

  // Gamma-Gamma the same way.
  const analytics::GammaGamma& g = report.spend;
  EXPECT_TRUE(g.converged);
  const double best_spend = SecondGammaGamma(g.p, g.q, g.gamma, mine);
  EXPECT_NEAR(g.log_likelihood, best_spend, 1e-9 * std::abs(best_spend));
  for (double dp : {0.95, 0.99, 1.0, 1.01, 1.05})
    for (double dq : {0.95, 0.99, 1.0, 1.01, 1.05})
      for (double dg : {0.95, 0.99, 1.0, 1.01, 1.05}) {
        EXPECT_LE(SecondGammaGamma(g.p * dp, g.q * dq, g.gamma * dg, mine), best_spend + 1e-6)
            << dp << " " << dq << " " << dg;
      }
  // The expected spend per purchase is near what repeat purchases cost on average.
  double mean_repeat = 0;
  int repeaters = 0;
  for (const Summary& c : mine) {
    if (c.x > 0) mean_repeat += c.m_x, ++repeaters;
  }
  mean_repeat /= repeaters;
  const double population = g.p * g.gamma / (g.q - 1);
  EXPECT_NEAR(population, mean_repeat, 0.25 * mean_repeat);

  // Fitted on the first nine months, the model foresees the last hundred days' purchase days of
  // those customers within 30% (here it falls short by a quarter: a gift wholesaler's autumn
  // before Christmas is busier than its year, and BG/NBD knows no seasons).
  const Micros cut = ParseIso8601("2011-09-01T00:00:00Z").value();
  std::vector<analytics::PurchaseSummary> before;
  ASSERT_TRUE(engine
                  ->ReadState(kDefaultWorkspace,
                              [&](const TenantState& s) {
                                before = analytics::SummarisePurchases(s, cut, 0);
                              })
                  .ok());
  const analytics::BgNbd early = analytics::FitBgNbd(before);
  double foreseen = 0;
  for (const auto& c : before) foreseen += analytics::ExpectedPurchases(early, c, 100);
  const int64_t happened = sql.Count(
      "SELECT COUNT(DISTINCT customer || '/' || (ts / 86400000000)) FROM invoices WHERE NOT "
      "refund AND ts >= " +
      std::to_string(cut) +
      " AND customer IN (SELECT customer FROM "
      "invoices WHERE NOT refund AND ts < " +
      std::to_string(cut) + ")");
  std::printf(
      "BG/NBD r=%.4f alpha=%.3f a=%.4f b=%.4f ll=%.3f (%d evaluations); Gamma-Gamma p=%.4f "
      "q=%.4f gamma=%.1f; holdout: foreseen %.0f, happened %lld\n",
      f.r, f.alpha, f.a, f.b, f.log_likelihood, f.evaluations, g.p, g.q, g.gamma, foreseen,
      static_cast<long long>(happened));
  EXPECT_NEAR(foreseen, static_cast<double>(happened), 0.3 * static_cast<double>(happened));
}

}  // namespace
}  // namespace pond
