// Variation operators on integer genomes, applied group by group with each group's operators.
// All randomness comes from the core::Rng passed in, so a given generator state gives the same
// children on every platform.
#pragma once

#include <vector>

#include "core/rng.hpp"
#include "ga/genome.hpp"

namespace monet::ga {

// Per-gene mutation probability of every group, aligned with the groups.
using MutationRates = std::vector<double>;

// A genome drawn uniformly from every gene's domain.
Genome random_genome(const std::vector<GeneGroup>& groups, core::Rng& rng);

// Exchanges genes between a and b in place, each group with its own crossover operator.
void crossover(const std::vector<GeneGroup>& groups, Genome& a, Genome& b, core::Rng& rng);

// Mutates each gene with its group's rate, using the group's mutation operator. A mutated gene
// always changes value unless its domain has a single value.
void mutate(const std::vector<GeneGroup>& groups, const MutationRates& rates, Genome& genome,
            core::Rng& rng);

// Mutates exactly one gene drawn among those whose domain has more than one value; used to turn
// a duplicate child into a new genome. Returns false when every domain is a single value.
bool mutate_one(const std::vector<GeneGroup>& groups, Genome& genome, core::Rng& rng);

// Distribution index of the polynomial mutation: larger means smaller moves. 20 is the value
// Deb & Goyal (1996) and most NSGA-II implementations use.
inline constexpr double kPolynomialEta = 20.0;

}  // namespace monet::ga
