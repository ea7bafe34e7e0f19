// Quantities with units, as written in YAML ("68 GB/s", "256 KiB", "0.5 pJ", "625 MHz").
// Conversion to base units happens here, once: bytes, bytes per second, pJ, Hz, seconds.
#pragma once

#include <string>
#include <string_view>

namespace monet::core {

enum class Dimension {
  kBytes,
  kBandwidth,
  kEnergy,
  kFrequency,
  kTime,
  kBits,
  kPower,
  kVoltage,
  kArea,
  kLength
};

// Parses "<number> <unit>" for the given dimension and returns the value in base units:
// kBytes → bytes, kBits → bits, kBandwidth → bytes/s, kEnergy → pJ, kFrequency → Hz,
// kTime → s, kPower → W, kVoltage → V, kArea → mm², kLength → nm. Throws core::Error with the
// accepted units when the text does not parse; a bare number is rejected because units are
// mandatory. The value in base units must be 0 or within [kMinQuantity, kMaxQuantity] in magnitude
// (1e308 pJ would become infinity once multiplied; 1e-300 GB/s would make a transfer take forever).
inline constexpr double kMinQuantity = 1e-15;
inline constexpr double kMaxQuantity = 1e21;
double parse_quantity(std::string_view text, Dimension dim);

// The units accepted for a dimension, for error messages ("B, KiB, MiB, ...").
std::string accepted_units(Dimension dim);

// Human formatting for reports: "1.50 MiB", "68.0 GB/s", "3.2 µJ".
std::string format_bytes(double bytes);
std::string format_energy_pj(double pj);
std::string format_seconds(double s);
std::string format_count(double n);  // 1,814,073,344
// A value in a base unit written for people: s → format_seconds, pJ → format_energy_pj,
// B → format_bytes, anything else as a count followed by the unit ("1,234 MACs").
std::string format_quantity(double value, const std::string& unit);

}  // namespace monet::core
