// BatchNorm folding for inference (workloads/fold_batchnorm.hpp): which BatchNorms fold, what
// the layer before them becomes, and what stays. Counts by hand.
#include <catch2/catch.hpp>

#include "workloads/builder.hpp"
#include "workloads/fold_batchnorm.hpp"

using namespace monet::workloads;
using Catch::Matchers::Contains;

TEST_CASE("BatchNorms after a conv fold into it; after an addition they stay") {
  Builder b("t");
  int x = b.input("x", {1, 8, 4, 4});
  int c1 = b.conv("c1", x, 8, 3);  // no bias: takes bn1's shift as its bias
  int n1 = b.batchnorm("bn1", c1);
  int r1 = b.unary("r1", n1, OpKind::kRelu);
  int c2 = b.conv("c2", r1, 8, 1, 1, 0, 1, /*bias=*/true);  // keeps its bias, absorbs the shift
  int n2 = b.batchnorm("bn2", c2);
  int s = b.add("sum", n2, x);
  b.batchnorm("bn3", s);  // after an addition: stays
  Graph g = b.finish();
  const int ops = static_cast<int>(g.ops().size());
  const int64_t params = g.totals().parameters;

  FoldReport r = fold_batchnorm(g);
  CHECK(r.folded == std::vector<std::string>{"bn1", "bn2"});
  CHECK(r.into == std::vector<std::string>{"c1", "c2"});
  CHECK(static_cast<int>(g.ops().size()) == ops - 2);
  CHECK(g.find_op("bn1") < 0);
  CHECK(g.find_op("bn3") >= 0);
  // Parameters: bn1's scale (8) goes, its shift becomes c1's bias; bn2's scale and shift (16)
  // go into c2's own bias.
  CHECK(g.totals().parameters == params - 8 - 16);
  const Op& conv1 = g.op(g.find_op("c1"));
  CHECK(g.tensor(conv1.outputs.at(0)).name == g.tensor(g.op(g.find_op("r1")).inputs.at(0)).name);
  CHECK(conv1.inputs.size() == 3);  // input, weight, bias
  CHECK(g.tensor(conv1.inputs[2]).name == "bn1.bias");
  CHECK(conv1.operand_tensor[2] == conv1.outputs.at(0));
  // The MACs are the layers' own.
  CHECK(g.totals().macs == 8 * 8 * 9 * 16 + 8 * 8 * 16);
}

TEST_CASE("a BatchNorm whose input another op also reads does not fold") {
  Builder b("t");
  int x = b.input("x", {1, 4, 2, 2});
  int c = b.conv("c", x, 4, 1, 1, 0);
  int n = b.batchnorm("bn", c);
  b.add("sum", n, c);  // reads the conv's output too
  Graph g = b.finish();
  CHECK(fold_batchnorm(g).folded.empty());
  CHECK(g.find_op("bn") >= 0);
}

TEST_CASE("folding refuses a training graph") {
  Builder b("t");
  int x = b.input("x", {1, 4, 2, 2});
  b.batchnorm("bn", b.conv("c", x, 4, 1, 1, 0));
  Graph g = b.finish();
  g.mutable_op(0).pass = Pass::kBackwardData;
  CHECK_THROWS_WITH(fold_batchnorm(g), Contains("inference transform") && Contains("'c'"));
}
