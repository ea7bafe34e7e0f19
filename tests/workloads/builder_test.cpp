// Builder rejects inconsistent layers with core::Error naming the op.
#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "workloads/builder.hpp"

using namespace monet::workloads;
using Catch::Matchers::Contains;

TEST_CASE("add rejects operands of different shapes") {
  Builder b("t");
  int x = b.input("x", {1, 8, 4, 4});
  int y = b.input("y", {1, 8, 4, 2});
  CHECK_THROWS_AS(b.add("sum", x, y), monet::core::Error);
  CHECK_THROWS_WITH(b.add("sum", x, y), Contains("sum") && Contains("differ"));
  CHECK_THROWS_AS(b.mul("prod", x, y), monet::core::Error);
}

TEST_CASE("conv rejects groups that do not divide the channels") {
  Builder b("t");
  int x = b.input("x", {1, 6, 8, 8});
  CHECK_THROWS_AS(b.conv("c", x, 8, 3, 1, 1, /*groups=*/4), monet::core::Error);  // 6 % 4
  CHECK_THROWS_AS(b.conv("c", x, 9, 3, 1, 1, /*groups=*/2), monet::core::Error);  // 9 % 2
  CHECK_THROWS_WITH(b.conv("c", x, 8, 3, 1, 1, 4), Contains("groups"));
  // A valid depthwise conv still builds: groups = channels.
  CHECK_NOTHROW(b.conv("dw", x, 6, 3, 1, -1, 6));
}

TEST_CASE("conv rejects a kernel larger than the padded input") {
  Builder b("t");
  int x = b.input("x", {1, 3, 4, 4});
  CHECK_THROWS_AS(b.conv("c1", x, 8, 5, 1, 0), monet::core::Error);
  // With stride 2, (4 - 5) / 2 truncates to 0 in C++; the kernel still does not fit.
  CHECK_THROWS_AS(b.conv("c2", x, 8, 5, 2, 0), monet::core::Error);
  // Dilation 2 widens a 3x3 kernel to 5 taps.
  CHECK_THROWS_AS(b.conv("c3", x, 8, 3, 1, 0, 1, false, 2), monet::core::Error);
  // Padding 1 makes the 6-wide padded input fit a 5x5 kernel: 2x2 output.
  int y = b.conv("c4", x, 8, 5, 1, 1);
  CHECK(b.shape(y) == Shape{1, 8, 2, 2});
}

TEST_CASE("pooling rejects a window larger than the input") {
  Builder b("t");
  int x = b.input("x", {1, 3, 2, 2});
  CHECK_THROWS_AS(b.maxpool("p1", x, 3, 2), monet::core::Error);
  CHECK_THROWS_AS(b.avgpool("p2", x, 3, 1), monet::core::Error);
  CHECK(b.shape(b.maxpool("p3", x, 2, 2)) == Shape{1, 3, 1, 1});
}

TEST_CASE("matmul, linear and reshape reject inconsistent shapes") {
  Builder b("t");
  int q = b.input("q", {2, 4, 16, 8});
  int k = b.input("k", {2, 4, 16, 6});
  CHECK_THROWS_AS(b.matmul("qk", q, k, /*b_transposed=*/true), monet::core::Error);
  int v = b.input("v", {3, 4, 16, 8});
  CHECK_THROWS_AS(b.matmul("qv", q, v, true), monet::core::Error);  // batch dims differ
  int tok = b.input("tok", {2, 16, 32});
  int w = b.param("w", {64, 16});
  CHECK_THROWS_AS(b.linear("fc", tok, 64, true, w), monet::core::Error);  // tied [64,16] ≠ [64,32]
  CHECK_THROWS_AS(b.reshape("r", tok, {2, 16, 31}), monet::core::Error);
  int c = b.input("c", {1, 4, 8, 8});
  int d = b.input("d", {1, 4, 4, 8});
  CHECK_THROWS_AS(b.concat("cat", {c, d}, 1), monet::core::Error);
}

TEST_CASE("builder derives loop nests for conv and linear") {
  Builder b("t");
  int x = b.input("x", {2, 16, 10, 10});
  int y = b.conv("c", x, 32, 3, 2);  // "same" padding 1: (10 + 2 - 3) / 2 + 1 = 5
  CHECK(b.shape(y) == Shape{2, 32, 5, 5});
  int t = b.input("t", {2, 7, 24});
  int z = b.linear("fc", t, 48);
  CHECK(b.shape(z) == Shape{2, 7, 48});
  Graph g = b.finish();
  CHECK(g.op(g.find_op("c")).macs() == 2 * 32 * 16 * 5 * 5 * 9);
  const Op& fc = g.op(g.find_op("fc"));
  CHECK(fc.macs() == 2 * 7 * 48 * 24);
  CHECK((*fc.nest)[Dim::kOX] == 7);
  CHECK(g.find_tensor("fc.bias") >= 0);
}
