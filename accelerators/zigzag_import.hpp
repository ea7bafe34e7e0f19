// Reads accelerator descriptions written for KU Leuven's ZigZag (one core) and Stream
// (several ZigZag cores plus an off-chip core and their connections) into our Accelerator.
// What maps to what, and what is approximated, is in configs/accelerators/README.md
// ("Importing ZigZag and Stream descriptions").
#pragma once

#include <array>
#include <string>
#include <vector>

#include "accelerators/accelerator.hpp"
#include "core/yaml.hpp"

namespace monet::accelerators {

// What ZigZag and Stream files do not say but our format needs.
struct ImportOptions {
  // ZigZag counts cycles only; the clock turns per-cycle bandwidths into rates per second.
  double clock_hz = 1e9;
  // Operand width of every core; 0 takes the larger of operational_array.input_precision,
  // else 8 bit (the precision of ZigZag's example workloads).
  int precision_bits = 0;
  // Our operand for ZigZag's memory operands I1, I2 and O, in that order. The default is
  // ZigZag's link for conv layers, memory_operand_links {O: O, W: I2, I: I1}.
  std::array<MemOperand, 3> operand_of{MemOperand::kI, MemOperand::kW, MemOperand::kO};
  // Op kinds the imported array cores run (names or groups of `op_kinds:`). Element ops
  // (anything but conv/matmul) need a vector throughput and energy, which ZigZag has not.
  std::vector<std::string> op_kinds{"loopnest"};
  double vector_ops_per_cycle = 0;
  double vector_op_energy_pj = 0;
};

// Parses "I1=I,I2=W,O=O" (any permutation of I, W, O over I1, I2, O) into operand_of.
// Throws core::Error naming the rule broken.
std::array<MemOperand, 3> parse_operand_map(const std::string& text);

enum class AcceleratorFormat { kMonet, kZigzag, kStream, kUnknown };
// By top-level keys: ours has a `cores` list; a ZigZag core has `memories` and
// `operational_array`; a Stream file has `cores` as a map from id to file, or
// `core_connectivity` / `offchip_core` / `offchip_core_id` / `graph`.
AcceleratorFormat detect_accelerator_format(const core::YamlNode& root);
std::string format_name(AcceleratorFormat f);

// One ZigZag core: its outermost memory must hold I1, I2 and O and becomes the DRAM; the
// others are the core's memory hierarchy, innermost first as listed.
Accelerator import_zigzag(const core::YamlNode& root, const ImportOptions& options = {});
Accelerator import_zigzag_file(const std::string& path, const ImportOptions& options = {});

// A Stream multi-core file; core files are resolved relative to its directory.
Accelerator import_stream(const core::YamlNode& root, const ImportOptions& options = {});
Accelerator import_stream_file(const std::string& path, const ImportOptions& options = {});

// Any of the three formats, told apart by detect_accelerator_format.
Accelerator load_accelerator_any(const std::string& path, const ImportOptions& options = {});

}  // namespace monet::accelerators
