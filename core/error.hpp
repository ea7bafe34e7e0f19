// Errors thrown by the library. Only cli/ and python/ catch and translate them.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace monet::core {

// Any failure the user can act on: bad input, impossible request.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Where in a configuration file something is, as far as it is known.
struct Location {
  std::string file;  // empty for built-in / programmatic input
  int line = 0;      // 1-based; 0 when unknown
  std::string str() const;
};

// One broken rule in a configuration: where, which field, which value, which rule.
struct ConfigIssue {
  Location where;
  std::string field;  // dotted path, e.g. "layers[3].kernel"
  std::string value;  // the offending value as written
  std::string rule;   // what it must satisfy
  std::string str() const;
};

// A configuration error. Carries every issue found, so a user fixes a file in one pass.
class ConfigError : public Error {
 public:
  explicit ConfigError(std::vector<ConfigIssue> issues);
  ConfigError(Location where, std::string field, std::string value, std::string rule);
  const std::vector<ConfigIssue>& issues() const { return issues_; }

 private:
  std::vector<ConfigIssue> issues_;
};

// Collects issues during validation and throws them together.
class IssueList {
 public:
  void add(Location where, std::string field, std::string value, std::string rule);
  void add(ConfigIssue issue) { issues_.push_back(std::move(issue)); }
  void append(const ConfigError& e);
  bool empty() const { return issues_.empty(); }
  size_t size() const { return issues_.size(); }
  void throw_if_any() const;

 private:
  std::vector<ConfigIssue> issues_;
};

}  // namespace monet::core
