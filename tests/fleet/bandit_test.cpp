// The bandits on synthetic linear-reward problems whose best arm is known by construction.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "fleet/bandit.hpp"

using namespace monet::fleet;

namespace {
struct Problem {
  std::vector<Eigen::VectorXd> arms;
  Eigen::VectorXd theta;
  size_t best = 0;
};

// `k` arms with features uniform in [-1, 1]^d and a reward vector of norm 1.
Problem synthetic(int d, size_t k, std::uint64_t seed) {
  monet::core::Rng rng(seed);
  Problem p;
  p.theta.resize(d);
  for (int i = 0; i < d; ++i) p.theta[i] = normal(rng);
  p.theta.normalize();
  for (size_t a = 0; a < k; ++a) {
    Eigen::VectorXd x(d);
    for (int i = 0; i < d; ++i) x[i] = rng.uniform_real(-1, 1);
    p.arms.push_back(x);
    if (p.theta.dot(x) > p.theta.dot(p.arms[p.best])) p.best = a;
  }
  return p;
}

template <class Choose, class Update>
std::vector<double> play(const Problem& p, size_t rounds, double noise, std::uint64_t seed,
                         Choose choose, Update update, std::vector<size_t>* picks = nullptr) {
  monet::core::Rng rng(seed);
  std::vector<double> regret;
  double total = 0, best = p.theta.dot(p.arms[p.best]);
  for (size_t t = 0; t < rounds; ++t) {
    size_t a = choose();
    update(a, p.theta.dot(p.arms[a]) + noise * normal(rng));
    total += best - p.theta.dot(p.arms[a]);
    regret.push_back(total);
    if (picks) picks->push_back(a);
  }
  return regret;
}
}  // namespace

TEST_CASE("growth_exponent recovers the exponent of a power law", "[fleet][bandit]") {
  std::vector<double> r;
  for (int t = 1; t <= 1000; ++t) r.push_back(3.0 * std::pow(t, 0.5));
  CHECK(std::abs(growth_exponent(r, 10) - 0.5) < 1e-9);
  std::vector<double> linear;
  for (int t = 1; t <= 1000; ++t) linear.push_back(0.2 * t);
  CHECK(std::abs(growth_exponent(linear, 10) - 1.0) < 1e-9);
}

TEST_CASE("LinUCB: sub-linear regret on a linear-reward problem, converging to the oracle",
          "[fleet][bandit]") {
  Problem p = synthetic(6, 20, 7);
  LinUcb ucb(6, 1.0);
  std::vector<size_t> picks;
  auto regret = play(
      p, 4000, 0.3, 11, [&] { return ucb.choose(p.arms); },
      [&](size_t a, double r) { ucb.update(p.arms[a], r); }, &picks);
  double exponent = growth_exponent(regret, 100);
  INFO("regret " << regret.back() << ", exponent " << exponent);
  CHECK(exponent < 0.8);
  size_t oracle = 0;
  for (size_t t = picks.size() - 500; t < picks.size(); ++t) oracle += picks[t] == p.best;
  CHECK(oracle >= 475);  // 95 % of the last 500 rounds
}

TEST_CASE("linear Thompson sampling: sub-linear regret; epsilon-greedy stays linear",
          "[fleet][bandit]") {
  Problem p = synthetic(6, 20, 7);
  LinThompson ts(6, 0.3, 1.0, 5);
  auto regret = play(
      p, 4000, 0.3, 11, [&] { return ts.choose(p.arms); },
      [&](size_t a, double r) { ts.update(p.arms[a], r); });
  CHECK(growth_exponent(regret, 100) < 0.8);
  // A constant exploration rate pays a constant regret per round: exponent near 1.
  EpsilonGreedy eg(p.arms.size(), 0.1, 5);
  auto eg_regret = play(
      p, 4000, 0.3, 11, [&] { return eg.choose(); }, [&](size_t a, double r) { eg.update(a, r); });
  CHECK(growth_exponent(eg_regret, 1000) > 0.9);
  CHECK(eg_regret.back() > regret.back());
}

TEST_CASE("with zero noise the bandits find the best arm", "[fleet][bandit]") {
  for (std::uint64_t seed : {1, 2, 3}) {
    Problem p = synthetic(4, 8, seed);
    LinUcb ucb(4, 0.5);
    LinThompson ts(4, 0.01, 1.0, seed);  // posterior scale at the (zero) noise's scale
    std::vector<size_t> a1, a2;
    play(
        p, 300, 0.0, seed, [&] { return ucb.choose(p.arms); },
        [&](size_t a, double r) { ucb.update(p.arms[a], r); }, &a1);
    play(
        p, 300, 0.0, seed, [&] { return ts.choose(p.arms); },
        [&](size_t a, double r) { ts.update(p.arms[a], r); }, &a2);
    CHECK(a1.back() == p.best);
    CHECK(a2.back() == p.best);
  }
}
