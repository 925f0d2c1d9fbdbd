// The chat archive: each message type mapped, the brand's RSA keys by version, and pulls through
// a double of WeCom's SDK loaded with dlopen (src/pond/testing/fake_finance_sdk.cc) — resumed
// after a stop half-way, bad items rejected with their reasons, the JSONL import giving the
// same events.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "pond/base/base64.h"
#include "pond/channels/wecom/archive_ingest.h"
#include "pond/channels/wecom/archive_keys.h"
#include "pond/channels/wecom/archive_message.h"
#include "pond/channels/wecom/archive_service.h"
#include "pond/channels/wecom/finance_sdk.h"
#include "pond/channels/wecom/wecom_events.h"
#include "pond/engine/tenant_state.h"
#include "pond/model/event_names.h"
#include "pond/testing/archive_fixture.h"
#include "pond/testing/temp_dir.h"

namespace pond::wecom {
namespace {

using nlohmann::json;

json Message(const std::string& msgid, const std::string& from, std::vector<std::string> to,
             const std::string& type, json body, const std::string& room = "") {
  json m = testing::ArchiveMessage(msgid, from, to.empty() ? "" : to[0], type, std::move(body),
                                   1767225600000LL, room);
  m["tolist"] = to;
  return m;
}

json Props(const Event& e) { return json::parse(e.properties); }

TEST(ArchiveMessageTest, EachKindOfMessageMapsToItsEvent) {
  const std::string customer = "wmCUSTOMER001", staff = "lily";
  auto one = [](const json& m) {
    Result<std::vector<Event>> r = MapArchiveMessage(m);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : std::vector<Event>{};
  };
  std::vector<Event> in = one(Message("m1", customer, {staff}, "text", {{"content", "多少钱？"}}));
  ASSERT_EQ(in.size(), 1u);
  EXPECT_EQ(in[0].name, kMessageReceived);
  EXPECT_EQ(in[0].message_id, "wecom-archive:m1");
  EXPECT_EQ(in[0].timestamp, 1767225600000LL * 1000);
  EXPECT_EQ(in[0].identities[0].value, customer);
  EXPECT_EQ(Props(in[0])["staff_id"], staff);
  EXPECT_EQ(Props(in[0])["text"], "多少钱？");

  std::vector<Event> out = one(Message("m2", staff, {customer}, "link",
                                       {{"title", "新品"}, {"link_url", "https://x.cn/a"}}));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].name, kMessageSent);
  EXPECT_EQ(out[0].identities[0].value, customer);
  EXPECT_EQ(Props(out[0])["staff_id"], staff);
  EXPECT_EQ(Props(out[0])["url"], "https://x.cn/a");

  std::vector<Event> group =
      one(Message("m3", customer, {staff, "wmOTHER"}, "image",
                  {{"sdkfileid", "FID"}, {"md5sum", "ab"}, {"filesize", 9}}, "wrROOM1"));
  ASSERT_EQ(group.size(), 1u);
  EXPECT_EQ(group[0].name, kGroupMessage);
  EXPECT_EQ(Props(group[0])["group_id"], GroupIdForChat("wrROOM1"));
  EXPECT_EQ(Props(group[0])["media"], "FID");
  EXPECT_EQ(Props(group[0])["size"], 9);

  EXPECT_TRUE(
      one(Message("m4", staff, {customer}, "text", {{"content", "hi"}}, "wrROOM1")).empty());
  EXPECT_TRUE(one(Message("m5", staff, {"amy"}, "text", {{"content", "午饭？"}})).empty());
  json sw = Message("m6", staff, {}, "switch", json());
  sw["action"] = "switch";
  EXPECT_TRUE(one(sw).empty());

  EXPECT_EQ(
      Props(one(Message("m7", customer, {staff}, "revoke", {{"pre_msgid", "m1"}}))[0])["pre_msgid"],
      "m1");
  EXPECT_EQ(
      Props(one(Message("m8", customer, {staff}, "agree", {{"userid", customer}}))[0])["agree"],
      true);
  EXPECT_EQ(Props(one(Message("m9", customer, {staff}, "disagree", json()))[0])["agree"], false);
  json mixed = {{"item",
                 {{{"type", "text"}, {"content", R"({"content":"这个"})"}},
                  {{"type", "image"}, {"content", R"({"sdkfileid":"F"})"}},
                  {{"type", "text"}, {"content", R"({"content":"有优惠吗"})"}}}}};
  const json mp = Props(one(Message("m10", customer, {staff}, "mixed", mixed))[0]);
  EXPECT_EQ(mp["text"], "这个\n有优惠吗");
  EXPECT_EQ(mp["parts"], 3);
  EXPECT_EQ(Props(one(Message("m11", staff, {customer}, "file",
                              {{"sdkfileid", "F2"}, {"filename", "价目表.pdf"}}))[0])["name"],
            "价目表.pdf");
}

TEST(ArchiveMessageTest, WhatIsNotAMessageNamesTheField) {
  auto field = [](const json& m) {
    Result<std::vector<Event>> r = MapArchiveMessage(m);
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::string() : r.status().message();
  };
  json m = Message("m1", "wmC", {"lily"}, "text", {{"content", "hi"}});
  json no_id = m;
  no_id.erase("msgid");
  EXPECT_NE(field(no_id).find("msgid"), std::string::npos);
  json no_time = m;
  no_time["msgtime"] = "yesterday";
  EXPECT_NE(field(no_time).find("msgtime"), std::string::npos);
  json huge = m;
  huge["text"]["content"] = std::string(1 << 20, 'a');
  EXPECT_NE(field(huge).find("text"), std::string::npos);
  EXPECT_NE(field(json::array()).find("message"), std::string::npos);
  json no_type = m;
  no_type.erase("msgtype");
  EXPECT_NE(field(no_type).find("msgtype"), std::string::npos);
}

TEST(ConversationKeywordsTest, TheDefaultTableFindsChineseAndEnglishAndTagsTheMessage) {
  const KeywordTable& table = DefaultKeywordTable();
  EXPECT_EQ(FindKeywords(table, "这个多少钱？"), std::vector<std::string>{"price"});
  EXPECT_EQ(FindKeywords(table, "How to BUY it? 有优惠吗"),
            (std::vector<std::string>{"buy", "discount"}));
  EXPECT_TRUE(FindKeywords(table, "谢谢，晚安").empty());
  Result<std::vector<Event>> mapped = MapArchiveMessage(
      Message("k1", "wmC", {"lily"}, "text", {{"content", "尺码偏大吗？多少钱"}}), &table);
  ASSERT_TRUE(mapped.ok());
  EXPECT_EQ(Props((*mapped)[0])["keyword"], "price");
  EXPECT_EQ(Props((*mapped)[0])["keywords"], json({"price", "size"}));
  // Without a table, or a text that says nothing of them: no keyword.
  EXPECT_FALSE(
      Props(
          MapArchiveMessage(Message("k2", "wmC", {"lily"}, "text", {{"content", "多少钱"}}))->at(0))
          .contains("keyword"));

  Result<KeywordTable> mine = ParseKeywordTable(
      json::parse(R"({"keywords": [{"keyword": "trial", "words": ["小样", "Sample"]}]})"));
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(FindKeywords(*mine, "有小样吗"), std::vector<std::string>{"trial"});
  EXPECT_EQ(FindKeywords(*mine, "a SAMPLE please"), std::vector<std::string>{"trial"});
  for (const auto& [bad, field] : std::vector<std::pair<std::string, std::string>>{
           {R"({"keywords": [{"keyword": "Price!", "words": ["x"]}]})", "keywords[0].keyword"},
           {R"({"keywords": [{"keyword": "p", "words": []}]})", "keywords[0].words"},
           {R"({"keywords": [{"keyword": "p", "words": ["ok", ""]}]})", "keywords[0].words[1]"},
           {R"({"keywords": "all"})", "keywords"}}) {
    Result<KeywordTable> r = ParseKeywordTable(json::parse(bad));
    EXPECT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().ToString().find(field), std::string::npos) << r.status().ToString();
  }
}

// Keys made once: RSA key generation takes a while.
const std::string& Pem(int n) {
  static const std::vector<std::string> pems = {NewArchiveKeyPem().value(),
                                                NewArchiveKeyPem().value()};
  return pems[static_cast<size_t>(n)];
}

TEST(ArchiveKeysTest, EachVersionOpensWhatItsPublicKeySealed) {
  ArchiveKeys keys;
  ASSERT_TRUE(keys.Add(1, Pem(0)).ok());
  ASSERT_TRUE(keys.Add(2, Pem(1)).ok());
  const std::string sealed = keys.SealRandomKey(2, "0123456789abcdef").value();
  EXPECT_EQ(keys.OpenRandomKey(2, sealed).value(), "0123456789abcdef");
  const Status wrong = keys.OpenRandomKey(1, sealed).status();
  EXPECT_EQ(wrong.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(wrong.message().find("publickey_ver 1"), std::string::npos) << wrong.ToString();
  EXPECT_EQ(keys.OpenRandomKey(7, sealed).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(keys.OpenRandomKey(2, "not base64 !!").status().code(), StatusCode::kInvalidArgument);
  const Status bad = keys.Add(3, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
  EXPECT_NE(bad.message().find("keys.3"), std::string::npos) << bad.ToString();
}

TEST(FinanceSdkTest, ALibraryWithoutTheApiOrNoneAtAllIsRefused) {
  EXPECT_EQ(FinanceSdk::Load("/nonexistent/libWeWorkFinanceSdk_C.so", "c", "s").status().code(),
            StatusCode::kNotFound);
  // libc is a shared library without the SDK's functions.
  EXPECT_EQ(FinanceSdk::Load("libc.so.6", "c", "s").status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(FinanceSdkError(10007), "no private key for the message's encryption version");
}

// An archive as WeCom's servers would hand it to the SDK: messages of every kind, 1:1 both ways
// and in groups, keys rotated half-way (version 1, then 2), and four items that cannot be used.
class ArchivePullTest : public ::testing::Test {
 protected:
  static constexpr int kMessages = 1'200;

  void SetUp() override {
    EngineOptions o;
    o.data_dir = dir_.path().string();
    engine_ = Engine::Open(o).value();
    ASSERT_TRUE(keys_.Add(1, Pem(0)).ok());
    ASSERT_TRUE(keys_.Add(2, Pem(1)).ok());
    fixture_ = dir_.path().string() + "/archive.jsonl";
    std::ofstream out(fixture_);
    const char* types[] = {"text", "link",   "image", "voice", "video",
                           "file", "revoke", "agree", "mixed", "emotion"};
    for (int i = 0; i < kMessages; ++i) {
      const std::string customer = "wmC" + std::to_string(i % 97);
      const std::string staff = "staff" + std::to_string(i % 5);
      const std::string type = types[i % 10];
      json body = type == "text" ? json{{"content", "第 " + std::to_string(i) + " 条"}}
                                 : json{{"sdkfileid", "F" + std::to_string(i)}};
      if (type == "mixed")
        body = {{"item", {{{"type", "text"}, {"content", R"({"content":"好"})"}}}}};
      json m;
      switch (i % 4) {
        case 0:
          m = Message("msg" + std::to_string(i), customer, {staff}, type, body);
          ++expected_[kMessageReceived];
          break;
        case 1:
          m = Message("msg" + std::to_string(i), staff, {customer}, type, body);
          ++expected_[kMessageSent];
          break;
        case 2:
          m = Message("msg" + std::to_string(i), customer, {staff}, type, body,
                      "wrROOM" + std::to_string(i % 7));
          ++expected_[kGroupMessage];
          break;
        default:  // staff to staff: read, kept out
          m = Message("msg" + std::to_string(i), staff, {"boss"}, type, body);
          ++skipped_;
      }
      m["msgtime"] = 1767225600000LL + i * 1000LL;
      plain_.push_back(m);
      out << Seal(i + 1, m, i < kMessages / 2 ? 1 : 2) << "\n";
    }
    // The items that cannot be used, with seqs after the rest.
    json unknown = Seal(kMessages + 1, plain_[0], 2);
    unknown["publickey_ver"] = 9;  // a version the brand has no key for
    json wrong_key = Seal(kMessages + 2, plain_[1], 2);
    wrong_key["publickey_ver"] = 1;  // sealed for 2, labelled 1
    json corrupt = Seal(kMessages + 3, plain_[2], 1);
    corrupt["encrypt_chat_msg"] = Base64Encode("garbage that is no message");
    json no_time = Message("late", "wmC1", {"staff1"}, "text", {{"content", "x"}});
    no_time.erase("msgtime");
    out << unknown << "\n"
        << wrong_key << "\n"
        << corrupt << "\n"
        << Seal(kMessages + 4, no_time, 1) << "\n";
    out.close();
    setenv("POND_FAKE_ARCHIVE", fixture_.c_str(), 1);
    unsetenv("POND_FAKE_ARCHIVE_FAIL");
  }

  json Seal(int seq, const json& message, int version) {
    return testing::SealArchiveItem(keys_, static_cast<uint64_t>(seq), message, version);
  }

  std::unique_ptr<FinanceSdk> Sdk() {
    Result<std::unique_ptr<FinanceSdk>> sdk =
        FinanceSdk::Load(POND_FAKE_FINANCE_SDK, "wwtestcorp0001", "archive-secret");
    EXPECT_TRUE(sdk.ok()) << sdk.status().ToString();
    return sdk.ok() ? std::move(*sdk) : nullptr;
  }

  std::map<std::string, int64_t> Held(Engine& engine) {
    std::map<std::string, int64_t> held;
    EXPECT_TRUE(
        engine
            .ReadState(kDefaultWorkspace,
                       [&](const TenantState& state) {
                         for (const char* name : {kMessageReceived, kMessageSent, kGroupMessage}) {
                           const uint32_t n = state.FindEventName(name);
                           held[name] = n == kNoIndex
                                            ? 0
                                            : static_cast<int64_t>(state.EventsNamed(n).size());
                         }
                       })
            .ok());
    return held;
  }

  testing::TempDir dir_;
  std::unique_ptr<Engine> engine_;
  ArchiveKeys keys_;
  std::string fixture_;
  std::vector<json> plain_;
  std::map<std::string, int64_t> expected_;
  int64_t skipped_ = 0;
};

TEST_F(ArchivePullTest, EveryMessageOnceAcrossAStopAndRestartWithBadItemsRejected) {
  std::unique_ptr<FinanceSdk> sdk = Sdk();
  ASSERT_TRUE(sdk);
  ArchivePull pull;
  pull.limit = 100;
  int pages = 0;
  pull.on_page = [&](const ArchiveProgress&) { return ++pages < 3; };  // stops, as a crash would
  Result<ArchiveProgress> first = PullArchive(*engine_, *sdk, keys_, kDefaultWorkspace, pull);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->seq, 300u);
  EXPECT_EQ(first->messages, 300);

  // A new process: a new SDK, the cursor from the store.
  sdk = Sdk();
  pull.on_page = nullptr;
  Result<ArchiveProgress> rest = PullArchive(*engine_, *sdk, keys_, kDefaultWorkspace, pull);
  ASSERT_TRUE(rest.ok()) << rest.status().ToString();
  EXPECT_EQ(rest->seq, static_cast<uint64_t>(kMessages + 4));
  EXPECT_EQ(rest->messages, kMessages + 4);
  EXPECT_EQ(rest->skipped, skipped_);
  EXPECT_EQ(rest->rejected, 4);
  ASSERT_EQ(rest->rejects.size(), 4u);
  EXPECT_NE(rest->rejects[0].find("publickey_ver 9"), std::string::npos) << rest->rejects[0];
  EXPECT_NE(rest->rejects[1].find("publickey_ver 1"), std::string::npos) << rest->rejects[1];
  EXPECT_NE(rest->rejects[2].find("10006"), std::string::npos) << rest->rejects[2];
  EXPECT_NE(rest->rejects[3].find("msgtime"), std::string::npos) << rest->rejects[3];
  EXPECT_EQ(Held(*engine_), expected_);
  EXPECT_EQ(rest->events,
            expected_[kMessageReceived] + expected_[kMessageSent] + expected_[kGroupMessage]);

  // Read from the start again (a lost cursor): nothing is stored twice.
  ASSERT_TRUE(engine_->DeleteObject(kDefaultWorkspace, "wecom_archive", "progress").ok());
  Result<ArchiveProgress> again = PullArchive(*engine_, *sdk, keys_, kDefaultWorkspace, pull);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->events, 0);
  EXPECT_EQ(Held(*engine_), expected_);

  // The decrypted messages as an archive tool writes them give the same events.
  testing::TempDir other;
  EngineOptions o;
  o.data_dir = other.path().string();
  std::unique_ptr<Engine> imported = Engine::Open(o).value();
  std::stringstream lines;
  for (const json& m : plain_) lines << m.dump() << "\n";
  lines << "{not json\n";
  Result<ArchiveImport> import = ImportArchiveLines(*imported, kDefaultWorkspace, lines);
  ASSERT_TRUE(import.ok()) << import.status().ToString();
  EXPECT_EQ(import->rejected, 1);
  EXPECT_NE(import->rejects[0].find("line " + std::to_string(kMessages + 1)), std::string::npos);
  EXPECT_EQ(import->skipped, skipped_);
  EXPECT_EQ(Held(*imported), expected_);
  // …and into the store that pulled them: nothing new.
  std::stringstream same;
  for (const json& m : plain_) same << m.dump() << "\n";
  EXPECT_EQ(ImportArchiveLines(*engine_, kDefaultWorkspace, same)->events, 0);
}

TEST_F(ArchivePullTest, StoredSettingsAreSealedAndPullWithTheServiceSdk) {
  const std::string key_file = dir_.path().string() + "/wecom.key";
  std::unique_ptr<ArchiveService> service = ArchiveService::Open(engine_.get(), key_file).value();
  EXPECT_EQ(service->PullNow(kDefaultWorkspace).status().code(), StatusCode::kFailedPrecondition);
  ArchiveConfig config;
  config.sdk_path = POND_FAKE_FINANCE_SDK;
  config.corp_id = "wwtestcorp0001";
  config.secret = "archive-secret-do-not-log";
  config.keys = {{1, Pem(0)}, {2, Pem(1)}};
  for (const auto& [change, field] :
       std::vector<std::pair<std::function<void(ArchiveConfig&)>, std::string>>{
           {[](ArchiveConfig& c) { c.sdk_path = "relative/lib.so"; }, "sdk_path"},
           {[](ArchiveConfig& c) { c.secret.clear(); }, "secret"},
           {[](ArchiveConfig& c) { c.keys.clear(); }, "keys"},
           {[](ArchiveConfig& c) { c.keys[2] = "not a key"; }, "keys.2"}}) {
    ArchiveConfig bad = config;
    change(bad);
    const Status s = service->Configure(kDefaultWorkspace, bad);
    EXPECT_NE(s.ToString().find(field), std::string::npos) << s.ToString();
  }
  EXPECT_FALSE(service->Config(kDefaultWorkspace)->has_value());  // nothing kept
  ASSERT_TRUE(service->Configure(kDefaultWorkspace, config).ok());
  // Sealed: neither the secret nor a key is readable in the store.
  const std::vector<StoredObject> stored =
      engine_->ListObjects(kDefaultWorkspace, "wecom_archive_config").value();
  ASSERT_EQ(stored.size(), 1u);
  for (const StoredObject& o : stored) {
    EXPECT_EQ(o.body.find("archive-secret"), std::string::npos);
    EXPECT_EQ(o.body.find("PRIVATE KEY"), std::string::npos);
  }
  // A new service over the same store and key opens them, and pulls.
  service = ArchiveService::Open(engine_.get(), key_file).value();
  EXPECT_EQ(service->Config(kDefaultWorkspace).value()->secret, config.secret);
  Result<ArchiveProgress> pulled = service->PullNow(kDefaultWorkspace);
  ASSERT_TRUE(pulled.ok()) << pulled.status().ToString();
  EXPECT_EQ(pulled->seq, static_cast<uint64_t>(kMessages + 4));
  EXPECT_EQ(Held(*engine_), expected_);
  EXPECT_EQ(service->PullNow(kDefaultWorkspace)->events, pulled->events);  // nothing new
}

TEST_F(ArchivePullTest, TheSdksErrorEndsTheRunAndKeepsTheCursor) {
  setenv("POND_FAKE_ARCHIVE_FAIL", "10001:1", 1);
  std::unique_ptr<FinanceSdk> sdk = Sdk();
  ASSERT_TRUE(sdk);
  ArchivePull pull;
  Result<ArchiveProgress> failed = PullArchive(*engine_, *sdk, keys_, kDefaultWorkspace, pull);
  EXPECT_EQ(failed.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(failed.status().message().find("10001: network error"), std::string::npos)
      << failed.status().ToString();
  EXPECT_EQ(LoadArchiveProgress(*engine_, kDefaultWorkspace)->seq, 0u);
  Result<ArchiveProgress> next = PullArchive(*engine_, *sdk, keys_, kDefaultWorkspace, pull);
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->seq, static_cast<uint64_t>(kMessages + 4));
  pull.limit = 1001;
  EXPECT_EQ(PullArchive(*engine_, *sdk, keys_, kDefaultWorkspace, pull).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pond::wecom
