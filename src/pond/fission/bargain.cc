#include "pond/fission/bargain.h"

#include <algorithm>

#include "pond/base/hash.h"

namespace pond {

Status ValidateBargain(const BargainRules& r) {
  if (r.floor_fen < 0) return FieldError("floor_fen", "must not be negative");
  if (r.start_fen <= r.floor_fen) return FieldError("start_fen", "must be above floor_fen");
  if (r.start_fen > 100'000'000) return FieldError("start_fen", "at most 100,000,000 fen");
  if (r.helpers < 1 || r.helpers > 10'000) return FieldError("helpers", "between 1 and 10000");
  if (r.start_fen - r.floor_fen < r.helpers) {
    return FieldError("helpers", "more helpers than fen to cut: each cuts at least 1 fen");
  }
  return Status::Ok();
}

int64_t BargainCut(const BargainRules& r, uint64_t seed, const std::string& bargain_id, int helper,
                   int64_t cut_so_far) {
  const int64_t left = r.start_fen - r.floor_fen - cut_so_far;
  const int64_t k = r.helpers - helper + 1;  // helpers left, this one included
  if (k <= 1) return left;
  const int64_t most = std::max<int64_t>(1, std::min(left - (k - 1), 2 * left / k - 1));
  const uint64_t draw = Mix64(Mix64(seed ^ Fnv1a64(bargain_id)) + static_cast<uint64_t>(helper));
  return 1 + static_cast<int64_t>(draw % static_cast<uint64_t>(most));
}

std::vector<int64_t> BargainCuts(const BargainRules& r, uint64_t seed,
                                 const std::string& bargain_id) {
  std::vector<int64_t> cuts;
  int64_t so_far = 0;
  for (int h = 1; h <= r.helpers; ++h) {
    cuts.push_back(BargainCut(r, seed, bargain_id, h, so_far));
    so_far += cuts.back();
  }
  return cuts;
}

}  // namespace pond
