// Predicted customer value (docs/analytics.md, "Predicted LTV"): the BG/NBD model of how many
// purchases a customer makes and when they lapse (Fader, Hardie & Lee 2005, "Counting your
// customers the easy way", Marketing Science 24(2)), and the Gamma-Gamma model of what they spend
// per purchase (Fader, Hardie & Lee 2005, "RFM and CLV", Journal of Marketing Research 42(4)),
// both fitted by maximum likelihood.
//
// A customer's history is summarised as in the papers, with time in days and purchases counted
// on distinct local days (two orders on one day are one purchase, as the models assume):
//   x    repeat purchases (purchase days after the first)
//   t_x  days from the first purchase to the last
//   T    days from the first purchase to the end of the observation
//   m_x  the mean value (fen) of the repeat purchase days, for x ≥ 1
#pragma once

#include <cstdint>
#include <vector>

#include "pond/engine/tenant_state.h"

namespace pond::analytics {

// The models are fitted on at most this many buyers, evenly spread over the customers: the
// parameters of a population need no more, and a fit takes hundreds of passes.
inline constexpr size_t kMaxFitBuyers = 5'000;

struct PurchaseSummary {
  double x = 0, t_x = 0, T = 0;
  double m_x = 0;  // fen
  uint32_t customer = 0;
};

// One summary per live customer with at least one paid order before `now`.
std::vector<PurchaseSummary> SummarisePurchases(const TenantState& state, Micros now,
                                                int utc_offset_seconds);

struct BgNbd {
  double r = 0, alpha = 0, a = 0, b = 0;
  double log_likelihood = 0;  // over the buyers fitted on
  int evaluations = 0;
  bool converged = false;
  size_t fitted_on = 0;  // buyers
};

// Σ ln L(r, α, a, b | x, t_x, T) over the customers (FHL 2005, equation 6).
double BgNbdLogLikelihood(double r, double alpha, double a, double b,
                          const std::vector<PurchaseSummary>& customers);
// The maximum-likelihood fit, on at most kMaxFitBuyers of `customers`.
BgNbd FitBgNbd(const std::vector<PurchaseSummary>& customers);
// E[purchases in (T, T + t] | x, t_x, T] (equation 10).
double ExpectedPurchases(const BgNbd& m, const PurchaseSummary& c, double t);
// P(still active | x, t_x, T).
double ProbabilityAlive(const BgNbd& m, const PurchaseSummary& c);

struct GammaGamma {
  double p = 0, q = 0, gamma = 0;
  double log_likelihood = 0;  // over the repeat buyers of the buyers fitted on
  int evaluations = 0;
  bool converged = false;
  size_t fitted_on = 0;  // buyers
};

// Σ ln f(m_x | p, q, γ, x) over the customers with x ≥ 1 (FHL 2005b, equation 3 with m_x the
// mean of x purchases).
double GammaGammaLogLikelihood(double p, double q, double gamma,
                               const std::vector<PurchaseSummary>& customers);
GammaGamma FitGammaGamma(const std::vector<PurchaseSummary>& customers);
// E[value of a purchase | m_x, x] (equation 5); the population mean for x = 0. REQUIRES: q > 1.
double ExpectedSpend(const GammaGamma& m, const PurchaseSummary& c);

}  // namespace pond::analytics
