// Bargaining (砍价): a customer shares a product; each friend who helps cuts the price, and after
// H helpers it reaches the floor price. The cuts must add up to exactly start − floor, every cut
// must be at least 1 fen, and no cut may overshoot the floor — the open-source shops' histories
// have bargains stuck 1 fen above the floor, or cut below it.
//
// THE ALGORITHM ("twice the mean", as WeChat's red packets split an amount). With R fen left to
// cut and k helpers left (this one included):
//   k = 1:  the cut is R — the last helper reaches the floor exactly;
//   k > 1:  the cut is uniform in [1, min(R − (k − 1), 2R/k − 1)], at least 1.
// The upper bound leaves every later helper at least 1 fen, so the floor is reached exactly at
// the H-th helper and never before; 2R/k keeps the cuts around the mean R/k, so early helpers do
// not take it all. Each draw comes from a hash of (seed, bargain, helper number): the same
// bargain gives the same cuts whatever the order of other bargains, which makes tests (and a
// replay) deterministic.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pond/base/status.h"

namespace pond {

struct BargainRules {
  int64_t start_fen = 0;
  int64_t floor_fen = 0;
  int helpers = 0;  // H
};

// start > floor ≥ 0, 1 ≤ H ≤ 10,000, and start − floor ≥ H (every helper cuts a fen or more).
Status ValidateBargain(const BargainRules& rules);

// The cut of the `helper`-th helper (1-based) when `cut_so_far` was cut before.
// REQUIRES: valid rules, 1 ≤ helper ≤ H, cut_so_far as the earlier helpers' cuts left it.
int64_t BargainCut(const BargainRules& rules, uint64_t seed, const std::string& bargain_id,
                   int helper, int64_t cut_so_far);

// Every cut of one bargain, in order (for tests and the console's preview).
std::vector<int64_t> BargainCuts(const BargainRules& rules, uint64_t seed,
                                 const std::string& bargain_id);

}  // namespace pond
