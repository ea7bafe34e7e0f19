#include <catch2/catch.hpp>

#include <cstdlib>
#include <vector>

#include "core/rng.hpp"
#include "ga/operators.hpp"

using monet::core::Rng;
using monet::ga::GeneGroup;
using monet::ga::Genome;
using C = GeneGroup::Crossover;
using M = GeneGroup::Mutation;

namespace {
std::vector<GeneGroup> mixed_groups() {
  return {GeneGroup::uniform("alloc", 12, 0, 3, C::kTwoPoint, M::kReset),
          GeneGroup::uniform("ckpt", 10, 0, 1, C::kUniform, M::kBitFlip),
          GeneGroup::uniform("tile", 6, 0, 5, C::kUniform, M::kStep),
          GeneGroup::uniform("size", 5, -50, 950, C::kUniform, M::kPolynomial),
          GeneGroup::uniform("fixed", 2, 7, 7, C::kUniform, M::kReset)};
}

bool in_domain(const std::vector<GeneGroup>& groups, const Genome& g) {
  std::size_t k = 0;
  for (const auto& group : groups)
    for (std::size_t i = 0; i < group.size(); ++i, ++k)
      if (g[k] < group.lower[i] || g[k] > group.upper[i]) return false;
  return k == g.size();
}
}  // namespace

TEST_CASE("random genomes and mutations stay inside every domain") {
  auto groups = mixed_groups();
  Rng rng(1);
  const std::vector<double> rates(groups.size(), 0.3);
  for (int i = 0; i < 2000; ++i) {
    Genome g = monet::ga::random_genome(groups, rng);
    REQUIRE(in_domain(groups, g));
    monet::ga::mutate(groups, rates, g, rng);
    REQUIRE(in_domain(groups, g));
  }
}

TEST_CASE("each mutation operator changes a gene the way its group needs") {
  auto groups = mixed_groups();
  Rng rng(2);
  const std::vector<double> all(groups.size(), 1.0);  // mutate every gene
  for (int trial = 0; trial < 500; ++trial) {
    Genome before = monet::ga::random_genome(groups, rng);
    Genome after = before;
    monet::ga::mutate(groups, all, after, rng);
    for (std::size_t k = 0; k < 12; ++k) CHECK(after[k] != before[k]);                 // reset
    for (std::size_t k = 12; k < 22; ++k) CHECK(after[k] == 1 - before[k]);            // bit flip
    for (std::size_t k = 22; k < 28; ++k) CHECK(std::abs(after[k] - before[k]) == 1);  // step
    for (std::size_t k = 28; k < 33; ++k) CHECK(after[k] != before[k]);                // polynomial
    CHECK(after[33] == 7);
    CHECK(after[34] == 7);
  }
}

TEST_CASE("polynomial mutation mostly makes small moves") {
  // With eta = 20 the perturbation is concentrated: the median move is well under 5% of the
  // range, while moves above 25% of the range are rare.
  std::vector<GeneGroup> groups = {
      GeneGroup::uniform("x", 1, 0, 1000, C::kUniform, M::kPolynomial)};
  Rng rng(3);
  int small = 0, large = 0;
  const int n = 10000;
  for (int i = 0; i < n; ++i) {
    Genome g = {500};
    monet::ga::mutate(groups, {1.0}, g, rng);
    const int move = std::abs(g[0] - 500);
    if (move <= 50) ++small;
    if (move > 250) ++large;
  }
  CHECK(small > n / 2);
  CHECK(large < n / 50);
}

TEST_CASE("crossover exchanges genes without creating new values") {
  auto groups = mixed_groups();
  Rng rng(4);
  for (int trial = 0; trial < 500; ++trial) {
    const Genome p1 = monet::ga::random_genome(groups, rng);
    const Genome p2 = monet::ga::random_genome(groups, rng);
    Genome a = p1, b = p2;
    monet::ga::crossover(groups, a, b, rng);
    // 1: certainly swapped, -1: certainly kept, 0: parents agree so it cannot be told.
    std::vector<int> state(a.size());
    for (std::size_t k = 0; k < a.size(); ++k) {
      const bool same = a[k] == p1[k] && b[k] == p2[k];
      const bool swap = a[k] == p2[k] && b[k] == p1[k];
      REQUIRE((same || swap));
      state[k] = same && swap ? 0 : (swap ? 1 : -1);
    }
    // Two-point on "alloc" (genes 0..11): no kept gene between two swapped ones.
    int first = -1, last = -1;
    for (int k = 0; k < 12; ++k)
      if (state[static_cast<std::size_t>(k)] == 1) {
        if (first < 0) first = k;
        last = k;
      }
    for (int k = first; first >= 0 && k <= last; ++k)
      CHECK(state[static_cast<std::size_t>(k)] != -1);
  }
}

TEST_CASE("mutate_one changes exactly one gene, never a fixed one") {
  auto groups = mixed_groups();
  Rng rng(5);
  for (int trial = 0; trial < 500; ++trial) {
    const Genome before = monet::ga::random_genome(groups, rng);
    Genome after = before;
    REQUIRE(monet::ga::mutate_one(groups, after, rng));
    int changed = 0;
    for (std::size_t k = 0; k < after.size(); ++k) changed += after[k] != before[k];
    CHECK(changed == 1);
    CHECK(after[33] == 7);
  }
  std::vector<GeneGroup> frozen = {GeneGroup::uniform("f", 3, 1, 1, C::kUniform, M::kReset)};
  Genome g = {1, 1, 1};
  CHECK_FALSE(monet::ga::mutate_one(frozen, g, rng));
}
