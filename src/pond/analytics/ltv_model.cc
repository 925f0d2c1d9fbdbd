#include "pond/analytics/ltv_model.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "pond/analytics/money_names.h"
#include "pond/analytics/nelder_mead.h"
#include "pond/analytics/parallel_scan.h"
#include "pond/base/time.h"

namespace pond::analytics {
namespace {

constexpr int kMaxEvaluations = 2'000;  // a fit that needs more is reported as not converged
constexpr double kTolerance = 1e-6;     // on the total log-likelihood

double LogSumExp(double u, double v) {
  const double hi = std::max(u, v);
  return hi + std::log(std::exp(u - hi) + std::exp(v - hi));
}

// Gauss's hypergeometric series 2F1(a, b; c; z) for 0 ≤ z < 1.
double Hypergeometric2F1(double a, double b, double c, double z) {
  double term = 1, sum = 1;
  for (int j = 0; j < 100'000; ++j) {
    term *= (a + j) * (b + j) / ((c + j) * (j + 1)) * z;
    sum += term;
    if (std::abs(term) < 1e-14 * std::abs(sum)) break;
  }
  return sum;
}

// At most kMaxFitBuyers of them, evenly spread, sorted by x (the likelihoods reuse the terms of
// one x).
std::vector<PurchaseSummary> FitSample(const std::vector<PurchaseSummary>& all) {
  std::vector<PurchaseSummary> sample;
  const size_t stride = (all.size() + kMaxFitBuyers - 1) / kMaxFitBuyers;
  for (size_t i = 0; i < all.size(); i += std::max<size_t>(stride, 1)) sample.push_back(all[i]);
  std::stable_sort(sample.begin(), sample.end(),
                   [](const PurchaseSummary& a, const PurchaseSummary& b) { return a.x < b.x; });
  return sample;
}

}  // namespace

std::vector<PurchaseSummary> SummarisePurchases(const TenantState& state, Micros now, int offset) {
  const CustomerColumns& c = state.customers();
  const EventColumns& events = state.events();
  const MoneyNames money(state);
  const int64_t end = LocalDay(now, offset);
  struct Part {
    std::vector<PurchaseSummary> summaries;
    std::vector<std::pair<int64_t, int64_t>> orders;  // (local day, fen)
  };
  std::vector<Part> parts(ScanParts(state.live().cardinality()));
  ScanLiveInParts(state.live(), parts.size(), [&](size_t part, uint32_t customer) {
    auto& orders = parts[part].orders;
    orders.clear();
    for (const HistoryEntry& h : c.history[customer]) {
      if (!money.IsOrder(h) || h.timestamp > now) continue;
      orders.emplace_back(LocalDay(h.timestamp, offset), events.amount_fen[h.event]);
    }
    if (orders.empty()) return;
    std::sort(orders.begin(), orders.end());
    PurchaseSummary s;
    s.customer = customer;
    const int64_t first = orders.front().first;
    int64_t last = first, repeat_fen = 0;
    for (size_t i = 1; i < orders.size(); ++i) {
      if (orders[i].first != last) ++s.x;
      last = orders[i].first;
      if (orders[i].first != first) repeat_fen += orders[i].second;
    }
    s.t_x = static_cast<double>(last - first);
    s.T = static_cast<double>(end - first);
    s.m_x = s.x > 0 ? static_cast<double>(repeat_fen) / s.x : 0;
    parts[part].summaries.push_back(s);
  });
  std::vector<PurchaseSummary> out;
  for (const Part& p : parts) out.insert(out.end(), p.summaries.begin(), p.summaries.end());
  return out;
}

double BgNbdLogLikelihood(double r, double alpha, double a, double b,
                          const std::vector<PurchaseSummary>& customers) {
  const double fixed = -std::lgamma(r) + r * std::log(alpha) + std::lgamma(a + b) - std::lgamma(b);
  double sum = 0;
  // The terms that depend on x alone, kept while x repeats (a sorted sample repeats it a lot).
  double x = -1, by_x = 0, ln_a4_x = 0;
  for (const PurchaseSummary& c : customers) {
    if (c.x != x) {
      x = c.x;
      by_x = std::lgamma(r + x) + std::lgamma(b + x) - std::lgamma(a + b + x) + fixed;
      ln_a4_x = x > 0 ? std::log(a) - std::log(b + x - 1) : 0;
    }
    const double rx = r + c.x;
    const double ln_a3 = -rx * std::log(alpha + c.T);
    const double tail = c.x > 0 ? LogSumExp(ln_a3, ln_a4_x - rx * std::log(alpha + c.t_x)) : ln_a3;
    sum += by_x + tail;
  }
  return sum;
}

BgNbd FitBgNbd(const std::vector<PurchaseSummary>& all) {
  const std::vector<PurchaseSummary> customers = FitSample(all);
  double mean_T = 1;
  for (const PurchaseSummary& c : customers) mean_T += c.T / static_cast<double>(customers.size());
  // Parameters on the log scale keep them positive.
  auto negative = [&](const std::vector<double>& p) {
    return -BgNbdLogLikelihood(std::exp(p[0]), std::exp(p[1]), std::exp(p[2]), std::exp(p[3]),
                               customers);
  };
  Minimum m =
      NelderMead(negative, {0.0, std::log(mean_T), 0.0, 0.0}, 0.5, kTolerance, kMaxEvaluations);
  return {std::exp(m.x[0]), std::exp(m.x[1]), std::exp(m.x[2]), std::exp(m.x[3]),
          -m.value,         m.evaluations,    m.converged,      customers.size()};
}

double ExpectedPurchases(const BgNbd& m, const PurchaseSummary& c, double t) {
  const double rx = m.r + c.x;
  const double z = t / (m.alpha + c.T + t);
  const double head = (m.a + m.b + c.x - 1) / (m.a - 1);
  const double body = 1 - std::pow((m.alpha + c.T) / (m.alpha + c.T + t), rx) *
                              Hypergeometric2F1(rx, m.b + c.x, m.a + m.b + c.x - 1, z);
  return head * body * ProbabilityAlive(m, c);
}

double ProbabilityAlive(const BgNbd& m, const PurchaseSummary& c) {
  if (c.x == 0) return 1;
  return 1 / (1 + m.a / (m.b + c.x - 1) * std::pow((m.alpha + c.T) / (m.alpha + c.t_x), m.r + c.x));
}

double GammaGammaLogLikelihood(double p, double q, double gamma,
                               const std::vector<PurchaseSummary>& customers) {
  const double fixed = -std::lgamma(q) + q * std::log(gamma);
  double sum = 0;
  double x = -1, by_x = 0;  // the terms of x alone, kept while x repeats
  for (const PurchaseSummary& c : customers) {
    if (c.x < 1 || c.m_x <= 0) continue;
    const double px = p * c.x;
    if (c.x != x) {
      x = c.x;
      by_x = std::lgamma(px + q) - std::lgamma(px) + fixed + px * std::log(c.x);
    }
    sum += by_x + (px - 1) * std::log(c.m_x) - (px + q) * std::log(gamma + c.m_x * c.x);
  }
  return sum;
}

GammaGamma FitGammaGamma(const std::vector<PurchaseSummary>& all) {
  const std::vector<PurchaseSummary> customers = FitSample(all);
  double mean = 0;
  int64_t n = 0;
  for (const PurchaseSummary& c : customers) {
    if (c.x >= 1 && c.m_x > 0) mean += c.m_x, ++n;
  }
  mean = n ? mean / static_cast<double>(n) : 1;
  auto negative = [&](const std::vector<double>& p) {
    return -GammaGammaLogLikelihood(std::exp(p[0]), std::exp(p[1]), std::exp(p[2]), customers);
  };
  Minimum m =
      NelderMead(negative, {0.0, std::log(2.0), std::log(mean)}, 0.5, kTolerance, kMaxEvaluations);
  return {std::exp(m.x[0]), std::exp(m.x[1]), std::exp(m.x[2]), -m.value,
          m.evaluations,    m.converged,      customers.size()};
}

double ExpectedSpend(const GammaGamma& m, const PurchaseSummary& c) {
  if (c.x < 1 || c.m_x <= 0) return m.p * m.gamma / (m.q - 1);
  return m.p * (m.gamma + c.x * c.m_x) / (m.p * c.x + m.q - 1);
}

}  // namespace pond::analytics
