// Internal to the accelerator loader: one entry of `cores:`, expanded by `repeat`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "accelerators/accelerator.hpp"
#include "accelerators/yaml_reader.hpp"

namespace monet::accelerators::detail {

struct ParsedCore {
  std::vector<Core> cores;  // one per repeat, named group + index when repeated
  core::YamlNode name_node;
};

// A core's `execution:` section (parse_execution.cpp).
Execution parse_execution(Reader& r, const core::YamlNode& n, CoreKind kind);

// The top-level `power_budget`, `voltage` and `modes:` (parse_mode.cpp); after the cores,
// shared memories and links, which the modes name.
void parse_power_section(Reader& r, const core::YamlNode& root, Accelerator& acc);

// An `area:` section (parse_area.cpp); inherited_node_nm is the accelerator's node (0: none),
// which lets a core's figures omit their own.
AreaSpec parse_area(Reader& r, const core::YamlNode& n, double inherited_node_nm);

std::optional<ParsedCore> parse_core(Reader& r, const core::YamlNode& n,
                                     const std::vector<MemoryLevel>& shared,
                                     double accelerator_node_nm);

}  // namespace monet::accelerators::detail
