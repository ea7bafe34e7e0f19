// The bounded robust fit on problems whose optimum is known by hand.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "fleet/robust_fit.hpp"

using monet::fleet::FitProblem;
using monet::fleet::Loss;
using monet::fleet::robust_fit;

namespace {
// A GPU's latency against its per-kernel launch cost x (us) when the host launches 80 kernels
// in a pipeline: the kernels' own 0.96 ms (plus 1 ns per us of launch) until launching is the
// bottleneck, 80 x after. Measured 2.0 ms: by hand x = 2.0 ms / 80 = 25 us (0.985 ms < 2 ms).
// At the start (5 us) the latency hardly depends on x, as for the Orin Nano's 5 us launches.
FitProblem launch_problem(double lo_us, double hi_us) {
  FitProblem p;
  p.bounds = {{lo_us, hi_us, true}};
  p.loss = Loss::kHuber;
  p.residuals = [](const Eigen::VectorXd& x) {
    Eigen::VectorXd r(1);
    r[0] = std::log(std::max(0.96 + 0.001 * x[0], 0.08 * x[0]) / 2.0);
    return r;
  };
  return p;
}
}  // namespace

TEST_CASE("robust fit finds an optimum inside the bounds from a distant start",
          "[fleet][robust_fit]") {
  // From 5 us in [1, 40] us a Gauss-Newton step in the tanh coordinate goes deep into the
  // tail at the upper bound, whose cost is below the start's but where no gradient is left.
  Eigen::VectorXd x0(1);
  x0[0] = 5;
  auto r = robust_fit(launch_problem(1, 40), x0);
  CHECK(r.converged);
  CHECK(r.x[0] == Approx(25.0).epsilon(1e-3));
  CHECK_FALSE(r.at_bound[0]);
  CHECK(std::abs(r.residuals[0]) < 1e-4);
}

TEST_CASE("robust fit stops at a bound the optimum lies beyond", "[fleet][robust_fit]") {
  Eigen::VectorXd x0(1);
  x0[0] = 5;
  auto r = robust_fit(launch_problem(1, 20), x0);  // 25 us is above the 20 us bound
  CHECK(r.x[0] == Approx(20).epsilon(1e-4));
  CHECK(r.at_bound[0]);
}
