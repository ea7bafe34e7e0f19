// The accelerator's power section: `power_budget`, `voltage` and `modes:` (each mode's clocks,
// active cores and bandwidths checked against the cores and memories already parsed).
#include <algorithm>
#include <map>

#include "accelerators/parse_core.hpp"

namespace monet::accelerators::detail {
namespace {

using core::Dimension;
using core::YamlNode;

std::optional<double> read_voltage(Reader& r, const YamlNode& n) {
  auto v = r.read([&] { return n.as_quantity(Dimension::kVoltage); });
  if (v && !(*v > 0)) {
    r.add(n, "voltage must be positive");
    return std::nullopt;
  }
  return v;
}

// Repeat groups (and single cores) by the name a mode uses, with their size.
std::map<std::string, int> core_groups(const Accelerator& acc) {
  std::map<std::string, int> groups;
  for (const auto& c : acc.cores) groups[c.group.empty() ? c.name : c.group] += 1;
  return groups;
}

std::string listed(const std::map<std::string, int>& m) {
  std::string s;
  for (auto& [k, v] : m) s += (s.empty() ? "" : ", ") + k;
  return s;
}

PowerMode parse_mode(Reader& r, const YamlNode& n, const Accelerator& acc) {
  PowerMode m;
  m.line = n.loc().line;
  if (!n.is_map()) {
    r.add(n,
          "a mode must be a map (name, power_budget, clocks, active_cores, bandwidths, voltage)");
    return m;
  }
  r.unknown_keys(n, {"name", "description", "power_budget", "voltage", "clocks", "active_cores",
                     "bandwidths"});
  if (auto v = r.required(n, "name"))
    if (auto s = r.read([&] { return v->as_string(); })) {
      if (s->empty() || s->find('@') != std::string::npos)
        r.add(*v, "a mode name must be non-empty and contain no '@'");
      m.name = *s;
    }
  if (auto s = r.read([&] { return n.get_string("description", ""); })) m.description = *s;
  if (n.has("power_budget"))
    if (auto w = r.read([&] { return parse_power(n["power_budget"]); })) {
      if (!(*w > 0)) r.add(n["power_budget"], "a power budget must be positive");
      m.power_budget_w = *w;
    }
  if (n.has("voltage"))
    if (auto v = read_voltage(r, n["voltage"])) {
      if (!(acc.voltage_v > 0))
        r.add(n["voltage"],
              "a mode's voltage scales the figures from the accelerator's own `voltage` (the "
              "voltage its energies and static power are stated at), which is missing");
      m.voltage_v = *v;
    }
  const auto groups = core_groups(acc);
  if (n.has("clocks")) {
    YamlNode map = n["clocks"];
    if (!map.is_map()) r.add(map, "must be a map of core group to clock ({sm: 408 MHz})");
    for (const auto& e : map.is_map() ? map.entries() : std::vector<core::YamlEntry>{}) {
      if (!groups.count(e.key)) {
        r.add(e.key_node, "no such core or core group (cores: " + listed(groups) + ")");
        continue;
      }
      if (auto hz = r.read([&] { return e.value.as_quantity(Dimension::kFrequency); })) {
        if (!(*hz > 0))
          r.add(e.value, "clock must be positive");
        else
          m.clocks_hz.emplace_back(e.key, *hz);
      }
    }
  }
  if (n.has("active_cores")) {
    YamlNode map = n["active_cores"];
    if (!map.is_map()) r.add(map, "must be a map of core group to the cores left on ({sm: 4})");
    for (const auto& e : map.is_map() ? map.entries() : std::vector<core::YamlEntry>{}) {
      auto g = groups.find(e.key);
      if (g == groups.end()) {
        r.add(e.key_node, "no such core or core group (cores: " + listed(groups) + ")");
        continue;
      }
      if (auto k = r.read([&] { return e.value.as_int(1, g->second); }))
        m.active_cores.emplace_back(e.key, static_cast<int>(*k));
    }
  }
  if (n.has("bandwidths")) {
    YamlNode map = n["bandwidths"];
    if (!map.is_map())
      r.add(map, "must be a map of shared memory (or dram) to bandwidth ({dram: 68 GB/s})");
    std::map<std::string, int> memories{{"dram", 1}};
    for (const auto& s : acc.shared_memories) memories[s.name] = 1;
    for (const auto& e : map.is_map() ? map.entries() : std::vector<core::YamlEntry>{}) {
      if (!memories.count(e.key)) {
        r.add(e.key_node,
              "no such shared memory (shared memories and dram: " + listed(memories) + ")");
        continue;
      }
      if (auto rate = r.read([&] { return parse_rate(e.value, 0); })) {
        if (!(rate->bytes_per_s > 0))
          r.add(e.value, "bandwidth must be positive");
        else
          m.bandwidths.emplace_back(e.key, rate->bytes_per_s);
      }
    }
  }
  return m;
}

}  // namespace

void parse_power_section(Reader& r, const YamlNode& root, Accelerator& acc) {
  if (root.has("power_budget"))
    if (auto w = r.read([&] { return parse_power(root["power_budget"]); })) {
      if (!(*w > 0)) r.add(root["power_budget"], "a power budget must be positive");
      acc.power_budget_w = *w;
    }
  if (root.has("voltage"))
    if (auto v = read_voltage(r, root["voltage"])) acc.voltage_v = *v;
  if (!root.has("modes")) return;
  YamlNode list = root["modes"];
  if (!list.is_seq() || list.size() == 0) {
    r.add(list, "must be a non-empty list of power modes");
    return;
  }
  for (size_t i = 0; i < list.size(); ++i) {
    PowerMode m = parse_mode(r, list.at(i), acc);
    for (const auto& prev : acc.modes)
      if (!m.name.empty() && prev.name == m.name)
        r.add(list.at(i)["name"],
              "duplicate mode name (also at line " + std::to_string(prev.line) + ")");
    acc.modes.push_back(std::move(m));
  }
}

}  // namespace monet::accelerators::detail
