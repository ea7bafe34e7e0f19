#include "core/digraph.hpp"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/topological_sort.hpp>
#include <iterator>

#include "core/error.hpp"

namespace monet::core {

namespace {
using BGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;

BGraph to_boost(const std::vector<std::vector<size_t>>& succ) {
  BGraph g(succ.size());
  for (size_t v = 0; v < succ.size(); ++v)
    for (size_t w : succ[v]) boost::add_edge(v, w, g);
  return g;
}
}  // namespace

Digraph::Digraph(size_t vertices) : succ_(vertices), pred_(vertices) {}

size_t Digraph::add_vertex() {
  succ_.emplace_back();
  pred_.emplace_back();
  return succ_.size() - 1;
}

void Digraph::add_edge(size_t from, size_t to) {
  succ_.at(from).push_back(to);
  pred_.at(to).push_back(from);
  ++edges_;
}

size_t Digraph::vertex_count() const {
  return succ_.size();
}
size_t Digraph::edge_count() const {
  return edges_;
}

bool Digraph::is_acyclic() const {
  try {
    topological_order();
    return true;
  } catch (const Error&) {
    return false;
  }
}

std::vector<size_t> Digraph::topological_order() const {
  BGraph g = to_boost(succ_);
  std::vector<size_t> rev;
  try {
    boost::topological_sort(g, std::back_inserter(rev));
  } catch (const boost::not_a_dag&) {
    throw Error("graph has a cycle");
  }
  std::reverse(rev.begin(), rev.end());
  return rev;
}

}  // namespace monet::core
