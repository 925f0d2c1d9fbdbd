#include "pond/channels/importer.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "pond/testing/temp_dir.h"

namespace pond {
namespace {

class ImporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EngineOptions o;
    o.data_dir = dir_.File("data");
    engine_ = Engine::Open(o).value();
  }
  std::string Write(const std::string& name, const std::string& text) {
    std::string path = dir_.File(name);
    std::ofstream(path) << text;
    return path;
  }
  std::string Read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  testing::TempDir dir_;
  std::unique_ptr<Engine> engine_;
};

// UCI-shaped rows: float customer ids, a missing id, a cancellation, a bad price.
constexpr char kRetail[] =
    "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
    "536365,85123A,\"HEART, WHITE\",6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom\n"
    "536365,71053,LANTERN,6,2010-12-01 08:26:00,3.39,17850.0,United Kingdom\n"
    "536366,22633,HAND WARMER,6,2010-12-01 08:28:00,1.85,,United Kingdom\n"
    "C536379,D,Discount,-1,2010-12-01 09:41:00,27.50,17850.0,United Kingdom\n"
    "550193,PADS,PADS,1,2011-04-15 09:27:00,0.001,13952.0,United Kingdom\n"
    "550193,22633,HAND WARMER,2,2011-04-15 09:27:00,1.85,13952.0,United Kingdom\n"
    "536368,22633,HAND WARMER,2,2011-04-15 09:27:00,1.85,13953.0,United Kingdom\n"
    "536368,PADS,PADS,1,2011-04-15 09:27:00,0.00x,13953.0,United Kingdom\n"
    "536367,84879,BIRD,32,2010-12-01 08:34:00,1.69,13047.0,United Kingdom\n";

TEST_F(ImporterTest, ImportsRetailOrdersWithTheirOddities) {
  ImportOptions o;
  o.utc_offset_seconds = 0;
  o.rejects_path = dir_.File("rejects.csv");
  auto r = ImportFile(*engine_, kDefaultWorkspace, Write("retail.csv", kRetail), o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows, 9);
  EXPECT_EQ(r->orders, 3);   // 536365, 550193, 536367
  EXPECT_EQ(r->refunds, 1);  // C536379
  EXPECT_EQ(r->rows_rejected, 3);
  EXPECT_EQ(r->reject_reasons["user_id: missing (no customer identity in the row)"], 1);
  EXPECT_EQ(r->reject_reasons["price: not a yuan amount"], 1);
  EXPECT_EQ(r->reject_reasons["order rejected for another row: price: not a yuan amount"], 1);
  EXPECT_EQ(r->warnings.begin()->second, 1);  // the ¥0.001 pad
  std::string rejects = Read(o.rejects_path);
  EXPECT_NE(rejects.find("pond_reject_reason"), std::string::npos);
  EXPECT_NE(rejects.find("536368,22633"), std::string::npos);  // the whole order went

  auto p = engine_->GetCustomer(kDefaultWorkspace, "17850");  // "17850.0" read as 17850
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->summary.order_count, 1);
  EXPECT_EQ(p->summary.spent_fen, 6 * 255 + 6 * 339);
  EXPECT_EQ(p->summary.refunded_fen, 2750);
  ASSERT_EQ(p->orders.size(), 1u);
  EXPECT_EQ(p->orders[0].items.size(), 2u);
  EXPECT_EQ(p->orders[0].items[0].name, "HEART, WHITE");
  EXPECT_EQ(engine_->GetCustomer(kDefaultWorkspace, "13952")->summary.spent_fen, 370);
  EXPECT_FALSE(engine_->GetCustomer(kDefaultWorkspace, "13953").ok());  // nothing half-imported

  // Running it again changes nothing.
  auto again = ImportFile(*engine_, kDefaultWorkspace, dir_.File("retail.csv"), o);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->events_accepted, 0);
  EXPECT_EQ(again->duplicates, 4);
}

TEST_F(ImporterTest, MapNamesColumnsAndMissingOrderColumnIsAnError) {
  ImportOptions o;
  o.column_map = {{"order_id", "单号"}, {"phone", "电话"}, {"amount", "金额"}, {"paid_at", "时间"}};
  auto r = ImportFile(
      *engine_, kDefaultWorkspace,
      Write("shop.csv", "单号,电话,金额,时间\nT1,13800138000,169.00,2024-03-01 20:00:00\n"), o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->orders, 1);
  auto p = engine_->GetCustomer(kDefaultWorkspace, "phone:13800138000");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->summary.spent_fen, 16900);
  EXPECT_EQ(p->orders[0].paid_at, 1709294400LL * 1000000);  // 20:00 at +08:00

  auto bad = ImportFile(*engine_, kDefaultWorkspace, Write("x.csv", "a,b\n1,2\n"), ImportOptions{});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field(), "map");
}

TEST_F(ImporterTest, ImportsEventsFromHeaderlessCsvAndJsonl) {
  ImportOptions o;
  o.kind = ImportKind::kEvents;
  o.columns = {"user_id", "item_id", "category_id", "event", "timestamp"};
  auto r = ImportFile(*engine_, kDefaultWorkspace,
                      Write("ub.csv",
                            "1,2268318,2520377,pv,1511544070\n1,2333346,2520771,buy,"
                            "1511561733\n,1,1,pv,1511544070\n2,9,9,cart,notatime\n"),
                      o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows, 4);
  EXPECT_EQ(r->rows_accepted, 2);
  EXPECT_EQ(r->rows_rejected, 2);
  auto p = engine_->GetCustomer(kDefaultWorkspace, "1");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->summary.event_count, 2);
  EXPECT_EQ(p->timeline[0].timestamp, 1511561733LL * 1000000);

  o.columns.clear();
  auto j = ImportFile(*engine_, kDefaultWorkspace,
                      Write("e.jsonl",
                            "{\"userId\":\"u9\",\"event\":\"content_viewed\"}\n"
                            "{\"event\":\"no identity\"}\n\nnot json\n"),
                      o);
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  EXPECT_EQ(j->rows_accepted, 1);
  EXPECT_EQ(j->rows_rejected, 2);
  auto again = ImportFile(*engine_, kDefaultWorkspace, dir_.File("e.jsonl"), o);
  EXPECT_EQ(again->duplicates, 1);  // stable ids for lines without a messageId
}

TEST_F(ImporterTest, ImportsOrdersFromJsonl) {
  ImportOptions o;
  auto r = ImportFile(*engine_, kDefaultWorkspace,
                      Write("o.jsonl",
                            "{\"order_id\":\"Y1\",\"user_id\":\"u5\",\"amount\":\"9.90\"}\n"
                            "{\"order_id\":\"Y2\",\"amount\":\"1\"}\n"),
                      o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->orders, 1);
  EXPECT_EQ(r->rows_rejected, 1);
  EXPECT_EQ(engine_->GetCustomer(kDefaultWorkspace, "u5")->summary.spent_fen, 990);
}

TEST_F(ImporterTest, ImportsCustomersAsIdentifyCalls) {
  ImportOptions o;
  o.kind = ImportKind::kCustomers;
  auto r = ImportFile(*engine_, kDefaultWorkspace,
                      Write("c.csv", "user_id,phone,name,skin\nu1,138 0013 8000,小美,oily\n"), o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto p = engine_->GetCustomer(kDefaultWorkspace, "phone:13800138000");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->summary.traits, R"({"name":"小美","skin":"oily"})");
}

}  // namespace
}  // namespace pond
