#include "accelerators/op_kinds.hpp"

#include <algorithm>

namespace monet::accelerators {

const std::vector<std::string_view>& op_kind_names() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> out;
    for (const auto& e : core::op_kind_names().entries()) out.push_back(e.name);
    return out;
  }();
  return names;
}

const std::vector<std::string_view>& loop_dim_names() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> out;
    for (const auto& e : core::dim_names().entries()) out.push_back(e.name);
    return out;
  }();
  return names;
}

const std::vector<OpKindGroup>& op_kind_groups() {
  static const std::vector<OpKindGroup> groups = [] {
    std::vector<OpKindGroup> g = {
        {"loopnest", "ops priced as loop nests on an array", {"conv", "matmul"}},
        {"elementwise",
         "one output element per input element (activations, dropout, add, mul, grad_sum)",
         {"relu", "leaky_relu", "gelu", "silu", "sigmoid", "dropout", "add", "mul", "grad_sum"}},
        {"normalization", "row/channel reductions", {"batchnorm", "layernorm", "softmax"}},
        {"pooling", "windowed reductions", {"maxpool", "avgpool", "global_avgpool"}},
        {"layout", "data movement and lookups", {"reshape", "concat", "embedding"}},
        {"training", "ops only a training step has", {"loss", "grad_sum", "optimizer"}},
    };
    OpKindGroup vector{"vector", "every element-streaming kind (all but conv and matmul)", {}};
    OpKindGroup all{"all", "every kind", {}};
    for (auto k : op_kind_names()) {
      all.kinds.push_back(k);
      if (!is_loop_nest_kind(k)) vector.kinds.push_back(k);
    }
    g.push_back(std::move(vector));
    g.push_back(std::move(all));
    return g;
  }();
  return groups;
}

bool is_loop_nest_kind(std::string_view kind) {
  auto k = core::op_kind_from_name(kind);
  return k && core::is_loop_nest_kind(*k);
}

std::optional<std::vector<std::string>> expand_op_kind(std::string_view name) {
  auto& kinds = op_kind_names();
  if (std::find(kinds.begin(), kinds.end(), name) != kinds.end())
    return std::vector<std::string>{std::string(name)};
  for (auto& g : op_kind_groups())
    if (g.name == name) return std::vector<std::string>(g.kinds.begin(), g.kinds.end());
  return std::nullopt;
}

}  // namespace monet::accelerators
