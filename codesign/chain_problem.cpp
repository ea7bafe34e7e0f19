#include "codesign/chain_problem.hpp"

#include <algorithm>

#include "training/checkpoint_dp.hpp"

namespace monet::codesign {

ChainCheckpointProblem::ChainCheckpointProblem(training::Chain chain,
                                               training::Granularity granularity)
    : chain_(std::move(chain)), granularity_(granularity) {}

std::vector<ga::GeneGroup> ChainCheckpointProblem::genes() const {
  int n = training::plan_gene_count(chain_, granularity_);
  return {ga::GeneGroup::uniform("checkpoint", static_cast<size_t>(n), 0, 1,
                                 ga::GeneGroup::Crossover::kUniform,
                                 ga::GeneGroup::Mutation::kBitFlip)};
}

std::vector<std::string> ChainCheckpointProblem::objective_names() const {
  return {"recompute_" + chain_.cost_unit, "peak_activation_bytes"};
}

std::vector<std::string> ChainCheckpointProblem::objective_labels() const {
  return {"recompute cost", "peak activation memory"};
}

std::vector<std::string> ChainCheckpointProblem::objective_units() const {
  return {chain_.cost_unit, "B"};
}

training::ChainPlan canonical_chain_plan(const training::Chain& chain, training::ChainPlan plan) {
  const int n = chain.size();
  for (int i = 0; i < n; ++i) {
    auto& bits = plan.keep_saved[static_cast<size_t>(i)];
    bool output_dropped = i < n - 1 && !plan.keep_boundary[static_cast<size_t>(i)];
    bool any_dropped = std::find(bits.begin(), bits.end(), 0) != bits.end();
    if (output_dropped || any_dropped) std::fill(bits.begin(), bits.end(), 0);
  }
  return plan;
}

training::ChainPlan ChainCheckpointProblem::decode(const ga::Genome& genome) const {
  return canonical_chain_plan(chain_, training::plan_from_genes(chain_, granularity_, genome));
}

ga::Evaluation ChainCheckpointProblem::evaluate(const ga::Genome& genome) const {
  auto plan = decode(genome);
  auto e = training::evaluate_chain_plan(chain_, plan);
  return {{static_cast<double>(e.recompute_cost), static_cast<double>(e.peak_bytes)}, 0.0};
}

std::vector<ga::Genome> ChainCheckpointProblem::seeds() const {
  return {training::plan_genes(training::store_all_plan(chain_, granularity_)),
          training::plan_genes(training::sqrt_plan(chain_, granularity_)),
          training::plan_genes(training::uniform_plan(chain_, granularity_, false))};
}

std::string ChainCheckpointProblem::describe(const ga::Genome& genome) const {
  return training::plan_str(chain_, decode(genome));
}

}  // namespace monet::codesign
