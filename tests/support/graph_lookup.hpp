// An op of a built graph by name; a missing name fails the test where it is looked up.
#pragma once

#include <catch2/catch.hpp>
#include <string>

#include "workloads/graph.hpp"

namespace monet::test {

inline const workloads::Op& op_named(const workloads::Graph& g, const std::string& name) {
  INFO("op " << name);
  const int id = g.find_op(name);
  REQUIRE(id >= 0);
  return g.op(id);
}

}  // namespace monet::test
