// TagService: the tags pond sets itself — in bulk (by list or by rule), from questionnaire
// answers, automatically while a rule holds — and the tag groups that label, close and make
// exclusive the part of a tag before its colon. Answers, automatic tags and exclusive groups
// act per event inside LiveRules, which queues their tag_added / tag_removed events.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "pond/engine/engine.h"
#include "pond/segment/live_rules.h"
#include "pond/segment/rule.h"

namespace pond {

class TagService {
 public:
  explicit TagService(LiveRules* rules) : rules_(rules), engine_(rules->engine()) {}

  // Tags many customers at once: those named in `customers` (ids, kind:value identities or
  // userIds; at most kMaxBulkCustomers), or every customer a rule selects now. Customers that
  // already have (or lack) a tag get no event for it, so a repeated call changes nothing.
  // Bad input (an unknown customer, a bad tag) changes nothing. Events go in batches of
  // kMaxEventsPerSubmit; if the store fails midway, calling again finishes the job.
  struct BulkTagRequest {
    std::vector<std::string> add, remove;
    std::vector<std::string> customers;
    std::unique_ptr<RuleNode> rule;  // instead of `customers`
    std::string by;                  // recorded on each event ("api:bulk", "cli")
  };
  struct BulkTagResult {
    int64_t customers = 0;  // customers the request named or selected
    int64_t events = 0;     // tag events submitted
  };
  static constexpr size_t kMaxBulkCustomers = 10'000;
  Result<BulkTagResult> BulkTag(const std::string& ws, const BulkTagRequest& request);

  // Questionnaire answers to tags: when a `questionnaire_submitted` event's
  // properties.answers (question → answer, or a list of answers) match a row, the customer gets
  // the row's tag (by "questionnaire:<name>"); a newer answer replaces the older tag of the same
  // group ("skin:oily" → "skin:dry"). The whole table is replaced at once.
  struct AnswerTag {
    std::string questionnaire;  // empty: any questionnaire
    std::string question;
    std::string answer;
    std::string tag;
  };
  static constexpr size_t kMaxAnswerTags = 1000;
  Status SetAnswerTags(const std::string& ws, std::vector<AnswerTag> rows);
  Result<std::vector<AnswerTag>> AnswerTags(const std::string& ws);

  // Automatic tags: while a row's rule holds for a customer, the customer carries its tag;
  // entering the rule adds the tag and leaving removes it (events with by "rule:<rule>"), kept
  // current like segments. The tag belongs to its rule: setting it by hand or in bulk is
  // refused. A rule may not use has_tag of an automatic tag, nor in_segment (tags change
  // through events that follow, so rules reading each other's tags could flip each other
  // forever). The whole table is replaced at once; a tag no longer in it stays where it is.
  struct TagRule {
    std::string tag;
    std::string rule;       // canonical text
    int64_t customers = 0;  // members now (answers)
  };
  struct TagRuleSpec {
    std::string tag;
    std::unique_ptr<RuleNode> rule;
  };
  static constexpr size_t kMaxTagRules = 100;
  Status SetTagRules(const std::string& ws, std::vector<TagRuleSpec> rows);
  Result<std::vector<TagRule>> TagRules(const std::string& ws);

  // Tag groups: the part of "skin:oily" before the colon, declared with a label for the console,
  // optionally a closed list of values ("skin": oily, dry, combination, sensitive) and whether it
  // is exclusive (a customer carries at most one tag of it: a tag_added of the group removes
  // the customer's other tags of the group, with tag_removed events by "group:<name>"). The
  // whole list is replaced at once. Groups only seen in tags are listed too, undeclared.
  struct TagGroup {
    std::string name;
    std::string label;
    bool exclusive = false;
    std::vector<std::string> values;  // empty: any value
  };
  struct TagCount {
    std::string tag;
    int64_t customers = 0;
  };
  struct TagGroupView {
    TagGroup group;
    bool declared = false;
    std::vector<TagCount> tags;  // tags of the group that customers carry, by tag
  };
  static constexpr size_t kMaxTagGroups = 200;
  static constexpr size_t kMaxTagGroupValues = 100;
  Status SetTagGroups(const std::string& ws, std::vector<TagGroup> groups);
  Result<std::vector<TagGroupView>> TagGroups(const std::string& ws);

 private:
  LiveRules* rules_;
  Engine* engine_;
};

// Refuses tags that belong to an automatic tag's rule, and (when adding) values a declared tag
// group does not list, for the paths that set tags by hand (it reads the stored tables, so the
// CLI needs no running service). Errors name `field`[i].
Status CheckManualTags(Engine& engine, const std::string& ws, const std::vector<std::string>& tags,
                       const std::string& field = "tags", bool adding = true);

}  // namespace pond
