#include "pond/store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "pond/testing/temp_dir.h"

namespace pond {
namespace {

Event MakeEvent(int64_t seq, std::string message_id, std::string customer) {
  Event e;
  e.seq = seq;
  e.message_id = std::move(message_id);
  e.type = EventType::kTrack;
  e.name = "order_paid";
  e.user_id = "u1";
  e.customer_id = std::move(customer);
  e.timestamp = 1'700'000'000'000'000 + seq;
  e.received_at = e.timestamp + 5;
  e.amount_fen = 990;
  e.properties = R"({"order_id":"T1","amount":9.9})";
  e.identities = {{IdentityKind::kPhone, "13800138000"}, {IdentityKind::kTaobaoNick, "小美"}};
  return e;
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = OpenSqliteStore(dir_.File("pond.db"));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }
  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(SqliteStoreTest, MigratesAnEmptyFileAndReopens) {
  store_.reset();
  auto again = OpenSqliteStore(dir_.File("pond.db"));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  sqlite3* db;
  ASSERT_EQ(sqlite3_open(dir_.File("pond.db").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* q;
  sqlite3_prepare_v2(db, "SELECT COUNT(*), MAX(version) FROM schema_version", -1, &q, nullptr);
  ASSERT_EQ(sqlite3_step(q), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(q, 0), SqliteSchemaVersion());  // each migration ran once
  EXPECT_EQ(sqlite3_column_int(q, 1), SqliteSchemaVersion());
  sqlite3_finalize(q);
  sqlite3_close(db);
}

TEST_F(SqliteStoreTest, RefusesAFileFromANewerPond) {
  store_.reset();
  sqlite3* db;
  ASSERT_EQ(sqlite3_open(dir_.File("pond.db").c_str(), &db), SQLITE_OK);
  sqlite3_exec(db, "INSERT INTO schema_version VALUES (999)", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  auto again = OpenSqliteStore(dir_.File("pond.db"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(again.status().message().find("999"), std::string::npos);
}

TEST_F(SqliteStoreTest, CommitRoundTripsEverything) {
  CommitBatch b;
  b.workspace_id = "default";
  b.new_customers.push_back({"cus_1", 100, ""});
  b.new_identities.push_back({{IdentityKind::kPhone, "13800138000"}, "cus_1"});
  b.events.push_back(MakeEvent(1, "m1", "cus_1"));
  Order o;
  o.order_id = "T1";
  o.customer_id = "cus_1";
  o.paid_at = 200;
  o.total_fen = 990;
  o.items.push_back({"SKU1", "面膜", "mask", 2, 495, 990});
  o.event_seq = 1;
  b.orders.push_back(o);
  b.refunds.push_back({"R1", "T1", "cus_1", 1, 300, 990, "not fitting"});
  ASSERT_TRUE(store_->Commit(b).ok());

  EXPECT_EQ(*store_->LastEventSeq(), 1);
  std::vector<int64_t> seqs = {1};
  auto events = store_->EventsBySeq(seqs);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  const Event& e = (*events)[0];
  Event want = MakeEvent(1, "m1", "cus_1");
  EXPECT_EQ(e.message_id, want.message_id);
  EXPECT_EQ(e.name, want.name);
  EXPECT_EQ(e.timestamp, want.timestamp);
  EXPECT_EQ(e.received_at, want.received_at);
  EXPECT_EQ(e.amount_fen, 990);
  EXPECT_EQ(e.properties, want.properties);
  EXPECT_EQ(e.identities, want.identities);

  auto c = store_->GetCustomer("default", "cus_1");
  ASSERT_TRUE(c.ok() && c->has_value());
  EXPECT_EQ((*c)->created_at, 100);
  std::vector<int64_t> one = {1};
  auto orders = store_->OrdersBySeq("default", one);
  ASSERT_EQ(orders->size(), 1u);
  EXPECT_EQ((*orders)[0].items.size(), 1u);
  EXPECT_EQ((*orders)[0].items[0].name, "面膜");
  EXPECT_EQ((*orders)[0].items[0].amount_fen, 990);
  EXPECT_EQ((*store_->RefundsBySeq("default", one))[0].amount_fen, 990);
  std::vector<int64_t> none = {2};
  EXPECT_TRUE(store_->OrdersBySeq("default", none)->empty());
}

TEST_F(SqliteStoreTest, AFailingEventRollsBackTheWholeBatch) {
  CommitBatch first;
  first.workspace_id = "default";
  first.events.push_back(MakeEvent(1, "m1", "cus_1"));
  ASSERT_TRUE(store_->Commit(first).ok());
  CommitBatch second;
  second.workspace_id = "default";
  second.new_customers.push_back({"cus_2", 1, ""});
  second.events.push_back(MakeEvent(2, "m2", "cus_2"));
  second.events.push_back(MakeEvent(1, "m3", "cus_2"));  // seq 1 is taken
  Status s = store_->Commit(second);
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(*store_->LastEventSeq(), 1);
  EXPECT_FALSE(store_->GetCustomer("default", "cus_2")->has_value());
}

TEST_F(SqliteStoreTest, MergeMovesIdentitiesAndRecordsTheMerge) {
  CommitBatch b;
  b.workspace_id = "default";
  b.new_customers = {{"cus_1", 1, ""}, {"cus_2", 2, ""}};
  b.new_identities = {{{IdentityKind::kPhone, "139"}, "cus_1"},
                      {{IdentityKind::kUserId, "u2"}, "cus_2"}};
  Order o;
  o.order_id = "T2";
  o.customer_id = "cus_2";
  b.orders.push_back(o);
  ASSERT_TRUE(store_->Commit(b).ok());
  CommitBatch m;
  m.workspace_id = "default";
  m.merges.push_back({"cus_2", "cus_1", 7, 99, {IdentityKind::kPhone, "139"}});
  ASSERT_TRUE(store_->Commit(m).ok());
  EXPECT_EQ(store_->IdentitiesOf("default", "cus_1")->size(), 2u);
  EXPECT_EQ((*store_->GetCustomer("default", "cus_2"))->merged_into, "cus_1");
  auto merges = store_->MergesInto("default", "cus_1");
  ASSERT_EQ(merges->size(), 1u);
  EXPECT_EQ((*merges)[0].from_customer, "cus_2");
  EXPECT_EQ(store_->Stats("default")->customers, 1);
}

TEST(LineItemsTest, EncodingKeepsEveryByte) {
  std::vector<LineItem> items = {{"SKU:1;2", "面膜, 10片\x1f", "", 3, 990, 2970},
                                 {"", "", "mask", -1, 0, -5}};
  std::vector<LineItem> back = DecodeLineItems(EncodeLineItems(items));
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].sku, "SKU:1;2");
  EXPECT_EQ(back[0].name, "面膜, 10片\x1f");
  EXPECT_EQ(back[0].amount_fen, 2970);
  EXPECT_EQ(back[1].quantity, -1);
  EXPECT_EQ(back[1].category, "mask");
  EXPECT_TRUE(DecodeLineItems("").empty());
  EXPECT_EQ(DecodeLineItems("3:abc2:x").size(), 0u);       // truncated: nothing half-read
  EXPECT_EQ(DecodeLineItems("99999999999:a").size(), 0u);  // absurd length
}

TEST_F(SqliteStoreTest, ConfigurationRoundTrips) {
  ASSERT_TRUE(store_->PutWorkspace({"default", "Default", 28800, 5}).ok());
  ASSERT_EQ(store_->ListWorkspaces()->size(), 1u);
  ASSERT_TRUE(store_->PutApiKey({"key_1", "default", KeyKind::kAdmin, "abc", 1}).ok());
  auto k = store_->FindApiKeyByHash("abc");
  ASSERT_TRUE(k.ok() && k->has_value());
  EXPECT_EQ((*k)->kind, KeyKind::kAdmin);
  EXPECT_FALSE(store_->FindApiKeyByHash("abd")->has_value());
  ASSERT_TRUE(
      store_->PutChannel("default", {"chn_1", "card", "包裹卡", ChannelKind::kPackageCard, 1})
          .ok());
  EXPECT_EQ(store_->PutChannel("default", {"chn_2", "card", "dup", ChannelKind::kSms, 2}).code(),
            StatusCode::kAlreadyExists);
  ASSERT_TRUE(store_->PutChannelSpend("default", {"chn_1", "2024-03-01", 50000}).ok());
  EXPECT_EQ((*store_->ListChannelSpend("default", "chn_1"))[0].amount_fen, 50000);
  ASSERT_TRUE(store_
                  ->PutStaffAccount("default", {"stf_1", StaffKind::kWecomMember, "小雅", "bestie",
                                                5000, 200, "xiaoya", 1})
                  .ok());
  EXPECT_EQ((*store_->ListStaffAccounts("default"))[0].persona, "bestie");
}

TEST_F(SqliteStoreTest, ObjectsArePutListedReplacedAndDeletedByWorkspaceAndKind) {
  ASSERT_TRUE(store_->PutObject("default", {"segment", "seg_b", R"({"n":1})", 1}).ok());
  ASSERT_TRUE(store_->PutObject("default", {"segment", "seg_a", R"({"n":2})", 2}).ok());
  ASSERT_TRUE(store_->PutObject("other", {"segment", "seg_c", "{}", 3}).ok());
  ASSERT_TRUE(store_->PutObject("default", {"journey", "jrn_a", "{}", 4}).ok());
  ASSERT_TRUE(store_->PutObject("default", {"segment", "seg_b", R"({"n":3})", 5}).ok());
  auto list = store_->ListObjects("default", "segment");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, "seg_a");
  EXPECT_EQ((*list)[1].body, R"({"n":3})");
  EXPECT_EQ((*list)[1].updated_at, 5);
  EXPECT_TRUE(*store_->DeleteObject("default", "segment", "seg_a"));
  EXPECT_FALSE(*store_->DeleteObject("default", "segment", "seg_a"));
  EXPECT_FALSE(*store_->DeleteObject("default", "segment", "seg_c"));  // another workspace's
  EXPECT_EQ(store_->ListObjects("default", "segment")->size(), 1u);
  EXPECT_EQ(store_->ListObjects("other", "segment")->size(), 1u);
}

}  // namespace
}  // namespace pond
