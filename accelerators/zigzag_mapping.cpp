// ZigZag's mapping file: which loop dim each array dim unrolls and which memory operand holds
// which layer operand, per layer type. Only the entry for loop-nest layers is carried into the
// converted accelerator (our cores have one spatial constraint per array dim and one operand
// map); what is not carried is said.
#include <algorithm>

#include "accelerators/op_kinds.hpp"
#include "accelerators/zigzag_core.hpp"
#include "accelerators/zigzag_import.hpp"

namespace monet::accelerators {

using core::YamlNode;

namespace {
std::string where(const YamlNode& n) {
  return n.file() + ":" + std::to_string(n.loc().line);
}

std::string trim(std::string s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.erase(s.begin());
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
  return s;
}

// `D1: ["K, 32"]`: one loop dim per array dim (its factor is the dim's size, checked when the
// hardware is read).
std::vector<std::pair<std::string, std::string>> read_spatial(detail::Reader& r,
                                                              const YamlNode& n) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!n.is_map()) {
    r.add(n, "must be a map from array dimension to a list of 'LAYER_DIM, FACTOR'");
    return out;
  }
  const auto& loop_dims = loop_dim_names();
  for (const auto& key : n.keys()) {
    YamlNode list = n[key];
    auto entries = r.read([&] { return list.as_string_list(); });
    if (!entries) continue;
    if (entries->size() != 1) {
      r.add(list,
            "one 'LAYER_DIM, FACTOR' per array dimension: monet-sim unrolls one loop dimension "
            "along each array dimension (a mixed unrolling is not modelled)");
      continue;
    }
    const std::string& e = entries->front();
    auto comma = e.find(',');
    std::string dim = trim(e.substr(0, comma));
    std::string factor = comma == std::string::npos ? "" : trim(e.substr(comma + 1));
    if (factor.empty() || factor.find_first_not_of("0123456789") != std::string::npos ||
        factor.size() > 9) {
      r.add(list, "must be 'LAYER_DIM, FACTOR' with a whole factor (e.g. 'K, 32')");
      continue;
    }
    if (std::find(loop_dims.begin(), loop_dims.end(), dim) == loop_dims.end()) {
      r.add(list, "layer dimension '" + dim + "' is not one monet-sim maps (B G K C OY OX FY FX)");
      continue;
    }
    out.emplace_back(key, dim + "," + factor);
  }
  return out;
}

// memory_operand_links {O: O, W: I2, I: I1} as ImportOptions::operand_of.
std::optional<std::array<MemOperand, 3>> read_links(detail::Reader& r, const YamlNode& n) {
  if (!n.is_map()) {
    r.add(n, "must be a map from layer operand (I, W, O) to memory operand (I1, I2, O)");
    return std::nullopt;
  }
  r.unknown_keys(n, {"I", "W", "O"});
  std::string text;
  for (const char* ours : {"I", "W", "O"}) {
    auto v = r.read([&] { return n.required(ours).as_string(); });
    if (!v) return std::nullopt;
    text += (text.empty() ? "" : ",") + *v + "=" + ours;
  }
  try {
    return parse_operand_map(text);
  } catch (const core::Error& e) {
    r.add(n, e.what());
    return std::nullopt;
  }
}
}  // namespace

void read_zigzag_mapping(const YamlNode& root, ImportOptions& options,
                         std::vector<std::string>& warnings) {
  detail::Reader r;
  if (!root.is_seq() || root.size() == 0) {
    r.add(root, "a ZigZag mapping is a list of entries {name, spatial_mapping, ...}");
    detail::throw_issues(r);
  }
  std::optional<size_t> chosen;
  std::vector<std::string> names;
  for (size_t i = 0; i < root.size(); ++i) {
    YamlNode e = root.at(i);
    if (!e.is_map()) {
      r.add(e, "an entry must be a map {name, spatial_mapping, memory_operand_links}");
      names.emplace_back();
      continue;
    }
    r.unknown_keys(e, {"name", "spatial_mapping", "memory_operand_links", "temporal_ordering",
                       "spatial_mapping_hint"});
    auto name = r.read([&] { return e.required("name").as_string(); });
    names.push_back(name ? *name : "");
    // ZigZag takes a layer's own entry, else its type's, else `default`. Our accelerator has
    // one constraint for every loop nest: that of Conv layers, else the default one.
    if (name && (*name == "Conv" || (*name == "default" && (!chosen || names[*chosen] != "Conv"))))
      chosen = i;
  }
  detail::throw_issues(r);
  if (!chosen)
    root.fail("no entry named `default` (or `Conv`): nothing says how loop-nest layers map");
  for (size_t i = 0; i < root.size(); ++i)
    if (i != *chosen)
      warnings.push_back(where(root.at(i)) + ": mapping entry '" + names[i] +
                         "' is not carried: the converted core has one spatial mapping for all "
                         "loop-nest layers, entry '" +
                         names[*chosen] + "'");
  YamlNode e = root.at(*chosen);
  if (auto sm = r.required(e, "spatial_mapping")) options.spatial = read_spatial(r, *sm);
  if (e.has("memory_operand_links"))
    if (auto links = read_links(r, e["memory_operand_links"])) options.operand_of = *links;
  if (e.has("temporal_ordering"))
    warnings.push_back(where(e["temporal_ordering"]) +
                       ": temporal_ordering is not carried: monet-sim's mapper searches the "
                       "loop order");
  detail::throw_issues(r);
}

}  // namespace monet::accelerators
