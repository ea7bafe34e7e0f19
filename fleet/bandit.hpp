// Contextual bandits over arms described by feature vectors (a (device, model) pair's
// features): LinUCB (Li et al., WWW 2010, disjoint-free "shared" form), linear Thompson
// sampling (Agrawal & Goyal, ICML 2013) and the epsilon-greedy baseline. Deterministic for a
// seed: every random draw comes from core::Rng.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <vector>

#include "core/rng.hpp"

namespace monet::fleet {

// A standard normal draw (Box–Muller on core::Rng, so it is the same on every platform).
double normal(core::Rng& rng);

// Ridge regression of reward on features, shared by the linear bandits:
// A = lambda I + sum x x^T, b = sum r x, theta = A^-1 b.
class LinearModel {
 public:
  LinearModel(int dim, double lambda);
  void update(const Eigen::VectorXd& x, double reward);
  const Eigen::VectorXd& theta() const { return theta_; }
  // x^T A^-1 x: the width of the confidence ellipsoid along x.
  double variance(const Eigen::VectorXd& x) const;
  const Eigen::MatrixXd& inverse() const { return a_inv_; }

 private:
  Eigen::MatrixXd a_inv_;
  Eigen::VectorXd b_;
  Eigen::VectorXd theta_;
};

// Chooses argmax theta^T x + alpha sqrt(x^T A^-1 x) (ties: the lowest index).
class LinUcb {
 public:
  LinUcb(int dim, double alpha, double lambda = 1);
  size_t choose(const std::vector<Eigen::VectorXd>& arms) const;
  void update(const Eigen::VectorXd& x, double reward) { model_.update(x, reward); }

 private:
  LinearModel model_;
  double alpha_;
};

// Samples theta ~ N(theta_hat, v^2 A^-1) and chooses argmax theta^T x.
class LinThompson {
 public:
  LinThompson(int dim, double v, double lambda, std::uint64_t seed);
  size_t choose(const std::vector<Eigen::VectorXd>& arms);
  void update(const Eigen::VectorXd& x, double reward) { model_.update(x, reward); }

 private:
  LinearModel model_;
  double v_;
  core::Rng rng_;
};

// Per-arm mean rewards; explores a uniformly drawn arm with probability epsilon, and every
// arm once first.
class EpsilonGreedy {
 public:
  EpsilonGreedy(size_t arms, double epsilon, std::uint64_t seed);
  size_t choose();
  void update(size_t arm, double reward);

 private:
  std::vector<double> sum_;
  std::vector<size_t> count_;
  double epsilon_;
  core::Rng rng_;
};

// The exponent p of R(t) ~ c t^p by least squares on log R against log t over the rounds
// t in [from, R.size()] (1-based) where R(t) > 0; 0 when fewer than two such rounds.
double growth_exponent(const std::vector<double>& cumulative_regret, size_t from);

}  // namespace monet::fleet
