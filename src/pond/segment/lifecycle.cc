#include "pond/segment/lifecycle.h"

namespace pond {
namespace {

// What counts as the customer interacting (not the brand writing to them).
constexpr char kInteracted14[] =
    "(last(message_received) within 14d or last(moment_liked) within 14d or "
    "last(questionnaire_submitted) within 14d or last(content_viewed) within 14d or "
    "last(group_joined) within 14d)";
constexpr char kInteracted60[] =
    "(last(message_received) within 60d or last(moment_liked) within 60d or "
    "last(questionnaire_submitted) within 60d or last(content_viewed) within 60d or "
    "last(group_joined) within 60d or last(order_paid) within 60d)";

std::unique_ptr<RuleNode> Node(RuleKind kind) {
  auto n = std::make_unique<RuleNode>();
  n->kind = kind;
  return n;
}

}  // namespace

const std::vector<StageRule>& DefaultStages() {
  static const std::vector<StageRule> stages = {
      {"lost", R"(count(friend_deleted) >= 1 and not has_tag("pond:friend"))"},
      {"dormant",
       R"((first(friend_added) older_than 60d or first(order_paid) older_than 60d) and not )" +
           std::string(kInteracted60)},
      {"advocate", "count(referral_converted) >= 1"},
      {"repeat", "count(order_paid) >= 2"},
      {"customer", "count(order_paid) >= 1"},
      {"engaged", R"(has_tag("pond:friend") and )" + std::string(kInteracted14)},
      {"friend", R"(has_tag("pond:friend"))"},
      {"lead", "count(channel_scanned) >= 1"},
  };
  return stages;
}

Result<std::unique_ptr<RuleNode>> StageMembershipRule(const std::vector<StageRule>& stages,
                                                      const std::string& name) {
  auto all = Node(RuleKind::kAnd);
  bool found = name == kNoStage;
  for (const StageRule& s : stages) {
    ASSIGN_OR_RETURN(std::unique_ptr<RuleNode> rule, ParseRule(s.rule));
    if (s.stage == name) {
      all->children.push_back(std::move(rule));
      found = true;
      break;
    }
    auto negated = Node(RuleKind::kNot);
    negated->children.push_back(std::move(rule));
    all->children.push_back(std::move(negated));
  }
  if (!found) {
    std::string known;
    for (const StageRule& s : stages) known += s.stage + ", ";
    return Status::NotFound("no stage \"" + name + "\" (stages: " + known + kNoStage + ")");
  }
  if (all->children.size() == 1) return std::move(all->children[0]);
  return all;
}

}  // namespace pond
