#include "ga/genome.hpp"

#include <cmath>
#include <set>
#include <utility>

#include "core/error.hpp"

namespace monet::ga {

using core::Error;

GeneGroup GeneGroup::uniform(std::string name, std::size_t count, int lo, int hi,
                             Crossover crossover, Mutation mutation) {
  GeneGroup g;
  g.name = std::move(name);
  g.crossover = crossover;
  g.mutation = mutation;
  g.lower.assign(count, lo);
  g.upper.assign(count, hi);
  return g;
}

const char* to_string(GeneGroup::Crossover c) {
  switch (c) {
    case GeneGroup::Crossover::kUniform:
      return "uniform";
    case GeneGroup::Crossover::kTwoPoint:
      return "two_point";
  }
  return "?";
}

const char* to_string(GeneGroup::Mutation m) {
  switch (m) {
    case GeneGroup::Mutation::kReset:
      return "reset";
    case GeneGroup::Mutation::kBitFlip:
      return "bit_flip";
    case GeneGroup::Mutation::kStep:
      return "step";
    case GeneGroup::Mutation::kPolynomial:
      return "polynomial";
  }
  return "?";
}

GeneGroup::Crossover crossover_from_string(const std::string& s) {
  for (auto c : {GeneGroup::Crossover::kUniform, GeneGroup::Crossover::kTwoPoint})
    if (s == to_string(c)) return c;
  throw Error("unknown crossover operator '" + s + "' (expected uniform or two_point)");
}

GeneGroup::Mutation mutation_from_string(const std::string& s) {
  for (auto m : {GeneGroup::Mutation::kReset, GeneGroup::Mutation::kBitFlip,
                 GeneGroup::Mutation::kStep, GeneGroup::Mutation::kPolynomial})
    if (s == to_string(m)) return m;
  throw Error("unknown mutation operator '" + s +
              "' (expected reset, bit_flip, step or polynomial)");
}

void validate_genes(const std::vector<GeneGroup>& groups) {
  if (groups.empty()) throw Error("ga: the genome has no gene groups");
  std::set<std::string> names;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const GeneGroup& group = groups[g];
    const std::string where = "ga: gene group " + std::to_string(g) + " '" + group.name + "'";
    if (group.name.empty()) throw Error(where + " has no name");
    if (!names.insert(group.name).second) throw Error(where + ": the name is used twice");
    if (group.lower.empty()) throw Error(where + " is empty (it must have at least one gene)");
    if (group.lower.size() != group.upper.size())
      throw Error(where + " has " + std::to_string(group.lower.size()) + " lower bounds but " +
                  std::to_string(group.upper.size()) + " upper bounds");
    for (std::size_t i = 0; i < group.size(); ++i) {
      const int lo = group.lower[i];
      const int hi = group.upper[i];
      if (lo > hi)
        throw Error(where + ", gene " + std::to_string(i) + ": lower bound " + std::to_string(lo) +
                    " exceeds upper bound " + std::to_string(hi));
      if (group.mutation == GeneGroup::Mutation::kBitFlip && static_cast<long long>(hi) - lo > 1)
        throw Error(where + ", gene " + std::to_string(i) + ": bit-flip mutation needs a domain " +
                    "of at most two values, got [" + std::to_string(lo) + ", " +
                    std::to_string(hi) + "]");
    }
  }
}

std::size_t genome_length(const std::vector<GeneGroup>& groups) {
  std::size_t n = 0;
  for (const auto& g : groups) n += g.size();
  return n;
}

void validate_genome(const std::vector<GeneGroup>& groups, const Genome& genome,
                     const std::string& what) {
  const std::size_t n = genome_length(groups);
  if (genome.size() != n)
    throw Error("ga: " + what + " has " + std::to_string(genome.size()) + " genes, expected " +
                std::to_string(n));
  std::size_t k = 0;
  for (const auto& group : groups) {
    for (std::size_t i = 0; i < group.size(); ++i, ++k) {
      if (genome[k] < group.lower[i] || genome[k] > group.upper[i])
        throw Error("ga: " + what + ", group '" + group.name + "' gene " + std::to_string(i) +
                    " = " + std::to_string(genome[k]) + " is outside its domain [" +
                    std::to_string(group.lower[i]) + ", " + std::to_string(group.upper[i]) + "]");
    }
  }
}

void validate_evaluation(const Evaluation& e, std::size_t objectives, const std::string& what) {
  if (e.objectives.size() != objectives)
    throw Error("ga: " + what + " has " + std::to_string(e.objectives.size()) +
                " objectives, expected " + std::to_string(objectives));
  for (std::size_t j = 0; j < e.objectives.size(); ++j)
    if (!std::isfinite(e.objectives[j]))
      throw Error("ga: " + what + ": objective " + std::to_string(j) + " is not finite (" +
                  std::to_string(e.objectives[j]) + ")");
  if (!std::isfinite(e.violation) || e.violation < 0.0)
    throw Error("ga: " + what + ": constraint violation must be finite and >= 0, got " +
                std::to_string(e.violation));
}

}  // namespace monet::ga
