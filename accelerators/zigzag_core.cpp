#include "accelerators/zigzag_core.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "accelerators/accelerator_writer.hpp"
#include "accelerators/loader.hpp"
#include "accelerators/op_kinds.hpp"

namespace monet::accelerators::detail {
namespace {

using core::YamlNode;

std::string trim(std::string s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.erase(s.begin());
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
  return s;
}

// ZigZag reads YAML with PyYAML, whose booleans include True/False.
bool python_bool(const YamlNode& n) {
  std::string s = n.is_scalar() ? n.raw().Scalar() : "";
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "no" || s == "off") return false;
  n.fail("must be true or false");
}

// `dataflows: {D1: ["K, 32"], ...}`: the layer dims each array dim may unroll. Our mapper
// picks one of them per array dim (up to the dim's size), so the factors are only checked.
std::map<std::string, std::vector<std::string>> read_dataflows(
    Reader& r, const YamlNode& n, const std::vector<std::string>& dims) {
  std::map<std::string, std::vector<std::string>> out;
  if (!n.is_map()) {
    r.add(n, "must be a map from array dimension to a list of 'LAYER_DIM, FACTOR'");
    return out;
  }
  const auto& loop_dims = loop_dim_names();
  for (const auto& key : n.keys()) {
    YamlNode list = n[key];
    if (std::find(dims.begin(), dims.end(), key) == dims.end()) {
      r.add(list, "not one of operational_array.dimensions");
      continue;
    }
    auto entries = r.read([&] { return list.as_string_list(); });
    if (!entries) continue;
    for (size_t i = 0; i < entries->size(); ++i) {
      YamlNode at = list.is_seq() ? list.at(i) : list;
      const std::string& e = (*entries)[i];
      auto comma = e.find(',');
      std::string dim = trim(e.substr(0, comma));
      bool factor_ok = comma != std::string::npos;
      if (factor_ok) {
        std::string f = trim(e.substr(comma + 1));
        factor_ok = !f.empty() && f.find_first_not_of("0123456789") == std::string::npos &&
                    f.size() < 10 && std::stoll(f) >= 1;
      }
      if (!factor_ok) {
        r.add(at, "must be 'LAYER_DIM, FACTOR' with a whole factor >= 1 (e.g. 'K, 32')");
        continue;
      }
      if (std::find(loop_dims.begin(), loop_dims.end(), dim) == loop_dims.end()) {
        r.add(at, "layer dimension '" + dim + "' is not one monet-sim maps (B G K C OY OX FY FX)");
        continue;
      }
      auto& u = out[key];
      if (std::find(u.begin(), u.end(), dim) == u.end()) u.push_back(dim);
    }
  }
  return out;
}

// Reads operational_array into core.array / mac energy; returns the dims' names.
std::vector<std::string> read_array(Reader& r, const YamlNode& oa, bool offchip, Core& core,
                                    std::vector<int64_t>& input_precision) {
  std::vector<std::string> names;
  if (!oa.is_map()) {
    r.add(oa, "must be a map (dimensions, sizes, unit_energy)");
    return names;
  }
  r.unknown_keys(oa, {"dimensions", "sizes", "unit_energy", "unit_area", "multiplier_energy",
                      "multiplier_area", "input_precision", "is_imc", "imc_type", "adc_resolution",
                      "bit_serial_precision"});
  if (oa.has("is_imc"))
    if (auto imc = r.read([&] { return python_bool(oa["is_imc"]); }); imc && *imc)
      r.add(oa["is_imc"],
            "in-memory-computing cores are not converted; describe them as a `kind: cim` core "
            "in monet-sim's format");
  std::vector<int64_t> sizes;
  if (auto d = r.required(oa, "dimensions"))
    if (auto v = r.read([&] { return d->as_string_list(); })) names = *v;
  if (auto s = r.required(oa, "sizes"))
    if (auto v = r.read([&] { return s->as_int_list(offchip ? 0 : 1); })) sizes = *v;
  if (!names.empty() && !sizes.empty() && names.size() != sizes.size())
    r.add(oa["sizes"],
          "must give one size per entry of dimensions (" + std::to_string(names.size()) + ")");
  for (size_t i = 0; i < names.size() && i < sizes.size(); ++i)
    core.array.push_back({names[i], sizes[i], {}});
  const char* energy_key = oa.has("unit_energy") ? "unit_energy" : "multiplier_energy";
  if (oa.has(energy_key) || !offchip) {
    if (!oa.has(energy_key)) {
      r.add(oa, "needs unit_energy (pJ per MAC)");
    } else if (auto e = r.read([&] { return oa[energy_key].as_double(); })) {
      if (*e < 0) r.add(oa[energy_key], "must not be negative");
      core.mac_energy_pj = *e;
    }
  }
  if (oa.has("input_precision"))
    if (auto p = r.read([&] { return oa["input_precision"].as_int_list(1); })) {
      if (p->size() != 2) r.add(oa["input_precision"], "must be [activation bits, weight bits]");
      input_precision = *p;
    }
  return names;
}

// Read/write widths and port counts. ZigZag <= 2.x: r_bw/w_bw per port and the counts
// r_port/w_port/rw_port (a read-write port serves both). Later versions: a `ports` list of
// {name, type: read|write|read_write, bandwidth_min, bandwidth_max, allocation}.
void read_ports(Reader& r, const YamlNode& m, ZigzagLevel& z) {
  MemoryLevel& level = z.level;
  YamlNode ports = m["ports"];
  bool new_style =
      ports.is_seq() && ports.size() > 0 && ports.at(0).is_map() && ports.at(0).has("name");
  if (ports.defined() && !ports.is_seq()) r.add(ports, "must be a list of port allocations");
  if (!m.has("r_bw") && !m.has("w_bw") && new_style) {
    int n_read = 0, n_write = 0;
    double read_total = 0, write_total = 0;
    for (size_t i = 0; i < ports.size(); ++i) {
      YamlNode p = ports.at(i);
      if (!p.is_map()) {
        r.add(p, "a port must be a map {name, type, bandwidth_min, bandwidth_max, allocation}");
        continue;
      }
      r.unknown_keys(p, {"name", "type", "bandwidth_min", "bandwidth_max", "allocation"});
      auto type = r.read([&] { return p.required("type").as_string(); });
      auto bw = r.read([&] { return p.required("bandwidth_max").as_int(1); });
      if (!type || !bw) continue;
      // bandwidth_min: ZigZag charges a transfer whole accesses of this many bits.
      if (p.has("bandwidth_min"))
        if (auto lo = r.read([&] { return p["bandwidth_min"].as_int(1, *bw); }))
          level.min_access_bits = level.min_access_bits == 0
                                      ? static_cast<int>(*lo)
                                      : std::min(level.min_access_bits, static_cast<int>(*lo));
      bool rd = *type == "read" || *type == "read_write";
      bool wr = *type == "write" || *type == "read_write";
      if (!rd && !wr) r.add(p["type"], "port type must be read, write or read_write");
      auto width = static_cast<double>(*bw);
      if (rd)
        ++n_read, read_total += width, z.read_access_bits = std::max(z.read_access_bits, width);
      if (wr)
        ++n_write, write_total += width, z.write_access_bits = std::max(z.write_access_bits, width);
    }
    if (n_read == 0) r.add(ports, "no read or read_write port: the memory can never be read");
    if (n_write == 0) r.add(ports, "no write or read_write port: the memory can never be written");
    level.read_ports = std::max(1, n_read);
    level.write_ports = std::max(1, n_write);
    // Unequal port widths keep their total; energy is per access of the widest port.
    level.read_bits_per_cycle = n_read ? read_total / n_read : 0;
    level.write_bits_per_cycle = n_write ? write_total / n_write : 0;
    return;
  }
  for (size_t i = 0; ports.is_seq() && i < ports.size(); ++i) {
    YamlNode p = ports.at(i);
    if (!p.is_map())
      r.add(p, "a port allocation must be a map of fh/tl/fl/th to a port name");
    else if (!p.has("name"))
      r.unknown_keys(p, {"fh", "tl", "fl", "th"});
  }
  auto bw = [&](const char* key) -> double {
    auto v = r.read([&] { return m.required(key).as_int(1, int64_t{1} << 40); });
    return v ? static_cast<double>(*v) : 0;
  };
  z.read_access_bits = level.read_bits_per_cycle = bw("r_bw");
  z.write_access_bits = level.write_bits_per_cycle = bw("w_bw");
  // Defaults of ZigZag's MemoryInstance.
  auto count = [&](const char* key, int64_t fallback) {
    auto v = r.read([&] { return m.get_int(key, fallback, 0, 64); });
    return static_cast<int>(v ? *v : fallback);
  };
  int rp = count("r_port", 1), wp = count("w_port", 1), rwp = count("rw_port", 0);
  if (rp + rwp == 0)
    r.add(m.has("r_port") ? m["r_port"] : m, "r_port + rw_port must be at least 1");
  if (wp + rwp == 0)
    r.add(m.has("w_port") ? m["w_port"] : m, "w_port + rw_port must be at least 1");
  level.read_ports = std::max(1, rp + rwp);
  level.write_ports = std::max(1, wp + rwp);
}

std::optional<ZigzagLevel> read_memory(Reader& r, const std::string& name, const YamlNode& node,
                                       const Core& core, const ImportOptions& o) {
  if (!node.is_map()) {
    r.add(node, "a memory must be a map (size, r_cost, w_cost, operands, ports, ...)");
    return std::nullopt;
  }
  const YamlNode& m = node;
  r.unknown_keys(
      m, {"size", "r_bw", "w_bw", "r_cost", "w_cost", "area", "r_port", "w_port", "rw_port",
          "latency", "min_r_granularity", "min_w_granularity", "mem_type", "auto_cost_extraction",
          "double_buffering_support", "operands", "ports", "served_dimensions"});
  ZigzagLevel z;
  z.node = m;
  MemoryLevel& level = z.level;
  level.name = name;
  level.line = m.loc().line;
  if (auto s = r.required(m, "size"))
    if (auto bits = r.read([&] { return s->as_int(1); })) level.size_bytes = *bits / 8.0;
  read_ports(r, m, z);
  level.read_bytes_per_s = level.read_bits_per_cycle * o.clock_hz / 8;
  level.write_bytes_per_s = level.write_bits_per_cycle * o.clock_hz / 8;
  bool cacti = false;
  if (m.has("auto_cost_extraction"))
    if (auto a = r.read([&] { return python_bool(m["auto_cost_extraction"]); })) cacti = *a;
  auto cost = [&](const char* key, double access_bits) -> double {
    if (!m.has(key)) {
      r.add(m, std::string("needs ") + key + " (pJ per access)" +
                   (cacti ? ": ZigZag takes it from CACTI, which monet-sim does not run" : ""));
      return 0;
    }
    auto v = r.read([&] { return m[key].as_double(); });
    if (!v) return 0;
    if (*v < 0) r.add(m[key], "must not be negative");
    return access_bits > 0 ? *v / access_bits : 0;
  };
  level.read_energy_pj_per_bit = cost("r_cost", z.read_access_bits);
  level.write_energy_pj_per_bit = cost("w_cost", z.write_access_bits);
  z.read_bits_total = level.read_bits_per_cycle * level.read_ports;
  z.write_bits_total = level.write_bits_per_cycle * level.write_ports;

  if (auto ops = r.required(m, "operands"))
    if (auto names = r.read([&] { return ops->as_string_list(); })) {
      for (size_t i = 0; i < names->size(); ++i) {
        int k = -1;
        for (int j = 0; j < 3; ++j)
          if ((*names)[i] == kZigzagOperands[j]) k = j;
        if (k < 0) {
          r.add(ops->is_seq() ? ops->at(i) : *ops, "ZigZag memory operands are I1, I2 and O");
          continue;
        }
        z.zz_holds[k] = true;
        level.holds[static_cast<int>(o.operand_of[k])] = true;
      }
      if (names->empty()) r.add(*ops, "a memory must hold at least one of I1, I2, O");
    }

  // served_dimensions: [] = one copy per PE; all dims = one copy; some = one copy per index
  // of the others (our `serves`, same meaning).
  if (auto sd = r.required(m, "served_dimensions"))
    if (auto served = r.read([&] { return sd->as_string_list(); })) {
      for (size_t i = 0; i < served->size(); ++i)
        if (std::none_of(core.array.begin(), core.array.end(),
                         [&](auto& d) { return d.name == (*served)[i]; }))
          r.add(sd->is_seq() ? sd->at(i) : *sd, "not one of operational_array.dimensions");
      auto is_served = [&](const ArrayDim& d) {
        return std::find(served->begin(), served->end(), d.name) != served->end();
      };
      bool all = std::all_of(core.array.begin(), core.array.end(), is_served);
      level.per_pe = served->empty() && !core.array.empty();
      for (auto& d : core.array) {
        if (!is_served(d))
          level.instances *= d.size;
        else if (!all)
          level.served_dims.push_back(d.name);
      }
    }
  if (level.size_bytes > 0 && level.size_bytes * 8 < core.precision_bits)
    r.add(m["size"], "smaller than one " + std::to_string(core.precision_bits) +
                         "-bit word (the import precision)");
  return z;
}

}  // namespace

std::optional<ZigzagCore> read_zigzag_core(Reader& r, const YamlNode& root, const ImportOptions& o,
                                           bool offchip) {
  if (!root.is_map()) {
    r.add(root, "a ZigZag core must be a map (name, memories, operational_array)");
    return std::nullopt;
  }
  r.unknown_keys(root, {"name", "type", "memories", "operational_array", "dataflows",
                        "operator_types", "operand_precision"});
  ZigzagCore c;
  c.root = root;
  c.core.kind = CoreKind::kArray;
  c.core.clock_hz = o.clock_hz;
  c.core.line = root.loc().line;
  c.core.vector_ops_per_cycle = o.vector_ops_per_cycle;
  c.core.vector_op_energy_pj = o.vector_op_energy_pj;
  if (auto n = r.required(root, "name"))
    if (auto s = r.read([&] { return n->as_string(); })) c.core.name = *s;
  std::vector<int64_t> input_precision;
  std::vector<std::string> dims;
  if (auto oa = r.required(root, "operational_array"))
    dims = read_array(r, *oa, offchip, c.core, input_precision);
  c.core.precision_bits =
      o.precision_bits > 0 ? o.precision_bits
      : input_precision.empty()
          ? 8
          : static_cast<int>(*std::max_element(input_precision.begin(), input_precision.end()));
  std::map<std::string, std::vector<std::string>> flows;
  if (root.has("dataflows")) flows = read_dataflows(r, root["dataflows"], dims);
  // Without a dataflow ZigZag searches every spatial unrolling; so does our mapper when an
  // array dim may unroll any loop dim.
  for (auto& d : c.core.array) {
    auto it = flows.find(d.name);
    if (it != flows.end())
      d.unrolls = it->second;
    else
      for (auto name : loop_dim_names()) d.unrolls.emplace_back(name);
  }
  if (!o.spatial.empty() && !offchip) {
    // The mapping file's unrolling replaces the dataflows: one loop dim over each whole dim.
    YamlNode oa = root["operational_array"];
    for (auto& d : c.core.array) {
      auto it = std::find_if(o.spatial.begin(), o.spatial.end(),
                             [&](auto& s) { return s.first == d.name; });
      if (it == o.spatial.end()) {
        r.add(oa, "the mapping gives array dimension " + d.name +
                      " no loop dimension (spatial_mapping must name every one)");
        continue;
      }
      auto comma = it->second.find(',');
      const std::string dim = it->second.substr(0, comma);
      const int64_t factor = std::stoll(it->second.substr(comma + 1));
      if (factor != d.size)
        r.add(oa, "the mapping unrolls " + dim + " by " + std::to_string(factor) + " along " +
                      d.name + " of size " + std::to_string(d.size) +
                      "; monet-sim unrolls one loop dimension over a whole array dimension");
      d.unrolls = {dim};
    }
    for (auto& s : o.spatial)
      if (std::none_of(c.core.array.begin(), c.core.array.end(),
                       [&](auto& d) { return d.name == s.first; }))
        r.add(oa, "the mapping names array dimension " + s.first +
                      ", which operational_array.dimensions does not list");
  }
  // ZigZag's latency: ideal cycles + stalls + on-loading + off-loading (cost_model.py), i.e.
  // double buffering; its ONNX layers keep partial sums at twice the activation width
  // (onnx_operator_parser.py, get_intermediate_output_precision).
  c.core.execution.overlap = Overlap::kDoubleBuffered;
  c.core.execution.partial_sum_bits = 2 * c.core.precision_bits;
  for (auto& k : o.op_kinds) {
    auto kinds = expand_op_kind(k);
    if (!kinds) throw core::Error("unknown op kind '" + k + "' in the import options");
    for (auto& x : *kinds)
      if (std::find(c.core.op_kinds.begin(), c.core.op_kinds.end(), x) == c.core.op_kinds.end())
        c.core.op_kinds.push_back(x);
  }
  // In workloads::OpKind order, as the loader stores them.
  std::vector<std::string> ordered;
  for (auto k : op_kind_names())
    if (std::find(c.core.op_kinds.begin(), c.core.op_kinds.end(), k) != c.core.op_kinds.end())
      ordered.emplace_back(k);
  c.core.op_kinds = ordered;
  for (auto& k : ordered)
    if (!is_loop_nest_kind(k) && !(o.vector_ops_per_cycle > 0))
      throw core::Error("op kind '" + k +
                        "' streams elements, and ZigZag cores describe no vector unit: give the "
                        "import a vector throughput and energy (convert --vector-ops-per-cycle, "
                        "--vector-op-energy)");

  if (auto mems = r.required(root, "memories")) {
    c.memories = *mems;
    if (!mems->is_map() || mems->size() == 0) {
      r.add(*mems, "must be a map of memory name to memory, innermost first");
    } else {
      for (const auto& name : mems->keys())
        if (auto z = read_memory(r, name, (*mems)[name], c.core, o)) c.levels.push_back(*z);
    }
  }
  return c;
}

Dram dram_from_level(const ZigzagLevel& l, double clock_hz) {
  Dram d;
  d.capacity_bytes = l.level.size_bytes;
  d.bandwidth_bytes_per_s = std::min(l.read_bits_total, l.write_bits_total) * clock_hz / 8;
  d.read_energy_pj_per_bit = l.level.read_energy_pj_per_bit;
  d.write_energy_pj_per_bit = l.level.write_energy_pj_per_bit;
  d.min_access_bits = l.level.min_access_bits;
  return d;
}

void check_on_chip_operands(Reader& r, const ZigzagCore& c, size_t on_chip,
                            const ImportOptions& o) {
  for (int k = 0; k < 3; ++k) {
    bool held = false;
    for (size_t i = 0; i < on_chip && i < c.levels.size(); ++i)
      held = held || c.levels[i].zz_holds[k];
    if (!held)
      r.add(c.memories, std::string("no on-chip memory holds ") + kZigzagOperands[k] + " (our " +
                            std::string(core::operand_name(o.operand_of[k])) +
                            "); monet-sim keeps every operand of an array core on chip");
  }
}

void throw_issues(Reader& r) {
  try {
    r.issues().throw_if_any();
  } catch (const core::ConfigError& e) {
    auto issues = e.issues();
    std::vector<std::string> files;
    auto rank = [&](const std::string& f) {
      auto it = std::find(files.begin(), files.end(), f);
      if (it == files.end()) return files.push_back(f), files.size() - 1;
      return static_cast<size_t>(it - files.begin());
    };
    for (auto& i : issues) rank(i.where.file);
    std::stable_sort(issues.begin(), issues.end(), [&](auto& a, auto& b) {
      size_t fa = rank(a.where.file), fb = rank(b.where.file);
      return fa != fb ? fa < fb : a.where.line < b.where.line;
    });
    throw core::ConfigError(std::move(issues));
  }
}

Accelerator validate_converted(const Accelerator& acc, const std::string& source) {
  Accelerator out;
  try {
    out = parse_accelerator_yaml(write_accelerator_yaml(acc), source + " (converted)");
  } catch (const core::ConfigError& e) {
    std::vector<core::ConfigIssue> issues;
    for (const auto& i : e.issues())
      issues.push_back(
          {{source, 0},
           i.field,
           i.value,
           "the converted description breaks a rule of monet-sim's format: " + i.rule});
    throw core::ConfigError(std::move(issues));
  }
  out.source_file = acc.source_file;
  for (size_t i = 0; i < out.cores.size() && i < acc.cores.size(); ++i) {
    out.cores[i].line = acc.cores[i].line;
    for (size_t j = 0; j < out.cores[i].memories.size() && j < acc.cores[i].memories.size(); ++j)
      out.cores[i].memories[j].line = acc.cores[i].memories[j].line;
  }
  for (size_t i = 0; i < out.links.size() && i < acc.links.size(); ++i)
    out.links[i].line = acc.links[i].line;
  for (size_t i = 0; i < out.shared_memories.size() && i < acc.shared_memories.size(); ++i)
    out.shared_memories[i].line = acc.shared_memories[i].line;
  return out;
}

}  // namespace monet::accelerators::detail
