#include "core/units.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <iomanip>
#include <sstream>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace monet::core {
namespace {

using UnitTable = std::vector<std::pair<std::string_view, double>>;

const UnitTable& units_for(Dimension dim) {
  // Decimal prefixes for rates (as datasheets use them), binary for capacities by name.
  static const UnitTable bytes = {{"B", 1},
                                  {"KB", 1e3},
                                  {"MB", 1e6},
                                  {"GB", 1e9},
                                  {"TB", 1e12},
                                  {"KiB", 1024.0},
                                  {"MiB", 1024.0 * 1024},
                                  {"GiB", 1024.0 * 1024 * 1024},
                                  {"TiB", 1024.0 * 1024 * 1024 * 1024},
                                  {"bit", 1.0 / 8},
                                  {"b", 1.0 / 8},
                                  {"Kb", 1e3 / 8},
                                  {"Mb", 1e6 / 8},
                                  {"Gb", 1e9 / 8},
                                  {"Kib", 1024.0 / 8},
                                  {"Mib", 1024.0 * 1024 / 8}};
  static const UnitTable bits = [] {
    UnitTable t;
    for (auto [u, f] : bytes) t.emplace_back(u, f * 8);
    return t;
  }();
  static const UnitTable bandwidth = {
      {"B/s", 1},         {"KB/s", 1e3},     {"MB/s", 1e6},        {"GB/s", 1e9},
      {"TB/s", 1e12},     {"KiB/s", 1024.0}, {"MiB/s", 1048576.0}, {"GiB/s", 1073741824.0},
      {"bit/s", 1.0 / 8}, {"b/s", 1.0 / 8},  {"Kb/s", 1e3 / 8},    {"Mb/s", 1e6 / 8},
      {"Gb/s", 1e9 / 8}};
  static const UnitTable energy = {{"fJ", 1e-3}, {"pJ", 1},   {"nJ", 1e3}, {"uJ", 1e6},
                                   {"µJ", 1e6},  {"mJ", 1e9}, {"J", 1e12}};
  static const UnitTable frequency = {
      {"Hz", 1}, {"kHz", 1e3}, {"KHz", 1e3}, {"MHz", 1e6}, {"GHz", 1e9}};
  static const UnitTable time = {{"ps", 1e-12}, {"ns", 1e-9}, {"us", 1e-6},
                                 {"µs", 1e-6},  {"ms", 1e-3}, {"s", 1}};
  static const UnitTable power = {{"nW", 1e-9}, {"uW", 1e-6}, {"µW", 1e-6},
                                  {"mW", 1e-3}, {"W", 1},     {"kW", 1e3}};
  static const UnitTable voltage = {{"mV", 1e-3}, {"V", 1}};
  // Silicon area in mm² (die and macro figures are quoted in mm², cells and gates in µm²).
  static const UnitTable area = {{"um2", 1e-6}, {"µm²", 1e-6}, {"µm2", 1e-6}, {"um^2", 1e-6},
                                 {"mm2", 1},    {"mm²", 1},    {"mm^2", 1}};
  // Lengths in nm (technology nodes).
  static const UnitTable length = {{"nm", 1}, {"um", 1e3}, {"µm", 1e3}};
  switch (dim) {
    case Dimension::kBytes:
      return bytes;
    case Dimension::kBits:
      return bits;
    case Dimension::kBandwidth:
      return bandwidth;
    case Dimension::kEnergy:
      return energy;
    case Dimension::kFrequency:
      return frequency;
    case Dimension::kTime:
      return time;
    case Dimension::kPower:
      return power;
    case Dimension::kVoltage:
      return voltage;
    case Dimension::kArea:
      return area;
    case Dimension::kLength:
      return length;
  }
  return bytes;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string with_commas(long long v) {
  std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out;
  int n = 0;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it, ++n) {
    if (n && n % 3 == 0) out.insert(out.begin(), ',');
    out.insert(out.begin(), *it);
  }
  return v < 0 ? "-" + out : out;
}

}  // namespace

std::string accepted_units(Dimension dim) {
  std::string s;
  for (auto& [u, f] : units_for(dim)) {
    if (!s.empty()) s += ", ";
    s += u;
  }
  return s;
}

double parse_quantity(std::string_view text, Dimension dim) {
  std::string_view t = trim(text);
  size_t pos = 0;
  while (pos < t.size() && (std::isdigit(static_cast<unsigned char>(t[pos])) || t[pos] == '.' ||
                            t[pos] == 'e' || t[pos] == 'E' || t[pos] == '-' || t[pos] == '+')) {
    // Stop at an 'e' that starts a unit ("1 eV" is not a case we accept anyway).
    if ((t[pos] == 'e' || t[pos] == 'E') &&
        (pos + 1 >= t.size() || !(std::isdigit(static_cast<unsigned char>(t[pos + 1])) ||
                                  t[pos + 1] == '-' || t[pos + 1] == '+')))
      break;
    ++pos;
  }
  std::string_view num = t.substr(0, pos);
  std::string_view unit = trim(t.substr(pos));
  double value = 0;
  auto [ptr, ec] = std::from_chars(num.data(), num.data() + num.size(), value);
  if (num.empty() || ec != std::errc() || ptr != num.data() + num.size() || !std::isfinite(value))
    throw Error("'" + std::string(text) + "' is not a number followed by a unit (" +
                accepted_units(dim) + ")");
  if (unit.empty())
    throw Error("'" + std::string(text) + "' has no unit; write one of: " + accepted_units(dim));
  for (auto& [u, factor] : units_for(dim))
    if (u == unit) {
      const double v = value * factor;
      const double mag = std::fabs(v);
      if (v != 0 && !(mag >= kMinQuantity && mag <= kMaxQuantity))
        throw Error("'" + std::string(text) +
                    "' is out of range: a quantity is 0 or between 1e-15 and 1e21 in base units "
                    "(B, bit, B/s, pJ, Hz, s, W), so every product and quotient of quantities "
                    "stays finite");
      return v;
    }
  throw Error("unit '" + std::string(unit) + "' in '" + std::string(text) +
              "' is not one of: " + accepted_units(dim));
}

std::string format_bytes(double bytes) {
  static const std::array<const char*, 5> names = {"B", "KiB", "MiB", "GiB", "TiB"};
  size_t i = 0;
  double v = bytes;
  while (std::fabs(v) >= 1024 && i + 1 < names.size()) v /= 1024, ++i;
  char buf[64];
  std::snprintf(buf, sizeof buf, i == 0 ? "%.0f %s" : "%.2f %s", v, names[i]);
  return buf;
}

std::string format_energy_pj(double pj) {
  static const std::array<const char*, 5> names = {"pJ", "nJ", "uJ", "mJ", "J"};
  size_t i = 0;
  double v = pj;
  // 999.5 rounds to "1e+03" with three significant digits: move to the next unit first.
  while (std::fabs(v) >= 999.5 && i + 1 < names.size()) v /= 1000, ++i;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3g %s", v, names[i]);
  return buf;
}

std::string format_seconds(double s) {
  char buf[64];
  if (s >= 1)
    std::snprintf(buf, sizeof buf, "%.3f s", s);
  else if (s >= 1e-3)
    std::snprintf(buf, sizeof buf, "%.3f ms", s * 1e3);
  else if (s >= 1e-6)
    std::snprintf(buf, sizeof buf, "%.3f us", s * 1e6);
  else
    std::snprintf(buf, sizeof buf, "%.1f ns", s * 1e9);
  return buf;
}

std::string format_count(double n) {
  return with_commas(static_cast<long long>(std::llround(n)));
}

std::string format_quantity(double value, const std::string& unit) {
  if (unit == "s") return format_seconds(value);
  if (unit == "pJ") return format_energy_pj(value);
  if (unit == "J") return format_energy_pj(value * 1e12);
  if (unit == "B") return format_bytes(value);
  if (unit == "bit") {  // fractional bits (means over parameters): three significant digits
    std::ostringstream o;
    o << std::setprecision(3) << value << " bit";
    return o.str();
  }
  return format_count(value) + (unit.empty() ? "" : " " + unit);
}

}  // namespace monet::core
