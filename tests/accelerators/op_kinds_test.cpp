// The op-kind vocabulary of accelerator descriptions is core's table plus group aliases.
#include <catch2/catch.hpp>

#include "accelerators/op_kinds.hpp"
#include "workloads/op.hpp"

namespace acc = monet::accelerators;
namespace wl = monet::workloads;

TEST_CASE("op kind names are the one table's, in enum order") {
  // 22 kinds: 2 loop nests + 20 element-streaming kinds (workloads/op.hpp).
  REQUIRE(acc::op_kind_names().size() == 22);
  CHECK(acc::op_kind_names().front() == "conv");
  CHECK(acc::op_kind_names().back() == "optimizer");
  for (size_t k = 0; k < acc::op_kind_names().size(); ++k)
    CHECK(acc::op_kind_names()[k] == wl::op_kind_name(static_cast<wl::OpKind>(k)));
  CHECK(acc::loop_dim_names().size() == wl::kDimCount);
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
