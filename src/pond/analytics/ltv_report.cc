#include "pond/analytics/ltv_report.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "pond/analytics/value_report.h"

namespace pond::analytics {

LtvReport ComputeLtv(const TenantState& state, Micros now, int offset, int horizon_days) {
  LtvReport out;
  out.horizon_days = horizon_days;
  const std::vector<PurchaseSummary> summaries = SummarisePurchases(state, now, offset);
  out.buyers = static_cast<int64_t>(summaries.size());
  for (const PurchaseSummary& s : summaries) out.repeat_buyers += s.x > 0;
  if (out.buyers < kMinBuyers || out.repeat_buyers < kMinRepeatBuyers) {
    out.why = "too few buyers to fit a model: " + std::to_string(out.buyers) + " buyers and " +
              std::to_string(out.repeat_buyers) + " repeat buyers; at least " +
              std::to_string(kMinBuyers) + " and " + std::to_string(kMinRepeatBuyers) +
              " are needed";
  } else {
    out.purchases = FitBgNbd(summaries);
    out.spend = FitGammaGamma(summaries);
    if (out.spend.q <= 1) {
      out.why =
          "the spend model's q is at most 1 (spend per order varies too much to have a "
          "mean)";
    } else {
      out.predicted = true;
    }
  }

  const CustomerColumns& c = state.customers();
  std::map<uint32_t, LtvChannel> by_channel;  // by interned channel, kNoIndex for none
  for (uint32_t customer : state.live()) {
    LtvChannel& ch = by_channel[c.channel[customer]];
    ++ch.customers;
    ch.historical_fen += c.spent_fen[customer] - c.refunded_fen[customer];
  }
  std::map<uint32_t, double> predicted_fen;
  for (const PurchaseSummary& s : summaries) {
    LtvChannel& ch = by_channel[c.channel[s.customer]];
    ++ch.buyers;
    if (!out.predicted) continue;
    const double purchases = ExpectedPurchases(out.purchases, s, horizon_days);
    ch.expected_purchases += purchases;
    ch.mean_probability_alive += ProbabilityAlive(out.purchases, s);
    predicted_fen[c.channel[s.customer]] += purchases * ExpectedSpend(out.spend, s);
  }
  for (auto& [index, ch] : by_channel) {
    ch.channel = index == kNoIndex ? "" : state.channel_names()[index];
    ch.predicted_fen = std::llround(predicted_fen[index]);
    if (ch.buyers) ch.mean_probability_alive /= static_cast<double>(ch.buyers);
    ch.ltv_fen =
        RoundedRatio(std::max<int64_t>(ch.historical_fen + ch.predicted_fen, 0), ch.customers);
    out.expected_purchases += ch.expected_purchases;
    out.predicted_fen += ch.predicted_fen;
    out.channels.push_back(std::move(ch));
  }
  std::stable_sort(
      out.channels.begin(), out.channels.end(),
      [](const LtvChannel& a, const LtvChannel& b) { return a.customers > b.customers; });
  return out;
}

}  // namespace pond::analytics
