#include "ga/dominance.hpp"

#include <algorithm>
#include <limits>
#include <utility>

namespace monet::ga {

bool dominates(const std::vector<double>& a, const std::vector<double>& b) {
  bool better = false;
  for (std::size_t j = 0; j < a.size(); ++j) {
    if (a[j] > b[j]) return false;
    if (a[j] < b[j]) better = true;
  }
  return better;
}

bool constrained_dominates(const Evaluation& a, const Evaluation& b) {
  const bool fa = a.feasible();
  const bool fb = b.feasible();
  if (fa && !fb) return true;
  if (!fa && fb) return false;
  if (!fa) return a.violation < b.violation;
  return dominates(a.objectives, b.objectives);
}

std::vector<std::vector<std::size_t>> non_dominated_sort(const std::vector<Evaluation>& evals) {
  const std::size_t n = evals.size();
  std::vector<std::vector<std::size_t>> dominated(n);  // whom i dominates
  std::vector<std::size_t> dominators(n, 0);           // how many dominate i
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = i + 1; k < n; ++k) {
      if (constrained_dominates(evals[i], evals[k])) {
        dominated[i].push_back(k);
        ++dominators[k];
      } else if (constrained_dominates(evals[k], evals[i])) {
        dominated[k].push_back(i);
        ++dominators[i];
      }
    }
  }
  std::vector<std::vector<std::size_t>> fronts;
  std::vector<std::size_t> current;
  for (std::size_t i = 0; i < n; ++i)
    if (dominators[i] == 0) current.push_back(i);
  while (!current.empty()) {
    std::vector<std::size_t> next;
    for (std::size_t i : current)
      for (std::size_t k : dominated[i])
        if (--dominators[k] == 0) next.push_back(k);
    std::sort(next.begin(), next.end());
    fronts.push_back(std::move(current));
    current = std::move(next);
  }
  return fronts;
}

std::vector<double> crowding_distance(const std::vector<Evaluation>& evals,
                                      const std::vector<std::size_t>& front) {
  const std::size_t n = front.size();
  std::vector<double> distance(n, 0.0);
  if (n == 0) return distance;
  const double inf = std::numeric_limits<double>::infinity();
  if (n <= 2) {
    std::fill(distance.begin(), distance.end(), inf);
    return distance;
  }
  const std::size_t m = evals[front[0]].objectives.size();
  std::vector<std::size_t> order(n);
  for (std::size_t j = 0; j < m; ++j) {
    for (std::size_t p = 0; p < n; ++p) order[p] = p;
    auto value = [&](std::size_t p) { return evals[front[p]].objectives[j]; };
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      if (value(a) != value(b)) return value(a) < value(b);
      return front[a] < front[b];
    });
    const double lo = value(order.front());
    const double hi = value(order.back());
    distance[order.front()] = inf;
    distance[order.back()] = inf;
    if (hi <= lo) continue;  // every member equal in this objective: it separates nobody
    for (std::size_t p = 1; p + 1 < n; ++p)
      distance[order[p]] += (value(order[p + 1]) - value(order[p - 1])) / (hi - lo);
  }
  return distance;
}

}  // namespace monet::ga
