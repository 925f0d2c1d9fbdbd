// The invitation forest: first-touch attribution, no self-invitation, no loops, qualification
// going up and down; and a forest built from real data (SNAP's CollegeMsg, where the first
// message a student receives before sending any stands for the invitation that brought them),
// whose depth distribution and K-factor are checked against a computation written separately
// here.
#include "pond/fission/invite_forest.h"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

namespace pond {
namespace {

TEST(InviteForestTest, FirstTouchNoSelfNoLoopsAndQualificationBothWays) {
  InviteForest f;
  EXPECT_EQ(f.Invite("ann", "bob", 1), InviteOutcome::kAttributed);
  EXPECT_EQ(f.Invite("bob", "cat", 2), InviteOutcome::kAttributed);
  EXPECT_EQ(f.Invite("dan", "cat", 3), InviteOutcome::kAlreadyInvited);  // first touch wins
  EXPECT_EQ(f.Invite("cat", "cat", 4), InviteOutcome::kSelf);
  EXPECT_EQ(f.Invite("cat", "ann", 5), InviteOutcome::kLoop);  // ann is up cat's line
  EXPECT_EQ(f.InviterOf("cat"), "bob");
  EXPECT_EQ(f.Depth("ann"), 0);
  EXPECT_EQ(f.Depth("cat"), 2);
  EXPECT_EQ(f.Depth("nobody"), -1);
  EXPECT_EQ(f.DepthHistogram(), (std::map<int, int64_t>{{0, 1}, {1, 1}, {2, 1}}));

  EXPECT_TRUE(f.SetQualified("bob", true));
  EXPECT_TRUE(f.SetQualified("bob", true));  // again: counted once
  EXPECT_TRUE(f.SetQualified("cat", true));
  EXPECT_FALSE(f.SetQualified("ann", true));  // nobody invited ann
  EXPECT_EQ(f.StatsOf("ann").qualified, 1);
  EXPECT_EQ(f.qualified(), 2);
  EXPECT_EQ(f.participants(), 2);             // ann and bob invited; cat took no part yet
  EXPECT_DOUBLE_EQ(f.KFactor(), 1.0);         // 2 qualified / 2 participants
  EXPECT_TRUE(f.SetQualified("cat", false));  // a refund: the count goes down
  EXPECT_EQ(f.StatsOf("bob").qualified, 0);
  EXPECT_DOUBLE_EQ(f.KFactor(), 0.5);
  EXPECT_DOUBLE_EQ(f.Conversion(), 0.5);
  EXPECT_DOUBLE_EQ(f.InvitesPerParticipant(), 1.0);
  const auto top = f.TopInviters(10);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].first, "ann");  // 1 qualified (bob) beats bob's 0
  EXPECT_EQ(top[0].second.qualified, 1);
  EXPECT_EQ(f.TopInviters(1).size(), 1u);
  f.Join("eve");  // shares the poster, brings nobody
  EXPECT_DOUBLE_EQ(f.KFactor(), 1.0 / 3);
  EXPECT_EQ(f.Depth("eve"), 0);
}

TEST(InviteForestTest, CollegeMsgForestMatchesAnIndependentCount) {
  std::ifstream in(std::string(POND_SHARED_DATA) + "/invite-graphs/college_msg.txt");
  ASSERT_TRUE(in.good());
  std::string header;
  std::getline(in, header);
  struct Edge {
    std::string src, dst;
    int64_t t;
  };
  std::vector<Edge> edges;
  for (Edge e; in >> e.src >> e.dst >> e.t;) edges.push_back(e);
  ASSERT_EQ(edges.size(), 59'835u);
  std::stable_sort(edges.begin(), edges.end(),
                   [](const Edge& a, const Edge& b) { return a.t < b.t; });

  // The library: a node is invited by the first message it receives before it has sent one, and
  // qualifies when it sends its own first message.
  InviteForest forest;
  std::set<std::string> sent;
  for (const Edge& e : edges) {
    if (!sent.count(e.dst) && e.src != e.dst) forest.Invite(e.src, e.dst, e.t);
    if (sent.insert(e.src).second) {  // a first message: they take part, and qualify
      forest.Join(e.src);
      forest.SetQualified(e.src, true);
    }
  }

  // Independently: parents from the same rule with plain maps, depth by recursion.
  std::map<std::string, std::string> parent;
  std::set<std::string> nodes, active;
  for (const Edge& e : edges) {
    if (!active.count(e.dst) && !parent.count(e.dst) && e.src != e.dst) {
      parent[e.dst] = e.src;
      nodes.insert(e.dst);
    }
    nodes.insert(e.src);
    active.insert(e.src);
  }
  std::function<int(const std::string&)> depth = [&](const std::string& n) {
    auto it = parent.find(n);
    return it == parent.end() ? 0 : 1 + depth(it->second);
  };
  std::map<int, int64_t> histogram;
  std::set<std::string> inviters;
  int64_t qualified = 0;
  for (const std::string& n : nodes) ++histogram[depth(n)];
  for (const auto& [child, p] : parent) {
    inviters.insert(p);
    qualified += active.count(child);
  }

  EXPECT_EQ(forest.nodes(), static_cast<int64_t>(nodes.size()));
  EXPECT_EQ(forest.invites(), static_cast<int64_t>(parent.size()));
  EXPECT_EQ(forest.inviters(), static_cast<int64_t>(inviters.size()));
  EXPECT_EQ(forest.participants(), static_cast<int64_t>(active.size()));
  EXPECT_EQ(forest.qualified(), qualified);
  EXPECT_EQ(forest.DepthHistogram(), histogram);
  EXPECT_DOUBLE_EQ(forest.KFactor(),
                   static_cast<double>(qualified) / static_cast<double>(active.size()));
  // What the data says, for the record: most of the community came in by invitation.
  EXPECT_GT(forest.invites(), forest.nodes() / 2);
  EXPECT_GT(histogram.size(), 3u);
}

}  // namespace
}  // namespace pond
