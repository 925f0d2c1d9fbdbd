// The demo world's fission campaigns (docs/demo-world.md, "Fission"): one of each kind, run
// through the real FissionService on the simulation's clock from a start day.
//   - a task campaign ("invite 3 friends who buy the ¥9.90 trial: a ¥20 coupon; 10: the mask"):
//     the best buyers get posters; each day some of them bring friends, who arrive with the code
//     (invite_accepted with their device and IP) and most of whom buy the trial. One inviter in
//     twenty runs a phone farm: several new accounts on one device, buying at once — their
//     rewards wait in the review queue;
//   - a group buy (groups of 3 for 24 hours): buyers open groups, friends join; some fill, the
//     rest expire and are refunded;
//   - a bargain (¥169 down to ¥9.90 with 5 helpers): buyers start bargains, friends help.
// Every choice follows from the seed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pond/engine/engine.h"
#include "pond/fission/fission_service.h"

namespace pond::sim {

struct DemoFissionParams {
  int start_day = 30;
  int participants = 300;          // posters handed out on the start day
  double inviting_per_day = 0.05;  // of participants, bring friends on a given day
  double farm_share = 0.05;        // of inviting participants, run a phone farm instead
  double trial_share = 0.6;        // of honest friends, buy the ¥9.90 trial
  int groups_per_day = 4;
  int bargains_per_day = 3;
};

class DemoFission {
 public:
  DemoFission(Engine& engine, FissionService& service, uint64_t seed, DemoFissionParams params = {})
      : engine_(engine), service_(service), seed_(seed), p_(params) {}

  // After the world's calls of `day` were submitted, with the clock at the end of that day.
  Status AfterDay(int day, int days);

 private:
  Status Open(int day, int days);
  Status Invite(int day);
  Status GroupsAndBargains(int day);
  double Unit(uint64_t salt);
  std::string NewFriend();

  Engine& engine_;
  FissionService& service_;
  uint64_t seed_;
  DemoFissionParams p_;
  std::vector<std::pair<std::string, std::string>> posters_;  // (participant, code)
  std::vector<std::string> buyers_;                           // who open groups and bargains
  int64_t friends_made_ = 0;
  uint64_t draws_ = 0;
};

}  // namespace pond::sim
