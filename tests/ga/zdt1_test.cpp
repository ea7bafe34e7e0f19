#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "ga/hypervolume.hpp"
#include "ga/nsga2.hpp"
#include "test_problems.hpp"

using namespace monet::ga;

namespace {

// Hypervolume of the analytic ZDT1 front f2 = 1 - sqrt(f1), f1 in [0, 1], under (r, r), r >= 1:
// for f1 in [0, 1] the dominated column runs from 1 - sqrt(f1) up to r, and for f1 in [1, r] the
// extreme point (1, 0) dominates the full column [0, r]. Integrated with composite Simpson so the
// value comes from the definition, not from a closed form typed in.
double zdt1_optimal_hypervolume(double r) {
  const int n = 20000;  // even
  const double h = 1.0 / n;
  auto column = [r](double f1) { return r - (1.0 - std::sqrt(f1)); };
  double s = column(0.0) + column(1.0);
  for (int i = 1; i < n; ++i) s += (i % 2 ? 4.0 : 2.0) * column(i * h);
  return s * h / 3.0 + (r - 1.0) * r;
}

}  // namespace

TEST_CASE("the analytic ZDT1 hypervolume matches its closed form") {
  // Closed form for r = 1.1: integral of (0.1 + sqrt(f1)) over [0,1] = 0.1 + 2/3, plus 0.1 * 1.1.
  CHECK(zdt1_optimal_hypervolume(1.1) == Approx(0.1 + 2.0 / 3.0 + 0.11).epsilon(1e-6));
}

TEST_CASE("NSGA-II approaches the ZDT1 front on a 30-gene integer grid") {
  testing::Zdt1 problem(30, 1000, GeneGroup::Mutation::kPolynomial);
  Nsga2Options o;
  o.population = 100;
  o.max_generations = 250;
  o.seed = 7;
  o.threads = 2;
  o.reference_point = {1.1, 1.1};
  const Result r = optimize(problem, o);

  const double optimum = zdt1_optimal_hypervolume(1.1);
  const double hv = r.history.back().hypervolume;
  INFO("hypervolume " << hv << " of optimum " << optimum);
  CHECK(hv <= optimum);
  // 100 points cannot cover a continuous front: 100 optimal points evenly spaced in f1 reach
  // 99.4% of the area. Allow 1%.
  CHECK(hv > 0.99 * optimum);
  CHECK(r.evaluations == 100 * 251);
  // Converged: every front member is close to f2 = 1 - sqrt(f1).
  for (const auto& ind : r.front) {
    const auto& f = ind.evaluation.objectives;
    CHECK(f[1] - (1.0 - std::sqrt(f[0])) < 0.01);
  }
  // The history is recorded per generation and improves overall.
  REQUIRE(r.history.size() == 251);
  CHECK(r.history.front().hypervolume < r.history.back().hypervolume);
}
