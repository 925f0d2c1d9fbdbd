#include "pond/analytics/nelder_mead.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace pond::analytics {
namespace {

constexpr double kPointTolerance = 1e-9;  // on every coordinate

struct Vertex {
  std::vector<double> x;
  double value;
};

// One run from `start`; adds to `*evaluations`.
Minimum Run(const std::function<double(const std::vector<double>&)>& f,
            const std::vector<double>& start, double step, double tolerance, int budget) {
  const size_t n = start.size();
  int evaluations = 0;
  auto eval = [&](const std::vector<double>& x) {
    ++evaluations;
    const double v = f(x);
    return std::isfinite(v) ? v : HUGE_VAL;  // outside the domain: worse than anything
  };
  std::vector<Vertex> s;
  s.push_back({start, eval(start)});
  for (size_t i = 0; i < n; ++i) {
    std::vector<double> x = start;
    x[i] += step;
    s.push_back({x, eval(x)});
  }
  auto by_value = [](const Vertex& a, const Vertex& b) { return a.value < b.value; };
  bool converged = false;
  while (evaluations < budget) {
    std::sort(s.begin(), s.end(), by_value);
    if (std::abs(s.back().value - s.front().value) < tolerance) {
      converged = true;
      break;
    }
    // Or the simplex has shrunk to a point: where the function carries rounding noise larger
    // than `tolerance` (a likelihood summed over thousands of terms near a ridge), the values
    // of a collapsed simplex never agree, yet the minimum is found.
    double diameter = 0;
    for (size_t v = 1; v <= n; ++v) {
      for (size_t i = 0; i < n; ++i) {
        diameter = std::max(diameter, std::abs(s[v].x[i] - s[0].x[i]));
      }
    }
    if (diameter < kPointTolerance) {
      converged = true;
      break;
    }
    std::vector<double> centre(n, 0);
    for (size_t v = 0; v < n; ++v) {
      for (size_t i = 0; i < n; ++i) centre[i] += s[v].x[i] / static_cast<double>(n);
    }
    auto along = [&](double t) {  // centre + t (centre − worst)
      std::vector<double> x(n);
      for (size_t i = 0; i < n; ++i) x[i] = centre[i] + t * (centre[i] - s[n].x[i]);
      return x;
    };
    Vertex reflected{along(1), 0};
    reflected.value = eval(reflected.x);
    if (reflected.value < s[0].value) {
      Vertex expanded{along(2), 0};
      expanded.value = eval(expanded.x);
      s[n] = expanded.value < reflected.value ? expanded : reflected;
      continue;
    }
    if (reflected.value < s[n - 1].value) {
      s[n] = reflected;
      continue;
    }
    const bool outside = reflected.value < s[n].value;
    Vertex contracted{along(outside ? 0.5 : -0.5), 0};
    contracted.value = eval(contracted.x);
    if (contracted.value < std::min(reflected.value, s[n].value)) {
      s[n] = contracted;
      continue;
    }
    for (size_t v = 1; v <= n; ++v) {  // shrink towards the best
      for (size_t i = 0; i < n; ++i) s[v].x[i] = s[0].x[i] + 0.5 * (s[v].x[i] - s[0].x[i]);
      s[v].value = eval(s[v].x);
    }
  }
  std::sort(s.begin(), s.end(), by_value);
  return {s[0].x, s[0].value, evaluations, converged};
}

}  // namespace

Minimum NelderMead(const std::function<double(const std::vector<double>&)>& f,
                   std::vector<double> start, double step, double tolerance, int max_evaluations) {
  Minimum best = Run(f, start, step, tolerance, max_evaluations);
  int evaluations = best.evaluations;
  while (evaluations < max_evaluations) {
    Minimum again = Run(f, best.x, step / 10, tolerance, max_evaluations - evaluations);
    evaluations += again.evaluations;
    const bool improved = again.value < best.value - tolerance;
    if (again.value < best.value) best = again;
    if (!improved) break;
  }
  best.evaluations = evaluations;
  best.converged = best.converged && evaluations < max_evaluations;
  return best;
}

}  // namespace pond::analytics
