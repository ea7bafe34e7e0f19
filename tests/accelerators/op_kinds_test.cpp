// accelerators/ keeps its own copy of the op-kind and loop-dim names (it may not depend on
// workloads/); these tests keep the copies equal to the originals.
#include <catch2/catch.hpp>

#include "accelerators/op_kinds.hpp"
#include "workloads/op.hpp"

namespace acc = monet::accelerators;
namespace wl = monet::workloads;

TEST_CASE("op kind names equal workloads::op_kind_name, in enum order") {
  std::vector<std::string> expected;
  for (int k = 0;; ++k) {
    auto name = wl::op_kind_name(static_cast<wl::OpKind>(k));
    if (name == "?") break;
    expected.emplace_back(name);
  }
  REQUIRE(expected.size() == static_cast<size_t>(wl::OpKind::kOptimizer) + 1);
  std::vector<std::string> ours(acc::op_kind_names().begin(), acc::op_kind_names().end());
  CHECK(ours == expected);
}

TEST_CASE("loop dimension names equal workloads::dim_name") {
  std::vector<std::string> expected;
  for (int d = 0; d < wl::kDimCount; ++d)
    expected.emplace_back(wl::dim_name(static_cast<wl::Dim>(d)));
  std::vector<std::string> ours(acc::loop_dim_names().begin(), acc::loop_dim_names().end());
  CHECK(ours == expected);
}

TEST_CASE("op kind groups expand to known kinds") {
  auto all = acc::expand_op_kind("all");
  REQUIRE(all);
  CHECK(all->size() == acc::op_kind_names().size());
  auto vector = acc::expand_op_kind("vector");
  REQUIRE(vector);
  CHECK(vector->size() == acc::op_kind_names().size() - 2);  // all but conv and matmul
  CHECK(std::find(vector->begin(), vector->end(), "conv") == vector->end());
  CHECK(*acc::expand_op_kind("loopnest") == std::vector<std::string>{"conv", "matmul"});
  CHECK(*acc::expand_op_kind("relu") == std::vector<std::string>{"relu"});
  CHECK_FALSE(acc::expand_op_kind("transpose"));
  for (auto& g : acc::op_kind_groups())
    for (auto k : g.kinds) CHECK(wl::op_kind_from_name(k).has_value());
}
