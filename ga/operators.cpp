#include "ga/operators.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace monet::ga {

namespace {

int draw_other(int value, int lo, int hi, core::Rng& rng) {
  // Uniform over the domain without `value`: draw from one fewer and skip over it.
  const int v = static_cast<int>(rng.uniform_int(lo, static_cast<long long>(hi) - 1));
  return v >= value ? v + 1 : v;
}

// Polynomial mutation (Deb & Goyal 1996, bounded form as in Deb's NSGA-II code) on the real
// line over [lo, hi], rounded to the nearest integer; when rounding lands on the old value the
// gene moves one step in the drawn direction so that a mutation always changes something.
int polynomial(int value, int lo, int hi, core::Rng& rng) {
  const double x = value;
  const double span = static_cast<double>(hi) - lo;
  const double d1 = (x - lo) / span;
  const double d2 = (hi - x) / span;
  const double u = rng.uniform_real();
  const double power = 1.0 / (kPolynomialEta + 1.0);
  double dq;
  if (u < 0.5) {
    const double b = 2.0 * u + (1.0 - 2.0 * u) * std::pow(1.0 - d1, kPolynomialEta + 1.0);
    dq = std::pow(b, power) - 1.0;
  } else {
    const double b = 2.0 * (1.0 - u) + 2.0 * (u - 0.5) * std::pow(1.0 - d2, kPolynomialEta + 1.0);
    dq = 1.0 - std::pow(b, power);
  }
  long long y = std::llround(x + dq * span);
  if (y == value) y += (u < 0.5) ? -1 : 1;
  if (y < lo) y = value + 1;
  if (y > hi) y = value - 1;
  return static_cast<int>(y);
}

int mutate_gene(GeneGroup::Mutation op, int value, int lo, int hi, core::Rng& rng) {
  switch (op) {
    case GeneGroup::Mutation::kBitFlip:
      return value == lo ? hi : lo;
    case GeneGroup::Mutation::kStep: {
      if (value == lo) return value + 1;
      if (value == hi) return value - 1;
      return rng.bernoulli(0.5) ? value + 1 : value - 1;
    }
    case GeneGroup::Mutation::kPolynomial:
      return polynomial(value, lo, hi, rng);
    case GeneGroup::Mutation::kReset:
      break;
  }
  return draw_other(value, lo, hi, rng);
}

}  // namespace

Genome random_genome(const std::vector<GeneGroup>& groups, core::Rng& rng) {
  Genome g;
  g.reserve(genome_length(groups));
  for (const auto& group : groups)
    for (std::size_t i = 0; i < group.size(); ++i)
      g.push_back(static_cast<int>(rng.uniform_int(group.lower[i], group.upper[i])));
  return g;
}

void crossover(const std::vector<GeneGroup>& groups, Genome& a, Genome& b, core::Rng& rng) {
  std::size_t offset = 0;
  for (const auto& group : groups) {
    const std::size_t n = group.size();
    if (group.crossover == GeneGroup::Crossover::kTwoPoint && n >= 2) {
      // Two distinct cut points among the n + 1 gaps; the genes between them are swapped.
      std::size_t c1 = static_cast<std::size_t>(rng.below(n + 1));
      std::size_t c2 = static_cast<std::size_t>(rng.below(n));
      if (c2 >= c1) ++c2;
      if (c1 > c2) std::swap(c1, c2);
      for (std::size_t i = c1; i < c2; ++i) std::swap(a[offset + i], b[offset + i]);
    } else {
      for (std::size_t i = 0; i < n; ++i)
        if (rng.bernoulli(0.5)) std::swap(a[offset + i], b[offset + i]);
    }
    offset += n;
  }
}

void mutate(const std::vector<GeneGroup>& groups, const MutationRates& rates, Genome& genome,
            core::Rng& rng) {
  std::size_t k = 0;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const GeneGroup& group = groups[g];
    for (std::size_t i = 0; i < group.size(); ++i, ++k) {
      // Draw for every gene, even fixed ones, so the stream does not depend on the domains.
      if (!rng.bernoulli(rates[g])) continue;
      if (group.lower[i] == group.upper[i]) continue;
      genome[k] = mutate_gene(group.mutation, genome[k], group.lower[i], group.upper[i], rng);
    }
  }
}

bool mutate_one(const std::vector<GeneGroup>& groups, Genome& genome, core::Rng& rng) {
  std::size_t movable = 0;
  for (const auto& group : groups)
    for (std::size_t i = 0; i < group.size(); ++i)
      if (group.lower[i] < group.upper[i]) ++movable;
  if (movable == 0) return false;
  std::size_t pick = static_cast<std::size_t>(rng.below(movable));
  std::size_t k = 0;
  for (const auto& group : groups) {
    for (std::size_t i = 0; i < group.size(); ++i, ++k) {
      if (group.lower[i] == group.upper[i]) continue;
      if (pick-- == 0) {
        genome[k] = mutate_gene(group.mutation, genome[k], group.lower[i], group.upper[i], rng);
        return true;
      }
    }
  }
  return false;
}

}  // namespace monet::ga
