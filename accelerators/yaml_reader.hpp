// Internal to the accelerator loader: reads that record a broken rule in an IssueList and
// carry on, so one pass over a file reports every error; plus the two rate/energy forms that
// need more than core::parse_quantity ("512 bit/cycle", "0.1 pJ/bit").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "core/error.hpp"
#include "core/yaml.hpp"

namespace monet::accelerators::detail {

class Reader {
 public:
  core::IssueList& issues() { return issues_; }
  void add(const core::YamlNode& n, const std::string& rule) { issues_.add(n.issue(rule)); }

  // Runs f; a ConfigError it throws is recorded and nullopt returned.
  template <class F>
  auto read(F&& f) -> std::optional<decltype(f())> {
    try {
      return f();
    } catch (const core::ConfigError& e) {
      issues_.append(e);
      return std::nullopt;
    }
  }
  // For checks that return nothing; true when f threw nothing.
  template <class F>
  bool check(F&& f) {
    try {
      f();
      return true;
    } catch (const core::ConfigError& e) {
      issues_.append(e);
      return false;
    }
  }

  // A required child; missing is recorded.
  std::optional<core::YamlNode> required(const core::YamlNode& n, std::string_view key) {
    return read([&] { return n.required(key); });
  }
  void unknown_keys(const core::YamlNode& n, std::initializer_list<std::string_view> allowed) {
    check([&] { n.reject_unknown_keys(allowed); });
  }

 private:
  core::IssueList issues_;
};

// A bandwidth: "512 bit/cycle" (any bit/byte unit before "/cycle") or an absolute rate
// ("64 GB/s"). clock_hz converts between them; with clock_hz == 0 only absolute rates are
// accepted. Throws ConfigError naming the node.
struct Rate {
  double bits_per_cycle = 0;  // 0 when clock_hz == 0
  double bytes_per_s = 0;     // 0 when per-cycle and clock_hz == 0 (not accepted)
};
Rate parse_rate(const core::YamlNode& n, double clock_hz);

// An energy per bit: "0.1 pJ/bit", or per access ("10 pJ") divided by access_bits.
double parse_energy_per_bit(const core::YamlNode& n, std::optional<int64_t> access_bits);

// A static power ("1.2 W", "350 mW"); negative is refused.
double parse_power(const core::YamlNode& n);
// A leakage per capacity ("0.5 uW/KiB", "2 nW/bit") in W per byte; negative is refused.
double parse_power_per_byte(const core::YamlNode& n);

// A precision: an integer number of bits (16) or a quantity ("16 bit", "2 B").
int parse_bits(const core::YamlNode& n);

}  // namespace monet::accelerators::detail
