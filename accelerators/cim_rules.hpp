// The rules a CIM section obeys and the array the crossbars form, defined once. The YAML
// loader (parse_core.cpp) reports a broken rule at the field's line, checked_accelerator
// (cores edited in code: Python, the search's hardware knobs) at the field's path.
#pragma once

#include <string>
#include <vector>

#include "accelerators/accelerator.hpp"

namespace monet::accelerators {

struct CimRuleBreak {
  std::string field;  // key inside the cim section ("cols", "written_fraction", ...)
  std::string value;  // the offending value
  std::string rule;   // what it must satisfy
};

// Every rule `c` breaks: sizes at least 1, weights made of whole cells and rows of whole
// weights, inputs of whole DAC steps, columns shared evenly by the ADCs, energies and times
// not negative, written_fraction in (0, 1].
std::vector<CimRuleBreak> cim_rule_breaks(const CimSpec& c);

// The share of cells reprogrammed per weight update, in (0, 1]: a CIM section's
// written_fraction and an experiment's cost.cim_written_fraction (which overrides it) obey this
// one rule. Empty when `f` does, else what it must satisfy.
std::string written_fraction_rule_break(double f);

// A cim core adds the partial sums of a reduction split over its crossbars with its vector
// units (mapping/cim.cpp), so its vector_ops_per_cycle must be positive. Empty when it is.
std::string cim_adder_rule_break(const Core& core);

// The crossbars' spatial unrolling: D1 = rows (reduce over C, FY, FX), D2 = weight columns =
// cols / (weight_bits / cell_bits) (produce K), D3 = crossbars side by side (more K, more of
// the reduction with partial sums added digitally, or more output columns).
std::vector<ArrayDim> cim_array(const CimSpec& c);

}  // namespace monet::accelerators
