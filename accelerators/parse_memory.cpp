#include "accelerators/parse_memory.hpp"

#include <algorithm>

namespace monet::accelerators::detail {
namespace {

using core::YamlNode;

std::optional<MemOperand> operand_from(const std::string& s) {
  return core::operand_names().find(s);
}

void read_ports(Reader& r, const YamlNode& m, MemoryLevel& level) {
  if (m.has("ports") && (m.has("read_ports") || m.has("write_ports")))
    r.add(m["ports"], "give either ports (both) or read_ports/write_ports, not both");
  if (auto p = r.read([&] { return m.get_int("ports", 1, 1, 64); }))
    level.read_ports = level.write_ports = static_cast<int>(*p);
  if (auto p = r.read([&] { return m.get_int("read_ports", level.read_ports, 1, 64); }))
    level.read_ports = static_cast<int>(*p);
  if (auto p = r.read([&] { return m.get_int("write_ports", level.write_ports, 1, 64); }))
    level.write_ports = static_cast<int>(*p);
}

void read_bandwidths(Reader& r, const YamlNode& m, double clock_hz, MemoryLevel& level) {
  auto set_read = [&](const Rate& rate) {
    level.read_bits_per_cycle = rate.bits_per_cycle;
    level.read_bytes_per_s = rate.bytes_per_s;
  };
  auto set_write = [&](const Rate& rate) {
    level.write_bits_per_cycle = rate.bits_per_cycle;
    level.write_bytes_per_s = rate.bytes_per_s;
  };
  if (m.has("bandwidth")) {
    if (m.has("read_bandwidth") || m.has("write_bandwidth"))
      r.add(m["bandwidth"],
            "give either bandwidth (both directions) or read_bandwidth and "
            "write_bandwidth, not both");
    if (auto rate = r.read([&] { return parse_rate(m["bandwidth"], clock_hz); })) {
      set_read(*rate);
      set_write(*rate);
    }
    return;
  }
  if (auto n = r.required(m, "read_bandwidth"))
    if (auto rate = r.read([&] { return parse_rate(*n, clock_hz); })) set_read(*rate);
  if (auto n = r.required(m, "write_bandwidth"))
    if (auto rate = r.read([&] { return parse_rate(*n, clock_hz); })) set_write(*rate);
}

// Fields shared by private and shared levels; `word_bits` > 0 checks the size against a word.
std::optional<MemoryLevel> parse_level(Reader& r, const YamlNode& m, double clock_hz,
                                       int word_bits) {
  MemoryLevel level;
  level.line = m.loc().line;
  if (auto n = r.required(m, "name"))
    if (auto s = r.read([&] { return n->as_string(); })) level.name = *s;
  if (auto n = r.required(m, "size")) {
    if (auto bytes = r.read([&] { return n->as_quantity(core::Dimension::kBytes); })) {
      level.size_bytes = *bytes;
      if (word_bits > 0 && *bytes * 8 < word_bits)
        r.add(*n, "smaller than one " + std::to_string(word_bits) +
                      "-bit word of the core's precision");
      else if (*bytes <= 0)
        r.add(*n, "size must be positive");
    }
  }
  read_bandwidths(r, m, clock_hz, level);
  read_ports(r, m, level);
  std::optional<int64_t> access_bits;
  if (m.has("access_bits"))
    access_bits = r.read([&] { return m["access_bits"].as_int(1, 1 << 20); });
  if (m.has("min_access"))
    if (auto b = r.read([&] { return parse_bits(m["min_access"]); })) level.min_access_bits = *b;
  if (auto n = r.required(m, "read_energy"))
    if (auto e = r.read([&] { return parse_energy_per_bit(*n, access_bits); }))
      level.read_energy_pj_per_bit = *e;
  if (auto n = r.required(m, "write_energy"))
    if (auto e = r.read([&] { return parse_energy_per_bit(*n, access_bits); }))
      level.write_energy_pj_per_bit = *e;
  if (m.has("leakage"))
    if (auto w = r.read([&] { return parse_power_per_byte(m["leakage"]); }))
      level.leakage_w_per_byte = *w;
  if (auto n = r.required(m, "holds")) {
    if (auto names = r.read([&] { return n->as_string_list(); })) {
      for (size_t i = 0; i < names->size(); ++i) {
        auto op = operand_from((*names)[i]);
        if (!op) {
          r.add(n->is_seq() ? n->at(i) : *n, "operands are I, W and O");
          continue;
        }
        level.holds[static_cast<int>(*op)] = true;
      }
      if (names->empty()) r.add(*n, "a memory must hold at least one of I, W, O");
    }
  }
  return level;
}

// `serves:` absent → every dim (one copy); a list → those dims; [] → one copy per PE.
void read_serves(Reader& r, const YamlNode& m, const CoreContext& c, MemoryLevel& level) {
  if (!m.has("serves")) return;
  YamlNode n = m["serves"];
  if (!c.array || c.array->empty()) {
    r.add(n, c.kind + " cores have no array; remove serves");
    return;
  }
  if (n.is_seq() && n.size() == 0) {
    level.per_pe = true;
    for (auto& d : *c.array) level.instances *= d.size;
    return;
  }
  auto names = r.read([&] { return n.as_string_list(); });
  if (!names) return;
  std::string known;
  for (auto& d : *c.array) known += (known.empty() ? "" : ", ") + d.name;
  for (size_t i = 0; i < names->size(); ++i) {
    const std::string& s = (*names)[i];
    bool ok = std::any_of(c.array->begin(), c.array->end(), [&](auto& d) { return d.name == s; });
    if (!ok)
      r.add(n.is_seq() ? n.at(i) : n, "not an array dimension of this core (" + known + ")");
    else
      level.served_dims.push_back(s);
  }
  for (auto& d : *c.array)
    if (std::find(level.served_dims.begin(), level.served_dims.end(), d.name) ==
        level.served_dims.end())
      level.instances *= d.size;
}

const std::initializer_list<std::string_view> kLevelKeys = {
    "name",        "size",       "bandwidth",   "read_bandwidth", "write_bandwidth",
    "ports",       "read_ports", "write_ports", "read_energy",    "write_energy",
    "access_bits", "holds",      "min_access",  "leakage"};

}  // namespace

std::optional<MemoryLevel> parse_shared_memory(Reader& r, const YamlNode& m) {
  if (!m.is_map()) {
    r.add(m, "a shared memory must be a map (name, size, bandwidth, ...)");
    return std::nullopt;
  }
  r.unknown_keys(m, kLevelKeys);
  return parse_level(r, m, 0, 0);
}

std::optional<MemoryLevel> parse_core_memory(Reader& r, const YamlNode& m, const CoreContext& c) {
  if (!m.is_map()) {
    r.add(m, "a memory must be a map (name, size, ...) or {shared: NAME}");
    return std::nullopt;
  }
  if (m.has("shared")) {
    r.unknown_keys(m, {"shared"});
    auto name = r.read([&] { return m["shared"].as_string(); });
    if (!name) return std::nullopt;
    const auto& defs = *c.shared;
    auto it = std::find_if(defs.begin(), defs.end(), [&](auto& s) { return s.name == *name; });
    if (it == defs.end()) {
      std::string known;
      for (auto& s : defs) known += (known.empty() ? "" : ", ") + s.name;
      r.add(m["shared"], "no such shared memory (shared_memories: " +
                             (known.empty() ? std::string("none") : known) + ")");
      return std::nullopt;
    }
    MemoryLevel level = *it;
    level.shared_index = static_cast<int>(it - defs.begin());
    level.line = m.loc().line;
    if (c.clock_hz > 0) {
      level.read_bits_per_cycle = level.read_bytes_per_s * 8 / c.clock_hz;
      level.write_bits_per_cycle = level.write_bytes_per_s * 8 / c.clock_hz;
    }
    if (level.size_bytes * 8 < c.precision_bits)
      r.add(m["shared"], "shared memory is smaller than one " + std::to_string(c.precision_bits) +
                             "-bit word of this core");
    return level;
  }
  r.unknown_keys(m, {"name", "size", "bandwidth", "read_bandwidth", "write_bandwidth", "ports",
                     "read_ports", "write_ports", "read_energy", "write_energy", "access_bits",
                     "holds", "serves", "shared", "min_access", "leakage"});
  auto level = parse_level(r, m, c.clock_hz, c.precision_bits);
  if (level) read_serves(r, m, c, *level);
  return level;
}

}  // namespace monet::accelerators::detail
