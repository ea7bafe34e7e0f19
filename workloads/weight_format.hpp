// How weights are stored when they are narrower than a byte or share scales: plain integers
// of N bits, group-quantised integers (N-bit codes plus one scale, and optionally one zero
// point, per group of `group_size` consecutive weights), or ternary weights {-1, 0, +1}
// packed 2 bits each or five to a byte (3^5 = 243 <= 256: 1.6 bits per weight, as TeLLMe
// packs them). The YAML form is documented in configs/experiments/README.md (`precision`).
#pragma once

#include <cstdint>
#include <string>

#include "core/yaml.hpp"
#include "workloads/op.hpp"

namespace monet::workloads {

struct WeightFormat {
  enum class Kind { kInt, kTernary };
  Kind kind = Kind::kInt;
  int bits = 0;  // kInt: code width (1..32); 0 = unset (the workload's element bits)
  // kTernary: elements per packed byte-sized word: 5 (1.6 bit) or 1 (2 bit).
  int ternary_per_word = 0;
  int64_t group_size = 0;  // weights per scale group; 0 = no per-group scales
  int scale_bits = 0;      // per group
  int zero_bits = 0;       // per group (asymmetric quantisation); 0 = symmetric

  bool set() const { return kind == Kind::kTernary || bits > 0; }
  // Width of one weight as an operand of the datapath (ternary: 2 bits).
  int compute_bits() const { return kind == Kind::kTernary ? 2 : bits; }
  bool plain() const { return kind == Kind::kInt && group_size == 0; }
  // The tensor storage this format gives (Tensor::storage).
  Storage storage() const;
  // "int4 g128 (16-bit scales, 4-bit zeros)", "ternary, 5 per byte (1.6 bit)", "8 bit".
  std::string str() const;
  bool operator==(const WeightFormat&) const = default;
};

// A precision given as a number of bits (1..32); ConfigError "unknown precision" otherwise.
int precision_bits_from_yaml(const core::YamlNode& n);
// `weights:` of a precision map: a number of bits, or a map {format: int|ternary, bits,
// packing, group_size, scale_bits, zero_bits}. ConfigError naming the field otherwise.
WeightFormat weight_format_from_yaml(const core::YamlNode& n);
// The YAML value weight_format_from_yaml reads back (a number when plain).
YAML::Node weight_format_yaml(const WeightFormat& f);

}  // namespace monet::workloads
