// Ranking for NSGA-II (Deb et al., 2002): constraint domination, fast non-dominated sorting and
// crowding distance.
#pragma once

#include <cstddef>
#include <vector>

#include "ga/genome.hpp"

namespace monet::ga {

// Pareto dominance on minimised objectives: a is no worse everywhere and better somewhere.
bool dominates(const std::vector<double>& a, const std::vector<double>& b);

// Deb's constraint domination: a feasible evaluation beats an infeasible one, of two infeasible
// ones the smaller violation wins (equal violations: neither), two feasible ones compare by
// Pareto dominance.
bool constrained_dominates(const Evaluation& a, const Evaluation& b);

// Fronts of indices into `evals` under constraint domination: front 0 is dominated by nobody,
// front k only by members of fronts < k. Indices within a front are ascending. O(M N^2).
std::vector<std::vector<std::size_t>> non_dominated_sort(const std::vector<Evaluation>& evals);

// Crowding distance of each member of `front` (aligned with it): for every objective, the gap
// between a member's two neighbours along that objective over the objective's range in the front;
// the extremes of each objective get infinity. Ties in an objective are broken by index, so the
// result does not depend on the sort implementation.
std::vector<double> crowding_distance(const std::vector<Evaluation>& evals,
                                      const std::vector<std::size_t>& front);

}  // namespace monet::ga
