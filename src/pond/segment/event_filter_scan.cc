#include "pond/segment/event_filter_scan.h"

#include <algorithm>
#include <unordered_map>

#include "pond/segment/compiled_rule.h"

namespace pond {
namespace {
constexpr size_t kLoadChunk = 10'000;  // events read from the store at once
}  // namespace

Result<Roaring> ScanMatchingEvents(Engine& engine, const TenantState& state, std::string_view event,
                                   const std::vector<PropertyFilter>& filters) {
  Roaring matches;
  const uint32_t name = state.FindEventName(event);
  if (name == kNoIndex) return matches;
  const std::vector<Posting>& postings = state.EventsNamed(name);
  std::unordered_map<int64_t, uint32_t> by_seq;
  std::vector<int64_t> seqs;
  for (size_t at = 0; at < postings.size(); at += kLoadChunk) {
    const size_t end = std::min(postings.size(), at + kLoadChunk);
    by_seq.clear();
    seqs.clear();
    for (size_t k = at; k < end; ++k) {
      seqs.push_back(state.events().seq[postings[k].event]);
      by_seq.emplace(seqs.back(), postings[k].event);
    }
    ASSIGN_OR_RETURN(std::vector<Event> events, engine.LoadEvents(seqs));
    for (const Event& e : events) {
      if (MatchesFilters(e.properties, filters)) matches.add(by_seq.at(e.seq));
    }
  }
  matches.runOptimize();
  return matches;
}

}  // namespace pond
