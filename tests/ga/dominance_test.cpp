#include <catch2/catch.hpp>

#include <limits>
#include <vector>

#include "ga/dominance.hpp"

using monet::ga::constrained_dominates;
using monet::ga::crowding_distance;
using monet::ga::Evaluation;
using monet::ga::non_dominated_sort;

namespace {
Evaluation ev(std::vector<double> f, double violation = 0) {
  return {std::move(f), violation};
}
}  // namespace

TEST_CASE("Pareto dominance needs no worse everywhere and better somewhere") {
  using monet::ga::dominates;
  CHECK(dominates({1, 2}, {2, 2}));
  CHECK_FALSE(dominates({1, 2}, {1, 2}));
  CHECK_FALSE(dominates({1, 3}, {2, 2}));
}

TEST_CASE("constraint domination: feasible beats infeasible, lower violation wins") {
  // Feasible with poor objectives beats infeasible with excellent ones.
  CHECK(constrained_dominates(ev({9, 9}), ev({0, 0}, 1e-9)));
  CHECK_FALSE(constrained_dominates(ev({0, 0}, 1e-9), ev({9, 9})));
  // Two infeasible: the objectives do not matter, only the violation.
  CHECK(constrained_dominates(ev({9, 9}, 1), ev({0, 0}, 2)));
  CHECK_FALSE(constrained_dominates(ev({0, 0}, 2), ev({9, 9}, 1)));
  CHECK_FALSE(constrained_dominates(ev({0, 0}, 2), ev({9, 9}, 2)));
  // Two feasible: Pareto.
  CHECK(constrained_dominates(ev({1, 1}), ev({1, 2})));
  CHECK_FALSE(constrained_dominates(ev({1, 3}), ev({2, 2})));
}

TEST_CASE("non-dominated sort builds the textbook fronts") {
  // 0:(1,4) 1:(2,2) 2:(4,1) are mutually non-dominated; 3:(3,3) is dominated by 1 only;
  // 4:(4,4) by 0,1,2,3; 5 infeasible (v=1) and 6 infeasible (v=3) come after every feasible one.
  std::vector<Evaluation> e = {ev({1, 4}), ev({2, 2}),    ev({4, 1}),   ev({3, 3}),
                               ev({4, 4}), ev({0, 0}, 1), ev({0, 0}, 3)};
  auto fronts = non_dominated_sort(e);
  REQUIRE(fronts.size() == 5);
  CHECK(fronts[0] == std::vector<std::size_t>{0, 1, 2});
  CHECK(fronts[1] == std::vector<std::size_t>{3});
  CHECK(fronts[2] == std::vector<std::size_t>{4});
  CHECK(fronts[3] == std::vector<std::size_t>{5});
  CHECK(fronts[4] == std::vector<std::size_t>{6});
}

TEST_CASE("every member of a front is undominated by its own and later fronts") {
  std::vector<Evaluation> e;
  for (int i = 0; i < 40; ++i)
    e.push_back(ev({static_cast<double>((i * 7) % 11), static_cast<double>((i * 5) % 13)},
                   i % 9 == 0 ? (i % 4) * 0.5 : 0.0));
  auto fronts = non_dominated_sort(e);
  std::size_t total = 0;
  for (std::size_t f = 0; f < fronts.size(); ++f) {
    total += fronts[f].size();
    for (std::size_t a : fronts[f]) {
      for (std::size_t g = f; g < fronts.size(); ++g)
        for (std::size_t b : fronts[g]) CHECK_FALSE(constrained_dominates(e[b], e[a]));
      if (f > 0) {
        bool dominated_by_previous = false;
        for (std::size_t b : fronts[f - 1])
          dominated_by_previous |= constrained_dominates(e[b], e[a]);
        CHECK(dominated_by_previous);
      }
    }
  }
  CHECK(total == e.size());
}

TEST_CASE("crowding distance by hand") {
  // Front along f1 = 0, 1, 3, 6 with f2 = 6, 3, 1, 0: ranges 6 and 6.
  // Member (1,3): (3-0)/6 + (6-1)/6 = 8/6; member (3,1): (6-1)/6 + (3-0)/6 = 8/6.
  std::vector<Evaluation> e = {ev({3, 1}), ev({0, 6}), ev({6, 0}), ev({1, 3})};
  std::vector<std::size_t> front = {0, 1, 2, 3};
  auto d = crowding_distance(e, front);
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(d[0] == Approx(8.0 / 6.0));
  CHECK(d[1] == inf);
  CHECK(d[2] == inf);
  CHECK(d[3] == Approx(8.0 / 6.0));

  // Uneven spacing: the isolated middle point is less crowded.
  // f1 = 0, 1, 2, 10 with f2 = 10 - f1: member at 1 gets 2*(2-0)/10, at 2 gets 2*(10-1)/10.
  std::vector<Evaluation> u = {ev({0, 10}), ev({1, 9}), ev({2, 8}), ev({10, 0})};
  auto du = crowding_distance(u, {0, 1, 2, 3});
  CHECK(du[1] == Approx(0.4));
  CHECK(du[2] == Approx(1.8));
  // Fronts of one or two members are all boundary.
  CHECK(crowding_distance(u, {1, 2}) == std::vector<double>{inf, inf});
}
