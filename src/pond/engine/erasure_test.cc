// Erasure (engine/erasure.h): a customer's identities and personal fields leave the log, the
// store's files and the snapshot, while who each event belongs to — and so every count, order
// and merge — stays what it was, live and after a restart.
#include "pond/engine/erasure.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "pond/engine/engine.h"
#include "pond/testing/failing_store.h"
#include "pond/testing/temp_dir.h"

namespace pond {
namespace {

constexpr char kPhone[] = "13800138000";
constexpr char kName[] = "Ann Li";
constexpr char kWords[] = "call me on my other number";

bool IsPersonal(std::string_view key) {
  return key == "phone" || key == "name" || key == "text" || key == "ip";
}

TEST(ErasureTest, PersonalKeysLeaveAtAnyDepthOfObjectsAndTheRestKeepsItsOrder) {
  EXPECT_EQ(WithoutPersonalKeys(
                R"({"z":1,"phone":"1","a":{"name":"x","b":[{"name":"sku"}]},"text":{"y":2}})",
                IsPersonal),
            R"({"z":1,"a":{"b":[{"name":"sku"}]}})");
  EXPECT_EQ(WithoutPersonalKeys("not json", IsPersonal), "{}");
  EXPECT_EQ(WithoutPersonalKeys("[1,2]", IsPersonal), "{}");
  EXPECT_EQ(WithoutPersonalKeys("{}", IsPersonal), "{}");
}

TEST(ErasureTest, StandInsAreRandomDistinctAndSkipPondsOwnIds) {
  const std::vector<IdentityRename> r = StandInsFor({{IdentityKind::kPhone, kPhone},
                                                     {IdentityKind::kPhone, kPhone},
                                                     {IdentityKind::kUserId, "ann"},
                                                     {IdentityKind::kCustomerId, "cus_00000001"},
                                                     {IdentityKind::kEmail, "erased-0123"}});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_TRUE(r[0].to.starts_with(kErasedPrefix));
  EXPECT_EQ(r[0].to.size(), kErasedPrefix.size() + 32);
  EXPECT_NE(r[0].to, r[1].to);
  EXPECT_NE(StandInsFor({{IdentityKind::kPhone, kPhone}})[0].to, r[0].to);
}

TEST(ErasureTest, AnotherCustomersEventLosesOnlyTheErasedValues) {
  const std::vector<IdentityRename> r = StandInsFor({{IdentityKind::kPhone, kPhone}});
  Event e;
  e.user_id = "bob";
  e.identities = {{IdentityKind::kPhone, kPhone}, {IdentityKind::kEmail, "bob@x.cn"}};
  e.properties = R"({"phone":"13800138000"})";
  e.traits = R"({"name":"Bob"})";
  ASSERT_TRUE(EraseFromEvent(&e, r, /*own=*/false, IsPersonal));
  EXPECT_EQ(e.user_id, "bob");
  EXPECT_EQ(e.identities[0].value, r[0].to);
  EXPECT_EQ(e.identities[1].value, "bob@x.cn");
  EXPECT_EQ(e.traits, R"({"name":"Bob"})");  // Bob's own data is Bob's
  EXPECT_FALSE(EraseFromEvent(&e, r, /*own=*/false, IsPersonal));
}

// An engine over a plain (unsealed) SQLite store, so that the test can read the files for the
// person's data: sealing hides it anyway; this proves it is gone, not just hidden.
class EngineErasureTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen(bool use_snapshot = true) {
    engine_.reset();
    store_.reset();
    store_ = OpenSqliteStore(dir_.path().string() + "/plain.db").value();
    EngineOptions o;
    o.data_dir = dir_.path().string();
    o.clock = &clock_;
    o.store = store_.get();
    o.use_snapshot = use_snapshot;
    engine_ = Engine::Open(o).value();
  }
  Event Track(std::string message_id, std::string user_id, std::string anonymous_id,
              std::string name = "message_received") {
    Event e;
    e.message_id = std::move(message_id);
    e.name = std::move(name);
    e.user_id = std::move(user_id);
    e.anonymous_id = std::move(anonymous_id);
    return e;
  }
  Event Paid(std::string message_id, std::string user_id, std::string order_id, int64_t fen) {
    Event e = Track(std::move(message_id), std::move(user_id), "", "order_paid");
    e.order.emplace();
    e.order->order_id = std::move(order_id);
    e.order->total_fen = fen;
    e.amount_fen = fen;
    return e;
  }
  // Ann: a device, then an identify with her phone and name, merged by an event naming both;
  // a message in her words; an order. Bob: another account whose event names Ann's phone too
  // (two userIds are never merged), and an order.
  void Populate() {
    Event device = Track("m1", "", "dev-1");
    device.properties = std::string(R"({"kind":"text","text":")") + kWords + R"("})";
    Event identify = Track("m2", "ann", "", "");
    identify.type = EventType::kIdentify;
    identify.traits =
        std::string(R"({"phone":")") + kPhone + R"(","name":")" + kName + R"(","city":"杭州"})";
    identify.context = R"({"ip":"10.1.2.3","traits":{"name":"Ann Li"},"library":{"name":"js"}})";
    identify.identities = {{IdentityKind::kPhone, kPhone}};
    Event both = Track("m3", "ann", "dev-1", "page_viewed");
    Event bob = Track("m5", "bob", "", "friend_added");
    bob.identities = {{IdentityKind::kPhone, kPhone}};
    bob.properties = R"({"staff_id":"stf_a"})";
    ASSERT_TRUE(
        engine_
            ->Submit(kDefaultWorkspace, {device, identify, both, Paid("m4", "ann", "o-1", 5000),
                                         bob, Paid("m6", "bob", "o-2", 700)})
            .ok());
  }
  std::string Files() {
    std::string all;
    for (const auto& f : std::filesystem::directory_iterator(dir_.path())) {
      if (!f.path().filename().string().starts_with("plain.db")) continue;
      std::ifstream in(f.path(), std::ios::binary);
      all.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return all;
  }
  // The observable state: every live customer's counts, traits, tags and identity count.
  std::vector<std::string> Dump() {
    std::vector<std::string> out;
    auto page = engine_->ListCustomers(kDefaultWorkspace, "", 1000, "");
    for (const CustomerSummary& s : page->data) {
      auto p = engine_->GetCustomer(kDefaultWorkspace, s.id);
      out.push_back(s.id + "|" + std::to_string(s.event_count) + "|" +
                    std::to_string(s.order_count) + "|" + std::to_string(s.spent_fen) + "|" +
                    s.traits + "|" + s.owner + "|" + std::to_string(p->identities.size()) + "|" +
                    std::to_string(p->merged_from.size()));
    }
    return out;
  }

  testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(EngineErasureTest, TheCustomerIsForgottenAndEverythingStillAddsUp) {
  Populate();
  const std::string ann = engine_->ResolveCustomer(kDefaultWorkspace, "ann").value();
  const StoreStats before = engine_->Stats(kDefaultWorkspace).value();
  ASSERT_EQ(before.merges, 1);
  ASSERT_TRUE(engine_->WriteSnapshot().ok());
  ASSERT_NE(Files().find(kPhone), std::string::npos);  // the test can see it when it is there

  auto erased =
      engine_->EraseCustomer(kDefaultWorkspace, std::string("phone:") + kPhone, IsPersonal);
  ASSERT_TRUE(erased.ok()) << erased.status().ToString();
  EXPECT_EQ(erased->customer_id, ann);
  EXPECT_EQ(erased->identities, 3);        // userId, anonymousId, phone
  EXPECT_EQ(erased->events_rewritten, 5);  // Ann's four and Bob's friend_added

  for (const char* key : {"ann", "phone:13800138000", "anonymous_id:dev-1"}) {
    EXPECT_EQ(engine_->ResolveCustomer(kDefaultWorkspace, key).status().code(),
              StatusCode::kNotFound)
        << key;
  }
  auto profile = engine_->GetCustomer(kDefaultWorkspace, ann).value();
  EXPECT_EQ(profile.summary.order_count, 1);
  EXPECT_EQ(profile.summary.spent_fen, 5000);
  EXPECT_EQ(profile.summary.traits, "{}");
  EXPECT_EQ(profile.identities.size(), 3u);
  for (const Identity& id : profile.identities) EXPECT_TRUE(id.value.starts_with(kErasedPrefix));
  ASSERT_EQ(profile.merged_from.size(), 1u);
  EXPECT_TRUE(profile.merged_from[0].reason.value.starts_with(kErasedPrefix));
  ASSERT_FALSE(profile.timeline.empty());
  EXPECT_EQ(profile.timeline[0].name, kCustomerErased);
  for (const Event& e : profile.timeline) {
    EXPECT_EQ(e.properties.find(kWords), std::string::npos);
    EXPECT_EQ(e.context.find("10.1.2.3"), std::string::npos);
    EXPECT_EQ(e.context.find(kName), std::string::npos);
    // "name" is personal wherever it is: even the library's goes.
    if (e.type == EventType::kIdentify) EXPECT_EQ(e.context, R"({"library":{}})");
  }
  auto bob = engine_->GetCustomer(kDefaultWorkspace, "bob").value();
  EXPECT_EQ(bob.summary.spent_fen, 700);
  EXPECT_EQ(bob.summary.owner, "stf_a");
  for (const Event& e : bob.timeline) {
    for (const Identity& id : e.identities) EXPECT_NE(id.value, kPhone);
  }

  const StoreStats after = engine_->Stats(kDefaultWorkspace).value();
  EXPECT_EQ(after.events, before.events + 1);  // customer_erased
  EXPECT_EQ(after.customers, before.customers);
  EXPECT_EQ(after.identities, before.identities);
  EXPECT_EQ(after.merges, before.merges);
  EXPECT_EQ(after.orders, before.orders);

  const std::string files = Files();
  for (const char* gone : {kPhone, kName, kWords, "10.1.2.3", "dev-1"}) {
    EXPECT_EQ(files.find(gone), std::string::npos) << gone << " is still in the store's files";
  }

  const std::vector<std::string> live = Dump();
  Reopen(/*use_snapshot=*/true);  // the snapshot was written again without her
  EXPECT_EQ(engine_->ResolveCustomer(kDefaultWorkspace, "phone:13800138000").status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(Dump(), live);
  Reopen(/*use_snapshot=*/false);
  EXPECT_EQ(Dump(), live);

  // Again: nothing left to rewrite, and no second record.
  auto again = engine_->EraseCustomer(kDefaultWorkspace, ann, IsPersonal);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->identities, 0);
  EXPECT_EQ(again->events_rewritten, 0);
  EXPECT_EQ(engine_->Stats(kDefaultWorkspace)->events, after.events);

  // She comes back with the same phone: a new customer, who knows nothing of the old one.
  Event back = Track("m7", "", "", "channel_scanned");
  back.identities = {{IdentityKind::kPhone, kPhone}};
  ASSERT_TRUE(engine_->Submit(kDefaultWorkspace, {back}).ok());
  EXPECT_NE(engine_->ResolveCustomer(kDefaultWorkspace, "phone:13800138000").value(), ann);
}

TEST_F(EngineErasureTest, UnknownCustomersAndWorkspacesChangeNothing) {
  Populate();
  const StoreStats before = engine_->Stats(kDefaultWorkspace).value();
  EXPECT_EQ(engine_->EraseCustomer(kDefaultWorkspace, "nobody", IsPersonal).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(engine_->EraseCustomer("elsewhere", "ann", IsPersonal).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(engine_->Stats(kDefaultWorkspace)->events, before.events);
  EXPECT_TRUE(engine_->ResolveCustomer(kDefaultWorkspace, "phone:13800138000").ok());
}

// The rewrite refused by the disk: nothing is erased, and the snapshot (which names the person)
// is gone before anything was rewritten, so a crash there could not have left it behind.
TEST(EngineErasureFailureTest, ARefusedRewriteErasesNothingAndLeavesNoSnapshot) {
  testing::TempDir dir;
  FakeClock clock;
  testing::FailingStore store(OpenSqliteStore(dir.path().string() + "/plain.db").value());
  EngineOptions o;
  o.data_dir = dir.path().string();
  o.clock = &clock;
  o.store = &store;
  auto engine = Engine::Open(o).value();
  Event e;
  e.message_id = "m1";
  e.user_id = "ann";
  e.identities = {{IdentityKind::kPhone, kPhone}};
  ASSERT_TRUE(engine->Submit(kDefaultWorkspace, {e}).ok());
  ASSERT_TRUE(engine->WriteSnapshot().ok());
  const std::filesystem::path snapshot = dir.path() / "snapshot.bin";
  ASSERT_TRUE(std::filesystem::exists(snapshot));

  store.fail = true;
  EXPECT_FALSE(engine->EraseCustomer(kDefaultWorkspace, "ann", IsPersonal).ok());
  store.fail = false;
  EXPECT_FALSE(std::filesystem::exists(snapshot));
  EXPECT_TRUE(engine->ResolveCustomer(kDefaultWorkspace, "phone:13800138000").ok());

  ASSERT_TRUE(engine->EraseCustomer(kDefaultWorkspace, "ann", IsPersonal).ok());
  EXPECT_FALSE(engine->ResolveCustomer(kDefaultWorkspace, "phone:13800138000").ok());
}

}  // namespace
}  // namespace pond
