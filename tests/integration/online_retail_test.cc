// Importing the real UCI Online Retail export (../shared/data) through `ImportFile`.
//
// How the expected figures are derived: this test reads the file a second time with its own
// minimal CSV splitter, independent of the importer, and counts
//   customers = distinct non-empty CustomerID values                              (4,372)
//   orders    = distinct InvoiceNo not starting with "C", on rows with a CustomerID (18,536)
//   refunds   = distinct InvoiceNo starting with "C", on rows with a CustomerID    (3,654)
//   rejected  = rows without a CustomerID                                         (135,080)
// The literal numbers (checked with a separate Python csv pass when the test was written) are
// asserted too, so a change to the data set itself is caught.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "pond/channels/importer.h"
#include "online_retail_csv.h"
#include "pond/testing/temp_dir.h"

namespace pond {
namespace {

const std::string& kFile = testing::kOnlineRetailFile;
using testing::SplitRetailLine;

struct Expected {
  std::set<std::string> customers, orders, refunds;
  int64_t rows = 0, rows_without_customer = 0;
};

Expected Derive() {
  Expected e;
  std::ifstream in(kFile);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    ++e.rows;
    std::vector<std::string> f = SplitRetailLine(line);
    const std::string& invoice = f[0];
    const std::string& customer = f[6];
    if (customer.empty()) {
      ++e.rows_without_customer;
      continue;
    }
    e.customers.insert(customer);
    (invoice[0] == 'C' ? e.refunds : e.orders).insert(invoice);
  }
  return e;
}

TEST(OnlineRetailTest, ImportYieldsTheCustomersOrdersAndRefundsOfTheFile) {
  Expected want = Derive();
  ASSERT_EQ(want.rows, 541'909);
  EXPECT_EQ(want.customers.size(), 4'372u);
  EXPECT_EQ(want.orders.size(), 18'536u);
  EXPECT_EQ(want.refunds.size(), 3'654u);
  EXPECT_EQ(want.rows_without_customer, 135'080);

  testing::TempDir dir;
  EngineOptions eo;
  eo.data_dir = dir.File("data");
  auto engine = Engine::Open(eo).value();
  ImportOptions o;
  o.utc_offset_seconds = 0;  // a UK shop's local time
  o.rejects_path = dir.File("rejected.csv");
  auto r = ImportFile(*engine, kDefaultWorkspace, kFile, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows, want.rows);
  EXPECT_EQ(r->orders, static_cast<int64_t>(want.orders.size()));
  EXPECT_EQ(r->refunds, static_cast<int64_t>(want.refunds.size()));
  EXPECT_EQ(r->rows_rejected, want.rows_without_customer);
  EXPECT_EQ(r->events_accepted, r->orders + r->refunds);

  StoreStats st = *engine->Stats(kDefaultWorkspace);
  EXPECT_EQ(st.customers, static_cast<int64_t>(want.customers.size()));
  EXPECT_EQ(st.orders, r->orders);
  EXPECT_EQ(st.refunds, r->refunds);

  // Rejected rows are in the rejects file, each with its reason.
  std::ifstream rejected(o.rejects_path);
  std::string line;
  int64_t lines = 0;
  while (std::getline(rejected, line)) ++lines;
  EXPECT_EQ(lines, want.rows_without_customer + 1);  // plus the header

  // A second run is all duplicates, and the restart after it rebuilds the same counts.
  auto again = ImportFile(*engine, kDefaultWorkspace, kFile, o);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->events_accepted, 0);
  EXPECT_EQ(again->duplicates, r->events_accepted);
  engine.reset();
  engine = Engine::Open(eo).value();
  EXPECT_EQ(engine->Metrics().customers, static_cast<int64_t>(want.customers.size()));
}

}  // namespace
}  // namespace pond
