#include "fleet/bandit.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/error.hpp"

namespace monet::fleet {

double normal(core::Rng& rng) {
  double u1 = 1.0 - rng.uniform_real();  // (0, 1]: log stays finite
  double u2 = rng.uniform_real();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

LinearModel::LinearModel(int dim, double lambda)
    : a_inv_(Eigen::MatrixXd::Identity(dim, dim) / lambda),
      b_(Eigen::VectorXd::Zero(dim)),
      theta_(Eigen::VectorXd::Zero(dim)) {
  if (dim <= 0 || !(lambda > 0)) throw core::Error("a linear bandit needs dim > 0, lambda > 0");
}

void LinearModel::update(const Eigen::VectorXd& x, double reward) {
  // Sherman–Morrison: (A + x x^T)^-1 without refactorising A each round.
  Eigen::VectorXd ax = a_inv_ * x;
  a_inv_ -= (ax * ax.transpose()) / (1.0 + x.dot(ax));
  b_ += reward * x;
  theta_ = a_inv_ * b_;
}

double LinearModel::variance(const Eigen::VectorXd& x) const {
  return std::max(0.0, x.dot(a_inv_ * x));
}

LinUcb::LinUcb(int dim, double alpha, double lambda) : model_(dim, lambda), alpha_(alpha) {}

size_t LinUcb::choose(const std::vector<Eigen::VectorXd>& arms) const {
  size_t best = 0;
  double best_score = -INFINITY;
  for (size_t a = 0; a < arms.size(); ++a) {
    double s = model_.theta().dot(arms[a]) + alpha_ * std::sqrt(model_.variance(arms[a]));
    if (s > best_score) {
      best_score = s;
      best = a;
    }
  }
  return best;
}

LinThompson::LinThompson(int dim, double v, double lambda, std::uint64_t seed)
    : model_(dim, lambda), v_(v), rng_(seed) {}

size_t LinThompson::choose(const std::vector<Eigen::VectorXd>& arms) {
  const auto d = model_.theta().size();
  // A^-1 is symmetric positive definite; its Cholesky factor L gives theta_hat + v L z.
  Eigen::LLT<Eigen::MatrixXd> llt(model_.inverse());
  Eigen::VectorXd z(d);
  for (Eigen::Index i = 0; i < d; ++i) z[i] = normal(rng_);
  Eigen::VectorXd lz = llt.matrixL() * z;
  Eigen::VectorXd theta = model_.theta() + v_ * lz;
  size_t best = 0;
  double best_score = -INFINITY;
  for (size_t a = 0; a < arms.size(); ++a) {
    double s = theta.dot(arms[a]);
    if (s > best_score) {
      best_score = s;
      best = a;
    }
  }
  return best;
}

EpsilonGreedy::EpsilonGreedy(size_t arms, double epsilon, std::uint64_t seed)
    : sum_(arms, 0.0), count_(arms, 0), epsilon_(epsilon), rng_(seed) {}

size_t EpsilonGreedy::choose() {
  for (size_t a = 0; a < count_.size(); ++a)
    if (count_[a] == 0) return a;
  if (rng_.bernoulli(epsilon_)) return static_cast<size_t>(rng_.below(count_.size()));
  size_t best = 0;
  for (size_t a = 1; a < count_.size(); ++a)
    if (sum_[a] / count_[a] > sum_[best] / count_[best]) best = a;
  return best;
}

void EpsilonGreedy::update(size_t arm, double reward) {
  sum_[arm] += reward;
  ++count_[arm];
}

double growth_exponent(const std::vector<double>& r, size_t from) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  size_t n = 0;
  for (size_t t = std::max<size_t>(from, 1); t <= r.size(); ++t) {
    if (!(r[t - 1] > 0)) continue;
    double x = std::log(static_cast<double>(t)), y = std::log(r[t - 1]);
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
    ++n;
  }
  if (n < 2) return 0;
  double den = n * sxx - sx * sx;
  return den > 0 ? (n * sxy - sx * sy) / den : 0;
}

}  // namespace monet::fleet
