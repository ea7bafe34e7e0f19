// Checks a YAML text before yaml-cpp builds its node tree, on the parser's event stream (so
// nothing is expanded): duplicate keys, nesting depth, alias expansion, recursive aliases,
// invalid UTF-8 and extra documents. Every finding is a ConfigIssue with the line.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace monet::core {

// Limits every YAML input is held to (the configs in configs/ stay far below them).
inline constexpr int kYamlMaxDepth = 64;            // nested maps and lists
inline constexpr size_t kYamlMaxNodes = 1'000'000;  // nodes with every alias expanded
inline constexpr size_t kYamlMaxBytes = 64u << 20;  // file size

enum class DuplicateKeys {
  kError,     // a key written twice in one map is an error naming both lines (the default)
  kLastWins,  // the later value replaces the earlier one, with a warning (ZigZag's loader)
};

struct YamlScan {
  // Duplicates under kLastWins: the later key's location and a rule naming both lines.
  std::vector<ConfigIssue> duplicate_warnings;
};

// Throws ConfigError on the first broken limit or rule, and (under kError) on duplicates;
// `name` is the file name used in locations.
YamlScan scan_yaml(const std::string& text, const std::string& name, DuplicateKeys duplicates);

}  // namespace monet::core
