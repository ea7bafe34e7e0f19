// What the GA searches over: integer genomes split into gene groups, and the problems that
// score them.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace monet::ga {

// All groups' genes concatenated, in group order.
using Genome = std::vector<int>;

// A run of genes that share a meaning and therefore an operator pair, e.g. "allocation" (core
// index per layer), "checkpoint" (one bit per saved tensor), "tile_exponent" (log2 tile count).
struct GeneGroup {
  // How two parents exchange this group's genes.
  enum class Crossover {
    kUniform,   // each gene from either parent with probability 1/2
    kTwoPoint,  // one contiguous segment of the group is swapped (keeps neighbouring layers
                // together, which suits allocations where adjacent layers share a core)
  };
  // How one gene changes under mutation (the per-gene probability is in Nsga2Options).
  enum class Mutation {
    kReset,       // any other value of the domain, uniformly (categorical genes: core index)
    kBitFlip,     // the other value of a two-value domain (checkpoint bits)
    kStep,        // one step up or down (ordinal genes with small domains: tile exponents)
    kPolynomial,  // Deb's polynomial mutation rounded to an integer, moves of any size but
                  // mostly small (ordinal genes with large domains)
  };

  std::string name;
  Crossover crossover = Crossover::kUniform;
  Mutation mutation = Mutation::kReset;
  std::vector<int> lower;  // inclusive bound per gene
  std::vector<int> upper;  // inclusive bound per gene

  // A group of `count` genes sharing one domain [lo, hi].
  static GeneGroup uniform(std::string name, std::size_t count, int lo, int hi, Crossover crossover,
                           Mutation mutation);

  std::size_t size() const { return lower.size(); }
  bool operator==(const GeneGroup&) const = default;
};

const char* to_string(GeneGroup::Crossover c);
const char* to_string(GeneGroup::Mutation m);
GeneGroup::Crossover crossover_from_string(const std::string& s);  // throws core::Error
GeneGroup::Mutation mutation_from_string(const std::string& s);    // throws core::Error

// One scored genome. Objectives are minimised; violation is the total amount by which
// constraints are broken (e.g. bytes over a memory capacity), 0 for a feasible genome.
struct Evaluation {
  std::vector<double> objectives;
  double violation = 0.0;
  bool feasible() const { return violation <= 0.0; }
  bool operator==(const Evaluation&) const = default;
};

// A search problem. evaluate() is called concurrently from several threads, so it must be
// thread-safe (const and free of unsynchronised shared caches).
class Problem {
 public:
  virtual ~Problem() = default;
  virtual std::vector<GeneGroup> genes() const = 0;
  virtual std::vector<std::string> objective_names() const = 0;
  virtual Evaluation evaluate(const Genome& genome) const = 0;
};

// Throws core::Error naming the group and gene when the groups are unusable: no groups, an empty
// or unnamed or duplicate group, lower/upper of different lengths, lower > upper, or a bit-flip
// group whose domain has more than two values.
void validate_genes(const std::vector<GeneGroup>& groups);

std::size_t genome_length(const std::vector<GeneGroup>& groups);

// Throws core::Error when `genome` has the wrong length or a gene outside its domain; `what`
// names the genome in the message (e.g. "seed 3").
void validate_genome(const std::vector<GeneGroup>& groups, const Genome& genome,
                     const std::string& what);

// Throws core::Error when an evaluation has the wrong number of objectives, a non-finite value or
// a negative or non-finite violation.
void validate_evaluation(const Evaluation& e, std::size_t objectives, const std::string& what);

}  // namespace monet::ga
