#include "fusion/plan_delta.hpp"

#include <cstdio>

#include "core/units.hpp"
#include "core/whole_bytes.hpp"

namespace monet::fusion {

namespace {
struct Field {
  const char* key;
  const char* ratio_key;  // ratios are unitless: no unit suffix
  const char* label;
  double PlanFigures::*value;
  std::string (*format)(double);
};
std::string bytes_text(double b) {
  return core::format_bytes(b);
}
const Field kFields[] = {
    {"latency_s", "latency", "latency", &PlanFigures::latency_s, core::format_seconds},
    {"energy_pj", "energy", "energy", &PlanFigures::energy_pj, core::format_energy_pj},
    {"dram_traffic_bytes", "dram_traffic", "DRAM traffic", &PlanFigures::dram_traffic_bytes,
     bytes_text},
    {"peak_footprint_bytes", "peak_footprint", "peak footprint", &PlanFigures::peak_footprint_bytes,
     bytes_text},
    {"peak_onchip_bytes", "peak_onchip", "peak on-chip", &PlanFigures::peak_onchip_bytes,
     bytes_text},
};
// Byte counts are whole bytes in the documents (pieces of split tensors are fractions).
bool is_bytes(const Field& f) {
  return f.format == bytes_text;
}
}  // namespace

PlanFigures plan_figures(const Summary& s) {
  return {s.latency_s, s.energy.total_pj(), s.dram_read_bytes + s.dram_write_bytes,
          s.peak_footprint_bytes, s.peak_onchip_bytes};
}

bool PlanDelta::dominated() const {
  bool better = false;
  for (const auto& f : kFields) {
    const double p = plan.*f.value, l = layer_by_layer.*f.value;
    if (l > p) return false;
    better = better || l < p;
  }
  return better;
}

PlanDelta versus_layer_by_layer(const Simulation& sim, const PlanSpec& spec,
                                const Summary& schedule) {
  PlanDelta d;
  d.plan = plan_figures(schedule);
  PlanSpec lbl;
  lbl.allocation = spec.allocation;
  lbl.allocation_default = spec.allocation_default;
  // Layer-by-layer with one tile per op is the baseline itself (the parser refuses more tiles).
  d.same_plan = spec.rule == StackRule::kLayerByLayer && spec.tiles == 1;
  d.layer_by_layer = d.same_plan ? d.plan : plan_figures(sim.evaluate(sim.plan(lbl)).summary);
  return d;
}

nlohmann::json plan_delta_json(const PlanDelta& d) {
  nlohmann::json base = nlohmann::json::object(), delta = nlohmann::json::object(),
                 ratio = nlohmann::json::object();
  for (const auto& f : kFields) {
    const double p = d.plan.*f.value, l = d.layer_by_layer.*f.value;
    if (is_bytes(f)) {
      base[f.key] = core::whole_bytes(l);
      delta[f.key] = core::whole_bytes(p) - core::whole_bytes(l);
    } else {
      base[f.key] = l;
      delta[f.key] = p - l;
    }
    ratio[f.ratio_key] = l > 0 ? nlohmann::json(p / l) : nlohmann::json(nullptr);
  }
  return {{"same_plan", d.same_plan},
          {"dominated", d.dominated()},
          {"layer_by_layer", base},
          {"delta", delta},
          {"ratio", ratio}};
}

std::string plan_delta_text(const PlanDelta& d) {
  if (d.same_plan) return "  vs layer-by-layer this is the layer-by-layer plan\n";
  std::string out = "  vs layer-by-layer";
  bool first = true;
  for (const auto& f : kFields) {
    const double p = d.plan.*f.value, l = d.layer_by_layer.*f.value;
    char change[32];
    if (l > 0)
      std::snprintf(change, sizeof change, "%+.1f %%", 100.0 * (p - l) / l);
    else
      std::snprintf(change, sizeof change, "%s", p > 0 ? "from 0" : "+0 %");
    out += std::string(first ? " " : ",\n                   ") + f.label + " " + change + " (" +
           f.format(p) + " vs " + f.format(l) + ")";
    first = false;
  }
  out += "\n";
  if (d.dominated())
    out +=
        "                   layer-by-layer is at least as good on every figure: this plan "
        "does not pay here\n";
  return out;
}

}  // namespace monet::fusion
