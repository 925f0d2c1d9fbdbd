#include "pond/analytics/channel_roi.h"

#include <algorithm>

#include "pond/analytics/money_names.h"
#include "pond/analytics/report_inputs.h"
#include "pond/analytics/value_report.h"

namespace pond::analytics {
namespace {

constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

// Money of one acquired customer's order or refund: days after the acquisition, signed fen.
struct Payment {
  int64_t day;
  int64_t fen;
};

int64_t MarginOf(int64_t net, std::optional<int64_t> margin_bp) {
  if (!margin_bp) return net;
  // Half away from zero, in integers.
  const int64_t scaled = net * *margin_bp;
  return scaled >= 0 ? (scaled + 5'000) / 10'000 : -((-scaled + 5'000) / 10'000);
}

}  // namespace

ChannelRoiReport ComputeChannelRoi(const TenantState& state, const std::vector<Channel>& channels,
                                   const std::map<std::string, int64_t>& spend_fen,
                                   std::optional<int64_t> margin_bp) {
  // Per interned channel code: its customers, buyers and payments.
  struct Acquired {
    int64_t customers = 0, buyers = 0;
    std::vector<Payment> payments;
  };
  std::map<uint32_t, Acquired> by_code;
  for (const Channel& ch : channels) {
    const uint32_t code = state.FindChannel(ch.code);
    if (code != kNoIndex) by_code[code];
  }
  const CustomerColumns& c = state.customers();
  const EventColumns& events = state.events();
  const MoneyNames money(state);
  for (uint32_t customer : state.live()) {
    auto it = by_code.find(c.channel[customer]);
    if (it == by_code.end()) continue;
    Acquired& a = it->second;
    ++a.customers;
    bool bought = false;
    for (const HistoryEntry& h : c.history[customer]) {
      const bool order = money.IsOrder(h);
      if (!order && !money.IsRefund(h)) continue;
      if (h.timestamp < c.channel_at[customer]) continue;  // before they came through it
      const int64_t day = (h.timestamp - c.channel_at[customer]) / kMicrosPerDay;
      a.payments.push_back({day, order ? events.amount_fen[h.event] : -events.amount_fen[h.event]});
      bought |= order;
    }
    a.buyers += bought;
  }

  ChannelRoiReport out;
  out.margin_bp = margin_bp;
  for (const Channel& ch : channels) {
    ChannelRoi r;
    r.channel_id = ch.id;
    r.code = ch.code;
    r.name = ch.name;
    if (auto s = spend_fen.find(ch.id); s != spend_fen.end()) r.spend_fen = s->second;
    const uint32_t code = state.FindChannel(ch.code);
    Acquired none;
    Acquired& a = code == kNoIndex ? none : by_code[code];
    r.customers = a.customers;
    r.buyers = a.buyers;
    r.cac_fen = RoundedRatio(r.spend_fen, r.customers);
    std::sort(a.payments.begin(), a.payments.end(),
              [](const Payment& x, const Payment& y) { return x.day < y.day; });
    int64_t net = 0;
    size_t w = 0;
    for (size_t i = 0; i <= a.payments.size(); ++i) {
      // Close every window that ends before this payment's day.
      const int64_t day = i < a.payments.size() ? a.payments[i].day : INT64_MAX;
      while (w < kRoiWindowsDays.size() && day >= kRoiWindowsDays[w]) r.net_fen[w++] = net;
      if (i == a.payments.size()) break;
      net += a.payments[i].fen;
      const bool day_done = i + 1 == a.payments.size() || a.payments[i + 1].day != day;
      if (!r.payback_days && r.spend_fen > 0 && day_done &&
          MarginOf(net, margin_bp) >= r.spend_fen) {
        r.payback_days = day + 1;  // by the end of that day
      }
    }
    for (size_t k = 0; k < kRoiWindowsDays.size(); ++k) {
      r.margin_fen[k] = MarginOf(r.net_fen[k], margin_bp);
      if (r.spend_fen > 0) {
        r.roi[k] =
            static_cast<double>(r.margin_fen[k] - r.spend_fen) / static_cast<double>(r.spend_fen);
      }
    }
    out.channels.push_back(std::move(r));
  }
  std::stable_sort(
      out.channels.begin(), out.channels.end(),
      [](const ChannelRoi& x, const ChannelRoi& y) { return x.spend_fen > y.spend_fen; });
  return out;
}

Result<std::optional<int64_t>> ParseGrossMargin(std::string_view text) {
  return ParseHundredths(text, "gross_margin", 10'000,
                         "a percentage from 0 to 100, at most two decimals");
}

Result<ChannelRoiReport> RunChannelRoi(Engine& engine, const std::string& workspace,
                                       std::optional<int64_t> margin_bp) {
  ASSIGN_OR_RETURN(std::vector<Channel> channels, engine.ListChannels(workspace));
  std::map<std::string, int64_t> spend;
  for (const Channel& ch : channels) {
    ASSIGN_OR_RETURN(std::vector<ChannelSpend> days, engine.ListChannelSpend(workspace, ch.id));
    for (const ChannelSpend& d : days) spend[ch.id] += d.amount_fen;
  }
  ChannelRoiReport out;
  RETURN_IF_ERROR(engine.ReadState(workspace, [&](const TenantState& s) {
    out = ComputeChannelRoi(s, channels, spend, margin_bp);
  }));
  return out;
}

}  // namespace pond::analytics
