// Minimising a smooth function of a few variables without derivatives (Nelder & Mead 1965, with
// the standard coefficients: reflection 1, expansion 2, contraction ½, shrink ½), restarted from
// its best point until a restart no longer improves it — the usual guard against a simplex that
// collapsed early. Used to fit the LTV models by maximum likelihood.
#pragma once

#include <functional>
#include <vector>

namespace pond::analytics {

struct Minimum {
  std::vector<double> x;
  double value = 0;
  int evaluations = 0;
  bool converged = false;  // the simplex shrank below the tolerance before the evaluation cap
};

// `step`: the initial simplex's size along each axis. Stops when the simplex's values differ by
// less than `tolerance` (absolute) or after `max_evaluations`.
Minimum NelderMead(const std::function<double(const std::vector<double>&)>& f,
                   std::vector<double> start, double step, double tolerance, int max_evaluations);

}  // namespace pond::analytics
