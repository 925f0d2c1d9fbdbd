// Lifecycle stages: where a customer stands in the private-domain funnel.
//
// Stages are an ordered list of (stage, rule) pairs; a customer is in the first stage whose rule
// holds, or in "none". The default list (DOMAIN.md's funnel, most specific first):
//   lost      deleted the staff account (and is no longer a friend)
//   dormant   a friend or buyer for 60+ days with no interaction in the last 60
//   advocate  brought a friend who became a customer (referral_converted, from fission)
//   repeat    two or more paid orders
//   customer  one paid order
//   engaged   a friend who interacted in the last 14 days
//   friend    added a staff account
//   lead      scanned a channel code, not yet a friend
// `stage == "repeat"` in a rule expands to that stage's rule and not the rules before it, so
// stages are kept current by the same incremental upkeep and timers as any segment.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "pond/base/status.h"
#include "pond/segment/rule.h"

namespace pond {

struct StageRule {
  std::string stage;
  std::string rule;  // text form
};

inline constexpr char kNoStage[] = "none";

// The default stages, in order of precedence.
const std::vector<StageRule>& DefaultStages();

// The rule for `stage == name`: name's rule and not any rule before it ("none": no rule).
// NotFound when there is no such stage.
Result<std::unique_ptr<RuleNode>> StageMembershipRule(const std::vector<StageRule>& stages,
                                                      const std::string& name);

}  // namespace pond
