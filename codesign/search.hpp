// `monet-sim search`: the `search:` section of an experiment file, running it, and writing
// the front (pareto.json/.csv, one replayable experiment per member, history.csv).
// Schema and fields: configs/experiments/README.md ("Search").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "codesign/codesign_problem.hpp"
#include "codesign/generate_problem.hpp"
#include "fusion/experiment.hpp"
#include "ga/nsga2.hpp"
#include "ga/progress.hpp"
#include "ga/result.hpp"

namespace monet::codesign {

struct SearchSpec {
  enum class Kind {
    kCodesign,         // allocation / fusion / checkpoint / hardware genes, simulated
    kCheckpointChain,  // the additive chain model of training/chain.hpp, with its exact front
    kGenerate,         // LLM generation: precision per layer group, KV cache, prefill fusion,
                       // allocation (codesign/generate_problem.hpp); the default for
                       // mode: generate
  };
  Kind kind = Kind::kCodesign;
  CodesignConfig codesign;  // its `objectives` is the objective list of every kind
  GenerateSearchConfig generate;
  ga::Nsga2Options nsga;
  // `search.mutation_prob`: the per-gene mutation probability of every gene group; unset,
  // the engine's 1 / genome length. Resolved into nsga.mutation_prob (one entry per group)
  // once the problem's gene groups are known (run_search).
  std::optional<double> mutation_prob;
};

// "codesign", "checkpoint-chain", "generate": the names `search.problem` takes, once.
std::string_view search_problem_name(SearchSpec::Kind k);
SearchSpec::Kind parse_search_problem(std::string_view name);  // throws core::Error listing them

// A rule a search spec breaks: the field of the search section ("genes", "knobs[0].values[1]",
// "" for the section as a whole), its value and the rule.
struct SearchRuleBreak {
  std::string field;
  std::string value;
  std::string rule;
};
// The rules of a search, defined once: gene groups (at least one; checkpoint and trainable need
// a training experiment and exclude each other; checkpoint-chain searches checkpoint genes
// only; hardware needs knobs), objectives (at least one, none twice), knob values, the tile
// exponent and the engine's own options (ga::option_breaks: population, threads, budget,
// probabilities). parse_search reports each at its line; run_search throws them for specs
// built in code (Python).
std::vector<SearchRuleBreak> search_rule_breaks(const SearchSpec& spec,
                                                const fusion::Experiment& experiment);

// Parses and validates `experiment.root["search"]` (every error names file, line, field,
// value and rule): empty gene list, unknown gene or objective, population < 4, no budget.
SearchSpec parse_search(const fusion::Experiment& experiment);

struct FrontMember {
  ga::Genome genome;
  ga::Evaluation evaluation;
  std::string plan;                         // readable
  std::vector<fusion::Fallback> fallbacks;  // ops its allocation moved off a core (codesign)
};

struct SearchOutcome {
  ga::Result result;
  std::vector<std::string> objective_names;   // with units: "latency_s", "energy_pj", ...
  std::vector<std::string> objective_labels;  // for people: "latency", "energy", ...
  std::vector<std::string> objective_units;   // "s", "pJ", "B", "MACs"
  std::vector<FrontMember> front;             // the run's archive: feasible first, by objectives
  double hypervolume = 0;                     // of the feasible front w.r.t. result.reference_point
  // checkpoint-chain only: the exact front and the GA's share of its hypervolume, both
  // measured against the same reference point.
  std::optional<double> exact_hypervolume;
  size_t exact_front_size = 0;
};

// Runs the search. When `checkpoint_path` is set, state is written there after every
// generation, and `resume` continues from it.
SearchOutcome run_search(const fusion::Experiment& experiment, const SearchSpec& spec,
                         const std::string& checkpoint_path, bool resume,
                         const ga::ProgressCallback& progress = {});

// The checkpoint's name inside a search's output folder.
inline constexpr const char* kCheckpointFile = "search.checkpoint.json";

// Replayable experiment files written by default: enough to pick from, few enough to look at.
inline constexpr size_t kDefaultFrontFiles = 16;

// `n` members spread over the front (all of them when n >= its size), as indices in
// ascending order: the best member of each objective first, then repeatedly the member
// farthest (objectives scaled to [0, 1]) from those chosen. Feasible members come first;
// deterministic (ties go to the lower index).
std::vector<size_t> spread_members(const std::vector<FrontMember>& front, size_t n);

// pareto.json (deterministic: no timings), pareto.csv, history.csv, search.json (timings, stop
// reason), front/NNN.yaml for `front_files` members chosen by spread_members (every member
// stays in pareto.json/.csv; the others have no experiment file), plus the folder's
// kCheckpointFile when there is one: written as one core::OutputSet that replaces the whole
// folder (no stale front files). Returns what was written, relative to `dir` ("pareto.json",
// ..., "front/ (16 experiments)").
std::vector<std::string> write_search_outputs(const fusion::Experiment& experiment,
                                              const SearchSpec& spec, const SearchOutcome& outcome,
                                              const std::string& dir,
                                              size_t front_files = kDefaultFrontFiles);

// How a member's plan reads ("stacks 33 tiles 16x6,1x26 | cores sa_ws+:47 simd:21 | ..."),
// for `search --help` and the documentation.
std::string plan_notation();

}  // namespace monet::codesign
