// The registry against itself and against the docs: each name once, each documented on the
// page the registry names, and every event docs/events.md's table lists is in the registry.
#include "pond/model/event_names.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace pond {
namespace {

std::string Doc(std::string_view page) {
  std::ifstream in(std::string(POND_SOURCE_DIR) + "/docs/" + std::string(page));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(EventNamesTest, EachNameIsRegisteredOnceInSnakeCase) {
  std::set<std::string_view> seen;
  for (const StandardEvent& e : StandardEvents()) {
    EXPECT_TRUE(seen.insert(e.name).second) << e.name;
    EXPECT_TRUE(std::regex_match(std::string(e.name), std::regex("[a-z]+(_[a-z]+)+"))) << e.name;
    EXPECT_EQ(FindStandardEvent(e.name), &e);
  }
  EXPECT_EQ(FindStandardEvent("my_own_event"), nullptr);
}

TEST(EventNamesTest, OnlyMoneyRewardAndGroupPlaceEventsAreRefusedFromClients) {
  EXPECT_TRUE(IsWrittenOnlyByPond(kCommissionAccrued));
  EXPECT_TRUE(IsWrittenOnlyByPond(kFissionRewardGranted));
  EXPECT_TRUE(IsWrittenOnlyByPond(kGroupRouted));
  EXPECT_FALSE(IsWrittenOnlyByPond(kOrderPaid));
  EXPECT_FALSE(IsWrittenOnlyByPond(kDistributorLinkOpened));
  EXPECT_FALSE(IsWrittenOnlyByPond(kMessageSent));
  EXPECT_FALSE(IsWrittenOnlyByPond("anything_else"));
}

TEST(EventNamesTest, EveryEventIsDocumentedOnItsPage) {
  for (const StandardEvent& e : StandardEvents()) {
    const std::string page = Doc(e.doc);
    ASSERT_FALSE(page.empty()) << "docs/" << e.doc << " is missing";
    // `name` alone, or `name {properties}`.
    const std::string quoted = "`" + std::string(e.name);
    EXPECT_TRUE(page.find(quoted + "`") != std::string::npos ||
                page.find(quoted + " {") != std::string::npos)
        << e.name << " is not named in docs/" << e.doc;
  }
}

TEST(EventNamesTest, EveryEventInTheEventsPagesTableIsRegistered) {
  const std::string page = Doc("events.md");
  const size_t start = page.find("## Standard private-domain events");
  ASSERT_NE(start, std::string::npos);
  std::istringstream lines(page.substr(start));
  const std::regex row("^\\| `([a-z_]+)` \\|");
  int rows = 0;
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (!std::regex_search(line, m, row)) continue;
    ++rows;
    EXPECT_NE(FindStandardEvent(m[1].str()), nullptr) << m[1].str();
  }
  EXPECT_GE(rows, 18);
}

}  // namespace
}  // namespace pond
