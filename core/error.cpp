#include "core/error.hpp"

#include "core/utf8.hpp"

namespace monet::core {

std::string Location::str() const {
  std::string s = file.empty() ? std::string("<input>") : file;
  if (line > 0) s += ":" + std::to_string(line);
  return s;
}

std::string ConfigIssue::str() const {
  std::string s = where.str() + ": ";
  if (!field.empty()) s += "field '" + field + "'";
  if (!value.empty()) s += (field.empty() ? "value '" : " = '") + value + "'";
  if (!field.empty() || !value.empty()) s += ": ";
  // Names and values may hold any bytes; a message must stay printable UTF-8.
  return escape_invalid_utf8(s + rule);
}

namespace {
std::string join(const std::vector<ConfigIssue>& issues) {
  std::string s;
  for (size_t i = 0; i < issues.size(); ++i) {
    if (i) s += "\n";
    s += issues[i].str();
  }
  return s;
}
}  // namespace

ConfigError::ConfigError(std::vector<ConfigIssue> issues)
    : Error(join(issues)), issues_(std::move(issues)) {}

ConfigError::ConfigError(Location where, std::string field, std::string value, std::string rule)
    : ConfigError(std::vector<ConfigIssue>{
          {std::move(where), std::move(field), std::move(value), std::move(rule)}}) {}

void IssueList::add(Location where, std::string field, std::string value, std::string rule) {
  issues_.push_back({std::move(where), std::move(field), std::move(value), std::move(rule)});
}

void IssueList::append(const ConfigError& e) {
  issues_.insert(issues_.end(), e.issues().begin(), e.issues().end());
}

void IssueList::throw_if_any() const {
  if (!issues_.empty()) throw ConfigError(issues_);
}

}  // namespace monet::core
