// The `execution:` section of a core: overlap policy, stationary-operand loads, fixed costs,
// GPU thread blocks, peak rates per operand precision. Schema: configs/accelerators/README.md.
#include <cmath>
#include <cstdlib>

#include "accelerators/parse_core.hpp"

namespace monet::accelerators::detail {
namespace {

using core::Dimension;
using core::YamlNode;

// "33 cycles" / "1 cycle" (a count of core cycles; the unit is required like every unit).
double parse_cycles(const YamlNode& n) {
  const std::string text = n.text();
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  std::string unit = end ? std::string(end) : "";
  while (!unit.empty() && unit.front() == ' ') unit.erase(unit.begin());
  if (end == text.c_str() || (unit != "cycle" && unit != "cycles") || !std::isfinite(v))
    n.fail("must be a number of core cycles with its unit, e.g. '33 cycles'");
  if (v < 0) n.fail("must not be negative");
  return v;
}

void parse_stationary_load(Reader& r, const YamlNode& n, Execution& e) {
  if (!n.is_map()) {
    r.add(n, "must be a map {operand, cycles, fill, energy}");
    return;
  }
  r.unknown_keys(n, {"operand", "cycles", "fill", "energy"});
  e.has_stationary_load = true;
  auto& s = e.stationary_load;
  if (auto v = r.required(n, "operand"))
    if (auto o = r.read([&] { return v->as_string(); })) {
      if (*o == "I")
        s.operand = MemOperand::kI;
      else if (*o == "W")
        s.operand = MemOperand::kW;
      else if (*o == "O")
        s.operand = MemOperand::kO;
      else
        r.add(*v, "the stationary operand is one of I, W, O");
    }
  if (auto v = r.required(n, "cycles"))
    if (auto c = r.read([&] { return parse_cycles(*v); })) s.cycles = *c;
  if (n.has("fill"))
    if (auto c = r.read([&] { return parse_cycles(n["fill"]); })) s.fill_cycles = *c;
  if (n.has("energy"))
    if (auto q = r.read([&] { return n["energy"].as_quantity(Dimension::kEnergy); })) {
      if (*q < 0) r.add(n["energy"], "must not be negative");
      s.energy_pj = *q;
    }
}

void parse_rates(Reader& r, const YamlNode& n, Execution& e) {
  if (!n.is_seq() || n.size() == 0) {
    r.add(n, "must be a non-empty list of {precision, macs_per_cycle, mac_energy, unit}");
    return;
  }
  for (size_t i = 0; i < n.size(); ++i) {
    YamlNode x = n.at(i);
    if (!x.is_map()) {
      r.add(x, "a rate must be a map {precision, macs_per_cycle, mac_energy, unit}");
      continue;
    }
    r.unknown_keys(x, {"precision", "macs_per_cycle", "mac_energy", "unit"});
    PrecisionRate rate;
    if (auto v = r.required(x, "precision"))
      if (auto b = r.read([&] { return parse_bits(*v); })) rate.bits = *b;
    if (auto v = r.required(x, "macs_per_cycle"))
      if (auto m = r.read([&] { return v->as_double(); })) {
        if (!(*m > 0)) r.add(*v, "must be positive");
        rate.macs_per_cycle = *m;
      }
    if (x.has("mac_energy"))
      if (auto q = r.read([&] { return x["mac_energy"].as_quantity(Dimension::kEnergy); })) {
        if (*q < 0) r.add(x["mac_energy"], "must not be negative");
        rate.mac_energy_pj = *q;
      }
    if (x.has("unit"))
      if (auto s = r.read([&] { return x["unit"].as_string(); })) rate.unit = *s;
    for (auto& prev : e.rates)
      if (prev.bits == rate.bits)
        r.add(x, "a second rate for " + std::to_string(rate.bits) + "-bit operands");
    e.rates.push_back(rate);
  }
}

}  // namespace

Execution parse_execution(Reader& r, const YamlNode& n, CoreKind kind) {
  Execution e;
  if (!n.is_map()) {
    r.add(n, "must be a map (overlap, stationary_load, issue, launch, host, ...)");
    return e;
  }
  r.unknown_keys(n,
                 {"overlap", "stationary_load", "issue", "launch", "host", "thread_blocks", "rates",
                  "partial_sum_precision", "stack_outputs", "weights", "channels_per_vector"});
  if (n.has("overlap"))
    if (auto s = r.read([&] { return n["overlap"].as_string(); })) {
      if (auto o = overlap_from_name(*s))
        e.overlap = *o;
      else
        r.add(n["overlap"], "overlap is full, double-buffered or none");
    }
  if (n.has("stationary_load")) {
    if (kind == CoreKind::kArray || kind == CoreKind::kGpuSm)
      parse_stationary_load(r, n["stationary_load"], e);
    else
      r.add(n["stationary_load"], "only array and gpu-sm cores load a stationary operand");
  }
  if (n.has("issue"))
    if (auto c = r.read([&] { return parse_cycles(n["issue"]); })) e.issue_cycles = *c;
  if (n.has("stack_outputs"))
    if (auto s = r.read([&] { return n["stack_outputs"].as_string(); })) {
      if (*s == "dram")
        e.stack_outputs_to_dram = true;
      else if (*s != "on-chip")
        r.add(n["stack_outputs"], "stack_outputs is on-chip or dram");
    }
  if (n.has("weights"))
    if (auto s = r.read([&] { return n["weights"].as_string(); })) {
      if (*s == "preloaded")
        e.weights_preloaded = true;
      else if (*s != "fetched")
        r.add(n["weights"], "weights is fetched or preloaded");
    }
  if (n.has("channels_per_vector"))
    if (auto x = r.read([&] { return n["channels_per_vector"].as_int(1, 1 << 16); }))
      e.channels_per_vector = static_cast<int>(*x);
  auto time = [&](std::string_view key, double& out) {
    if (!n.has(key)) return;
    if (auto q = r.read([&] { return n[key].as_quantity(Dimension::kTime); })) {
      if (*q < 0) r.add(n[key], "must not be negative");
      out = *q;
    }
  };
  time("launch", e.launch_s);
  time("host", e.host_s);
  if (n.has("thread_blocks")) {
    YamlNode list = n["thread_blocks"];
    if (kind != CoreKind::kGpuSm) {
      r.add(list, "only gpu-sm cores run thread blocks");
    } else if (!list.is_seq() || list.size() == 0) {
      r.add(list, "must be a non-empty list of {rows, cols, per_sm}");
    } else {
      for (size_t i = 0; i < list.size(); ++i) {
        YamlNode b = list.at(i);
        if (!b.is_map()) {
          r.add(b, "a thread block must be a map {rows, cols, per_sm}");
          continue;
        }
        r.unknown_keys(b, {"rows", "cols", "per_sm"});
        ThreadBlock tb;
        if (auto v = r.required(b, "rows"))
          if (auto x = r.read([&] { return v->as_int(1, 1 << 20); })) tb.rows = *x;
        if (auto v = r.required(b, "cols"))
          if (auto x = r.read([&] { return v->as_int(1, 1 << 20); })) tb.cols = *x;
        if (auto x = r.read([&] { return b.get_int("per_sm", 1, 1, 1024); }))
          tb.blocks_per_sm = static_cast<int>(*x);
        e.blocks.push_back(tb);
      }
    }
  }
  if (n.has("rates")) {
    if (kind == CoreKind::kArray || kind == CoreKind::kGpuSm)
      parse_rates(r, n["rates"], e);
    else
      r.add(n["rates"], "only array and gpu-sm cores have rates per precision");
  }
  if (n.has("partial_sum_precision"))
    if (auto b = r.read([&] { return parse_bits(n["partial_sum_precision"]); }))
      e.partial_sum_bits = *b;
  return e;
}

}  // namespace monet::accelerators::detail
