// Silicon area of an accelerator from its parts: MAC units at their precision, vector lanes,
// SRAM and register bits, compute-in-memory crossbar cells, and stated fixed areas, at the
// technology node its YAML `area:` section names. Per-unit figures and their sources are in
// docs/references.md ("Area"); a section's own figures replace them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "accelerators/accelerator.hpp"

namespace monet::accelerators {

// The node range of the scaling table (Stillmaker & Baas 2017): 7-130 nm.
inline constexpr double kAreaMinNodeNm = 7;
inline constexpr double kAreaMaxNodeNm = 130;

// Area of logic at node_nm relative to the same logic at 40 nm (the node of the Aladdin unit
// figures), from the scaling table interpolated log-log between its nodes.
double logic_area_scale_from_40nm(double node_nm);
// Built-in per-unit figures at a node, in µm².
double mac_area_um2(int bits, double node_nm);  // integer multiplier (bits²) + 2·bits adder
double register_bit_area_um2(double node_nm);   // one flip-flop bit
double sram_bit_area_um2(double node_nm);       // one 6T bitcell (F² rule per node)
double cim_cell_area_um2(double node_nm);       // one 1T1R crossbar cell (48 F²)

struct CoreArea {
  std::string name;
  double node_nm = 0;
  int64_t mac_units = 0;
  int64_t vector_lanes = 0;
  double mac_mm2 = 0;
  double vector_mm2 = 0;
  double sram_mm2 = 0;
  double register_mm2 = 0;
  double cim_mm2 = 0;
  double extra_mm2 = 0;  // the core's stated `extra`
  double total_mm2() const {
    return mac_mm2 + vector_mm2 + sram_mm2 + register_mm2 + cim_mm2 + extra_mm2;
  }
};

struct AreaEstimate {
  bool estimated = false;          // false: no node stated anywhere (total_mm2 is 0)
  double total_mm2 = 0;            // cores + shared memories + the accelerator's extra
  std::vector<CoreArea> cores;     // cores with a node
  double shared_memory_mm2 = 0;    // shared SRAM (at the accelerator's node)
  double extra_mm2 = 0;            // the accelerator's stated `extra`
  std::vector<std::string> notes;  // what is not counted, and why
};

AreaEstimate estimate_area(const Accelerator& acc);

// "12.3 mm² at 65 nm (MACs 4.10, vector 0.20, SRAM 6.21, registers 1.02, crossbars 0,
// stated 0)" or "not estimated: ..." for `validate` and text summaries.
std::string area_line(const AreaEstimate& a);

}  // namespace monet::accelerators
