#include "accelerators/parse_core.hpp"

#include "core/units.hpp"

#include <algorithm>
#include <set>

#include "accelerators/cim_rules.hpp"
#include "accelerators/op_kinds.hpp"
#include "accelerators/parse_memory.hpp"
#include "accelerators/tlmm_rules.hpp"

namespace monet::accelerators::detail {
namespace {

using core::Dimension;
using core::YamlNode;

// Bounds that keep an accelerator finite to simulate: a core written with `repeat` is
// expanded into that many cores, and the array's PE count multiplies every per-cycle rate.
constexpr int64_t kMaxRepeat = 1024;
constexpr int64_t kMaxArrayDim = 1 << 20;
constexpr int64_t kMaxPes = int64_t{1} << 32;

std::string join(const std::vector<std::string_view>& v) {
  std::string s;
  for (auto x : v) s += (s.empty() ? "" : ", ") + std::string(x);
  return s;
}

std::vector<ArrayDim> parse_array(Reader& r, const YamlNode& n) {
  std::vector<ArrayDim> dims;
  if (!n.is_seq() || n.size() == 0) {
    r.add(n, "must be a non-empty list of {name, size, unrolls}");
    return dims;
  }
  const auto& loop_dims = loop_dim_names();
  for (size_t i = 0; i < n.size(); ++i) {
    YamlNode d = n.at(i);
    if (!d.is_map()) {
      r.add(d, "an array dimension must be a map {name, size, unrolls}");
      continue;
    }
    r.unknown_keys(d, {"name", "size", "unrolls"});
    ArrayDim dim;
    dim.name = "D" + std::to_string(i + 1);
    if (auto s = r.read([&] { return d.get_string("name", dim.name); })) dim.name = *s;
    if (auto sz = r.required(d, "size"))
      if (auto v = r.read([&] { return sz->as_int(1, kMaxArrayDim); })) dim.size = *v;
    if (auto u = r.required(d, "unrolls")) {
      if (auto names = r.read([&] { return u->as_string_list(); })) {
        for (size_t j = 0; j < names->size(); ++j) {
          if (std::find(loop_dims.begin(), loop_dims.end(), (*names)[j]) == loop_dims.end())
            r.add(u->is_seq() ? u->at(j) : *u, "not a loop dimension (" + join(loop_dims) + ")");
          else
            dim.unrolls.push_back((*names)[j]);
        }
        if (names->empty()) r.add(*u, "must name at least one loop dimension");
      }
    }
    for (auto& prev : dims)
      if (prev.name == dim.name) r.add(d, "duplicate array dimension name '" + dim.name + "'");
    dims.push_back(std::move(dim));
  }
  double pes = 1;
  for (const auto& d : dims) pes *= static_cast<double>(d.size);
  if (pes > static_cast<double>(kMaxPes))
    r.add(n, "the array has " + core::format_count(pes) + " PEs; at most 2^32 are supported");
  return dims;
}

CimSpec parse_cim(Reader& r, const YamlNode& n) {
  CimSpec c;
  if (!n.is_map()) {
    r.add(n, "must be a map (rows, cols, crossbars, ...)");
    return c;
  }
  r.unknown_keys(
      n, {"rows", "cols", "crossbars", "weight_bits", "cell_bits", "input_bits", "dac_bits",
          "adc_bits", "cols_per_adc", "adc_energy", "adc_delay", "dac_energy", "cell_read_energy",
          "cell_write_energy", "write_pulse", "written_fraction"});
  auto int_field = [&](std::string_view key, auto& out, bool required) {
    if (!required && !n.has(key)) return;
    if (auto v = r.required(n, key))
      if (auto i = r.read([&] { return v->as_int(1, 1 << 20); }))
        out = static_cast<std::remove_reference_t<decltype(out)>>(*i);
  };
  auto quantity = [&](std::string_view key, double& out, Dimension dim, bool required) {
    if (!required && !n.has(key)) return;
    if (auto v = r.required(n, key))
      if (auto q = r.read([&] { return v->as_quantity(dim); })) out = *q;
  };
  int_field("rows", c.rows, true);
  int_field("cols", c.cols, true);
  int_field("crossbars", c.crossbars, true);
  int_field("weight_bits", c.weight_bits, true);
  int_field("cell_bits", c.cell_bits, true);
  int_field("input_bits", c.input_bits, true);
  int_field("dac_bits", c.dac_bits, false);
  int_field("adc_bits", c.adc_bits, true);
  int_field("cols_per_adc", c.cols_per_adc, true);
  quantity("adc_energy", c.adc_energy_pj, Dimension::kEnergy, true);
  quantity("adc_delay", c.adc_delay_s, Dimension::kTime, true);
  quantity("dac_energy", c.dac_energy_pj, Dimension::kEnergy, true);
  c.cell_read_energy_pj = 0;
  quantity("cell_read_energy", c.cell_read_energy_pj, Dimension::kEnergy, false);
  quantity("cell_write_energy", c.cell_write_energy_pj, Dimension::kEnergy, true);
  quantity("write_pulse", c.write_pulse_s, Dimension::kTime, true);
  c.written_fraction = 1.0;
  if (n.has("written_fraction"))
    if (auto f = r.read([&] { return n["written_fraction"].as_double(); })) c.written_fraction = *f;
  for (const auto& broken : cim_rule_breaks(c))
    r.add(n.has(broken.field) ? n[broken.field] : n, broken.rule);
  return c;
}

TlmmSpec parse_tlmm(Reader& r, const YamlNode& n) {
  TlmmSpec t;
  if (!n.is_map()) {
    r.add(n, "must be a map (group, weight_levels, lookups_per_cycle, ...)");
    return t;
  }
  r.unknown_keys(n,
                 {"group", "weight_levels", "weight_bits", "lookups_per_cycle", "entries_per_cycle",
                  "table_entries", "entry_bits", "lookup_energy", "entry_energy"});
  auto int_field = [&](std::string_view key, auto& out) {
    if (auto v = r.required(n, key))
      if (auto i = r.read([&] { return v->as_int(-(int64_t{1} << 40), int64_t{1} << 40); }))
        out = static_cast<std::remove_reference_t<decltype(out)>>(*i);
  };
  auto real = [&](std::string_view key, double& out) {
    if (auto v = r.required(n, key))
      if (auto d = r.read([&] { return v->as_double(); })) out = *d;
  };
  auto energy = [&](std::string_view key, double& out) {
    if (auto v = r.required(n, key))
      if (auto q = r.read([&] { return v->as_quantity(Dimension::kEnergy); })) out = *q;
  };
  int_field("group", t.group);
  int_field("weight_levels", t.weight_levels);
  int_field("weight_bits", t.weight_bits);
  real("lookups_per_cycle", t.lookups_per_cycle);
  real("entries_per_cycle", t.entries_per_cycle);
  int_field("table_entries", t.table_entries);
  int_field("entry_bits", t.entry_bits);
  energy("lookup_energy", t.lookup_energy_pj);
  energy("entry_energy", t.entry_energy_pj);
  for (const auto& broken : tlmm_rule_breaks(t))
    r.add(n.has(broken.field) ? n[broken.field] : n, broken.rule);
  return t;
}

std::vector<std::string> parse_op_kinds(Reader& r, const YamlNode& n) {
  std::set<std::string> seen;
  auto names = r.read([&] { return n.as_string_list(); });
  if (!names) return {};
  std::vector<std::string_view> groups;
  for (auto& g : op_kind_groups()) groups.push_back(g.name);
  for (size_t i = 0; i < names->size(); ++i) {
    auto kinds = expand_op_kind((*names)[i]);
    if (!kinds) {
      r.add(n.is_seq() ? n.at(i) : n,
            "unknown op kind; kinds are " + join(op_kind_names()) + "; groups are " + join(groups));
      continue;
    }
    seen.insert(kinds->begin(), kinds->end());
  }
  if (names->empty()) r.add(n, "a core must run at least one op kind");
  std::vector<std::string> out;  // in workloads::OpKind order
  for (auto k : op_kind_names())
    if (seen.count(std::string(k))) out.emplace_back(k);
  return out;
}

void check_memories(Reader& r, const YamlNode& list, const Core& core) {
  const bool simd = core.kind == CoreKind::kSimd;
  for (int o = 0; o < kMemOperandCount; ++o) {
    if (simd && o == static_cast<int>(MemOperand::kW)) continue;
    bool held = std::any_of(core.memories.begin(), core.memories.end(),
                            [&](auto& m) { return m.holds[o]; });
    if (!held)
      r.add(list, "no memory holds operand " +
                      std::string(core::operand_name(static_cast<MemOperand>(o))) + "; " +
                      core_kind_name(core.kind) + " cores need " +
                      (simd ? "I and O" : "I, W and O") + " on chip");
  }
  bool seen_shared = false;
  for (size_t i = 0; i < core.memories.size(); ++i) {
    const auto& m = core.memories[i];
    if (m.shared_index >= 0)
      seen_shared = true;
    else if (seen_shared)
      r.add(list.at(i), "private level '" + m.name +
                            "' is listed outside a shared level; shared levels are outermost");
    for (size_t j = 0; j < i; ++j)
      if (core.memories[j].name == m.name)
        r.add(list.at(i), "duplicate memory name '" + m.name + "' in this core");
  }
}

// Rules linking the execution section to the rest of the core.
void check_execution(Reader& r, const YamlNode& n, const Core& core) {
  const Execution& e = core.execution;
  if (e.has_stationary_load && !core.memories.empty()) {
    const int o = static_cast<int>(e.stationary_load.operand);
    auto held = std::find_if(core.memories.begin(), core.memories.end(),
                             [&](auto& m) { return m.holds[o]; });
    if (held == core.memories.end())
      r.add(n["stationary_load"]["operand"],
            "no memory of the core holds this operand, so nothing is loaded into the array");
  }
  if (!e.rates.empty() && !core.rate_for(core.precision_bits))
    r.add(n["rates"], "no rate for the core's own precision (" +
                          std::to_string(core.precision_bits) +
                          " bit): list one at least that wide");
}

}  // namespace

std::optional<ParsedCore> parse_core(Reader& r, const YamlNode& n,
                                     const std::vector<MemoryLevel>& shared,
                                     double accelerator_node_nm) {
  if (!n.is_map()) {
    r.add(n, "a core must be a map (name, kind, clock, ...)");
    return std::nullopt;
  }
  r.unknown_keys(n, {"name", "kind", "clock", "repeat", "array", "mac_energy", "precision",
                     "vector_ops_per_cycle", "vector_op_energy", "op_kinds", "memories", "cim",
                     "tlmm", "execution", "static_power", "area"});
  Core core;
  core.line = n.loc().line;
  ParsedCore out;
  out.name_node = n["name"];
  if (auto v = r.required(n, "name"))
    if (auto s = r.read([&] { return v->as_string(); })) core.name = *s;
  bool kind_ok = false;
  if (auto v = r.required(n, "kind"))
    if (auto s = r.read([&] { return v->as_string(); })) {
      if (auto k = core_kind_names().find(*s))
        core.kind = *k, kind_ok = true;
      else
        r.add(*v, "must be one of: " + core_kind_names().list());
    }
  bool clock_ok = false;
  if (auto v = r.required(n, "clock"))
    if (auto hz = r.read([&] { return v->as_quantity(Dimension::kFrequency); })) {
      if (*hz > 0)
        core.clock_hz = *hz, clock_ok = true;
      else
        r.add(*v, "clock must be positive");
    }
  int64_t repeat = 1;
  if (auto v = r.read([&] { return n.get_int("repeat", 1, 1, kMaxRepeat); })) repeat = *v;
  if (n.has("static_power"))
    if (auto w = r.read([&] { return parse_power(n["static_power"]); })) core.static_power_w = *w;
  if (n.has("area")) core.area = parse_area(r, n["area"], accelerator_node_nm);
  if (n.has("precision"))
    if (auto b = r.read([&] { return parse_bits(n["precision"]); })) core.precision_bits = *b;

  const bool has_array_kind = core.kind == CoreKind::kArray || core.kind == CoreKind::kGpuSm;
  const std::string kind = core_kind_name(core.kind);
  if (kind_ok) {
    if (has_array_kind) {
      if (auto a = r.required(n, "array")) core.array = parse_array(r, *a);
    } else if (n.has("array")) {
      r.add(n["array"],
            core.kind == CoreKind::kCim
                ? "cim cores derive their array from the cim section; remove array"
            : core.kind == CoreKind::kTlmm
                ? "tlmm cores have no MAC array: they look partial sums up (the tlmm section)"
                : "simd cores have no array; use vector_ops_per_cycle");
    }
    if (core.kind == CoreKind::kCim) {
      if (auto c = r.required(n, "cim")) {
        core.cim = parse_cim(r, *c);
        core.array = cim_array(core.cim);
      }
    } else if (n.has("cim")) {
      r.add(n["cim"], "only cim cores have a cim section");
    }
    if (core.kind == CoreKind::kTlmm) {
      if (auto t = r.required(n, "tlmm")) core.tlmm = parse_tlmm(r, *t);
    } else if (n.has("tlmm")) {
      r.add(n["tlmm"], "only tlmm cores have a tlmm section");
    }
  }
  if (kind_ok && n.has("execution")) core.execution = parse_execution(r, n["execution"], core.kind);
  if ((kind_ok && has_array_kind) || n.has("mac_energy")) {
    if (auto v = r.required(n, "mac_energy"))
      if (auto e = r.read([&] { return v->as_quantity(Dimension::kEnergy); })) {
        if (*e < 0) r.add(*v, "must not be negative");
        core.mac_energy_pj = *e;
      }
  } else {
    core.mac_energy_pj = 0;
  }
  core.vector_ops_per_cycle = 0;
  if (n.has("vector_ops_per_cycle"))
    if (auto v = r.read([&] { return n["vector_ops_per_cycle"].as_double(); })) {
      if (*v < 0) r.add(n["vector_ops_per_cycle"], "must not be negative");
      core.vector_ops_per_cycle = *v;
    }
  if (kind_ok && n.has("kind"))
    if (auto rule = cim_adder_rule_break(core); !rule.empty())
      r.add(n.has("vector_ops_per_cycle") ? n["vector_ops_per_cycle"] : n["kind"], rule);
  if (auto v = r.required(n, "op_kinds")) {
    core.op_kinds = parse_op_kinds(r, *v);
    auto element = std::find_if(core.op_kinds.begin(), core.op_kinds.end(),
                                [](auto& k) { return !is_loop_nest_kind(k); });
    if (element != core.op_kinds.end()) {
      if (!(core.vector_ops_per_cycle > 0))
        r.add(n.has("vector_ops_per_cycle") ? n["vector_ops_per_cycle"] : *v,
              "the core runs element-streaming ops (" + *element +
                  ", ...), so vector_ops_per_cycle must be positive");
      if (!n.has("vector_op_energy"))
        r.add(*v, "the core runs element-streaming ops (" + *element +
                      ", ...), so it needs vector_op_energy");
    }
  }
  if (n.has("vector_op_energy"))
    if (auto e = r.read([&] { return n["vector_op_energy"].as_quantity(Dimension::kEnergy); })) {
      if (*e < 0) r.add(n["vector_op_energy"], "must not be negative");
      core.vector_op_energy_pj = *e;
    }

  if (auto list = r.required(n, "memories")) {
    if (!list->is_seq() || list->size() == 0) {
      r.add(*list, "must be a non-empty list of memory levels, innermost first");
    } else {
      // A broken clock is already reported; any positive clock lets the rest be checked.
      CoreContext ctx{kind, clock_ok ? core.clock_hz : 1e9, core.precision_bits, &core.array,
                      &shared};
      for (size_t i = 0; i < list->size(); ++i)
        if (auto m = parse_core_memory(r, list->at(i), ctx)) core.memories.push_back(*m);
      if (core.memories.size() == list->size() && kind_ok) check_memories(r, *list, core);
    }
  }

  if (kind_ok && n.has("execution")) check_execution(r, n["execution"], core);

  core.group = core.name;
  if (repeat == 1) {
    out.cores.push_back(std::move(core));
  } else {
    for (int64_t i = 0; i < repeat; ++i) {
      Core c = core;
      c.name = core.name + std::to_string(i);
      c.repeat_index = static_cast<int>(i);
      out.cores.push_back(std::move(c));
    }
  }
  return out;
}

}  // namespace monet::accelerators::detail
