#include "pond/store/sealed_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <iterator>

#include "pond/store/sealing.h"
#include "pond/testing/temp_dir.h"

namespace pond {
namespace {

constexpr char kPhone[] = "13912345678";
constexpr char kName[] = "林小满";

Event IdentifyEvent(int64_t seq, const std::string& customer) {
  Event e;
  e.seq = seq;
  e.message_id = "m" + std::to_string(seq);
  e.type = EventType::kIdentify;
  e.user_id = std::string("shop:") + kPhone;
  e.anonymous_id = "anon-1";
  e.customer_id = customer;
  e.timestamp = 1'700'000'000'000'000 + seq;
  e.received_at = e.timestamp;
  e.traits = std::string(R"({"phone":")") + kPhone + R"(","name":")" + kName + R"("})";
  e.context = R"({"ip":"10.1.2.3"})";
  e.properties = R"({"note":"x"})";
  e.identities = {{IdentityKind::kPhone, kPhone},
                  {IdentityKind::kUnionId, "o6_bmjrPTlm6_2sgVt7hMZOPfL2M"}};
  return e;
}

// Every byte of the store's files, the write-ahead log included.
std::string FileBytes(const testing::TempDir& dir) {
  std::string all;
  for (const char* name : {"pond.db", "pond.db-wal"}) {
    std::ifstream in(dir.File(name), std::ios::binary);
    all.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return all;
}

class SealedStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<Store> Open(const std::string& master) {
    auto raw = OpenSqliteStore(dir_.File("pond.db"));
    EXPECT_TRUE(raw.ok()) << raw.status().ToString();
    return SealStore(std::move(*raw), master);
  }
  void CommitPersonalData(Store* store) {
    CommitBatch b;
    b.workspace_id = "default";
    b.new_customers = {{"cus_1", 1, ""}, {"cus_2", 2, ""}};
    b.new_identities = {{{IdentityKind::kPhone, kPhone}, "cus_1"}};
    b.events.push_back(IdentifyEvent(1, "cus_1"));
    b.merges.push_back({"cus_2", "cus_1", 1, 5, {IdentityKind::kPhone, kPhone}});
    ASSERT_TRUE(store->Commit(b).ok());
    ASSERT_TRUE(store->PutObject("default", {"note", "n1", std::string("call ") + kPhone, 7}).ok());
  }
  testing::TempDir dir_;
  const std::string master_ = RandomKey();
};

TEST_F(SealedStoreTest, ReadsBackWhatWasWrittenButTheFileHoldsNoPersonalData) {
  auto store = Open(master_);
  CommitPersonalData(store.get());

  const Event want = IdentifyEvent(1, "cus_1");
  std::vector<int64_t> seqs = {1};
  auto events = store->EventsBySeq(seqs);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->size(), 1u);
  const Event& e = (*events)[0];
  EXPECT_EQ(e.user_id, want.user_id);
  EXPECT_EQ(e.anonymous_id, want.anonymous_id);
  EXPECT_EQ(e.traits, want.traits);
  EXPECT_EQ(e.context, want.context);
  EXPECT_EQ(e.properties, want.properties);
  EXPECT_EQ(e.identities, want.identities);
  EXPECT_EQ(e.name, want.name);
  int scanned = 0;
  ASSERT_TRUE(store
                  ->ScanEvents(0,
                               [&](const std::string& ws, Event&& ev) {
                                 EXPECT_EQ(ws, "default");
                                 EXPECT_EQ(ev.traits, want.traits);
                                 ++scanned;
                                 return Status::Ok();
                               })
                  .ok());
  EXPECT_EQ(scanned, 1);
  auto ids = store->IdentitiesOf("default", "cus_1");
  ASSERT_TRUE(ids.ok());
  ASSERT_EQ(ids->size(), 1u);
  EXPECT_EQ((*ids)[0].value, kPhone);
  auto merges = store->MergesInto("default", "cus_1");
  ASSERT_EQ(merges->size(), 1u);
  EXPECT_EQ((*merges)[0].reason.value, kPhone);
  auto notes = store->ListObjects("default", "note");
  ASSERT_EQ(notes->size(), 1u);
  EXPECT_EQ((*notes)[0].body, std::string("call ") + kPhone);
  EXPECT_TRUE(store->ListObjects("default", "data_key")->empty());  // the key never leaves

  store.reset();
  const std::string bytes = FileBytes(dir_);
  EXPECT_EQ(bytes.find(kPhone), std::string::npos);
  EXPECT_EQ(bytes.find(kName), std::string::npos);
  EXPECT_EQ(bytes.find("o6_bmjrPTlm6_2sgVt7hMZOPfL2M"), std::string::npos);
  EXPECT_EQ(bytes.find("10.1.2.3"), std::string::npos);
  EXPECT_NE(bytes.find("cus_1"), std::string::npos);  // ids stay readable
}

TEST_F(SealedStoreTest, WithoutSealingTheSameWritesArePlain) {
  // The control for the test above: the search does find what a plain store keeps.
  auto raw = OpenSqliteStore(dir_.File("pond.db"));
  ASSERT_TRUE(raw.ok());
  CommitPersonalData(raw->get());
  raw->reset();
  const std::string bytes = FileBytes(dir_);
  EXPECT_NE(bytes.find(kPhone), std::string::npos);
  EXPECT_NE(bytes.find(kName), std::string::npos);
}

TEST_F(SealedStoreTest, AnotherMasterKeyCannotOpenIt) {
  CommitPersonalData(Open(master_).get());
  auto store = Open(RandomKey());
  std::vector<int64_t> seqs = {1};
  auto events = store->EventsBySeq(seqs);
  ASSERT_FALSE(events.ok());
  EXPECT_EQ(events.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(events.status().message().find("master key"), std::string::npos);
  // Nor can it write: a second data key for the same workspace would split its data.
  EXPECT_FALSE(store->PutObject("default", {"note", "n2", "x", 1}).ok());
}

TEST_F(SealedStoreTest, RowsWrittenBeforeSealingStillRead) {
  {
    auto raw = OpenSqliteStore(dir_.File("pond.db"));
    CommitPersonalData(raw->get());
  }
  auto store = Open(master_);
  std::vector<int64_t> seqs = {1};
  auto events = store->EventsBySeq(seqs);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ((*events)[0].traits, IdentifyEvent(1, "cus_1").traits);
  EXPECT_EQ((*store->IdentitiesOf("default", "cus_1"))[0].value, kPhone);
}

TEST_F(SealedStoreTest, DamagedCiphertextIsAnErrorNotGarbage) {
  CommitPersonalData(Open(master_).get());
  {
    auto raw = OpenSqliteStore(dir_.File("pond.db"));
    auto notes = (*raw)->ListObjects("default", "note");
    ASSERT_EQ(notes->size(), 1u);
    StoredObject o = (*notes)[0];
    o.body[o.body.size() - 6] = o.body[o.body.size() - 6] == 'A' ? 'B' : 'A';
    ASSERT_TRUE((*raw)->PutObject("default", o).ok());
  }
  auto notes = Open(master_)->ListObjects("default", "note");
  ASSERT_FALSE(notes.ok());
  EXPECT_NE(notes.status().message().find("does not open"), std::string::npos);
}

TEST(SealingTest, DeterministicSealsAreABlindIndex) {
  const std::string k1 = RandomKey(), k2 = RandomKey();
  EXPECT_EQ(SealDeterministic(kPhone, k1), SealDeterministic(kPhone, k1));
  EXPECT_NE(SealDeterministic(kPhone, k1), SealDeterministic("13912345679", k1));
  EXPECT_NE(SealDeterministic(kPhone, k1), SealDeterministic(kPhone, k2));
  EXPECT_NE(SealBytes(kPhone, k1), SealBytes(kPhone, k1));  // random nonces
  EXPECT_EQ(*OpenBytes(SealDeterministic(kPhone, k1), k1), kPhone);
  EXPECT_FALSE(OpenBytes(SealDeterministic(kPhone, k1), k2).ok());
  EXPECT_FALSE(OpenBytes("short", k1).ok());
}

TEST(SealingTest, TheKeyFileIsMadeOnceAndOnlyItsOwnerReadsIt) {
  testing::TempDir dir;
  auto first = ReadOrCreateKeyFile(dir.File("master.key"));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->size(), kSealKeyBytes);
  EXPECT_EQ(*ReadOrCreateKeyFile(dir.File("master.key")), *first);
  struct stat st {};
  ASSERT_EQ(::stat(dir.File("master.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::ofstream(dir.File("short.key")) << "abc";
  EXPECT_FALSE(ReadOrCreateKeyFile(dir.File("short.key")).ok());
}

TEST(SealingTest, MasterKeyFromTheEnvironmentMustBe64HexDigits) {
  testing::TempDir dir;
  ::setenv("POND_MASTER_KEY", "not-hex", 1);
  auto bad = LoadMasterKey(dir.path().string());
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("64 hex digits"), std::string::npos);
  ::setenv("POND_MASTER_KEY", std::string(64, 'a').c_str(), 1);
  auto good = LoadMasterKey(dir.path().string());
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, std::string(32, '\xaa'));
  ::unsetenv("POND_MASTER_KEY");
  EXPECT_TRUE(LoadMasterKey(dir.path().string()).ok());
}

}  // namespace
}  // namespace pond
