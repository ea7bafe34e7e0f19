// Internal to the YAML workload loader: the plain spec a workload file is parsed into before
// the graph is built (see yaml_workload.hpp for the entry points, configs/workloads/README.md
// for the format).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/yaml.hpp"
#include "workloads/models.hpp"
#include "workloads/op.hpp"

namespace monet::workloads::yaml_detail {

using Issues = std::vector<core::ConfigIssue>;

enum class Arity { kOne, kTwo, kTwoOrMore };

struct LayerType {
  std::string_view name;
  OpKind kind;  // the op it becomes (flatten and reshape both become kReshape)
  Arity arity;
  std::vector<std::string_view> fields;  // besides name, type, input, inputs, block
};

struct InputSpec {
  core::YamlNode node;
  std::string name;
  Shape shape;  // without batch
};

struct LayerSpec {
  core::YamlNode node;
  const LayerType* type = nullptr;
  bool valid = true;  // every field parsed; invalid layers are not built
  std::string name;
  std::string block;
  std::vector<std::string> inputs;
  int64_t size = 0;  // out_channels, out_features or embedding dim
  int kernel = 0, stride = 1, padding = 0, groups = 1, dilation = 1;
  bool bias = false, transpose_b = false;
  Shape shape;  // reshape target without batch; one entry may be -1
  core::YamlNode axis_node;
  int64_t axis = 1;
  int64_t vocab = 0, positions = 0;
};

struct WorkloadSpec {
  std::string name;
  int64_t batch = 1;
  int elem_bits = 32;
  std::vector<InputSpec> inputs;
  std::vector<LayerSpec> layers;
};

// Reads and validates every field, collecting all issues; header_ok is false when the
// batch, element size or inputs are unusable (then no layer can be built).
WorkloadSpec parse_workload_spec(const core::YamlNode& root, const std::string& display_name,
                                 const ModelParams& overrides, Issues& issues, bool& header_ok);

// Runs one read; a ConfigError becomes issues instead of stopping, so one pass reports all.
template <class F>
bool guard(Issues& issues, F&& read) {
  try {
    read();
    return true;
  } catch (const core::ConfigError& e) {
    issues.insert(issues.end(), e.issues().begin(), e.issues().end());
    return false;
  }
}

}  // namespace monet::workloads::yaml_detail
