// The demo world's communities and content (docs/demo-world.md, "Communities and content"),
// run through the real CommunityService and ContentService on the simulation's clock:
//   - a content library (tips, daily life, product ads, buyer shows, promotions, emotional
//     posts) and a script library of the questions beauty customers ask;
//   - a club group code (membership: one order or more) that opens the next group from its
//     template when the groups are full; each day some of the staff accounts' friends are
//     routed by it: buyers are placed, fans who never bought are refused with the rule; most of
//     those placed join, members chat (some ads), and each group gets a campaign a week;
//   - every staff account's Moments planned by its persona from the start day, posted day by
//     day (moment_posted), with views and likes feeding the items' performance.
// Every choice follows from the seed.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "pond/community/community_service.h"
#include "pond/content/content_service.h"
#include "pond/engine/engine.h"
#include "pond/sim/demo_params.h"

namespace pond::sim {

struct DemoCommunityParams {
  int start_day = 10;
  int group_capacity = 60;  // small, so that the code rotates in a small world
  int routes_per_day = 12;  // friends who scan the VIP code each day
  double join_share = 0.8;  // of those placed, join the group
  double chat_share = 0.3;  // of members, say something on a given day
};

struct DemoCommunityStats {
  int64_t routed = 0, refused = 0, full = 0, joined = 0, groups = 0, moments = 0, violations = 0;
};

class DemoCommunity {
 public:
  DemoCommunity(Engine& engine, CommunityService& community, ContentService& content,
                const std::vector<StaffParams>& staff, uint64_t seed,
                DemoCommunityParams params = {})
      : engine_(engine),
        community_(community),
        content_(content),
        staff_(staff),
        seed_(seed),
        p_(params) {}

  // After the world's calls of `day` were submitted, with the clock at the end of that day.
  Status AfterDay(int day, int days);
  const DemoCommunityStats& stats() const { return stats_; }

 private:
  Status Open(int day, int days);
  Status Route(int day);
  Status Chatter(int day);
  Status PostMoments(int day);
  double Unit(uint64_t salt) const;

  int zone_ = 0;  // the workspace's, read when the Moments are planned
  Engine& engine_;
  CommunityService& community_;
  ContentService& content_;
  std::vector<StaffParams> staff_;
  uint64_t seed_;
  DemoCommunityParams p_;
  DemoCommunityStats stats_;
  std::map<int64_t, std::vector<PlannedPost>> posts_by_day_;  // local day -> posts
  std::vector<std::pair<std::string, std::string>> members_;  // (customer, group)
  std::vector<std::string> routed_;                           // customers routed already
};

}  // namespace pond::sim
