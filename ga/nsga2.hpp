// NSGA-II (Deb, Pratap, Agarwal & Meyarivan, 2002) over integer genomes with per-gene domains.
//
// Determinism: generation g draws all its random numbers from core::Rng(seed, g); evaluations are
// written by index; every sort breaks ties by index. The result therefore depends on the seed and
// the options but not on the thread count or on thread timing (only a wall-time limit makes the
// number of generations timing-dependent). A run stopped after generation g and resumed from its
// checkpoint continues exactly as if it had never stopped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "ga/genome.hpp"
#include "ga/progress.hpp"
#include "ga/result.hpp"

namespace monet::ga {

struct Nsga2Options {
  std::size_t population = 100;  // parents per generation, and offspring per generation (>= 4)
  std::uint64_t seed = 1;
  std::size_t threads = 1;  // evaluation threads (>= 1); does not change the result
  // Stop limits, 0 = none; at least one must be set. They are checked between generations:
  // max_generations counts generations after the initial population; max_evaluations stops at the
  // first generation that reaches it (overshooting by less than one population).
  std::size_t max_generations = 0;
  std::size_t max_evaluations = 0;
  double max_seconds = 0.0;     // wall time of one run() call
  double crossover_prob = 0.9;  // per pair of parents
  // Per-gene mutation probability for each gene group, in group order. Empty: 1 / genome length
  // for every group (one mutated gene per child on average).
  std::vector<double> mutation_prob;
  std::string checkpoint_path;  // written atomically after every generation when set
  bool resume = false;          // run() continues from checkpoint_path when that file exists
  // Hypervolume reference point. Empty: derived once, from the feasible members of the first
  // population that has any: worst value of each objective plus 10% of its range (or of its
  // magnitude, at least 1, when the range is 0).
  std::vector<double> reference_point;
  // What the evaluations depend on besides the genome (the problem's inputs, e.g. digests of
  // an experiment's sections), by name. Stored in the checkpoint; resuming under a different
  // context is refused with the names that differ, because the stored evaluations would no
  // longer be those of the problem being searched.
  std::map<std::string, std::string> context;
};

// A rule the options break: the option's name (a member of Nsga2Options), its value, the rule.
struct OptionBreak {
  std::string option;
  std::string value;
  std::string rule;
};
// The rules on the options alone, defined once: population >= 4, threads >= 1, a stopping
// budget, max_seconds finite and >= 0, crossover_prob and every mutation_prob in [0, 1].
// validate() throws them; an experiment's search section reports each at its line.
std::vector<OptionBreak> option_breaks(const Nsga2Options& options);

// Throws core::Error with a message naming the option when the options or genes are unusable
// (option_breaks, and what needs the genes: one mutation_prob per gene group).
void validate(const Nsga2Options& options, const std::vector<GeneGroup>& genes);

class Nsga2 {
 public:
  Nsga2(std::vector<GeneGroup> genes, Nsga2Options options);

  // Known good genomes placed first in the initial population (duplicates dropped). Only before
  // the first ask(); at most `population` of them.
  void seed(const std::vector<Genome>& seeds);

  // Ask/tell: ask() returns the genomes to evaluate next (the initial population, then one batch
  // of offspring per generation, never a duplicate of the population or of each other); tell()
  // takes their evaluations in the same order and completes the generation. An empty batch means
  // no new genome could be generated (tiny search space).
  std::vector<Genome> ask();
  void tell(const std::vector<Evaluation>& evaluations);

  // Non-empty ("generation limit", "evaluation limit") when a generation or evaluation limit is
  // reached; the wall-time limit is run()'s business.
  std::string budget_exhausted() const;

  // Evaluates on options.threads threads until a limit is reached, the search space is exhausted
  // or `progress` returns false. Resumes from the checkpoint first when options.resume is set.
  Result run(const Problem& problem, const ProgressCallback& progress = {});

  // The state as a Result (front, history, counters); objective_names, seconds and stop_reason
  // are left to run().
  Result result() const;

  void save_checkpoint(const std::string& path) const;
  // Replaces the state by the checkpoint's. Throws core::Error when the checkpoint was written for
  // other genes, another population size, seed, operator rates or reference point.
  void load_checkpoint(const std::string& path);

  const std::vector<GeneGroup>& genes() const { return genes_; }
  const Nsga2Options& options() const { return options_; }
  bool started() const { return started_; }
  std::size_t generation() const { return generation_; }
  std::size_t evaluations() const { return evaluations_; }
  const std::vector<Individual>& population() const { return population_; }
  const std::vector<std::size_t>& ranks() const { return rank_; }
  const std::vector<HistoryEntry>& history() const { return history_; }
  const std::vector<Individual>& archive() const { return archive_; }
  const std::vector<double>& reference_point() const { return reference_; }

 private:
  std::vector<Genome> initial_genomes();
  std::vector<Genome> offspring();
  std::size_t tournament(core::Rng& rng) const;
  void survive(std::vector<Individual> combined);
  void rank_population();
  void update_reference();
  void record_history();
  void update_archive(const std::vector<Individual>& batch);

  std::vector<GeneGroup> genes_;
  Nsga2Options options_;
  std::vector<double> rates_;  // resolved per-group mutation probabilities
  std::vector<Genome> seeds_;

  bool started_ = false;        // the initial population has been evaluated
  std::size_t generation_ = 0;  // generations completed after the initial population
  std::size_t evaluations_ = 0;
  std::size_t objectives_ = 0;  // 0 until the first tell()
  std::vector<Individual> population_;
  std::vector<std::size_t> rank_;  // front index of each population member
  std::vector<double> crowding_;
  std::vector<double> reference_;
  std::vector<HistoryEntry> history_;
  std::vector<Individual> archive_;
  std::vector<Genome> pending_;  // asked, not yet told
  bool asked_ = false;
};

// Convenience: construct, seed and run.
Result optimize(const Problem& problem, const Nsga2Options& options,
                const std::vector<Genome>& seeds = {}, const ProgressCallback& progress = {});

}  // namespace monet::ga
