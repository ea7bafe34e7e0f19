// The checkpointing problem on a chain with an additive recompute cost (training/chain.hpp):
// one keep bit per boundary and per saved tensor (or block), objectives (recompute cost, peak
// activation bytes). Its exact front comes from training::checkpoint_front, which is what
// makes it the yardstick for how close the GA gets to optimal.
#pragma once

#include "ga/genome.hpp"
#include "training/chain.hpp"

namespace monet::codesign {

// A block that is recomputed anyway (its output boundary or one of its saved tensors is
// dropped) regenerates all its saved tensors, so keeping some of them only costs memory: this
// drops them all. Every plan it changes is weakly dominated by the result
// (training/checkpoint_dp.hpp), so decoding genomes through it leaves the front unchanged.
training::ChainPlan canonical_chain_plan(const training::Chain& chain, training::ChainPlan plan);

class ChainCheckpointProblem : public ga::Problem {
 public:
  ChainCheckpointProblem(training::Chain chain, training::Granularity granularity);

  std::vector<ga::GeneGroup> genes() const override;
  std::vector<std::string> objective_names() const override;
  std::vector<std::string> objective_labels() const;
  std::vector<std::string> objective_units() const;  // the chain's cost unit, bytes
  ga::Evaluation evaluate(const ga::Genome& genome) const override;

  // Store-all, Chen's √n and drop-everything, as genomes.
  std::vector<ga::Genome> seeds() const;
  std::string describe(const ga::Genome& genome) const;  // "K|K|DDD|DD"
  const training::Chain& chain() const { return chain_; }
  training::Granularity granularity() const { return granularity_; }

 private:
  // Genome → canonical plan.
  training::ChainPlan decode(const ga::Genome& genome) const;

  training::Chain chain_;
  training::Granularity granularity_;
};

}  // namespace monet::codesign
