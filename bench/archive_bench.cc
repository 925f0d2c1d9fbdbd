// bench/archive: the chat archive pulled through the SDK double (src/pond/testing/
// fake_finance_sdk.cc, loaded with dlopen like the vendor's) into a real engine (SQLite data
// dir), beside the same events submitted straight to another engine in the same process.
//
//   (a) direct — the events the messages map to, built by MapArchiveMessage from the decrypted
//                JSON and submitted 1,000 at a time: the engine's rate, the comparison;
//   (b) pull   — PullArchive from seq 0: GetChatData pages of 1,000, each random key opened with
//                a 2,048-bit RSA key (two versions, rotated half-way), DecryptData, mapping,
//                submission, the cursor saved: messages per second, and the ratio of (a)'s
//                seconds;
//   (c) again  — the cursor lost, everything read again: nothing is stored.
// Usage: archive_bench [--messages N]   (default 50,000; 1:1 both ways and in groups)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "pond/channels/wecom/archive_ingest.h"
#include "pond/channels/wecom/archive_message.h"
#include "pond/testing/archive_fixture.h"
#include "pond/testing/temp_dir.h"

using namespace pond;
using Steady = std::chrono::steady_clock;

namespace {

double Seconds(Steady::time_point since) {
  return std::chrono::duration<double>(Steady::now() - since).count();
}

int Fail(const Status& s) {
  std::fprintf(stderr, "archive_bench: %s\n", s.ToString().c_str());
  return 1;
}

Result<std::unique_ptr<Engine>> OpenEngine(const testing::TempDir& dir) {
  EngineOptions o;
  o.data_dir = dir.path().string();
  return Engine::Open(o);
}

}  // namespace

int main(int argc, char** argv) {
  int messages = 50'000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--messages")) messages = std::atoi(argv[i + 1]);
  }
  wecom::ArchiveKeys keys;
  for (int v : {1, 2}) {
    Result<std::string> pem = wecom::NewArchiveKeyPem();
    if (!pem.ok()) return Fail(pem.status());
    if (Status s = keys.Add(v, *pem); !s.ok()) return Fail(s);
  }
  testing::TempDir fixture_dir;
  const std::string fixture = fixture_dir.path().string() + "/archive.jsonl";
  std::vector<nlohmann::json> plain;
  {
    std::ofstream out(fixture);
    for (int i = 0; i < messages; ++i) {
      const std::string customer = "wmBench" + std::to_string(i % 5'000);
      const std::string staff = "staff" + std::to_string(i % 20);
      const nlohmann::json body = {{"content", "第 " + std::to_string(i) + " 条：多少钱？"}};
      const int64_t at = 1'767'225'600'000LL + i * 1'000LL;
      const std::string id = "bench" + std::to_string(i);
      nlohmann::json m = i % 3 == 0 ? testing::ArchiveMessage(id, customer, staff, "text", body, at)
                         : i % 3 == 1
                             ? testing::ArchiveMessage(id, staff, customer, "text", body, at)
                             : testing::ArchiveMessage(id, customer, staff, "text", body, at,
                                                       "wrBenchRoom" + std::to_string(i % 50));
      out << testing::SealArchiveItem(keys, static_cast<uint64_t>(i + 1), m,
                                      i < messages / 2 ? 1 : 2)
          << "\n";
      plain.push_back(std::move(m));
    }
  }
  setenv("POND_FAKE_ARCHIVE", fixture.c_str(), 1);
  std::printf("archive_bench: %d messages (1:1 both ways and in groups), two RSA-2048 keys\n",
              messages);

  // (a) direct.
  double direct = 0;
  {
    testing::TempDir dir;
    auto engine = OpenEngine(dir);
    if (!engine.ok()) return Fail(engine.status());
    std::vector<Event> events;
    for (const nlohmann::json& m : plain) {
      Result<std::vector<Event>> mapped = wecom::MapArchiveMessage(m);
      if (!mapped.ok()) return Fail(mapped.status());
      for (Event& e : *mapped) events.push_back(std::move(e));
    }
    const auto started = Steady::now();
    for (size_t i = 0; i < events.size(); i += 1000) {
      std::vector<Event> batch(
          events.begin() + static_cast<long>(i),
          events.begin() + static_cast<long>(std::min(events.size(), i + 1000)));
      if (Status s = (*engine)->Submit(kDefaultWorkspace, std::move(batch)).status(); !s.ok()) {
        return Fail(s);
      }
    }
    direct = Seconds(started);
    std::printf("(a) direct: %.2f s, %.0f events/s (the mapped events straight to the engine)\n",
                direct, static_cast<double>(events.size()) / direct);
  }

  testing::TempDir dir;
  auto engine = OpenEngine(dir);
  if (!engine.ok()) return Fail(engine.status());
  auto sdk = wecom::FinanceSdk::Load(POND_FAKE_FINANCE_SDK, "wwbench", "bench-secret");
  if (!sdk.ok()) return Fail(sdk.status());
  for (const char* run : {"(b) pull", "(c) again"}) {
    if (Status s = (*engine)->DeleteObject(kDefaultWorkspace, "wecom_archive", "progress").status();
        !s.ok()) {
      return Fail(s);
    }
    const auto started = Steady::now();
    Result<wecom::ArchiveProgress> r =
        wecom::PullArchive(**engine, **sdk, keys, kDefaultWorkspace, {});
    if (!r.ok()) return Fail(r.status());
    const double s = Seconds(started);
    std::printf(
        "%s: %.2f s, %.0f messages/s, %lld events stored, %lld rejected, %.2f× the "
        "direct seconds\n",
        run, s, messages / s, static_cast<long long>(r->events),
        static_cast<long long>(r->rejected), s / direct);
  }
  return 0;
}
