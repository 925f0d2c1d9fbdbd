// The UCI Online Retail export loaded into an in-memory SQLite database, and pond's figures
// derived from it with SQL alone (independent of pond's importer and engine): invoices and their
// totals (a line is quantity × unit price rounded to the fen, half away from zero; a "C" invoice
// is a refund of the sum of its lines' absolute amounts; an invoice's time is its first row's),
// then per customer the paid orders, the money paid and refunded and the last order, then the
// RFM scores. Tables: raw, lines, invoice_sums, invoices, customers, scored, rfm.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <string>
#include <vector>

#include "online_retail_csv.h"
#include "sql.h"

namespace pond::testing {

// raw rows → invoices → customers (with f, paid, refunded, m, last_ts) and rfm (with cell).
inline void LoadAndDerive(Sql& sql) {
  sql.Exec("CREATE TABLE raw (invoice TEXT, quantity INTEGER, at TEXT, price TEXT, customer TEXT)");
  sql.Exec("BEGIN");
  sqlite3_stmt* ins = nullptr;
  sqlite3_prepare_v2(sql.db(), "INSERT INTO raw VALUES (?,?,?,?,?)", -1, &ins, nullptr);
  std::ifstream in(kOnlineRetailFile);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::vector<std::string> f = SplitRetailLine(line);
    sqlite3_bind_text(ins, 1, f[0].c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(ins, 2, std::stoll(f[3]));
    sqlite3_bind_text(ins, 3, f[4].c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ins, 4, f[5].c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ins, 5, f[6].c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_step(ins);
    sqlite3_reset(ins);
  }
  sqlite3_finalize(ins);
  sql.Exec("COMMIT");
  sql.Exec(R"sql(
CREATE TABLE lines AS
  SELECT rowid AS r, invoice, customer, at, substr(invoice, 1, 1) = 'C' AS refund,
         CAST(ROUND(CAST(price AS REAL) * 1000000) AS INTEGER) * quantity AS micros
  FROM raw WHERE customer != '';
CREATE TABLE invoice_sums AS
  SELECT invoice, customer, refund, MIN(r) AS first_row,
         SUM(CASE WHEN micros >= 0 THEN (micros + 5000) / 10000
                  ELSE -((-micros + 5000) / 10000) END) AS signed_fen,
         SUM(ABS(CASE WHEN micros >= 0 THEN (micros + 5000) / 10000
                      ELSE -((-micros + 5000) / 10000) END)) AS abs_fen
  FROM lines GROUP BY invoice;
-- An order's time is its first row's.
CREATE TABLE invoices AS
  SELECT s.*, CAST(strftime('%s', f.at) AS INTEGER) * 1000000 AS ts
  FROM invoice_sums s JOIN lines f ON f.r = s.first_row;
CREATE TABLE customers AS
  SELECT customer,
         SUM(NOT refund) AS f,
         SUM(CASE WHEN NOT refund THEN signed_fen ELSE 0 END) AS paid,
         SUM(CASE WHEN refund THEN abs_fen ELSE 0 END) AS refunded,
         SUM(refund) AS refunds,
         MAX(CASE WHEN NOT refund THEN ts END) AS last_ts
  FROM invoices GROUP BY customer;
CREATE TABLE scored AS
  SELECT customer,
         1 + 5 * (RANK() OVER (ORDER BY last_ts) - 1) / (SELECT COUNT(*) FROM customers WHERE f > 0) AS r,
         1 + 5 * (RANK() OVER (ORDER BY f) - 1) / (SELECT COUNT(*) FROM customers WHERE f > 0) AS fs,
         1 + 5 * (RANK() OVER (ORDER BY paid - refunded) - 1) / (SELECT COUNT(*) FROM customers WHERE f > 0) AS ms
  FROM customers WHERE f > 0;
CREATE TABLE rfm AS
  SELECT customer, r, (fs + ms) / 2 AS fm FROM scored;
)sql");
}

}  // namespace pond::testing
