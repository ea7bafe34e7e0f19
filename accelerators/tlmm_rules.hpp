// The rules a table-lookup matmul (tlmm) section obeys, defined once: the YAML loader
// (parse_core.cpp) reports a broken rule at the field's line, checked_accelerator at its path.
#pragma once

#include <vector>

#include "accelerators/accelerator.hpp"
#include "accelerators/cim_rules.hpp"

namespace monet::accelerators {

// Every rule `t` breaks: group 1..16 and weight_levels 2..16 with at most 2^24 entries per
// table, weight codes wide enough for the levels, rates and table memory positive, the table
// memory holding at least one table, entry_bits 1..64, energies not negative.
std::vector<CimRuleBreak> tlmm_rule_breaks(const TlmmSpec& t);

}  // namespace monet::accelerators
