#include "pond/engine/engine.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "pond/engine/tenant_state.h"
#include "pond/testing/failing_store.h"
#include "pond/testing/temp_dir.h"

namespace pond {
namespace {

Event Track(std::string message_id, std::string user_id, std::string anonymous_id,
            std::vector<Identity> identities = {}, std::string name = "message_received") {
  Event e;
  e.message_id = std::move(message_id);
  e.type = EventType::kTrack;
  e.name = std::move(name);
  e.user_id = std::move(user_id);
  e.anonymous_id = std::move(anonymous_id);
  e.identities = std::move(identities);
  return e;
}

Event Paid(std::string message_id, std::string user_id, std::string order_id, int64_t fen) {
  Event e = Track(std::move(message_id), std::move(user_id), "", {}, "order_paid");
  e.order.emplace();
  e.order->order_id = std::move(order_id);
  e.order->total_fen = fen;
  e.amount_fen = fen;
  return e;
}

Event Refunded(std::string message_id, std::string user_id, std::string order_id,
               std::string refund_id, int64_t fen) {
  Event e = Track(std::move(message_id), std::move(user_id), "", {}, "order_refunded");
  e.refund.emplace();
  e.refund->refund_id = std::move(refund_id);
  e.refund->order_id = std::move(order_id);
  e.refund->amount_fen = fen;
  e.amount_fen = fen;
  return e;
}

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen(bool use_snapshot = true) {
    engine_.reset();
    EngineOptions o;
    o.data_dir = dir_.path().string();
    o.clock = &clock_;
    o.use_snapshot = use_snapshot;
    auto e = Engine::Open(o);
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    engine_ = std::move(*e);
  }
  SubmitResult Submit(std::vector<Event> batch) {
    auto r = engine_->Submit(kDefaultWorkspace, std::move(batch));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : SubmitResult{};
  }
  StoreStats Stats() { return *engine_->Stats(kDefaultWorkspace); }
  // Every live customer's summary: the observable in-memory state.
  std::vector<std::string> Dump() {
    auto page = engine_->ListCustomers(kDefaultWorkspace, "", 100000, "");
    std::vector<std::string> out;
    for (const CustomerSummary& s : page->data) {
      auto p = engine_->GetCustomer(kDefaultWorkspace, s.id);
      std::string timeline;
      for (const Event& e : p->timeline) timeline += e.message_id + ",";
      out.push_back(s.id + "|" + std::to_string(s.created_at) + "|" + std::to_string(s.last_seen) +
                    "|" + std::to_string(s.event_count) + "|" + std::to_string(s.order_count) +
                    "|" + std::to_string(s.spent_fen) + "|" + s.traits + "|" + s.channel + "|" +
                    s.owner + "|" + std::to_string(p->identities.size()) + "|" + timeline);
    }
    return out;
  }

  testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(EngineTest, RetriedBatchChangesNothing) {
  std::vector<Event> batch = {Track("m1", "u1", ""), Track("m2", "u2", ""),
                              Track("m3", "", "anon-3")};
  SubmitResult first = Submit(batch);
  EXPECT_EQ(first.accepted, 3);
  EXPECT_EQ(first.duplicates, 0);
  std::vector<std::string> before = Dump();
  for (int retry = 0; retry < 3; ++retry) {
    SubmitResult again = Submit(batch);
    EXPECT_EQ(again.accepted, 0);
    EXPECT_EQ(again.duplicates, 3);
  }
  EXPECT_EQ(Stats().events, 3);
  EXPECT_EQ(Dump(), before);
  // And after a restart the store still says so.
  Reopen(false);
  EXPECT_EQ(Submit(batch).duplicates, 3);
  EXPECT_EQ(Stats().events, 3);
}

TEST_F(EngineTest, RepeatsInsideOneBatchCountOnce) {
  SubmitResult r = Submit({Track("m1", "u1", ""), Track("m1", "u1", ""), Track("m2", "u1", "")});
  EXPECT_EQ(r.accepted, 2);
  EXPECT_EQ(r.duplicates, 1);
}

TEST_F(EngineTest, InvalidBatchStoresNothing) {
  auto r = engine_->Submit(kDefaultWorkspace, {Track("m1", "u1", ""), Track("m2", "", "")});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().field(), "batch[1].userId");
  auto r2 = engine_->Submit(kDefaultWorkspace, {Track("", "u1", "")});
  EXPECT_EQ(r2.status().field(), "batch[0].messageId");
  EXPECT_EQ(Stats().events, 0);
  EXPECT_EQ(Stats().customers, 0);
  EXPECT_EQ(engine_->Submit("nope", {Track("m1", "u1", "")}).status().code(),
            StatusCode::kNotFound);
}

TEST_F(EngineTest, LaterEventCarryingBothIdentitiesMergesTwoCustomers) {
  // A package-card buyer known by phone, and a WeCom friend known by external_userid.
  Submit({Track("m1", "", "a-1", {{IdentityKind::kPhone, "13800138000"}})});
  Submit({Track("m2", "", "a-2", {{IdentityKind::kExternalUserId, "wmX"}})});
  ASSERT_EQ(Stats().customers, 2);
  // The friend later gives the phone number.
  Submit({Track("m3", "", "",
                {{IdentityKind::kExternalUserId, "wmX"}, {IdentityKind::kPhone, "13800138000"}})});
  EXPECT_EQ(Stats().customers, 1);
  EXPECT_EQ(Stats().merges, 1);
  auto p = engine_->GetCustomer(kDefaultWorkspace, "phone:+86 138 0013 8000");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->summary.id, "cus_00000001");
  EXPECT_EQ(p->summary.event_count, 3);
  EXPECT_EQ(p->timeline.size(), 3u);  // history of both profiles kept
  EXPECT_EQ(p->identities.size(), 4u);
  ASSERT_EQ(p->merged_from.size(), 1u);
  EXPECT_EQ(p->merged_from[0].from_customer, "cus_00000002");
  EXPECT_EQ(p->merged_from[0].reason.kind, IdentityKind::kExternalUserId);
  // The old id still finds the person.
  EXPECT_EQ(engine_->GetCustomer(kDefaultWorkspace, "cus_00000002")->summary.id, "cus_00000001");
  EXPECT_EQ(engine_->GetCustomer(kDefaultWorkspace, "external_userid:wmX")->summary.id,
            "cus_00000001");
  // ResolveCustomer answers the same ids from memory, and the same errors.
  EXPECT_EQ(engine_->ResolveCustomer(kDefaultWorkspace, "cus_00000002").value(), "cus_00000001");
  EXPECT_EQ(engine_->ResolveCustomer(kDefaultWorkspace, "external_userid:wmX").value(),
            "cus_00000001");
  EXPECT_EQ(engine_->ResolveCustomer(kDefaultWorkspace, "nobody").status().message(),
            "customer \"nobody\" not found");
  EXPECT_EQ(engine_->ResolveCustomer("nowhere", "cus_00000001").status().code(),
            StatusCode::kNotFound);
}

TEST_F(EngineTest, TwoKnownAccountsAreNeverMergedByASharedDevice) {
  Submit({Track("m1", "alice", "tablet")});
  Submit({Track("m2", "bob", "tablet")});
  EXPECT_EQ(Stats().customers, 2);
  EXPECT_EQ(Stats().merges, 0);
  EXPECT_EQ(engine_->GetCustomer(kDefaultWorkspace, "bob")->summary.event_count, 1);
}

TEST_F(EngineTest, AnOrderCountsOncePerOrderId) {
  Submit({Paid("m1", "u1", "T100", 990), Paid("m2", "u1", "T100", 990),
          Paid("m3", "u1", "T101", 16900)});
  auto p = engine_->GetCustomer(kDefaultWorkspace, "u1");
  EXPECT_EQ(p->summary.order_count, 2);
  EXPECT_EQ(p->summary.spent_fen, 17890);
  EXPECT_EQ(p->orders.size(), 2u);
  Reopen(false);
  EXPECT_EQ(engine_->GetCustomer(kDefaultWorkspace, "u1")->summary.spent_fen, 17890);
}

// Refunds are bounded by their order (issue 25): an unknown order or more than is left of one
// is refused with the field named, the whole batch stores nothing, and the bound holds after a
// restart from the log and from a snapshot.
TEST_F(EngineTest, ARefundTakesBackNoMoreThanItsOrderPaid) {
  auto refused = [&](std::vector<Event> batch) {
    auto r = engine_->Submit(kDefaultWorkspace, std::move(batch));
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::string() : r.status().field();
  };
  EXPECT_EQ(refused({Refunded("r0", "u1", "NOPE", "R0", 100)}), "batch[0].properties.order_id");
  Submit({Paid("m1", "u1", "T1", 1'000)});
  EXPECT_EQ(refused({Track("x", "u1", ""), Refunded("r1", "u1", "T1", "R1", 1'001)}),
            "batch[1].properties.amount");
  EXPECT_EQ(Stats().events, 1);  // the refused batch stored nothing, not even "x"
  Submit({Refunded("r2", "u1", "T1", "R2", 600)});
  Submit({Refunded("r2", "u1", "T1", "R2", 600)});  // a retry is a duplicate, not a second 600
  EXPECT_EQ(refused({Refunded("r3", "u1", "T1", "R3", 401)}), "batch[0].properties.amount");
  // Two refunds in one batch are added up before either is applied.
  EXPECT_EQ(refused({Refunded("r4", "u1", "T1", "R4", 300), Refunded("r5", "u1", "T1", "R5", 101)}),
            "batch[1].properties.amount");
  // An order and its refund in one batch (an import) are fine; a refund with no order is the
  // customer's only.
  Submit({Paid("m2", "u1", "T2", 500), Refunded("r6", "u1", "T2", "R6", 500),
          Refunded("r7", "u1", "", "UNLINKED", 50)});
  EXPECT_EQ(engine_->GetCustomer(kDefaultWorkspace, "u1")->summary.spent_fen, 1'500);

  Reopen(false);  // the refunds' orders come back from the log
  EXPECT_EQ(refused({Refunded("r8", "u1", "T1", "R8", 401)}), "batch[0].properties.amount");
  Submit({Refunded("r9", "u1", "T1", "R9", 400)});
  ASSERT_TRUE(engine_->WriteSnapshot().ok());
  Reopen(true);  // and from the snapshot
  EXPECT_EQ(refused({Refunded("r10", "u1", "T1", "R10", 1)}), "batch[0].properties.amount");
  EXPECT_EQ(refused({Refunded("r11", "u1", "T2", "R11", 1)}), "batch[0].properties.amount");
}

TEST_F(EngineTest, IdentifyMergesTraits) {
  Event a = Track("m1", "u1", "");
  a.type = EventType::kIdentify;
  a.traits = R"({"name":"小美","city":"杭州"})";
  Event b = a;
  b.message_id = "m2";
  b.traits = R"({"city":"上海","skin":"oily"})";
  Submit({a, b});
  auto p = engine_->GetCustomer(kDefaultWorkspace, "u1");
  EXPECT_EQ(p->summary.traits, R"({"name":"小美","city":"上海","skin":"oily"})");
  auto page = engine_->ListCustomers(kDefaultWorkspace, "小美", 10, "");
  ASSERT_EQ(page->total, 1);
}

// A mixed history: new customers, merges, conflicts, orders, refunds, traits.
std::vector<Event> History(int n) {
  std::vector<Event> out;
  for (int i = 0; i < n; ++i) {
    std::string k = std::to_string(i);
    out.push_back(Track("a" + k, "", "dev" + k, {{IdentityKind::kPhone, "1380000" + k}}));
    out.push_back(Track("b" + k, "user" + std::to_string(i % 7), "dev" + k));
    Event id = Track("c" + k, "", "dev" + std::to_string(i / 2));
    id.type = EventType::kIdentify;
    id.traits = R"({"n":)" + k + "}";
    out.push_back(id);
    if (i % 3 == 0) out.push_back(Paid("d" + k, "user" + std::to_string(i % 7), "T" + k, 100 + i));
    if (i % 4 == 1) {  // friendships and channels, merged along with their customers
      Event f = Track("e" + k, "", "dev" + k, {}, i % 8 == 5 ? "friend_deleted" : "friend_added");
      f.properties = R"({"staff_id":"stf_)" + std::to_string(i % 3) + R"(","channel":"ch)" +
                     std::to_string(i % 5) + R"("})";
      out.push_back(f);
    }
  }
  return out;
}

TEST_F(EngineTest, RestartRebuildsTheSameState) {
  std::vector<Event> history = History(60);
  for (size_t i = 0; i < history.size(); i += 25) {
    std::vector<Event> batch(history.begin() + i,
                             history.begin() + std::min(history.size(), i + 25));
    Submit(batch);
  }
  std::vector<std::string> before = Dump();
  ASSERT_GT(before.size(), 3u);
  Reopen(false);  // full replay of the log
  EXPECT_EQ(Dump(), before);
  ASSERT_TRUE(engine_->WriteSnapshot().ok());
  Submit({Track("late", "user1", "")});
  before = Dump();
  Reopen(true);  // snapshot plus the one event after it
  EXPECT_EQ(Dump(), before);
  Reopen(false);
  EXPECT_EQ(Dump(), before);
}

TEST_F(EngineTest, SnapshotAheadOfTheStoreIsIgnored) {
  Submit({Track("m1", "u1", "")});
  ASSERT_TRUE(engine_->WriteSnapshot().ok());
  engine_.reset();
  for (const char* f : {"pond.db", "pond.db-wal", "pond.db-shm"}) {
    std::filesystem::remove(dir_.path() / f);
  }
  Reopen(true);
  EXPECT_EQ(Dump().size(), 0u);
}

TEST_F(EngineTest, CorruptSnapshotFallsBackToReplay) {
  Submit({Track("m1", "u1", "")});
  ASSERT_TRUE(engine_->WriteSnapshot().ok());
  std::vector<std::string> before = Dump();
  engine_.reset();
  std::filesystem::resize_file(dir_.path() / "snapshot.bin", 30);
  Reopen(true);
  EXPECT_EQ(Dump(), before);
}

// Issue 26: no phone, name or unionid in plain text in any file of the data dir, and the
// sealed state still rebuilds (from the log, and from the snapshot).
TEST_F(EngineTest, PersonalDataIsSealedInTheStoreAndTheSnapshot) {
  Event a = Track(
      "m1", "u1", "",
      {{IdentityKind::kPhone, "13987654321"}, {IdentityKind::kUnionId, "oUnion_9f8e7d6c5b4a"}});
  a.type = EventType::kIdentify;
  a.traits = R"({"name":"欧阳晴","phone":"13987654321"})";
  Submit({a});
  ASSERT_TRUE(engine_->WriteSnapshot().ok());
  Submit({Track("m2", "u1", "")});  // after the snapshot: replayed from the sealed log
  const std::vector<std::string> before = Dump();
  engine_.reset();
  std::string files;
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
    std::ifstream in(entry.path(), std::ios::binary);
    files.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  ASSERT_GT(files.size(), 10'000u);
  for (const char* secret : {"13987654321", "欧阳晴", "oUnion_9f8e7d6c5b4a"}) {
    EXPECT_EQ(files.find(secret), std::string::npos) << secret;
  }
  Reopen(true);
  EXPECT_EQ(Dump(), before);
  ASSERT_TRUE(engine_->GetCustomer(kDefaultWorkspace, "phone:13987654321").ok());
  Reopen(false);
  EXPECT_EQ(Dump(), before);
}

TEST_F(EngineTest, AnotherMasterKeyNeitherOpensTheStoreNorReadsTheSnapshot) {
  Submit({Track("m1", "u1", "")});
  ASSERT_TRUE(engine_->WriteSnapshot().ok());
  engine_.reset();
  std::filesystem::remove(dir_.path() / "master.key");
  EngineOptions o;
  o.data_dir = dir_.path().string();
  o.clock = &clock_;
  auto e = Engine::Open(o);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("master key"), std::string::npos) << e.status().ToString();
}

TEST_F(EngineTest, KeysAreStoredHashed) {
  auto k = engine_->CreateApiKey(kDefaultWorkspace, KeyKind::kWrite);
  ASSERT_TRUE(k.ok());
  EXPECT_TRUE(k->secret.starts_with("pond_write_"));
  EXPECT_NE(k->key.secret_hash.find_first_not_of("0123456789abcdef"), 0u);
  EXPECT_EQ(k->key.secret_hash.find(k->secret), std::string::npos);
  auto found = engine_->Authenticate(k->secret);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->kind, KeyKind::kWrite);
  EXPECT_EQ(engine_->Authenticate(k->secret + "x").status().code(), StatusCode::kUnauthenticated);
  Reopen();
  EXPECT_TRUE(engine_->Authenticate(k->secret).ok());
}

Event At(Event e, Micros t, std::string properties) {
  e.timestamp = t;
  e.properties = std::move(properties);
  return e;
}

TEST_F(EngineTest, ChannelIsFirstTouchAndOwnerIsTheOldestStandingFriendship) {
  const Micros t = 1'700'000'000'000'000;
  const Micros h = 3'600'000'000;
  Submit({At(Track("s1", "u1", "", {}, "channel_scanned"), t + 2 * h, R"({"channel":"card"})"),
          // Earlier by its timestamp, though it arrives later: first touch wins.
          At(Track("f1", "u1", "", {}, "friend_added"), t + h,
             R"({"staff_id":"stf_a","state":"xhs-note"})"),
          At(Track("f2", "u1", "", {}, "friend_added"), t + 3 * h, R"({"staff_id":"stf_b"})"),
          At(Track("x1", "u2", "", {}, "message_received"), t, "{}")});
  auto summary = [&](const std::string& user) {
    return engine_->GetCustomer(kDefaultWorkspace, user)->summary;
  };
  auto friends = [&](const std::string& user) {
    std::vector<std::string> tags;
    (void)engine_->ReadState(kDefaultWorkspace, [&](const TenantState& s) {
      const uint32_t c = s.ParseCustomerId(summary(user).id);
      const uint32_t tag = s.FindTag(kFriendTag);
      tags.push_back(tag != kNoIndex && s.tag_bitmaps()[tag].contains(c) ? "friend" : "-");
    });
    return tags[0];
  };
  EXPECT_EQ(summary("u1").channel, "xhs-note");
  EXPECT_EQ(summary("u1").owner, "stf_a");
  EXPECT_EQ(summary("u2").channel, "");
  EXPECT_EQ(summary("u2").owner, "");
  Submit({At(Track("d1", "u1", "", {}, "friend_deleted"), t + 4 * h, R"({"staff_id":"stf_a"})")});
  EXPECT_EQ(summary("u1").owner, "stf_b");
  EXPECT_EQ(friends("u1"), "friend");  // still stf_b's friend
  Submit({At(Track("d2", "u1", "", {}, "friend_deleted"), t + 5 * h, R"({"staff_id":"stf_b"})")});
  EXPECT_EQ(summary("u1").owner, "");
  EXPECT_EQ(friends("u1"), "-");

  // u3 is stf_c's friend through an older channel; u4 is stf_a's. One event names both: the
  // survivor keeps the older channel and both friendships, the older one owning.
  Submit({At(Track("f3", "", "dev3", {}, "friend_added"), t - 9 * h,
             R"({"staff_id":"stf_c","channel":"store"})"),
          At(Track("f4", "u4", "", {}, "friend_added"), t - 2 * h,
             R"({"staff_id":"stf_a","channel":"ads"})")});
  Submit({At(Track("m", "u4", "dev3"), t, "{}")});
  EXPECT_EQ(summary("u4").channel, "store");
  EXPECT_EQ(summary("u4").owner, "stf_c");
  Submit({At(Track("d3", "u4", "", {}, "friend_deleted"), t, R"({"staff_id":"stf_c"})")});
  EXPECT_EQ(summary("u4").owner, "stf_a");
  EXPECT_EQ(friends("u4"), "friend");
  // A deletion that names no staff account ends every friendship.
  Submit({At(Track("d4", "u4", "", {}, "friend_deleted"), t, "{}")});
  EXPECT_EQ(summary("u4").owner, "");
  EXPECT_EQ(friends("u4"), "-");
}

TEST_F(EngineTest, RegisteredChannelsGiveTheirKindAfterRestart) {
  Channel c;
  c.code = "card";
  c.kind = ChannelKind::kPackageCard;
  ASSERT_TRUE(engine_->CreateChannel(kDefaultWorkspace, c).ok());
  auto kind_of = [&](const std::string& code) {
    std::string out;
    (void)engine_->ReadState(kDefaultWorkspace, [&](const TenantState& s) {
      const uint32_t id = s.FindChannel(code);
      out = id == kNoIndex ? "unknown" : std::string(ChannelKindName(s.ChannelKindOf(id)));
    });
    return out;
  };
  Submit({At(Track("s1", "u1", "", {}, "channel_scanned"), 1, R"({"channel":"sms-1"})")});
  EXPECT_EQ(kind_of("card"), "package_card");
  EXPECT_EQ(kind_of("sms-1"), "other");
  ASSERT_TRUE(engine_->WriteSnapshot().ok());
  Reopen(true);
  EXPECT_EQ(kind_of("card"), "package_card");
  Reopen(false);
  EXPECT_EQ(kind_of("card"), "package_card");
  EXPECT_EQ(kind_of("sms-1"), "other");
}

TEST_F(EngineTest, ChannelsValidateAndList) {
  Channel c;
  c.code = "card-2024";
  c.name = "包裹卡";
  c.kind = ChannelKind::kPackageCard;
  auto made = engine_->CreateChannel(kDefaultWorkspace, c);
  ASSERT_TRUE(made.ok());
  EXPECT_TRUE(made->id.starts_with("chn_"));
  EXPECT_EQ(engine_->CreateChannel(kDefaultWorkspace, c).status().code(),
            StatusCode::kAlreadyExists);
  c.code = "";
  EXPECT_EQ(engine_->CreateChannel(kDefaultWorkspace, c).status().field(), "code");
  EXPECT_TRUE(engine_->AddChannelSpend(kDefaultWorkspace, {made->id, "2024-03-01", 50000}).ok());
  EXPECT_EQ(engine_->AddChannelSpend(kDefaultWorkspace, {made->id, "2024-13-01", 1}).field(),
            "day");
  EXPECT_EQ(engine_->ListChannels(kDefaultWorkspace)->size(), 1u);
}

}  // namespace
}  // namespace pond

namespace pond {
namespace {

TEST(EngineLockTest, OneProcessOwnsADataDir) {
  testing::TempDir dir;
  EngineOptions o;
  o.data_dir = dir.path().string();
  auto first = Engine::Open(o);
  ASSERT_TRUE(first.ok());
  auto second = Engine::Open(o);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(second.status().message().find("in use"), std::string::npos);
  // Configuration-only work runs beside it.
  o.load_state = false;
  auto config = Engine::Open(o);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  auto key = (*config)->CreateApiKey(kDefaultWorkspace, KeyKind::kWrite);
  ASSERT_TRUE(key.ok());
  EXPECT_TRUE((*first)->Authenticate(key->secret).ok());
  EXPECT_EQ((*config)->Submit(kDefaultWorkspace, {}).status().code(),
            StatusCode::kFailedPrecondition);
}

// `pond workspace create` and `pond key create` beside a running server: the server takes the
// new workspace in at the key's first use (it answered 404 until a restart).
TEST(EngineLockTest, AWorkspaceCreatedBesideARunningEngineIsUsableAtOnce) {
  testing::TempDir dir;
  EngineOptions o;
  o.data_dir = dir.path().string();
  auto serving = Engine::Open(o).value();
  o.load_state = false;
  auto config = Engine::Open(o).value();
  ASSERT_TRUE(config->CreateWorkspace("brand-b", "Brand B", 7 * 3600).ok());
  auto key = config->CreateApiKey("brand-b", KeyKind::kWrite);
  ASSERT_TRUE(key.ok());
  auto found = serving->Authenticate(key->secret);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->workspace_id, "brand-b");
  EXPECT_EQ(*serving->UtcOffsetOf("brand-b"), 7 * 3600);
  EXPECT_TRUE(serving->Submit("brand-b", {Track("m1", "u1", "")}).ok());
  EXPECT_EQ(serving->GetCustomer("brand-b", "u1").value().summary.event_count, 1);
}

TEST(EngineKeyTest, ARevokedKeyIsRefusedAtOnceHereAndSoonInAnotherProcess) {
  testing::TempDir dir;
  FakeClock clock;
  EngineOptions o;
  o.data_dir = dir.path().string();
  o.clock = &clock;
  auto serving = Engine::Open(o).value();
  o.load_state = false;
  auto config = Engine::Open(o).value();
  auto here = serving->CreateApiKey(kDefaultWorkspace, KeyKind::kWrite).value();
  auto there = serving->CreateApiKey(kDefaultWorkspace, KeyKind::kAdmin).value();
  ASSERT_TRUE(serving->Authenticate(here.secret).ok());
  ASSERT_TRUE(serving->Authenticate(there.secret).ok());  // both cached now

  ASSERT_TRUE(serving->RevokeApiKey(kDefaultWorkspace, here.key.id).ok());
  EXPECT_EQ(serving->Authenticate(here.secret).status().code(), StatusCode::kUnauthenticated);

  ASSERT_TRUE(config->RevokeApiKey(kDefaultWorkspace, there.key.id).ok());
  clock.Advance(Engine::kKeyRecheckMicros);
  EXPECT_EQ(serving->Authenticate(there.secret).status().code(), StatusCode::kUnauthenticated);

  EXPECT_EQ(serving->RevokeApiKey("other", there.key.id).code(), StatusCode::kNotFound);
  EXPECT_EQ(serving->RevokeApiKey(kDefaultWorkspace, "key_nope").code(), StatusCode::kNotFound);
  EXPECT_TRUE(serving->RevokeApiKey(kDefaultWorkspace, here.key.id).ok());  // again: no change
  auto keys = serving->ListApiKeys(kDefaultWorkspace).value();
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_GT(keys[0].revoked_at, 0);
  EXPECT_GT(keys[1].revoked_at, 0);
}

TEST(EngineFilesTest, TheDataDirStoreAndSnapshotAreTheOwnersOnly) {
  testing::TempDir dir;
  EngineOptions o;
  o.data_dir = (dir.path() / "data").string();
  auto engine = Engine::Open(o).value();
  ASSERT_TRUE(engine->WriteSnapshot().ok());
  namespace fs = std::filesystem;
  const fs::perms others = fs::perms::group_all | fs::perms::others_all;
  for (const char* name : {"", "pond.db", "snapshot.bin"}) {
    fs::path p = dir.path() / "data" / name;
    ASSERT_TRUE(fs::exists(p)) << p;
    EXPECT_EQ(fs::status(p).permissions() & others, fs::perms::none) << p;
  }
}

}  // namespace
}  // namespace pond

namespace pond {
namespace {

// An engine over a store that refuses commits while `store.fail` is set, as a full disk would.
class EngineFailureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EngineOptions o;
    o.data_dir = dir.path().string();
    o.store = &store;
    engine = Engine::Open(o).value();
  }
  testing::TempDir dir;
  testing::FailingStore store{OpenSqliteStore(dir.File("pond.db")).value()};
  std::unique_ptr<Engine> engine;
};

TEST_F(EngineFailureTest, ARefusedCommitIsNotAcknowledgedAndLeavesNoTrace) {
  ASSERT_TRUE(engine->Submit(kDefaultWorkspace, {Track("m1", "u1", "")}).ok());

  store.fail = true;
  auto refused = engine->Submit(kDefaultWorkspace, {Track("m2", "u2", ""), Track("m3", "u1", "")});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable);
  store.fail = false;

  // The refused events are nowhere: not in memory, not counted as seen.
  EXPECT_FALSE(engine->GetCustomer(kDefaultWorkspace, "u2").ok());
  EXPECT_EQ(engine->GetCustomer(kDefaultWorkspace, "u1")->summary.event_count, 1);
  auto retried = engine->Submit(kDefaultWorkspace, {Track("m2", "u2", ""), Track("m3", "u1", "")});
  ASSERT_TRUE(retried.ok()) << retried.status().ToString();
  EXPECT_EQ(retried->accepted, 2);
  EXPECT_EQ(engine->GetCustomer(kDefaultWorkspace, "u1")->summary.event_count, 2);
  EXPECT_EQ(engine->Stats(kDefaultWorkspace)->events, 3);
}

uint64_t EpochOf(Engine& engine) {
  uint64_t epoch = 0;
  EXPECT_TRUE(
      engine.ReadState(kDefaultWorkspace, [&](const TenantState& state) { epoch = state.epoch(); })
          .ok());
  return epoch;
}

TEST_F(EngineFailureTest, SubmitNoWaitAppliesFirstAndRefusesPlansFromARebuiltState) {
  // Applied (and readable) when the call returns; durable once Wait answers.
  const uint64_t epoch = EpochOf(*engine);
  auto first = engine->SubmitNoWait(kDefaultWorkspace, {Track("m1", "u1", "")}, epoch);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(engine->GetCustomer(kDefaultWorkspace, "u1")->summary.event_count, 1);
  auto stored = first->Wait();
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(stored->accepted, 1);
  auto repeat = engine->SubmitNoWait(kDefaultWorkspace, {Track("m1", "u1", "")}, epoch);
  ASSERT_TRUE(repeat.ok());
  EXPECT_EQ(repeat->Wait()->duplicates, 1);

  // A refused commit: its waiter and every batch applied after it are told so, and the state
  // is rebuilt without them under a new epoch.
  store.fail = true;
  auto refused = engine->SubmitNoWait(kDefaultWorkspace, {Track("m2", "u2", "")}, epoch);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->Wait().status().code(), StatusCode::kUnavailable);
  store.fail = false;
  EXPECT_FALSE(engine->GetCustomer(kDefaultWorkspace, "u2").ok());

  // A batch planned from the old state changes nothing; planned again, it is stored.
  auto stale = engine->SubmitNoWait(kDefaultWorkspace, {Track("m3", "u3", "")}, epoch);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.status().code(), StatusCode::kUnavailable);
  EXPECT_FALSE(engine->GetCustomer(kDefaultWorkspace, "u3").ok());
  EXPECT_EQ(EpochOf(*engine), epoch + 1);
  auto replanned =
      engine->SubmitNoWait(kDefaultWorkspace, {Track("m3", "u3", "")}, EpochOf(*engine));
  ASSERT_TRUE(replanned.ok());
  EXPECT_TRUE(replanned->Wait().ok());
  EXPECT_EQ(engine->Stats(kDefaultWorkspace)->events, 2);
}

TEST(EngineConcurrencyTest, ConcurrentSubmittersAndRetriesStoreEachEventOnce) {
  testing::TempDir dir;
  EngineOptions o;
  o.data_dir = dir.path().string();
  auto engine = Engine::Open(o).value();
  constexpr int kThreads = 4, kBatches = 50, kPerBatch = 20;
  std::vector<std::thread> threads;
  std::atomic<int64_t> accepted{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int b = 0; b < kBatches; ++b) {
        // Every batch is sent by two threads (t and t^1): one of them is the "retry".
        int owner = t & ~1;
        std::vector<Event> batch;
        for (int i = 0; i < kPerBatch; ++i) {
          std::string id =
              std::to_string(owner) + "-" + std::to_string(b) + "-" + std::to_string(i);
          batch.push_back(Track(id, "user" + std::to_string(i % 7), ""));
        }
        auto r = engine->Submit(kDefaultWorkspace, std::move(batch));
        ASSERT_TRUE(r.ok()) << r.status().ToString();
        accepted += r->accepted;
      }
    });
  }
  for (auto& th : threads) th.join();
  const int64_t distinct = (kThreads / 2) * kBatches * kPerBatch;
  EXPECT_EQ(accepted.load(), distinct);
  EXPECT_EQ(engine->Stats(kDefaultWorkspace)->events, distinct);
  engine.reset();
  engine = Engine::Open(o).value();
  EXPECT_EQ(engine->Metrics().events_in_memory, distinct);
}

}  // namespace
}  // namespace pond

namespace pond {
namespace {

TEST(EngineSnapshotTest, BackgroundSnapshotsFollowTheEventCount) {
  testing::TempDir dir;
  EngineOptions o;
  o.data_dir = dir.path().string();
  o.snapshot_every_events = 3;
  o.snapshot_check_millis = 10;
  auto engine = Engine::Open(o).value();
  ASSERT_TRUE(engine
                  ->Submit(kDefaultWorkspace,
                           {Track("a", "u1", ""), Track("b", "u2", ""), Track("c", "u3", "")})
                  .ok());
  // It checks every 10 ms; wait up to 20 s for it on a loaded machine (no speed is asserted).
  auto snapshot = dir.path() / "snapshot.bin";
  for (int i = 0; i < 2000 && !std::filesystem::exists(snapshot); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(std::filesystem::exists(snapshot));
}

// A crash loop: runs that die before their first snapshot interval. A start that replays more
// than the threshold writes one at once, so the next start replays only what came after.
TEST(EngineSnapshotTest, AStartThatReplaysALongTailSnapshotsAtOnce) {
  testing::TempDir dir;
  EngineOptions o;
  o.data_dir = dir.path().string();
  o.snapshot_every_events = 3;
  o.snapshot_check_millis = 3'600'000;  // an interval no run here reaches
  o.snapshot_min_interval_millis = 3'600'000;
  {
    auto engine = Engine::Open(o).value();
    ASSERT_TRUE(engine
                    ->Submit(kDefaultWorkspace, {Track("a", "u1", ""), Track("b", "u2", ""),
                                                 Track("c", "u3", ""), Track("d", "u4", "")})
                    .ok());
    EXPECT_EQ(engine->Metrics().replayed_at_open, 0);
    EXPECT_EQ(engine->Metrics().snapshots_written, 0);
    // Dropped without WriteSnapshot, as kill -9 would (the destructor writes none).
  }
  auto engine = Engine::Open(o).value();
  EXPECT_EQ(engine->Metrics().replayed_at_open, 4);
  for (int i = 0; i < 2000 && engine->Metrics().snapshots_written == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(engine->Metrics().snapshots_written, 1);
  ASSERT_TRUE(engine->Submit(kDefaultWorkspace, {Track("e", "u5", "")}).ok());
  engine.reset();
  engine = Engine::Open(o).value();
  EXPECT_EQ(engine->Metrics().replayed_at_open, 1);  // only what came after the snapshot
}

}  // namespace
}  // namespace pond

namespace pond {
namespace {

class TagTest : public EngineTest {};

TEST_F(TagTest, TagsAreEventsThatSurviveMergesAndRestarts) {
  Submit({Track("m1", "", "a-1", {{IdentityKind::kPhone, "13800138000"}})});
  Submit({Track("m2", "u2", "")});
  ASSERT_TRUE(
      engine_
          ->ChangeTags(kDefaultWorkspace, "phone:13800138000", {"skin:oily", "vip"}, true, "test")
          .ok());
  ASSERT_TRUE(engine_->ChangeTags(kDefaultWorkspace, "u2", {"skin:dry"}, true, "test").ok());
  EXPECT_EQ(engine_->GetCustomer(kDefaultWorkspace, "phone:13800138000")->tags,
            (std::vector<std::string>{"skin:oily", "vip"}));
  ASSERT_TRUE(engine_->ChangeTags(kDefaultWorkspace, "u2", {"skin:dry"}, false, "test").ok());
  EXPECT_TRUE(engine_->GetCustomer(kDefaultWorkspace, "u2")->tags.empty());

  // u2 turns out to own the phone: the merged profile keeps the tags.
  Submit({Track("m3", "u2", "", {{IdentityKind::kPhone, "13800138000"}})});
  auto merged = engine_->GetCustomer(kDefaultWorkspace, "u2");
  EXPECT_EQ(merged->tags, (std::vector<std::string>{"skin:oily", "vip"}));
  auto counts = *engine_->ListTags(kDefaultWorkspace);
  ASSERT_EQ(counts.size(), 2u);  // skin:dry has nobody left
  EXPECT_EQ(counts[0].tag, "skin:oily");
  EXPECT_EQ(counts[0].customers, 1);

  std::vector<std::string> before = Dump();
  Reopen(false);
  EXPECT_EQ(engine_->GetCustomer(kDefaultWorkspace, "u2")->tags, merged->tags);
  ASSERT_TRUE(engine_->WriteSnapshot().ok());
  Reopen(true);
  EXPECT_EQ(engine_->GetCustomer(kDefaultWorkspace, "u2")->tags, merged->tags);
  EXPECT_EQ((*engine_->ListTags(kDefaultWorkspace)).size(), 2u);
  EXPECT_EQ(Dump(), before);
}

TEST_F(TagTest, BadTagsAndUnknownCustomersChangeNothing) {
  Submit({Track("m1", "u1", "")});
  struct Case {
    std::vector<std::string> tags;
    const char* field;
  } cases[] = {
      {{}, "tags"},
      {{""}, "tags[0]"},
      {{"ok", ":x"}, "tags[1]"},
      {{"a:b:c"}, "tags[0]"},
      {{"x:"}, "tags[0]"},
      {{std::string(65, 'x')}, "tags[0]"},
      {{"bad\ttag"}, "tags[0]"},
  };
  for (const Case& c : cases) {
    auto r = engine_->ChangeTags(kDefaultWorkspace, "u1", c.tags, true, "test");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().field(), c.field);
  }
  EXPECT_EQ(engine_->ChangeTags(kDefaultWorkspace, "nobody", {"vip"}, true, "t").status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(Stats().events, 1);
  EXPECT_TRUE(engine_->ListTags(kDefaultWorkspace)->empty());
}

}  // namespace
}  // namespace pond
