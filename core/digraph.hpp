// A small directed graph over Boost.Graph; callers see vertex indices only.
#pragma once

#include <cstddef>
#include <vector>

namespace monet::core {

class Digraph {
 public:
  explicit Digraph(size_t vertices = 0);
  size_t add_vertex();
  void add_edge(size_t from, size_t to);
  size_t vertex_count() const;
  size_t edge_count() const;
  const std::vector<size_t>& successors(size_t v) const { return succ_[v]; }
  const std::vector<size_t>& predecessors(size_t v) const { return pred_[v]; }

  bool is_acyclic() const;
  // A topological order; throws core::Error naming a vertex on a cycle.
  std::vector<size_t> topological_order() const;

 private:
  std::vector<std::vector<size_t>> succ_;
  std::vector<std::vector<size_t>> pred_;
  size_t edges_ = 0;
};

}  // namespace monet::core
