// Choosing a model per device online (monet-sim select): every (model, device) pair is
// simulated once, the users' QoE of each feasible pair follows from the fleet's QoE function,
// and selection policies are played against the same stream of requests and noisy feedback.
// fleet/README.md documents the method and every output field.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "fleet/fleet_spec.hpp"
#include "workloads/prune.hpp"

namespace monet::fleet {

// One model variant as simulated (after precision and pruning).
struct VariantInfo {
  int64_t macs = 0;          // forward MACs
  int64_t weight_bytes = 0;  // parameter bytes
  workloads::PruneReport prune;
};

struct PairResult {
  size_t model = 0, device = 0;
  bool simulated = false;  // false: the simulator could not run it (error says why)
  std::string error;
  double latency_s = 0, energy_j = 0;
  int64_t fallback_ops = 0;             // ops run on another core than allowed (announced)
  std::vector<std::string> violations;  // thresholds not met, memories over capacity
  bool feasible = false;
  double qoe = 0;  // expected QoE; meaningful when feasible
};

struct Simulated {
  std::vector<VariantInfo> models;
  std::vector<PairResult> pairs;  // device-major: pairs[d * models + m]
};

// Simulates every pair in parallel (`threads`, 0 = hardware concurrency); the op costs of a
// device are computed once and shared by its models (mapping::CostModel's cache).
Simulated simulate_pairs(const FleetSpec& spec, size_t threads = 0);

struct PolicyResult {
  std::string name;                // linucb, thompson, epsilon-greedy, one-model, oracle
  std::vector<size_t> choice;      // model index per round
  std::vector<double> feedback;    // observed (noisy) QoE per round
  std::vector<double> regret;      // oracle QoE - chosen QoE (expected values) per round
  std::vector<double> cumulative;  // running sum of regret
  double growth_exponent = 0;      // p of cumulative ~ t^p over the last 90 % of rounds
  double oracle_agreement_last =
      0;  // fraction of the last 10 % of rounds choosing the oracle's model
};

struct SelectResult {
  Simulated sim;
  std::vector<std::string> feature_names;
  std::vector<std::optional<size_t>> oracle;  // per device: best feasible model
  std::optional<size_t> one_model;            // best single model feasible on every device
  std::vector<size_t> round_device;
  std::vector<int64_t> round_user;
  std::vector<PolicyResult> policies;
  std::vector<std::string> warnings;
};

// QoE and thresholds of the pairs, then the rounds. Throws ConfigError at the fleet's qoe
// when no pair is feasible. Deterministic for spec.bandit.seed.
SelectResult run_selection(const FleetSpec& spec, Simulated sim);

nlohmann::json select_json(const FleetSpec& spec, const SelectResult& r);
std::string rounds_csv(const FleetSpec& spec, const SelectResult& r);
std::string regret_svg(const SelectResult& r);
// select.json, rounds.csv and regret.svg into `dir`, as one output set.
void write_selection(const std::string& dir, const FleetSpec& spec, const SelectResult& r);

}  // namespace monet::fleet
