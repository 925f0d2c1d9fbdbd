#include "pond/analytics/funnel.h"

#include <algorithm>
#include <array>
#include <bit>
#include <map>
#include <memory>

#include "pond/analytics/parallel_scan.h"
#include "pond/analytics/value_report.h"
#include "pond/segment/compiled_rule.h"
#include "pond/segment/event_filter_scan.h"
#include "pond/segment/segment_service.h"

namespace pond::analytics {
namespace {

// One of the customer's events that some step takes: its time, its index (the log order) and a
// bit per step it can stand for.
struct StepEvent {
  Micros at;
  uint32_t event;
  uint32_t steps;
};

// The path kept for one depth: each step's time.
struct Path {
  bool on = false;
  std::array<Micros, kMaxFunnelSteps> at{};
};

// The deepest path of one customer's events (sorted), or depth 0. Writes its times to `best`.
size_t DeepestPath(const std::vector<StepEvent>& events, const FunnelQuery& q,
                   std::array<Micros, kMaxFunnelSteps>* best) {
  const size_t n = q.steps.size();
  std::array<Path, kMaxFunnelSteps> paths{};
  size_t depth = 0;
  for (const StepEvent& e : events) {
    // Deepest step first, so that this event extends paths made of earlier events only.
    for (size_t k = n; k-- > 0;) {
      if (!(e.steps >> k & 1)) continue;
      if (k == 0) {
        if (e.at < q.from || e.at >= q.to) continue;
        paths[0].on = true;
        paths[0].at[0] = e.at;  // the latest step 1 replaces an earlier one
      } else {
        if (!paths[k - 1].on || e.at - paths[k - 1].at[0] > q.window) continue;
        paths[k] = paths[k - 1];
        paths[k].at[k] = e.at;
      }
      if (k + 1 > depth) {
        depth = k + 1;
        *best = paths[k].at;
      }
    }
  }
  return depth;
}

}  // namespace

void FunnelTally::Add(const Micros* times, size_t depth) {
  for (size_t k = 0; k < depth; ++k) {
    ++reached_[k];
    if (k > 0) gaps_[k].push_back((times[k] - times[k - 1]) / kMicrosPerSecond);
  }
}

void FunnelTally::Merge(const FunnelTally& other) {
  for (size_t k = 0; k < reached_.size(); ++k) {
    reached_[k] += other.reached_[k];
    gaps_[k].insert(gaps_[k].end(), other.gaps_[k].begin(), other.gaps_[k].end());
  }
}

FunnelCounts FunnelTally::Finish(std::string channel) {
  FunnelCounts out;
  out.channel = std::move(channel);
  out.reached = reached_;
  for (auto& gaps : gaps_) out.median_seconds.push_back(UpperMedian(gaps));
  return out;
}

FunnelReport ComputeFunnel(const TenantState& state, const FunnelQuery& q) {
  const size_t n = q.steps.size();
  // Which steps each interned event name can stand for.
  std::vector<uint32_t> steps_of(state.event_names().size(), 0);
  for (size_t k = 0; k < n; ++k) {
    if (q.steps[k].name < steps_of.size()) steps_of[q.steps[k].name] |= 1u << k;
  }
  // A filtered step's events as a flat bitset over event indexes: the scan tests one bit per
  // event of that name, cheaper than a lookup in the compressed bitmap (a million customers'
  // steps are millions of lookups).
  std::vector<std::vector<uint64_t>> only(n);
  for (size_t k = 0; k < n; ++k) {
    if (q.steps[k].matches == nullptr) continue;
    only[k].assign((state.events().size() + 63) / 64, 0);
    for (uint32_t e : *q.steps[k].matches) {
      if (e / 64 < only[k].size()) only[k][e / 64] |= uint64_t{1} << (e % 64);
    }
  }
  const CustomerColumns& c = state.customers();
  // Each part of the scan tallies on its own; the parts are merged in order.
  struct Part {
    explicit Part(size_t n) : total(n) {}
    FunnelTally total;
    std::map<uint32_t, FunnelTally> by_channel;
    std::vector<StepEvent> events;
    std::array<Micros, kMaxFunnelSteps> best{};
  };
  std::vector<Part> parts(ScanParts(state.live().cardinality()), Part(n));
  ScanLiveInParts(state.live(), parts.size(), [&](size_t part, uint32_t customer) {
    Part& p = parts[part];
    p.events.clear();
    for (const HistoryEntry& h : c.history[customer]) {
      uint32_t steps = h.name < steps_of.size() ? steps_of[h.name] : 0;
      for (uint32_t rest = steps; rest != 0; rest &= rest - 1) {
        const int k = std::countr_zero(rest);
        const std::vector<uint64_t>& bits = only[static_cast<size_t>(k)];
        if (!bits.empty() && !((bits[h.event / 64] >> (h.event % 64)) & 1)) steps &= ~(1u << k);
      }
      if (steps != 0) p.events.push_back({h.timestamp, h.event, steps});
    }
    if (p.events.empty()) return;
    std::sort(p.events.begin(), p.events.end(), [](const StepEvent& a, const StepEvent& b) {
      return a.at != b.at ? a.at < b.at : a.event < b.event;
    });
    const size_t depth = DeepestPath(p.events, q, &p.best);
    if (depth == 0) return;
    p.total.Add(p.best.data(), depth);
    if (q.by_channel) {
      p.by_channel.try_emplace(c.channel[customer], n).first->second.Add(p.best.data(), depth);
    }
  });
  FunnelTally total(n);
  std::map<uint32_t, FunnelTally> by_channel;
  for (const Part& p : parts) {
    total.Merge(p.total);
    for (const auto& [channel, tally] : p.by_channel) {
      by_channel.try_emplace(channel, n).first->second.Merge(tally);
    }
  }
  FunnelReport out;
  out.total = total.Finish("");
  for (auto& [channel, tally] : by_channel) {
    out.channels.push_back(tally.Finish(channel == kNoIndex ? "" : state.channel_names()[channel]));
  }
  std::stable_sort(
      out.channels.begin(), out.channels.end(),
      [](const FunnelCounts& a, const FunnelCounts& b) { return a.reached[0] > b.reached[0]; });
  return out;
}

Result<FunnelReport> RunFunnel(Engine& engine, const std::string& workspace, const FunnelRequest& r,
                               SegmentService* segments) {
  if (r.steps.size() < 2 || r.steps.size() > kMaxFunnelSteps) {
    return FieldError("steps", "2 to " + std::to_string(kMaxFunnelSteps) + " steps, got " +
                                   std::to_string(r.steps.size()));
  }
  if (r.window <= 0) return FieldError("window", "a positive duration such as 1h or 7d");
  if (r.from >= r.to) return FieldError("from", "must be before `to`");
  struct Parsed {
    std::string event;
    std::vector<PropertyFilter> where;
  };
  std::vector<Parsed> parsed(r.steps.size());
  for (size_t k = 0; k < r.steps.size(); ++k) {
    if (Status s = ParseEventSelector(r.steps[k], &parsed[k].event, &parsed[k].where); !s.ok()) {
      return FieldError("steps[" + std::to_string(k) + "]", s.message());
    }
  }
  Result<FunnelReport> out = Status::Internal("funnel not computed");
  RETURN_IF_ERROR(engine.ReadState(workspace, [&](const TenantState& state) {
    std::vector<std::unique_ptr<Roaring>> filters;
    FunnelQuery q;
    q.window = r.window;
    q.from = r.from;
    q.to = r.to;
    q.by_channel = r.by_channel;
    for (const Parsed& p : parsed) {
      FunnelStep step{state.FindEventName(p.event), nullptr};
      if (!p.where.empty()) {
        Result<Roaring> matches = segments
                                      ? segments->MatchingEvents(workspace, state, p.event, p.where)
                                      : ScanMatchingEvents(engine, state, p.event, p.where);
        if (!matches.ok()) {
          out = matches.status();
          return;
        }
        filters.push_back(std::make_unique<Roaring>(std::move(*matches)));
        step.matches = filters.back().get();
      }
      q.steps.push_back(step);
    }
    out = ComputeFunnel(state, q);
  }));
  return out;
}

}  // namespace pond::analytics
