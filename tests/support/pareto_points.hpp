// The Pareto front of (cost, size) points, both minimised, by brute force: the reference the
// exact checkpointing fronts are compared with.
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace monet::test {

using CostSize = std::pair<int64_t, int64_t>;

inline std::vector<CostSize> pareto(std::vector<CostSize> points) {
  std::sort(points.begin(), points.end());
  std::vector<CostSize> front;
  for (const auto& p : points)
    if (front.empty() || p.second < front.back().second) front.push_back(p);
  return front;
}

}  // namespace monet::test
