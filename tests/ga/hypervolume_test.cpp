#include <catch2/catch.hpp>

#include <algorithm>
#include <limits>
#include <vector>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "ga/hypervolume.hpp"

using monet::ga::hypervolume;
using Points = std::vector<std::vector<double>>;

namespace {

// Inclusion-exclusion over all non-empty subsets: the volume of the union of the boxes
// [p, ref] is the alternating sum of the volumes of their intersections (the box from the
// component-wise max of the subset to ref). Exponential, so for a handful of points only.
double inclusion_exclusion(const Points& pts, const std::vector<double>& ref) {
  const std::size_t n = pts.size();
  double total = 0;
  for (unsigned mask = 1; mask < (1u << n); ++mask) {
    std::vector<double> corner(ref.size(), -1e300);
    int members = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (!(mask & (1u << i))) continue;
      ++members;
      for (std::size_t j = 0; j < ref.size(); ++j) corner[j] = std::max(corner[j], pts[i][j]);
    }
    double volume = 1;
    for (std::size_t j = 0; j < ref.size(); ++j) volume *= std::max(0.0, ref[j] - corner[j]);
    total += (members % 2 == 1) ? volume : -volume;
  }
  return total;
}

// Counts the unit cells of an integer grid dominated by at least one point.
double grid_count_3d(const Points& pts, int ref) {
  int cells = 0;
  for (int x = 0; x < ref; ++x)
    for (int y = 0; y < ref; ++y)
      for (int z = 0; z < ref; ++z)
        for (const auto& p : pts)
          if (p[0] <= x && p[1] <= y && p[2] <= z) {
            ++cells;
            break;
          }
  return cells;
}

}  // namespace

TEST_CASE("hypervolume of hand-computed 2-D sets") {
  // Staircase (1,3), (2,2), (3,1) under (4,4): columns x in [1,2) height 1, [2,3) height 2,
  // [3,4) height 3 -> 6.
  CHECK(hypervolume({{1, 3}, {2, 2}, {3, 1}}, {4, 4}) == Approx(6.0));
  // A dominated point and a duplicate change nothing.
  CHECK(hypervolume({{1, 3}, {2, 2}, {3, 1}, {3, 3}, {2, 2}}, {4, 4}) == Approx(6.0));
  // Points on or beyond the reference contribute nothing.
  CHECK(hypervolume({{4, 0}, {0, 5}}, {4, 4}) == 0.0);
  CHECK(hypervolume({}, {1, 1}) == 0.0);
  // One point: the box (ref - p).
  CHECK(hypervolume({{0.25, 0.5}}, {1, 1}) == Approx(0.375));
}

TEST_CASE("hypervolume of hand-computed 3-D sets") {
  CHECK(hypervolume({{0, 0, 0}}, {1, 2, 3}) == Approx(6.0));
  // Boxes [0,2]x[0,2]x[1,2] (4) and [1,2]x[1,2]x[0,2] (2) overlap in [1,2]^3 (1) -> 5.
  CHECK(hypervolume({{0, 0, 1}, {1, 1, 0}}, {2, 2, 2}) == Approx(5.0));
  // The three unit "axis" points under (2,2,2): each box is 1x2x2... e.g. (1,0,0) -> 1*2*2 = 4;
  // pairwise intersections 1*1*2 = 2, triple 1 -> 3*4 - 3*2 + 1 = 7.
  CHECK(hypervolume({{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, {2, 2, 2}) == Approx(7.0));
}

TEST_CASE("1-D and 4-D hypervolumes") {
  CHECK(hypervolume({{3}, {1}, {2}}, {5}) == Approx(4.0));
  // 4-D: boxes of (0,0,0,1) and (1,1,1,0) under 2^4: 8 + 2 - 1 = 9.
  CHECK(hypervolume({{0, 0, 0, 1}, {1, 1, 1, 0}}, {2, 2, 2, 2}) == Approx(9.0));
}

TEST_CASE("hypervolume agrees with inclusion-exclusion on random sets") {
  monet::core::Rng rng(2024);
  for (std::size_t d = 2; d <= 4; ++d) {
    for (int trial = 0; trial < 30; ++trial) {
      const std::size_t n = 1 + static_cast<std::size_t>(rng.below(10));
      Points pts(n, std::vector<double>(d));
      for (auto& p : pts)
        for (auto& v : p) v = rng.uniform_real(0.0, 1.2);  // some beyond the reference
      const std::vector<double> ref(d, 1.0);
      REQUIRE(hypervolume(pts, ref) == Approx(inclusion_exclusion(pts, ref)).margin(1e-12));
    }
  }
}

TEST_CASE("3-D hypervolume equals a grid cell count on integer points") {
  monet::core::Rng rng(77);
  for (int trial = 0; trial < 20; ++trial) {
    Points pts(1 + rng.below(25), std::vector<double>(3));
    for (auto& p : pts)
      for (auto& v : p) v = static_cast<double>(rng.uniform_int(0, 9));
    REQUIRE(hypervolume(pts, {10, 10, 10}) == grid_count_3d(pts, 10));
  }
}

TEST_CASE("hypervolume rejects malformed input") {
  using monet::core::Error;
  CHECK_THROWS_AS(hypervolume({{1, 2}}, {}), Error);
  CHECK_THROWS_WITH(hypervolume({{1, 2, 3}}, {4, 4}), Catch::Contains("point 0 has 3 coordinates"));
  CHECK_THROWS_AS(hypervolume({{1, std::numeric_limits<double>::infinity()}}, {4, 4}), Error);
}
