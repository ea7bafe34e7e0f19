#include "mapping/cost_json.hpp"

namespace monet::mapping {

namespace {
nlohmann::json per_operand(const std::array<double, 3>& v) {
  return {{"I", v[0]}, {"W", v[1]}, {"O", v[2]}};
}
}  // namespace

nlohmann::json to_json(const OpCost& c) {
  nlohmann::json j;
  j["feasible"] = c.feasible;
  if (!c.feasible) {
    j["reason"] = c.reason;
    return j;
  }
  j["cycles"] = c.cycles;
  j["onchip_cycles"] = c.onchip_cycles;
  j["compute_cycles"] = c.compute_cycles;
  j["phases_cycles"] = {{"onload", c.phases.onload},
                        {"compute", c.phases.compute},
                        {"offload", c.phases.offload},
                        {"fixed", c.phases.fixed}};
  j["array_loads"] = c.array_loads;
  j["instructions"] = c.instructions;
  if (c.rate_bits > 0) j["rate_bits"] = c.rate_bits;
  if (c.dequant_ops > 0) j["dequant_ops"] = c.dequant_ops;
  if (c.table_lookups > 0) {
    j["table_lookups"] = c.table_lookups;
    j["table_entries_built"] = c.table_entries_built;
    j["table_passes"] = c.table_passes;
  }
  j["bound_by"] = c.bound_by;
  j["energy_pj"] = c.energy_pj;
  j["onchip_energy_pj"] = c.onchip_energy_pj;
  nlohmann::json e = {{"mac_pj", c.energy.mac_pj},
                      {"vector_pj", c.energy.vector_pj},
                      {"memory_pj", c.energy.memory_pj},
                      {"dram_pj", c.energy.dram_pj},
                      {"cim_adc_pj", c.energy.cim_adc_pj},
                      {"table_pj", c.energy.table_pj},
                      {"cim_dac_pj", c.energy.cim_dac_pj},
                      {"cim_write_pj", c.energy.cim_write_pj},
                      {"array_load_pj", c.energy.array_load_pj}};
  e["levels_pj"] = nlohmann::json::object();
  for (auto& [name, pj] : c.energy.levels) e["levels_pj"][name] = pj;
  j["energy"] = e;
  j["spatial_utilization"] = c.spatial_utilization;
  if (c.weight_copies > 0) {
    j["cim_weight_copies"] = c.weight_copies;
    j["cim_crossbars_used"] = c.crossbars_used;
  }
  j["dram_read_bytes"] = per_operand(c.dram_read_bytes);
  j["dram_write_bytes"] = per_operand(c.dram_write_bytes);
  j["traffic_bits"] = nlohmann::json::array();
  for (auto& t : c.traffic)
    j["traffic_bits"].push_back({{"memory", t.memory},
                                 {"read", per_operand(t.read_bits)},
                                 {"write", per_operand(t.write_bits)}});
  j["mapping"] = c.mapping;
  return j;
}

}  // namespace monet::mapping
