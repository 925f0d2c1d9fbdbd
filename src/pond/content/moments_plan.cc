#include "pond/content/moments_plan.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "pond/base/time.h"

namespace pond {
namespace {

using Kinds = std::array<double, kContentKinds>;

int MinuteOf(Micros at, int tz) {
  const Micros local = at + static_cast<Micros>(tz) * kMicrosPerSecond;
  const Micros in_day = ((local % kMicrosPerDay) + kMicrosPerDay) % kMicrosPerDay;
  return static_cast<int>(in_day / kMicrosPerMinute);
}

Micros AtMinute(int64_t day, int minute, int tz) {
  return day * kMicrosPerDay + minute * kMicrosPerMinute -
         static_cast<Micros>(tz) * kMicrosPerSecond;
}

bool InWindow(int minute, const MomentsRules& rules) {
  return std::any_of(rules.windows.begin(), rules.windows.end(), [&](const PostingWindow& w) {
    return minute >= w.start_minute && minute <= w.end_minute;
  });
}

// The earliest minutes of the day, on a 30-minute grid inside the windows, each at least the
// gap after the one before: as many posts as the day can hold.
std::vector<int> GreedyMinutes(const MomentsRules& rules) {
  std::vector<int> out;
  for (int m = 0; m < 24 * 60; m += 30) {
    if (!InWindow(m, rules)) continue;
    if (!out.empty() && m - out.back() < rules.min_gap_minutes) continue;
    out.push_back(m);
  }
  return out;
}

// `n` of the greedy minutes, spread evenly (a subset of a spaced set stays spaced).
std::vector<int> SpreadMinutes(const std::vector<int>& greedy, int n) {
  std::vector<int> out;
  const size_t k = greedy.size();
  for (int i = 0; i < n; ++i) {
    const size_t at = n == 1 ? 0 : static_cast<size_t>(i) * (k - 1) / static_cast<size_t>(n - 1);
    out.push_back(greedy[at]);
  }
  return out;
}

}  // namespace

Result<Persona> BuiltInPersona(const std::string& id) {
  //                      knowledge daily  ad    buyer  promo  emotional
  static const std::map<std::string, std::pair<int, Kinds>> kBuiltIn = {
      {"expert", {4, {0.35, 0.15, 0.20, 0.15, 0.05, 0.10}}},
      {"friend", {4, {0.15, 0.35, 0.15, 0.15, 0.05, 0.15}}},
      {"shopkeeper", {5, {0.15, 0.20, 0.25, 0.20, 0.10, 0.10}}},
  };
  auto it = kBuiltIn.find(id);
  if (it == kBuiltIn.end()) {
    return Status::NotFound("persona \"" + id + "\" not found (expert, friend, shopkeeper)");
  }
  return Persona{id, it->second.first, it->second.second};
}

Status CheckRules(const MomentsRules& r) {
  if (r.min_posts < 1 || r.min_posts > r.max_posts || r.max_posts > 20) {
    return FieldError("rules.posts", "1 ≤ min_posts ≤ max_posts ≤ 20");
  }
  if (r.max_ads < 0 || r.max_ads > r.max_posts) {
    return FieldError("rules.max_ads", "from 0 to max_posts");
  }
  if (r.min_gap_minutes < 0 || r.min_gap_minutes > 12 * 60) {
    return FieldError("rules.min_gap_minutes", "from 0 to 720");
  }
  if (r.no_repeat_days < 0 || r.no_repeat_days > 365) {
    return FieldError("rules.no_repeat_days", "from 0 to 365");
  }
  if (r.windows.empty() || r.windows.size() > 12)
    return FieldError("rules.windows", "1 to 12 windows");
  for (const PostingWindow& w : r.windows) {
    if (w.start_minute < 0 || w.end_minute >= 24 * 60 || w.start_minute > w.end_minute) {
      return FieldError("rules.windows", "each from HH:MM to a later HH:MM of the same day");
    }
  }
  if (static_cast<int>(GreedyMinutes(r).size()) < r.min_posts) {
    return FieldError("rules.windows", "the windows hold fewer than min_posts posts " +
                                           std::to_string(r.min_gap_minutes) + " minutes apart");
  }
  return Status::Ok();
}

Status CheckPersona(const Persona& p, const MomentsRules& rules, const std::string& field) {
  if (p.posts_per_day < rules.min_posts || p.posts_per_day > rules.max_posts) {
    return FieldError(field + ".posts_per_day", "from " + std::to_string(rules.min_posts) + " to " +
                                                    std::to_string(rules.max_posts));
  }
  if (p.posts_per_day > static_cast<int>(GreedyMinutes(rules).size())) {
    return FieldError(field + ".posts_per_day", "more posts than the windows hold " +
                                                    std::to_string(rules.min_gap_minutes) +
                                                    " minutes apart");
  }
  double sum = 0;
  for (double share : p.mix) {
    if (share < 0 || share > 1) return FieldError(field + ".mix", "each share from 0 to 1");
    sum += share;
  }
  if (std::abs(sum - 1) > 1e-6) return FieldError(field + ".mix", "the shares must add up to 1");
  return Status::Ok();
}

Result<MomentsPlan> PlanMoments(const MomentsRequest& req, const MomentsRules& rules) {
  RETURN_IF_ERROR(CheckRules(rules));
  RETURN_IF_ERROR(CheckPersona(req.persona, rules));
  if (req.days < 1 || req.days > 366) return FieldError("days", "from 1 to 366");
  const int tz = req.tz_offset_seconds;
  // The persona's items by kind, best first.
  std::array<std::vector<const ContentItem*>, kContentKinds> by_kind;
  for (const ContentItem& item : req.items) {
    if (item.Suits(req.persona.id)) by_kind[static_cast<int>(item.kind)].push_back(&item);
  }
  for (auto& list : by_kind) {
    std::sort(list.begin(), list.end(), [](const ContentItem* a, const ContentItem* b) {
      return a->Score() != b->Score() ? a->Score() > b->Score() : a->id < b->id;
    });
  }
  std::map<std::string, int64_t> last_used;  // item -> local day
  bool last_was_ad = false;
  std::vector<PlannedPost> recent = req.recent;
  std::sort(recent.begin(), recent.end(),
            [](const PlannedPost& a, const PlannedPost& b) { return a.at < b.at; });
  for (const PlannedPost& p : recent) {
    last_used[p.item] = LocalDay(p.at, tz);
    last_was_ad = IsAd(p.kind);
  }
  const std::vector<int> minutes = SpreadMinutes(GreedyMinutes(rules), req.persona.posts_per_day);
  const int64_t first_day = LocalDay(req.from, tz);
  std::array<int64_t, kContentKinds> counts{};
  int64_t total = 0;
  MomentsPlan plan;
  for (int64_t day = first_day; day < first_day + req.days; ++day) {
    int ads_today = 0, posted = 0;
    for (int minute : minutes) {
      // Kinds by how far below their target share they are, were this post theirs.
      std::array<int, kContentKinds> order{};
      for (int k = 0; k < kContentKinds; ++k) order[k] = k;
      auto deficit = [&](int k) {
        return req.persona.mix[k] * static_cast<double>(total + 1) - static_cast<double>(counts[k]);
      };
      std::stable_sort(order.begin(), order.end(),
                       [&](int a, int b) { return deficit(a) > deficit(b); });
      const ContentItem* chosen = nullptr;
      for (int k : order) {
        if (req.persona.mix[k] <= 0) continue;
        const bool ad = IsAd(static_cast<ContentKind>(k));
        if (ad && (last_was_ad || ads_today >= rules.max_ads)) continue;
        for (const ContentItem* item : by_kind[k]) {
          auto used = last_used.find(item->id);
          if (used == last_used.end() || day - used->second >= rules.no_repeat_days) {
            chosen = item;
            break;
          }
        }
        if (chosen) break;
      }
      if (!chosen) continue;
      plan.posts.push_back({req.staff, AtMinute(day, minute, tz), chosen->id, chosen->kind});
      last_used[chosen->id] = day;
      last_was_ad = IsAd(chosen->kind);
      ads_today += last_was_ad;
      ++counts[static_cast<int>(chosen->kind)];
      ++total;
      ++posted;
    }
    if (posted < rules.min_posts) {
      plan.shortfalls.push_back(FormatDate(day) + ": " + std::to_string(posted) +
                                " posts, fewer than " + std::to_string(rules.min_posts) +
                                " (not enough content for this persona that was not posted in "
                                "the last " +
                                std::to_string(rules.no_repeat_days) + " days)");
    }
  }
  return plan;
}

std::vector<MomentsViolation> ValidateMoments(const std::vector<PlannedPost>& all,
                                              const std::vector<ContentItem>& items,
                                              const Persona& persona, const MomentsRules& rules,
                                              Micros from, int days, int tz) {
  std::vector<MomentsViolation> out;
  std::map<std::string, const ContentItem*> by_id;
  for (const ContentItem& i : items) by_id[i.id] = &i;
  std::map<std::string, std::vector<PlannedPost>> by_staff;
  for (const PlannedPost& p : all) by_staff[p.staff].push_back(p);
  for (auto& [staff, posts] : by_staff) {
    std::sort(posts.begin(), posts.end(),
              [](const PlannedPost& a, const PlannedPost& b) { return a.at < b.at; });
    auto add = [&](const char* code, int64_t day, std::vector<std::string> ids, std::string msg) {
      out.push_back({code, staff, day < 0 ? "" : FormatDate(day), std::move(ids), std::move(msg)});
    };
    auto kind_of = [&](const PlannedPost& p) {
      auto it = by_id.find(p.item);
      return it == by_id.end() ? p.kind : it->second->kind;
    };
    std::map<int64_t, std::vector<const PlannedPost*>> by_day;
    std::map<std::string, int64_t> last_day;
    std::array<int64_t, kContentKinds> counts{};
    for (size_t i = 0; i < posts.size(); ++i) {
      const PlannedPost& p = posts[i];
      const int64_t day = LocalDay(p.at, tz);
      by_day[day].push_back(&p);
      auto item = by_id.find(p.item);
      if (item == by_id.end()) {
        add("unknown_item", day, {p.item}, p.item + " is not in the content library");
      } else if (!item->second->Suits(persona.id)) {
        add("persona_fit", day, {p.item}, p.item + " does not suit the persona " + persona.id);
      }
      ++counts[static_cast<int>(kind_of(p))];
      const int minute = MinuteOf(p.at, tz);
      if (!InWindow(minute, rules)) {
        add("outside_window", day, {p.item},
            p.item + " at " + FormatTimeOfDay(minute) + " is outside every posting window");
      }
      if (i > 0) {
        const PlannedPost& before = posts[i - 1];
        if (IsAd(kind_of(before)) && IsAd(kind_of(p))) {
          add("ads_in_a_row", day, {before.item, p.item},
              before.item + " and " + p.item + " are two ads one after the other");
        }
        const Micros gap = p.at - before.at;
        if (gap < static_cast<Micros>(rules.min_gap_minutes) * kMicrosPerMinute) {
          add("too_close", day, {before.item, p.item},
              std::to_string(gap / kMicrosPerMinute) + " minutes between " + before.item + " and " +
                  p.item + ", fewer than " + std::to_string(rules.min_gap_minutes));
        }
      }
      if (auto seen = last_day.find(p.item);
          seen != last_day.end() && day - seen->second < rules.no_repeat_days) {
        add("repeated_item", day, {p.item},
            p.item + " was posted " + std::to_string(day - seen->second) + " days before, within " +
                std::to_string(rules.no_repeat_days));
      }
      last_day[p.item] = day;
    }
    int64_t first = days > 0 ? LocalDay(from, tz) : (by_day.empty() ? 0 : by_day.begin()->first);
    int64_t last = days > 0 ? first + days - 1 : (by_day.empty() ? -1 : by_day.rbegin()->first);
    for (int64_t day = first; day <= last; ++day) {
      auto it = by_day.find(day);
      const int n = it == by_day.end() ? 0 : static_cast<int>(it->second.size());
      std::vector<std::string> ids;
      int ads = 0;
      if (it != by_day.end()) {
        for (const PlannedPost* p : it->second) {
          ids.push_back(p->item);
          ads += IsAd(kind_of(*p));
        }
      }
      if (n < rules.min_posts) {
        add("too_few_posts", day, ids,
            std::to_string(n) + " posts, fewer than " + std::to_string(rules.min_posts));
      }
      if (n > rules.max_posts) {
        add("too_many_posts", day, ids,
            std::to_string(n) + " posts, more than " + std::to_string(rules.max_posts));
      }
      if (ads > rules.max_ads) {
        add("too_many_ads", day, ids,
            std::to_string(ads) + " ads, more than " + std::to_string(rules.max_ads));
      }
    }
    if (last - first + 1 >= rules.mix_min_days && !posts.empty()) {
      for (int k = 0; k < kContentKinds; ++k) {
        const double share = static_cast<double>(counts[k]) / static_cast<double>(posts.size());
        if (std::abs(share - persona.mix[k]) > rules.mix_tolerance + 1e-9) {
          char msg[160];
          std::snprintf(msg, sizeof msg, "%s is %.0f%% of the posts; the persona aims at %.0f%%",
                        ContentKindName(static_cast<ContentKind>(k)), share * 100,
                        persona.mix[k] * 100);
          add("persona_mix", -1, {}, msg);
        }
      }
    }
  }
  return out;
}

}  // namespace pond
