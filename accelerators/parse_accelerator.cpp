#include <algorithm>
#include <map>

#include "accelerators/loader.hpp"
#include "accelerators/parse_core.hpp"
#include "accelerators/parse_memory.hpp"
#include "accelerators/yaml_reader.hpp"

namespace monet::accelerators {
namespace {

using core::Dimension;
using core::YamlNode;
using detail::Reader;

// Cores by the name a link may use: a core's own name, or a repeat group's name (all members).
using Endpoints = std::map<std::string, std::vector<std::string>>;

Dram parse_dram(Reader& r, const YamlNode& n) {
  Dram d;
  if (!n.is_map()) {
    r.add(n, "must be a map (capacity, bandwidth, read_energy, write_energy)");
    return d;
  }
  r.unknown_keys(n, {"capacity", "bandwidth", "sustained_bandwidth", "read_energy", "write_energy",
                     "access_bits", "min_access", "background_power", "refresh_power"});
  if (n.has("background_power"))
    if (auto w = r.read([&] { return detail::parse_power(n["background_power"]); }))
      d.background_power_w = *w;
  if (n.has("refresh_power"))
    if (auto w = r.read([&] { return detail::parse_power(n["refresh_power"]); }))
      d.refresh_power_w = *w;
  if (auto v = r.required(n, "capacity"))
    if (auto b = r.read([&] { return v->as_quantity(Dimension::kBytes); })) {
      if (!(*b > 0)) r.add(*v, "capacity must be positive");
      d.capacity_bytes = *b;
    }
  if (auto v = r.required(n, "bandwidth"))
    if (auto rate = r.read([&] { return detail::parse_rate(*v, 0); }))
      d.bandwidth_bytes_per_s = rate->bytes_per_s;
  if (n.has("sustained_bandwidth"))
    if (auto rate = r.read([&] { return detail::parse_rate(n["sustained_bandwidth"], 0); })) {
      if (!(rate->bytes_per_s > 0) || rate->bytes_per_s > d.bandwidth_bytes_per_s)
        r.add(n["sustained_bandwidth"],
              "sustained_bandwidth must be positive and at most the peak `bandwidth`");
      else
        d.sustained_fraction = rate->bytes_per_s / d.bandwidth_bytes_per_s;
    }
  std::optional<int64_t> access_bits;
  if (n.has("access_bits"))
    access_bits = r.read([&] { return n["access_bits"].as_int(1, 1 << 20); });
  if (n.has("min_access"))
    if (auto b = r.read([&] { return detail::parse_bits(n["min_access"]); }))
      d.min_access_bits = *b;
  if (auto v = r.required(n, "read_energy"))
    if (auto e = r.read([&] { return detail::parse_energy_per_bit(*v, access_bits); }))
      d.read_energy_pj_per_bit = *e;
  if (auto v = r.required(n, "write_energy"))
    if (auto e = r.read([&] { return detail::parse_energy_per_bit(*v, access_bits); }))
      d.write_energy_pj_per_bit = *e;
  return d;
}

Board parse_board(Reader& r, const YamlNode& n) {
  Board b;
  if (!n.is_map()) {
    r.add(n, "must be a map (baseline_power, regulator_efficiency)");
    return b;
  }
  r.unknown_keys(n, {"baseline_power", "regulator_efficiency"});
  if (n.has("baseline_power"))
    if (auto w = r.read([&] { return detail::parse_power(n["baseline_power"]); }))
      b.baseline_power_w = *w;
  if (n.has("regulator_efficiency")) {
    YamlNode v = n["regulator_efficiency"];
    if (auto e = r.read([&] { return v.as_double(); })) {
      if (!(*e > 0 && *e <= 1))
        r.add(v, "regulator efficiency is a fraction in (0, 1] (0.85 for 85 %)");
      else
        b.regulator_efficiency = *e;
    }
  }
  return b;
}

std::optional<std::vector<std::string>> endpoint(Reader& r, const YamlNode& n,
                                                 const Endpoints& known) {
  auto name = r.read([&] { return n.as_string(); });
  if (!name) return std::nullopt;
  if (*name == "dram") return std::vector<std::string>{"dram"};
  auto it = known.find(*name);
  if (it != known.end()) return it->second;
  std::string list;
  for (auto& [k, v] : known) list += k + ", ";
  r.add(n, "no such core (cores: " + list + "or dram)");
  return std::nullopt;
}

// One `links:` entry; an end naming a repeat group gives one link per member (name + index).
void parse_link(Reader& r, const YamlNode& n, const Endpoints& known, std::vector<Link>& out) {
  if (!n.is_map()) {
    r.add(n, "a link must be a map (name, from, to, bandwidth, energy)");
    return;
  }
  r.unknown_keys(n, {"name", "from", "to", "bandwidth", "energy", "access_bits", "bidirectional"});
  Link link;
  link.line = n.loc().line;
  if (auto v = r.required(n, "name"))
    if (auto s = r.read([&] { return v->as_string(); })) link.name = *s;
  if (auto v = r.required(n, "bandwidth"))
    if (auto rate = r.read([&] { return detail::parse_rate(*v, 0); }))
      link.bandwidth_bytes_per_s = rate->bytes_per_s;
  std::optional<int64_t> access_bits;
  if (n.has("access_bits"))
    access_bits = r.read([&] { return n["access_bits"].as_int(1, 1 << 20); });
  if (auto v = r.required(n, "energy"))
    if (auto e = r.read([&] { return detail::parse_energy_per_bit(*v, access_bits); }))
      link.energy_pj_per_bit = *e;
  if (n.has("bidirectional"))
    if (auto b = r.read([&] { return n["bidirectional"].as_bool(); })) link.bidirectional = *b;
  std::optional<std::vector<std::string>> from, to;
  if (auto v = r.required(n, "from")) from = endpoint(r, *v, known);
  if (auto v = r.required(n, "to")) to = endpoint(r, *v, known);
  if (!from || !to) return;
  if (from->size() > 1 && to->size() > 1) {
    r.add(n["to"], "at most one end of a link may name a repeated core group");
    return;
  }
  const auto& many = from->size() > 1 ? *from : *to;
  for (size_t i = 0; i < many.size(); ++i) {
    Link l = link;
    l.from = from->size() > 1 ? (*from)[i] : from->front();
    l.to = to->size() > 1 ? (*to)[i] : to->front();
    if (many.size() > 1) l.name += std::to_string(i);
    if (l.from == l.to) r.add(n["to"], "a link must join two different ends");
    out.push_back(std::move(l));
  }
}

}  // namespace

bool is_accelerator_document(const YamlNode& root) {
  return root.is_map() && root.has("cores");
}

Accelerator parse_accelerator(const YamlNode& root) {
  Reader r;
  Accelerator acc;
  acc.source_file = root.file();
  if (!root.is_map()) root.fail("an accelerator description must be a map with cores and dram");
  r.unknown_keys(root, {"name", "description", "cores", "shared_memories", "links", "dram", "board",
                        "power_budget", "voltage", "modes", "area"});
  if (auto v = r.required(root, "name"))
    if (auto s = r.read([&] { return v->as_string(); })) acc.name = *s;
  if (auto s = r.read([&] { return root.get_string("description", ""); })) acc.description = *s;

  if (root.has("shared_memories")) {
    YamlNode list = root["shared_memories"];
    if (!list.is_seq()) r.add(list, "must be a list of memories");
    for (size_t i = 0; list.is_seq() && i < list.size(); ++i) {
      auto m = detail::parse_shared_memory(r, list.at(i));
      if (!m) continue;
      for (auto& prev : acc.shared_memories)
        if (prev.name == m->name)
          r.add(list.at(i)["name"],
                "duplicate shared memory name (also at line " + std::to_string(prev.line) + ")");
      acc.shared_memories.push_back(*m);
    }
  }

  // Before the cores: a core's area figures may rely on the accelerator's node.
  if (root.has("area")) acc.area = detail::parse_area(r, root["area"], 0);

  Endpoints endpoints;
  if (auto list = r.required(root, "cores")) {
    if (!list->is_seq() || list->size() == 0) r.add(*list, "must be a non-empty list of cores");
    std::map<std::string, int> first_line;
    for (size_t i = 0; list->is_seq() && i < list->size(); ++i) {
      auto parsed = detail::parse_core(r, list->at(i), acc.shared_memories, acc.area.node_nm);
      if (!parsed) continue;
      for (auto& c : parsed->cores) {
        auto [it, fresh] = first_line.emplace(c.name, c.line);
        if (!fresh)
          r.add(parsed->name_node, "duplicate core name '" + c.name + "' (also at line " +
                                       std::to_string(it->second) + ")");
        endpoints[c.name] = {c.name};
        if (c.repeat_index >= 0) endpoints[c.group].push_back(c.name);
        acc.cores.push_back(std::move(c));
      }
    }
    if (endpoints.count("dram")) r.add(*list, "no core may be named 'dram' (links use it)");
  }

  if (root.has("links")) {
    YamlNode list = root["links"];
    if (!list.is_seq()) r.add(list, "must be a list of links");
    for (size_t i = 0; list.is_seq() && i < list.size(); ++i)
      parse_link(r, list.at(i), endpoints, acc.links);
    for (size_t i = 0; i < acc.links.size(); ++i)
      for (size_t j = 0; j < i; ++j)
        if (acc.links[i].name == acc.links[j].name)
          r.issues().add(
              {root.file(), acc.links[i].line}, "links", acc.links[i].name,
              "duplicate link name (also at line " + std::to_string(acc.links[j].line) + ")");
  }

  if (auto d = r.required(root, "dram")) acc.dram = parse_dram(r, *d);
  if (root.has("board")) acc.board = parse_board(r, root["board"]);
  detail::parse_power_section(r, root, acc);
  try {
    r.issues().throw_if_any();
  } catch (const core::ConfigError& e) {
    // Reported in file order, so a reader can walk down the file fixing them.
    auto issues = e.issues();
    std::stable_sort(issues.begin(), issues.end(),
                     [](auto& a, auto& b) { return a.where.line < b.where.line; });
    throw core::ConfigError(std::move(issues));
  }
  return acc;
}

}  // namespace monet::accelerators
