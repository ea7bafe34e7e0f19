// The fleet file of `monet-sim select` (fleet/README.md documents every field): models with
// stated accuracy and variant settings, devices, the users' QoE function, their population
// per device, the feedback noise and the bandit settings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/yaml.hpp"
#include "fusion/experiment.hpp"
#include "fusion/plan.hpp"

namespace monet::fleet {

struct FleetModel {
  std::string name;
  fusion::WorkloadSpec workload;  // a built-in model or a workload file
  double accuracy = 0;            // fraction (the file writes a percentage)
  int bits = 0;                   // element bits of the variant; 0 = the workload's own
  double pruning = 0;             // fraction of input channels (MACs, weights) removed
  core::Location where;
};

struct FleetDevice {
  std::string name;
  std::string accelerator;  // resolved file
  int64_t users = 1;        // users of this device: its share of the requests
  core::Location where;
};

// QoE = w_acc * accuracy - w_lat * latency / latency_max - w_en * energy / energy_max, on
// the pairs that meet every threshold (accuracy >= min, latency <= max, energy <= max).
struct Qoe {
  double accuracy_weight = 0, latency_weight = 0, energy_weight = 0;
  std::optional<double> accuracy_min;  // fraction
  std::optional<double> latency_max_s;
  std::optional<double> energy_max_j;
  core::Location where;
};

struct Noise {
  double sd = 0;       // per-feedback Gaussian noise, QoE units
  double user_sd = 0;  // each user's persistent offset, QoE units
};

struct BanditSettings {
  int64_t rounds = 2000;
  double alpha = 0.1;        // LinUCB exploration width (QoE units per unit of x^T A^-1 x)
  double lambda = 1.0;       // ridge regulariser of both linear bandits
  double thompson_v = 0.05;  // Thompson posterior scale (QoE units)
  double epsilon = 0.1;      // epsilon-greedy exploration rate
  uint64_t seed = 1;
};

struct FleetSpec {
  std::string file;
  std::vector<FleetModel> models;
  std::vector<FleetDevice> devices;
  Qoe qoe;
  Noise noise;
  BanditSettings bandit;
  fusion::PlanSpec plan;  // fusion: stacks and tiles for every pair (default layer by layer)
};

// Parses and validates; every error names the file, line, field, value and rule.
FleetSpec load_fleet(const std::string& path);
// The same from a parsed document (Python's in-memory fleets): relative paths resolve against
// the folder of root.file().
FleetSpec parse_fleet(const core::YamlNode& root);

}  // namespace monet::fleet
