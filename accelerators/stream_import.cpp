// Stream multi-core files. Two generations are read:
//   cores: {0: a.yaml, ...}, offchip_core: dram.yaml, bandwidth: B, unit_energy_cost: E,
//   core_connectivity: ["0, 1", "1, 2, 3"], core_memory_sharing: ["2, 3"]
// and the later one where the off-chip core is one of `cores` (offchip_core_id) and each
// connection is {type: link|bus, cores: [..], bandwidth, unit_energy_cost}.
// Stream's link energy is unit_energy_cost per cycle of a busy link, so per bit it is
// unit_energy_cost / bandwidth.
#include <algorithm>
#include <filesystem>
#include <map>
#include <system_error>

#include "accelerators/zigzag_core.hpp"
#include "accelerators/zigzag_import.hpp"

namespace monet::accelerators {
namespace {

namespace fs = std::filesystem;
using core::YamlNode;
using detail::Reader;
using detail::ZigzagCore;

// Stream looks for a bare file name next to the accelerator and in its `cores/` folder.
std::optional<YamlNode> open_core(Reader& r, const YamlNode& ref, const fs::path& dir,
                                  const ImportOptions& options) {
  if (ref.is_map()) return ref;  // described inline
  auto name = r.read([&] { return ref.as_string(); });
  if (!name) return std::nullopt;
  fs::path p(*name);
  std::vector<fs::path> tries;
  if (p.is_absolute())
    tries = {p};
  else if (p.has_parent_path())
    tries = {dir / p, p};
  else
    tries = {dir / "cores" / p, dir / p};
  for (auto& t : tries)
    if (std::error_code ec; fs::is_regular_file(t, ec))
      return r.read([&] { return load_zigzag_yaml_file(t.string(), options); });
  std::string looked;
  for (auto& t : tries) looked += (looked.empty() ? "" : ", ") + t.string();
  r.add(ref, "core file not found (looked at " + looked + ")");
  return std::nullopt;
}

std::vector<int64_t> id_list(Reader& r, const YamlNode& n) {
  std::vector<int64_t> ids;
  if (n.is_seq()) {
    if (auto v = r.read([&] { return n.as_int_list(0); })) ids = *v;
    return ids;
  }
  auto s = r.read([&] { return n.as_string(); });
  if (!s) return ids;
  size_t start = 0;
  while (start <= s->size()) {
    size_t comma = s->find(',', start);
    std::string item =
        s->substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    item.erase(std::remove(item.begin(), item.end(), ' '), item.end());
    start = comma == std::string::npos ? s->size() + 1 : comma + 1;
    if (item.empty() || item.find_first_not_of("0123456789") != std::string::npos ||
        item.size() > 9) {
      r.add(n, "must be core ids separated by commas (e.g. \"0, 1, 2\")");
      return {};
    }
    ids.push_back(std::stoll(item));
  }
  return ids;
}

struct Topology {
  std::map<int64_t, std::string> names;  // core id → our core name, or "dram"
  double default_bits_per_cycle = 0;     // `bandwidth` (first generation)
  double default_energy = 0;             // unit_energy_cost
};

void read_connection(Reader& r, const YamlNode& n, size_t index, const Topology& t,
                     const ImportOptions& o, std::vector<Link>& out) {
  std::vector<int64_t> ids;
  std::string type;
  double bits = t.default_bits_per_cycle, energy = t.default_energy;
  // Never assign one YamlNode to another: yaml-cpp's Node::operator= rewrites the node
  // referred to (here: the connection itself) instead of rebinding.
  std::optional<YamlNode> bw_node;
  if (n.is_map()) {
    r.unknown_keys(n, {"type", "cores", "bandwidth", "unit_energy_cost"});
    if (auto v = r.read([&] { return n.get_string("type", "link"); })) type = *v;
    if (type != "link" && type != "bus") r.add(n["type"], "must be link or bus");
    if (auto c = r.required(n, "cores")) ids = id_list(r, *c);
    if (n.has("bandwidth")) {
      bw_node.emplace(n["bandwidth"]);
      if (auto v = r.read([&] { return bw_node->as_double(); })) bits = *v;
    } else if (bits <= 0) {
      r.add(n, "needs bandwidth (bits per cycle)");
      return;
    }
    if (n.has("unit_energy_cost"))
      if (auto v = r.read([&] { return n["unit_energy_cost"].as_double(); })) energy = *v;
  } else {
    ids = id_list(r, n);
    type = ids.size() == 2 ? "link" : "bus";
  }
  if (ids.empty()) return;
  if (ids.size() < 2) r.add(n, "a connection joins at least two cores");
  if (type == "link" && ids.size() != 2) r.add(n, "a link joins exactly two cores; use a bus");
  if (!(bits > 0)) r.add(bw_node ? *bw_node : n, "bandwidth must be positive (bits per cycle)");
  if (energy < 0) r.add(n, "unit_energy_cost must not be negative");
  for (auto id : ids)
    if (!t.names.count(id)) r.add(n, "core id " + std::to_string(id) + " is not in cores");
  if (!r.issues().empty()) return;
  // Our links join two ends; a bus becomes a link between every pair of its cores, each
  // with the bus bandwidth (the bus's sharing between pairs is not modelled).
  std::string prefix = type == "bus" ? "bus" + std::to_string(index) : "link";
  for (size_t a = 0; a < ids.size(); ++a)
    for (size_t b = a + 1; b < ids.size(); ++b) {
      Link l;
      l.from = t.names.at(ids[a]);
      l.to = t.names.at(ids[b]);
      if (l.from == "dram") std::swap(l.from, l.to);
      l.name = prefix + "_" + std::to_string(ids[a]) + "_" + std::to_string(ids[b]);
      l.bandwidth_bytes_per_s = bits * o.clock_hz / 8;
      l.energy_pj_per_bit = energy / bits;
      l.line = n.loc().line;
      out.push_back(l);
    }
}

// `core_memory_sharing`: the listed cores use one top memory, our shared memory. Their top
// levels must be the same memory (Stream requires it too).
void share_top_memories(Reader& r, const YamlNode& n, const std::map<int64_t, size_t>& index_of,
                        Accelerator& acc) {
  if (!n.is_seq()) {
    r.add(n, "must be a list of core-id groups (e.g. [\"0, 1\"])");
    return;
  }
  for (size_t g = 0; g < n.size(); ++g) {
    YamlNode gn = n.at(g);
    auto ids = id_list(r, gn);
    if (ids.size() < 2) {
      if (!ids.empty()) r.add(gn, "a sharing group lists at least two cores");
      continue;
    }
    std::vector<Core*> cores;
    for (auto id : ids) {
      auto it = index_of.find(id);
      if (it == index_of.end())
        r.add(gn, "core id " + std::to_string(id) + " is not a compute core");
      else
        cores.push_back(&acc.cores[it->second]);
    }
    if (cores.size() != ids.size()) continue;
    MemoryLevel top = cores[0]->memories.back();
    for (auto* c : cores) {
      const MemoryLevel& m = c->memories.back();
      if (m.shared_index >= 0) r.add(gn, "core '" + c->name + "' is already in a sharing group");
      if (m.name != top.name || m.size_bytes != top.size_bytes || m.holds != top.holds ||
          m.read_bits_per_cycle != top.read_bits_per_cycle ||
          m.write_bits_per_cycle != top.write_bits_per_cycle || m.read_ports != top.read_ports ||
          m.write_ports != top.write_ports ||
          m.read_energy_pj_per_bit != top.read_energy_pj_per_bit ||
          m.write_energy_pj_per_bit != top.write_energy_pj_per_bit)
        r.add(gn, "cores sharing memory must have the same top memory; '" + c->name + "' has '" +
                      m.name + "', unlike '" + cores[0]->name + "'");
      if (m.per_pe || !m.served_dims.empty())
        r.add(gn, "a shared top memory must serve every array dimension");
    }
    if (!r.issues().empty()) continue;
    MemoryLevel shared = top;
    shared.name = top.name + "_shared" + std::to_string(g);
    shared.read_bits_per_cycle = shared.write_bits_per_cycle = 0;  // no clock of its own
    shared.line = gn.loc().line;
    acc.shared_memories.push_back(shared);
    for (auto* c : cores)
      c->memories.back().shared_index = static_cast<int>(acc.shared_memories.size() - 1);
  }
}

}  // namespace

Accelerator import_stream(const YamlNode& root, const ImportOptions& o) {
  Reader r;
  Accelerator acc;
  acc.source_file = root.file();
  if (!root.is_map()) root.fail("a Stream accelerator must be a map (name, cores, ...)");
  if (root.has("graph"))
    r.add(root["graph"],
          "the first Stream format (graph: 2d_mesh/bus) is not read; list core_connectivity");
  r.unknown_keys(
      root, {"name", "cores", "offchip_core", "offchip_core_id", "bandwidth", "unit_energy_cost",
             "core_connectivity", "core_memory_sharing", "core_coordinates", "graph"});
  if (auto v = r.required(root, "name"))
    if (auto s = r.read([&] { return v->as_string(); })) acc.name = *s;
  acc.description = "imported from Stream accelerator '" + acc.name + "'";
  const fs::path dir = fs::path(root.file()).parent_path();

  Topology topo;
  if (root.has("bandwidth")) {
    if (root["bandwidth"].is_map())
      r.add(root["bandwidth"], "per-core and per-port bandwidth overrides are not read");
    else if (auto v = r.read([&] { return root["bandwidth"].as_double(); }))
      topo.default_bits_per_cycle = *v;
  }
  if (root.has("unit_energy_cost"))
    if (auto v = r.read([&] { return root["unit_energy_cost"].as_double(); }))
      topo.default_energy = *v;

  std::optional<int64_t> offchip_id;
  if (root.has("offchip_core_id"))
    offchip_id = r.read([&] { return root["offchip_core_id"].as_int(0); });
  if (root.has("offchip_core") == root.has("offchip_core_id"))
    r.add(root,
          "needs exactly one of offchip_core (a core file) and offchip_core_id: the "
          "off-chip core's memory becomes the DRAM");

  std::map<int64_t, size_t> index_of;  // compute core id → index in acc.cores
  std::optional<ZigzagCore> offchip;
  if (auto cores = r.required(root, "cores")) {
    if (!cores->is_map()) r.add(*cores, "must be a map from core id (0, 1, ...) to a core file");
    auto keys = cores->keys();
    for (size_t i = 0; i < keys.size(); ++i) {
      YamlNode ref = (*cores)[keys[i]];
      if (keys[i] != std::to_string(i)) {
        r.add(ref, "core ids must be 0, 1, 2, ... in order; found '" + keys[i] + "'");
        continue;
      }
      auto id = static_cast<int64_t>(i);
      auto doc = open_core(r, ref, dir, o);
      if (!doc) continue;
      bool is_offchip = offchip_id && *offchip_id == id;
      auto zc = detail::read_zigzag_core(r, *doc, o, is_offchip);
      if (!zc) continue;
      if (is_offchip) {
        offchip = std::move(zc);
        topo.names[id] = "dram";
        continue;
      }
      zc->core.name += "_" + std::to_string(id);
      detail::check_on_chip_operands(r, *zc, zc->levels.size(), o);
      for (auto& l : zc->levels) zc->core.memories.push_back(l.level);
      topo.names[id] = zc->core.name;
      index_of[id] = acc.cores.size();
      acc.cores.push_back(std::move(zc->core));
    }
    if (offchip_id && *offchip_id >= static_cast<int64_t>(keys.size()))
      r.add(root["offchip_core_id"], "is not one of the core ids");
  }
  if (root.has("offchip_core") && !offchip)
    if (auto doc = open_core(r, root["offchip_core"], dir, o))
      offchip = detail::read_zigzag_core(r, *doc, o, true);
  if (offchip) {
    if (offchip->levels.size() != 1 || !offchip->levels.front().holds_all()) {
      r.add(offchip->memories,
            "the off-chip core describes the DRAM: exactly one memory, holding I1, I2 and O");
    } else {
      const auto& dram = offchip->levels.front();
      acc.dram = detail::dram_from_level(dram, o.clock_hz);
      // First generation: every core reaches the off-chip core over an implicit link as wide
      // as the DRAM port, charged unit_energy_cost per busy cycle.
      if (root.has("offchip_core") && topo.default_energy > 0) {
        acc.dram.read_energy_pj_per_bit += topo.default_energy / dram.read_access_bits;
        acc.dram.write_energy_pj_per_bit += topo.default_energy / dram.write_access_bits;
      }
    }
  }

  if (auto conn = r.required(root, "core_connectivity")) {
    if (!conn->is_seq()) r.add(*conn, "must be a list of connections");
    for (size_t i = 0; conn->is_seq() && i < conn->size(); ++i)
      read_connection(r, conn->at(i), i, topo, o, acc.links);
  }
  if (root.has("core_memory_sharing") && r.issues().empty())
    share_top_memories(r, root["core_memory_sharing"], index_of, acc);
  if (acc.cores.empty() && r.issues().empty()) r.add(root["cores"], "has no compute core");
  detail::throw_issues(r);
  return detail::validate_converted(acc, root.file());
}

Accelerator import_stream_file(const std::string& path, const ImportOptions& options) {
  return import_stream(load_zigzag_yaml_file(path, options), options);
}

}  // namespace monet::accelerators
