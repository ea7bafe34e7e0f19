// Internal to the ZigZag/Stream importers: one ZigZag core description (`name`, `memories`,
// `operational_array`, `dataflows`) read into our Core and MemoryLevels, plus what the
// importers need to pick the DRAM level and to report errors at the right line.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "accelerators/accelerator.hpp"
#include "accelerators/yaml_reader.hpp"
#include "accelerators/zigzag_import.hpp"
#include "core/yaml.hpp"

namespace monet::accelerators::detail {

// ZigZag's memory operands, in the order of ImportOptions::operand_of.
inline constexpr const char* kZigzagOperands[3] = {"I1", "I2", "O"};

struct ZigzagLevel {
  MemoryLevel level;               // holds mapped to I/W/O; rates at the import clock
  std::array<bool, 3> zz_holds{};  // I1, I2, O as written
  double read_access_bits = 0;     // one read access (r_bw, or the widest read port)
  double write_access_bits = 0;
  double read_bits_total = 0;  // all read ports together, per cycle
  double write_bits_total = 0;
  core::YamlNode node;

  bool holds_all() const { return zz_holds[0] && zz_holds[1] && zz_holds[2]; }
};

struct ZigzagCore {
  Core core;                        // everything but memories
  std::vector<ZigzagLevel> levels;  // as listed: innermost first
  core::YamlNode root;
  core::YamlNode memories;
};

// Reads one core. An off-chip core (`offchip`) may have an array of size 0 and no MAC energy:
// only its memory matters. Broken rules go to `r`; nullopt when the core cannot be used.
std::optional<ZigzagCore> read_zigzag_core(Reader& r, const core::YamlNode& root,
                                           const ImportOptions& options, bool offchip);

// The off-chip memory as our Dram: capacity, min(read, write) bandwidth over all ports (our
// DRAM has one bandwidth for both directions), energy per bit = cost per access / access bits.
Dram dram_from_level(const ZigzagLevel& l, double clock_hz);

// Array cores need I, W and O on chip: reports each ZigZag operand that none of the first
// `on_chip` levels holds.
void check_on_chip_operands(Reader& r, const ZigzagCore& c, size_t on_chip,
                            const ImportOptions& options);

// Throws every issue collected, ordered by file (first seen first) and line.
void throw_issues(Reader& r);

// Round trip through our YAML loader: the converted description must obey every rule of our
// format (a rule broken there is reported against `source`). Lines and source file are
// copied from `acc`.
Accelerator validate_converted(const Accelerator& acc, const std::string& source);

}  // namespace monet::accelerators::detail
