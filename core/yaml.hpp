// YAML access that remembers where each value came from, so every error names the file,
// line, field path, value and rule.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/units.hpp"
#include "core/yaml_scan.hpp"

namespace monet::core {

struct YamlEntry;

// Values a command line set in a document (`--set fusion.tiles=4`): field path → the option
// as written. Nodes at or below such a path report the option as their location.
using YamlOrigins = std::vector<std::pair<std::string, std::string>>;

// Never holds one of yaml-cpp's invalid ("zombie") nodes: a missing key or index reads as an
// undefined node, so every query below is safe and every failure is a located ConfigError.
// Assignment rebinds (yaml-cpp's Node::operator= would overwrite the node it refers to).
class YamlNode {
 public:
  YamlNode() = default;
  YamlNode(YAML::Node node, std::string file, std::string path, int fallback_line = 0);
  YamlNode(const YamlNode&) = default;
  YamlNode& operator=(const YamlNode& other);
  YamlNode& operator=(YamlNode&& other) { return *this = static_cast<const YamlNode&>(other); }
  // The same document with command-line values set in it (core/yaml_overrides.hpp).
  YamlNode with_origins(std::shared_ptr<const YamlOrigins> origins) const;

  const YAML::Node& raw() const { return node_; }
  const std::string& file() const { return file_; }
  const std::string& path() const { return path_; }
  Location loc() const;  // this node's line, or its parent's when it is missing

  // yaml-cpp throws InvalidNode on type queries of a missing key, hence IsDefined() first.
  bool defined() const { return node_.IsDefined() && !node_.IsNull(); }
  bool is_map() const { return node_.IsDefined() && node_.IsMap(); }
  bool is_seq() const { return node_.IsDefined() && node_.IsSequence(); }
  bool is_scalar() const { return node_.IsDefined() && node_.IsScalar(); }
  bool has(std::string_view key) const;

  YamlNode operator[](std::string_view key) const;  // missing → !defined()
  YamlNode required(std::string_view key) const;    // missing → ConfigError
  YamlNode at(size_t i) const;                      // out of range → !defined()
  size_t size() const;                              // entries of a map or list, else 0
  std::vector<std::string> keys() const;            // in file order

  // A map's entries in file order, each key with its own node (for its line).
  std::vector<YamlEntry> entries() const;

  // Shape checks that fail with a located ConfigError naming what was expected.
  const YamlNode& expect_map(const std::string& what = "a map") const;
  const YamlNode& expect_seq(const std::string& what = "a list") const;

  std::string text() const;  // scalar as written (for messages); "<map>"/"<list>" otherwise

  // Typed reads; a wrong type or a value outside the range throws ConfigError.
  std::string as_string() const;
  int64_t as_int(int64_t min = std::numeric_limits<int64_t>::min(),
                 int64_t max = std::numeric_limits<int64_t>::max()) const;
  // A finite number in [min, max]; also 0 or at least kMinMagnitude in magnitude, so no
  // value read from YAML overflows or underflows a product or quotient it enters.
  static constexpr double kMaxMagnitude = 1e18;
  static constexpr double kMinMagnitude = 1e-18;
  double as_double(double min = -kMaxMagnitude, double max = kMaxMagnitude) const;
  bool as_bool() const;
  double as_quantity(Dimension dim) const;  // "256 KiB" → bytes, etc.
  std::vector<int64_t> as_int_list(int64_t min = std::numeric_limits<int64_t>::min()) const;
  std::vector<std::string> as_string_list() const;

  // Reads with a default when the key is absent.
  int64_t get_int(std::string_view key, int64_t fallback, int64_t min,
                  int64_t max = std::numeric_limits<int64_t>::max()) const;
  std::string get_string(std::string_view key, const std::string& fallback) const;

  // Throws one ConfigError naming every key not in `allowed` (catches typos).
  void reject_unknown_keys(std::initializer_list<std::string_view> allowed) const;

  [[noreturn]] void fail(const std::string& rule) const;
  ConfigIssue issue(const std::string& rule) const;

 private:
  Location where(const std::string& path, int line) const;  // `line` unless an origin says else
  YamlNode child(YAML::Node node, std::string path) const;

  YAML::Node node_;
  std::string file_;
  std::string path_;
  int fallback_line_ = 0;
  std::shared_ptr<const YamlOrigins> origins_;
};

struct YamlEntry {
  std::string key;  // "" for a key that is not a scalar
  YamlNode key_node;
  YamlNode value;
};

struct YamlOptions {
  DuplicateKeys duplicates = DuplicateKeys::kError;
  // Under DuplicateKeys::kLastWins, one warning per replaced key (line, field, both lines).
  std::vector<ConfigIssue>* warnings = nullptr;
};

// Loads a YAML file; a missing or unreadable file, a syntax error and every rule of
// scan_yaml (duplicate keys, depth, aliases, UTF-8, one document, size) is a ConfigError
// with the file and, where there is one, the line.
YamlNode load_yaml_file(const std::string& path, const YamlOptions& options = {});
// Parses YAML text; `name` stands in for the file name in messages.
YamlNode parse_yaml(const std::string& text, const std::string& name,
                    const YamlOptions& options = {});

}  // namespace monet::core
