// Shared helpers of the training tests: phase sums and look-ups by name.
#pragma once

#include <cstdint>
#include <string>

#include "training/expand.hpp"
#include "workloads/graph.hpp"

namespace monet::test {

inline int64_t macs_of_pass(const workloads::Graph& g, workloads::Pass p) {
  int64_t n = 0;
  for (const auto& op : g.ops())
    if (op.pass == p) n += op.macs();
  return n;
}

inline int64_t forward_macs_of(const workloads::Graph& g, const std::string& op_name) {
  int id = g.find_op(op_name);
  if (id < 0) throw std::runtime_error("no op " + op_name);
  return g.op(id).macs();
}

inline int64_t tensor_bytes(const workloads::Graph& g, const std::string& name) {
  int id = g.find_tensor(name);
  if (id < 0) throw std::runtime_error("no tensor " + name);
  return g.tensor(id).bytes();
}

}  // namespace monet::test
