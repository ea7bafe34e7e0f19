// The `area:` section of an accelerator or a core: a technology node and optional per-unit
// figures that replace the built-in ones (accelerators/area.hpp). A figure is only meaningful
// at a node, so a figure with no node here or on the accelerator is refused.
#include "accelerators/area.hpp"
#include "accelerators/parse_core.hpp"

namespace monet::accelerators::detail {

using core::Dimension;
using core::YamlNode;

namespace {
struct Figure {
  const char* key;
  double AreaSpec::*field;
};
constexpr Figure kFigures[] = {{"mac", &AreaSpec::mac_mm2},
                               {"sram_bit", &AreaSpec::sram_bit_mm2},
                               {"register_bit", &AreaSpec::register_bit_mm2},
                               {"cim_cell", &AreaSpec::cim_cell_mm2},
                               {"extra", &AreaSpec::extra_mm2}};
}  // namespace

AreaSpec parse_area(Reader& r, const YamlNode& n, double inherited_node_nm) {
  AreaSpec a;
  a.line = n.loc().line;
  if (!n.is_map()) {
    r.add(n, "must be a map (node, mac, sram_bit, register_bit, cim_cell, extra)");
    return a;
  }
  r.unknown_keys(n, {"node", "mac", "sram_bit", "register_bit", "cim_cell", "extra"});
  if (n.has("node"))
    if (auto nm = r.read([&] { return n["node"].as_quantity(Dimension::kLength); })) {
      if (!(*nm >= kAreaMinNodeNm && *nm <= kAreaMaxNodeNm))
        r.add(n["node"], "technology node must be within " + std::to_string(int(kAreaMinNodeNm)) +
                             "-" + std::to_string(int(kAreaMaxNodeNm)) +
                             " nm (the range of the area scaling table, docs/references.md)");
      else
        a.node_nm = *nm;
    }
  for (const auto& f : kFigures) {
    if (!n.has(f.key)) continue;
    YamlNode v = n[f.key];
    auto mm2 = r.read([&] { return v.as_quantity(Dimension::kArea); });
    if (!mm2) continue;
    if (!(*mm2 > 0)) {
      r.add(v, "an area must be positive");
      continue;
    }
    if (!n.has("node") && inherited_node_nm <= 0) {
      r.add(v, std::string("an area figure (") + f.key +
                   ") needs a technology node: add `node: 28 nm` to this area section or to "
                   "the accelerator's");
      continue;
    }
    a.*f.field = *mm2;
  }
  return a;
}

}  // namespace monet::accelerators::detail
