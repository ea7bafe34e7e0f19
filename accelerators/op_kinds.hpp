// The op-kind and loop-dimension vocabulary an accelerator description may use: the names of
// core/op_vocabulary.hpp (shared with workloads/) plus the group aliases of `op_kinds:` lists.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/op_vocabulary.hpp"

namespace monet::accelerators {

// Every core::OpKind name, in enum order (views of core::op_kind_names()).
const std::vector<std::string_view>& op_kind_names();
// Loop dimension names, in enum order ("B", "G", "K", ...; views of core::dim_names()).
const std::vector<std::string_view>& loop_dim_names();

// Names that stand for several kinds in `op_kinds:` lists.
struct OpKindGroup {
  std::string_view name;
  std::string_view meaning;
  std::vector<std::string_view> kinds;
};
const std::vector<OpKindGroup>& op_kind_groups();

// Expands one entry of an `op_kinds:` list: a kind name gives itself, a group name gives its
// kinds; nullopt when the name is neither.
std::optional<std::vector<std::string>> expand_op_kind(std::string_view name);

// True for conv and matmul: the kinds priced as loop nests on an array.
bool is_loop_nest_kind(std::string_view kind);

}  // namespace monet::accelerators
