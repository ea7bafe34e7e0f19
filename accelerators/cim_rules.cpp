#include "accelerators/cim_rules.hpp"

#include <algorithm>
#include <sstream>

namespace monet::accelerators {

namespace {
template <typename T>
std::string text(T v) {
  std::ostringstream s;
  s << v;
  return s.str();
}
}  // namespace

std::string cim_adder_rule_break(const Core& core) {
  if (core.kind != CoreKind::kCim || core.vector_ops_per_cycle > 0) return "";
  return "a cim core adds the partial sums of its crossbars at vector_ops_per_cycle, so it "
         "must be positive";
}

std::vector<CimRuleBreak> cim_rule_breaks(const CimSpec& c) {
  std::vector<CimRuleBreak> out;
  auto at_least_one = [&](const char* field, int64_t v) {
    if (v < 1) out.push_back({field, text(v), "must be at least 1"});
  };
  at_least_one("rows", c.rows);
  at_least_one("cols", c.cols);
  at_least_one("crossbars", c.crossbars);
  at_least_one("weight_bits", c.weight_bits);
  at_least_one("cell_bits", c.cell_bits);
  at_least_one("input_bits", c.input_bits);
  at_least_one("dac_bits", c.dac_bits);
  at_least_one("adc_bits", c.adc_bits);
  at_least_one("cols_per_adc", c.cols_per_adc);
  if (c.cell_bits >= 1 && c.weight_bits % c.cell_bits != 0)
    out.push_back({"cell_bits", text(c.cell_bits),
                   "weight_bits (" + text(c.weight_bits) + ") must be a multiple of cell_bits"});
  else if (c.cell_bits >= 1 && c.weight_bits >= 1 && c.cols >= 1 &&
           c.cols % (c.weight_bits / c.cell_bits) != 0)
    out.push_back({"cols", text(c.cols),
                   "cols must be a multiple of the cells per weight (weight_bits/cell_bits = " +
                       text(c.weight_bits / c.cell_bits) + ")"});
  if (c.dac_bits >= 1 && c.input_bits % c.dac_bits != 0)
    out.push_back({"dac_bits", text(c.dac_bits),
                   "input_bits (" + text(c.input_bits) + ") must be a multiple of dac_bits (" +
                       text(c.dac_bits) + ")"});
  if (c.cols_per_adc >= 1 && c.cols % c.cols_per_adc != 0)
    out.push_back({"cols_per_adc", text(c.cols_per_adc),
                   "cols (" + text(c.cols) + ") must be a multiple of cols_per_adc"});
  auto non_negative = [&](const char* field, double v) {
    if (!(v >= 0)) out.push_back({field, text(v), "must not be negative"});
  };
  non_negative("adc_energy", c.adc_energy_pj);
  non_negative("adc_delay", c.adc_delay_s);
  non_negative("dac_energy", c.dac_energy_pj);
  non_negative("cell_read_energy", c.cell_read_energy_pj);
  non_negative("cell_write_energy", c.cell_write_energy_pj);
  non_negative("write_pulse", c.write_pulse_s);
  if (auto rule = written_fraction_rule_break(c.written_fraction); !rule.empty())
    out.push_back({"written_fraction", text(c.written_fraction), rule});
  return out;
}

std::string written_fraction_rule_break(double f) {
  if (f > 0 && f <= 1) return "";
  return "must be in (0, 1]: the share of cells reprogrammed per weight update";
}

std::vector<ArrayDim> cim_array(const CimSpec& c) {
  int64_t weight_cols = c.cols / std::max<int64_t>(1, c.weight_bits / std::max(1, c.cell_bits));
  return {{"D1", c.rows, {"C", "FY", "FX"}},
          {"D2", std::max<int64_t>(1, weight_cols), {"K"}},
          {"D3", c.crossbars, {"K", "C", "OX"}}};
}

}  // namespace monet::accelerators
