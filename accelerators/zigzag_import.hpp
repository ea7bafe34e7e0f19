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
  // ZigZag's spatial mapping (read_zigzag_mapping): the loop dim each array dim unrolls, by
  // array dim name; replaces the core's `dataflows`. Empty: dataflows, else any loop dim.
  std::vector<std::pair<std::string, std::string>> spatial;
  // Where the ZigZag files bend a rule PyYAML lets pass (a memory with a key written twice:
  // the last one wins, as in PyYAML), one message each. Without it that is an error.
  std::vector<std::string>* warnings = nullptr;
};

// ZigZag's mapping file (a list of {name, spatial_mapping, memory_operand_links,
// temporal_ordering}) for the layer types monet-sim runs as loop nests: the entry named
// `default` (or `Conv`, which wins over it) sets ImportOptions::spatial and operand_of.
// Entries for other layer types or layer names are not carried and each gets a warning;
// temporal_ordering is ignored (our mapper searches it), with a warning. Throws ConfigError
// naming file, line and rule (a mixed unrolling of one array dim, an unknown loop dim).
void read_zigzag_mapping(const core::YamlNode& root, ImportOptions& options,
                         std::vector<std::string>& warnings);

// Parses "I1=I,I2=W,O=O" (any permutation of I, W, O over I1, I2, O) into operand_of.
// Throws core::Error naming the rule broken.
std::array<MemOperand, 3> parse_operand_map(const std::string& text);

// ZigZag and Stream files are read as PyYAML reads them: a key written twice in one map keeps
// its last value (ZigZag's own tpu_like.yaml has a memory with two `ports:`). Each replaced
// key is a message in options.warnings; without that list it is refused, naming both lines.
core::YamlNode parse_zigzag_yaml(const std::string& text, const std::string& name,
                                 const ImportOptions& options);
core::YamlNode load_zigzag_yaml_file(const std::string& path, const ImportOptions& options);

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
