#include "accelerators/tlmm_rules.hpp"

#include <cmath>
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

std::vector<CimRuleBreak> tlmm_rule_breaks(const TlmmSpec& t) {
  std::vector<CimRuleBreak> out;
  auto range = [&](const char* field, int64_t v, int64_t lo, int64_t hi) {
    if (v < lo || v > hi) out.push_back({field, text(v), "must be " + text(lo) + " … " + text(hi)});
  };
  range("group", t.group, 1, 16);
  range("weight_levels", t.weight_levels, 2, 16);
  range("weight_bits", t.weight_bits, 1, 8);
  range("entry_bits", t.entry_bits, 1, 64);
  const bool shape_ok =
      t.group >= 1 && t.group <= 16 && t.weight_levels >= 2 && t.weight_levels <= 16;
  if (shape_ok && t.entries_per_table() > (int64_t{1} << 24))
    out.push_back({"group", text(t.group),
                   "weight_levels^group = " + text(t.entries_per_table()) +
                       " entries per table; at most 2^24"});
  if (shape_ok && t.weight_bits >= 1 && (int64_t{1} << t.weight_bits) < t.weight_levels)
    out.push_back({"weight_bits", text(t.weight_bits),
                   "too narrow for " + text(t.weight_levels) + " weight levels"});
  if (!(t.lookups_per_cycle > 0))
    out.push_back({"lookups_per_cycle", text(t.lookups_per_cycle), "must be positive"});
  if (!(t.entries_per_cycle > 0))
    out.push_back({"entries_per_cycle", text(t.entries_per_cycle), "must be positive"});
  if (shape_ok && t.table_entries < t.entries_per_table())
    out.push_back({"table_entries", text(t.table_entries),
                   "must hold at least one table (" + text(t.entries_per_table()) + " entries)"});
  if (!(t.lookup_energy_pj >= 0))
    out.push_back({"lookup_energy", text(t.lookup_energy_pj), "must not be negative"});
  if (!(t.entry_energy_pj >= 0))
    out.push_back({"entry_energy", text(t.entry_energy_pj), "must not be negative"});
  return out;
}

}  // namespace monet::accelerators
