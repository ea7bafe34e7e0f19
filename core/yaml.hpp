// YAML access that remembers where each value came from, so every error names the file,
// line, field path, value and rule.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/units.hpp"

namespace monet::core {

class YamlNode {
 public:
  YamlNode() = default;
  YamlNode(YAML::Node node, std::string file, std::string path, int fallback_line = 0);

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
  YamlNode at(size_t i) const;
  size_t size() const;
  std::vector<std::string> keys() const;  // in file order

  std::string text() const;  // scalar as written (for messages); "<map>"/"<list>" otherwise

  // Typed reads; a wrong type or a value outside the range throws ConfigError.
  std::string as_string() const;
  int64_t as_int(int64_t min = std::numeric_limits<int64_t>::min(),
                 int64_t max = std::numeric_limits<int64_t>::max()) const;
  double as_double() const;
  bool as_bool() const;
  double as_quantity(Dimension dim) const;  // "256 KiB" → bytes, etc.
  std::vector<int64_t> as_int_list(int64_t min = std::numeric_limits<int64_t>::min()) const;
  std::vector<std::string> as_string_list() const;

  // Reads with a default when the key is absent.
  int64_t get_int(std::string_view key, int64_t fallback, int64_t min) const;
  std::string get_string(std::string_view key, const std::string& fallback) const;

  // Throws one ConfigError naming every key not in `allowed` (catches typos).
  void reject_unknown_keys(std::initializer_list<std::string_view> allowed) const;

  [[noreturn]] void fail(const std::string& rule) const;
  ConfigIssue issue(const std::string& rule) const;

 private:
  YAML::Node node_;
  std::string file_;
  std::string path_;
  int fallback_line_ = 0;
};

// Loads a YAML file; a missing file or a syntax error is a ConfigError with the line.
YamlNode load_yaml_file(const std::string& path);
// Parses YAML text; `name` stands in for the file name in messages.
YamlNode parse_yaml(const std::string& text, const std::string& name);

}  // namespace monet::core
