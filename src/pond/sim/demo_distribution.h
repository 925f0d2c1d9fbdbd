// The demo world's distribution programme (docs/demo-world.md, "Distribution"): from a start
// day, the best repeat buyers become distributors (a first level, and a second level each of
// them recruited), some of each day's new customers open a distributor's link, and every week
// distributors withdraw what is available: the operator approves most, rejects a few and marks
// the approved ones paid a week later. Everything goes through the real DistributionService (and
// PayoutService) on the simulation's clock, so commission accrues, is reversed by the world's
// refunds and is released after the after-sale window exactly as it would be live.
#pragma once

#include <cstdint>

#include "pond/distribution/payout_service.h"
#include "pond/engine/engine.h"

namespace pond::sim {

struct DemoDistributionParams {
  int start_day = 20;                  // the programme opens on this day of the simulation
  int first_level = 40;                // top repeat buyers approved on the start day
  int second_level = 160;              // recruited by them, round robin
  double link_share = 0.08;            // of each day's new customers, open a distributor's link
  int64_t min_withdrawal_fen = 5'000;  // distributors withdraw once ¥50 is available
  int reject_one_in = 20;              // the operator rejects one withdrawal in this many
};

class DemoDistribution {
 public:
  DemoDistribution(Engine& engine, DistributionService& service, uint64_t seed,
                   DemoDistributionParams params = {})
      : engine_(engine), service_(service), payouts_(&service), seed_(seed), p_(params) {}

  // After the world's calls of `day` were submitted, with the clock at the end of that day.
  Status AfterDay(int day);

  int64_t distributors() const { return distributors_; }

 private:
  Status OpenProgramme();
  Status OpenLinks(int day);
  Status Withdrawals(int day);

  Engine& engine_;
  DistributionService& service_;
  PayoutService payouts_;
  uint64_t seed_;
  DemoDistributionParams p_;
  int64_t distributors_ = 0;
  size_t customers_seen_ = 0;     // dense customers already considered for links
  std::vector<std::string> ids_;  // the distributors, first level first
};

}  // namespace pond::sim
