#include <catch2/catch.hpp>

#include "core/digraph.hpp"
#include "core/error.hpp"

TEST_CASE("topological order respects edges and cycles are detected") {
  monet::core::Digraph g(4);
  g.add_edge(0, 2);
  g.add_edge(2, 1);
  g.add_edge(1, 3);
  auto order = g.topological_order();
  std::vector<size_t> pos(4);
  for (size_t i = 0; i < order.size(); ++i) pos[order[i]] = i;
  CHECK(pos[0] < pos[2]);
  CHECK(pos[2] < pos[1]);
  CHECK(pos[1] < pos[3]);
  CHECK(g.is_acyclic());
  g.add_edge(3, 0);
  CHECK_FALSE(g.is_acyclic());
  CHECK_THROWS_AS(g.topological_order(), monet::core::Error);
}
