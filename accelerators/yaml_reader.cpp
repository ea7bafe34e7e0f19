#include "accelerators/yaml_reader.hpp"

#include <cmath>
#include <string_view>

#include "core/units.hpp"

namespace monet::accelerators::detail {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Splits "<quantity>/<suffix>" when the text ends with "/<suffix>".
std::optional<std::string> strip_suffix(std::string_view text, std::string_view suffix) {
  std::string_view t = trim(text);
  std::string full = "/" + std::string(suffix);
  if (t.size() <= full.size() || t.substr(t.size() - full.size()) != full) return std::nullopt;
  return std::string(trim(t.substr(0, t.size() - full.size())));
}

}  // namespace

Rate parse_rate(const core::YamlNode& n, double clock_hz) {
  const std::string forms =
      "a bandwidth per cycle ('512 bit/cycle', '64 B/cycle') or per second (" +
      core::accepted_units(core::Dimension::kBandwidth) + ")";
  if (!n.is_scalar()) n.fail("must be " + forms);
  Rate r;
  if (auto prefix = strip_suffix(n.raw().Scalar(), "cycle")) {
    if (clock_hz <= 0)
      n.fail(
          "a per-cycle bandwidth needs a clock; nothing here has one, so write a rate per "
          "second (e.g. '64 GB/s')");
    try {
      r.bits_per_cycle = core::parse_quantity(*prefix, core::Dimension::kBits);
    } catch (const core::Error& e) {
      n.fail("must be " + forms + ": " + e.what());
    }
    r.bytes_per_s = r.bits_per_cycle * clock_hz / 8;
  } else {
    try {
      r.bytes_per_s = core::parse_quantity(n.raw().Scalar(), core::Dimension::kBandwidth);
    } catch (const core::Error& e) {
      n.fail("must be " + forms + ": " + e.what());
    }
    if (clock_hz > 0) r.bits_per_cycle = r.bytes_per_s * 8 / clock_hz;
  }
  if (!(r.bytes_per_s > 0) && !(r.bits_per_cycle > 0)) n.fail("bandwidth must be positive");
  return r;
}

double parse_energy_per_bit(const core::YamlNode& n, std::optional<int64_t> access_bits) {
  const std::string forms =
      "an energy per bit ('0.1 pJ/bit') or per access ('10 pJ' with access_bits)";
  if (!n.is_scalar()) n.fail("must be " + forms);
  double pj = 0;
  if (auto prefix = strip_suffix(n.raw().Scalar(), "bit")) {
    try {
      pj = core::parse_quantity(*prefix, core::Dimension::kEnergy);
    } catch (const core::Error& e) {
      n.fail("must be " + forms + ": " + e.what());
    }
  } else {
    try {
      pj = core::parse_quantity(n.raw().Scalar(), core::Dimension::kEnergy);
    } catch (const core::Error& e) {
      n.fail("must be " + forms + ": " + e.what());
    }
    if (!access_bits)
      n.fail(
          "an energy per access needs access_bits (the bits one access moves); or write it "
          "per bit ('0.1 pJ/bit')");
    pj /= static_cast<double>(*access_bits);
  }
  if (pj < 0) n.fail("energy must not be negative");
  return pj;
}

double parse_power(const core::YamlNode& n) {
  if (!n.is_scalar())
    n.fail("must be a power (" + core::accepted_units(core::Dimension::kPower) + ")");
  double w = 0;
  try {
    w = core::parse_quantity(n.raw().Scalar(), core::Dimension::kPower);
  } catch (const core::Error& e) {
    n.fail(std::string("must be a power: ") + e.what());
  }
  if (w < 0) n.fail("power must not be negative");
  return w;
}

double parse_power_per_byte(const core::YamlNode& n) {
  const std::string forms = "a power per capacity ('0.5 uW/KiB', '2 nW/bit')";
  if (!n.is_scalar()) n.fail("must be " + forms);
  const std::string& text = n.raw().Scalar();
  const size_t slash = text.rfind('/');
  if (slash == std::string::npos)
    n.fail("must be " + forms + "; the '/<capacity unit>' is missing");
  double w = 0, bytes = 0;
  try {
    w = core::parse_quantity(text.substr(0, slash), core::Dimension::kPower);
    bytes = core::parse_quantity("1 " + std::string(trim(text.substr(slash + 1))),
                                 core::Dimension::kBytes);
  } catch (const core::Error& e) {
    n.fail("must be " + forms + ": " + e.what());
  }
  if (w < 0) n.fail("leakage must not be negative");
  return w / bytes;
}

int parse_bits(const core::YamlNode& n) {
  if (!n.is_scalar()) n.fail("must be a number of bits (16 or '16 bit')");
  double bits = 0;
  const std::string& s = n.raw().Scalar();
  if (!s.empty() && s.find_first_not_of("0123456789") == std::string::npos) {
    bits = static_cast<double>(n.as_int(1, 1024));
  } else {
    try {
      bits = core::parse_quantity(s, core::Dimension::kBits);
    } catch (const core::Error& e) {
      n.fail(std::string("must be a number of bits (16 or '16 bit'): ") + e.what());
    }
  }
  if (bits < 1 || bits > 1024 || std::floor(bits) != bits)
    n.fail("must be a whole number of bits between 1 and 1024");
  return static_cast<int>(bits);
}

}  // namespace monet::accelerators::detail
