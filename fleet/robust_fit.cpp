#include "fleet/robust_fit.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace monet::fleet {

const core::NameTable<Loss>& robust_loss_names() {
  static const core::NameTable<Loss> table(
      "robust loss",
      {{Loss::kSquared, "squared"}, {Loss::kHuber, "huber"}, {Loss::kCauchy, "cauchy"}});
  return table;
}

std::string loss_name(Loss l) {
  return robust_loss_names().str(l);
}

namespace {
double loss_value(Loss l, double c, double r) {
  double a = std::abs(r);
  switch (l) {
    case Loss::kSquared:
      return 0.5 * r * r;
    case Loss::kHuber:
      return a <= c ? 0.5 * r * r : c * (a - 0.5 * c);
    case Loss::kCauchy:
      return 0.5 * c * c * std::log1p((r / c) * (r / c));
  }
  return 0;
}
// rho'(r) / r: the weight of a residual in the reweighted normal equations.
double loss_weight(Loss l, double c, double r) {
  double a = std::abs(r);
  switch (l) {
    case Loss::kSquared:
      return 1;
    case Loss::kHuber:
      return a <= c ? 1 : c / a;
    case Loss::kCauchy:
      return 1 / (1 + (r / c) * (r / c));
  }
  return 1;
}

// Largest change of any u per iteration: tanh moves by at most 0.76 of the bounds' span.
constexpr double kMaxStepU = 1.0;

struct Transform {
  const std::vector<FitBounds>& b;
  double s_of_x(size_t i, double x) const { return b[i].log ? std::log(x) : x; }
  double x_of_s(size_t i, double s) const { return b[i].log ? std::exp(s) : s; }
  double lo(size_t i) const { return s_of_x(i, b[i].lo); }
  double hi(size_t i) const { return s_of_x(i, b[i].hi); }
  double s_of_u(size_t i, double u) const {
    return lo(i) + (hi(i) - lo(i)) * 0.5 * (1 + std::tanh(u));
  }
  double ds_du(size_t i, double u) const {
    double t = std::tanh(u);
    return (hi(i) - lo(i)) * 0.5 * (1 - t * t);
  }
  double u_of_s(size_t i, double s) const {
    double f = 2 * (s - lo(i)) / (hi(i) - lo(i)) - 1;
    f = std::clamp(f, -1 + 1e-9, 1 - 1e-9);  // a start on a bound moves just inside it
    return std::atanh(f);
  }
  Eigen::VectorXd x_of_u(const Eigen::VectorXd& u) const {
    Eigen::VectorXd x(u.size());
    for (Eigen::Index i = 0; i < u.size(); ++i) x[i] = x_of_s(i, s_of_u(i, u[i]));
    return x;
  }
};
}  // namespace

FitResult robust_fit(const FitProblem& p, const Eigen::VectorXd& x0) {
  const auto n = static_cast<Eigen::Index>(p.bounds.size());
  Transform t{p.bounds};
  FitResult out;
  auto eval = [&](const Eigen::VectorXd& u) {
    ++out.evaluations;
    Eigen::VectorXd r = p.residuals(t.x_of_u(u));
    for (Eigen::Index j = 0; j < r.size(); ++j)
      if (!std::isfinite(r[j])) throw core::Error("a prediction is not finite during the fit");
    return r;
  };
  auto cost_of = [&](const Eigen::VectorXd& r) {
    double c = 0;
    for (Eigen::Index j = 0; j < r.size(); ++j) c += loss_value(p.loss, p.loss_scale, r[j]);
    return c;
  };
  Eigen::VectorXd u(n);
  for (Eigen::Index i = 0; i < n; ++i) u[i] = t.u_of_s(i, t.s_of_x(i, x0[i]));
  Eigen::VectorXd r = eval(u);
  double cost = cost_of(r);
  const Eigen::Index m = r.size();
  double lambda = 1e-3;
  // Finite differences in s (not u): the step is a fixed relative change of the parameter.
  auto jacobian_u = [&](const Eigen::VectorXd& u0, const Eigen::VectorXd& r0) {
    Eigen::MatrixXd J(m, n);
    for (Eigen::Index i = 0; i < n; ++i) {
      Eigen::VectorXd u1 = u0;
      double s0 = t.s_of_u(i, u0[i]);
      double ds =
          p.bounds[i].log ? 1e-4 : 1e-4 * std::max(std::abs(s0), 1e-3 * (t.hi(i) - t.lo(i)));
      double h = std::min(ds / std::max(t.ds_du(i, u0[i]), 1e-300), 1e-2);
      u1[i] += h;
      J.col(i) = (eval(u1) - r0) / h;
    }
    return J;
  };
  for (out.iterations = 0; out.iterations < p.max_iterations; ++out.iterations) {
    Eigen::MatrixXd J = jacobian_u(u, r);
    Eigen::VectorXd w(m);
    for (Eigen::Index j = 0; j < m; ++j) w[j] = loss_weight(p.loss, p.loss_scale, r[j]);
    Eigen::MatrixXd A = J.transpose() * w.asDiagonal() * J;
    Eigen::VectorXd g = J.transpose() * w.asDiagonal() * r;
    if (g.lpNorm<Eigen::Infinity>() < 1e-14) {
      out.converged = true;
      break;
    }
    bool accepted = false;
    double new_cost = cost;
    Eigen::VectorXd step;
    while (lambda < 1e12) {
      Eigen::MatrixXd D = A;
      for (Eigen::Index i = 0; i < n; ++i) D(i, i) += lambda * std::max(A(i, i), 1e-12);
      step = D.ldlt().solve(-g);
      // A trust region in u: far from the optimum a Gauss-Newton step can jump into the flat
      // tails of tanh, where a bound with a lower cost than the start would hold the fit (no
      // gradient left there) although the optimum is inside the bounds.
      if (double big = step.lpNorm<Eigen::Infinity>(); big > kMaxStepU) step *= kMaxStepU / big;
      Eigen::VectorXd u1 = u + step;
      Eigen::VectorXd r1 = eval(u1);
      new_cost = cost_of(r1);
      if (new_cost < cost) {
        u = u1;
        r = r1;
        accepted = true;
        lambda = std::max(lambda / 3, 1e-9);
        break;
      }
      lambda *= 4;
    }
    if (!accepted) {
      out.converged = true;  // no descent direction left at this resolution
      break;
    }
    double gain = cost - new_cost;
    cost = new_cost;
    if (step.lpNorm<Eigen::Infinity>() < 1e-10 || gain <= 1e-15 * (cost + 1e-300) || cost < 1e-20) {
      out.converged = true;
      ++out.iterations;
      break;
    }
  }
  out.x = t.x_of_u(u);
  out.residuals = r;
  out.cost = cost;
  Eigen::MatrixXd Ju = jacobian_u(u, r);
  out.jacobian = Ju;
  out.at_bound.assign(static_cast<size_t>(n), false);
  for (Eigen::Index i = 0; i < n; ++i) {
    double d = t.ds_du(i, u[i]);
    double span = t.hi(i) - t.lo(i);
    out.at_bound[static_cast<size_t>(i)] = d < 1e-6 * span;
    out.jacobian.col(i) = d > 0 ? Eigen::VectorXd(Ju.col(i) / d) : Eigen::VectorXd::Zero(m);
  }
  out.weights.resize(m);
  for (Eigen::Index j = 0; j < m; ++j) out.weights[j] = loss_weight(p.loss, p.loss_scale, r[j]);
  return out;
}

Eigen::VectorXd fit_uncertainty(const FitResult& r) {
  const auto m = r.residuals.size();
  const auto n = r.x.size();
  if (m <= n) return {};
  Eigen::MatrixXd A = r.jacobian.transpose() * r.weights.asDiagonal() * r.jacobian;
  Eigen::FullPivLU<Eigen::MatrixXd> lu(A);
  if (lu.rank() < n) return {};
  double s2 = 0;
  for (Eigen::Index j = 0; j < m; ++j) s2 += r.weights[j] * r.residuals[j] * r.residuals[j];
  s2 /= static_cast<double>(m - n);
  Eigen::MatrixXd cov = s2 * lu.inverse();
  Eigen::VectorXd sd(n);
  for (Eigen::Index i = 0; i < n; ++i) sd[i] = std::sqrt(std::max(cov(i, i), 0.0));
  return sd;
}

}  // namespace monet::fleet
