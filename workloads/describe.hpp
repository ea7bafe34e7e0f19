// Per-op description of a graph (what `monet-sim describe` prints) and its JSON form.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "workloads/graph.hpp"

namespace monet::workloads {

struct OpRow {
  std::string name;
  std::string kind;
  std::string pass;
  std::string block;
  Shape output_shape;      // first output
  int64_t parameters = 0;  // parameter elements first read by this op (tied weights once)
  int64_t macs = 0;
  double element_ops = 0;
  int64_t activation_bytes = 0;  // bytes of all outputs
};

std::vector<OpRow> describe_ops(const Graph& g);
std::string shape_to_string(const Shape& s);  // "1x64x112x112"

// Schema "monet.describe/1", documented in configs/workloads/README.md.
inline constexpr const char* kDescribeSchema = "monet.describe/1";
nlohmann::json describe_json(const Graph& g);

}  // namespace monet::workloads
