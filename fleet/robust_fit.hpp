// Bounded robust least squares by Levenberg–Marquardt on Eigen. Bounds are a transformation
// (x = a + (b - a)(1 + tanh u)/2, on log x when the lower bound is positive), so every trial
// point is inside them; the loss (Huber or Cauchy) is applied by iteratively reweighting.
#pragma once

#include <Eigen/Dense>
#include <functional>
#include <string>
#include <vector>

#include "core/names.hpp"

namespace monet::fleet {

enum class Loss { kSquared, kHuber, kCauchy };
const core::NameTable<Loss>& robust_loss_names();  // "squared", "huber", "cauchy"
std::string loss_name(Loss l);

struct FitBounds {
  double lo = 0, hi = 0;
  bool log = false;  // fit log x (lo > 0): relative steps, relative uncertainty
};

struct FitProblem {
  std::vector<FitBounds> bounds;
  // Residuals at natural parameter values x (one per measured quantity).
  std::function<Eigen::VectorXd(const Eigen::VectorXd&)> residuals;
  Loss loss = Loss::kHuber;
  double loss_scale = 0.1;  // residual size where the robust loss starts to down-weight
  int max_iterations = 50;
};

struct FitResult {
  Eigen::VectorXd x;
  Eigen::VectorXd residuals;
  // d residual / d s at the optimum, s = log x for log bounds, else x.
  Eigen::MatrixXd jacobian;
  Eigen::VectorXd weights;  // the robust loss's weights at the optimum
  double cost = 0;          // sum of the loss over residuals
  int iterations = 0;
  int evaluations = 0;
  bool converged = false;
  std::vector<bool> at_bound;  // within 1e-6 of a bound (in s): no uncertainty there
};

FitResult robust_fit(const FitProblem& p, const Eigen::VectorXd& x0);

// Standard uncertainty of s (log x or x) from the Jacobian at the optimum:
// sqrt(diag(sigma^2 (J^T W J)^-1)), sigma^2 = sum w r^2 / (m - n). Empty when m <= n or
// J^T W J is singular.
Eigen::VectorXd fit_uncertainty(const FitResult& r);

}  // namespace monet::fleet
