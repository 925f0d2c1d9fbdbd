#include "pond/engine/event_replay.h"

#include <algorithm>

#include "pond/engine/tenant_state.h"

namespace pond {

std::vector<EventRef> EventRefs(const TenantState& state, const std::vector<std::string>& names,
                                int64_t after) {
  std::vector<EventRef> refs;
  for (const std::string& name : names) {
    const uint32_t id = state.FindEventName(name);
    if (id == kNoIndex) continue;
    for (const Posting& p : state.EventsNamed(id)) {
      const int64_t seq = state.events().seq[p.event];
      if (seq > after) refs.push_back({seq, p.customer});
    }
  }
  std::sort(refs.begin(), refs.end(),
            [](const EventRef& a, const EventRef& b) { return a.seq < b.seq; });
  return refs;
}

Status ForEachLoadedChunk(
    Engine* engine, const std::vector<EventRef>& refs,
    const std::function<void(const std::vector<std::pair<Event, uint32_t>>&)>& each) {
  constexpr size_t kChunk = 10'000;
  for (size_t at = 0; at < refs.size(); at += kChunk) {
    const size_t end = std::min(refs.size(), at + kChunk);
    std::vector<int64_t> seqs;
    for (size_t i = at; i < end; ++i) seqs.push_back(refs[i].seq);
    ASSIGN_OR_RETURN(std::vector<Event> events, engine->LoadEvents(seqs));
    std::sort(events.begin(), events.end(),
              [](const Event& a, const Event& b) { return a.seq < b.seq; });
    std::vector<std::pair<Event, uint32_t>> chunk;
    size_t r = at;
    for (Event& e : events) {
      while (r < end && refs[r].seq < e.seq) ++r;
      if (r == end) break;
      if (refs[r].seq == e.seq) chunk.emplace_back(std::move(e), refs[r].customer);
    }
    each(chunk);
  }
  return Status::Ok();
}

}  // namespace pond
