#include "core/yaml.hpp"

#include <fstream>
#include <sstream>

namespace monet::core {

YamlNode::YamlNode(YAML::Node node, std::string file, std::string path, int fallback_line)
    : node_(std::move(node)),
      file_(std::move(file)),
      path_(std::move(path)),
      fallback_line_(fallback_line) {}

Location YamlNode::loc() const {
  int line = fallback_line_;
  if (node_.IsDefined() && node_.Mark().line >= 0) line = node_.Mark().line + 1;
  return {file_, line};
}

bool YamlNode::has(std::string_view key) const {
  if (!is_map()) return false;
  return static_cast<bool>(node_[std::string(key)]);
}

YamlNode YamlNode::operator[](std::string_view key) const {
  std::string k(key);
  std::string child = path_.empty() ? k : path_ + "." + k;
  if (!is_map()) return YamlNode(YAML::Node(YAML::NodeType::Undefined), file_, child, loc().line);
  const YAML::Node& cn = node_;
  return YamlNode(cn[k], file_, child, loc().line);
}

YamlNode YamlNode::required(std::string_view key) const {
  if (!is_map()) fail("must be a map with field '" + std::string(key) + "'");
  YamlNode c = (*this)[key];
  if (!c.node_.IsDefined()) throw ConfigError(loc(), c.path_, "", "required field is missing");
  if (c.node_.IsNull()) c.fail("required field has no value");
  return c;
}

YamlNode YamlNode::at(size_t i) const {
  const YAML::Node& cn = node_;
  return YamlNode(cn[i], file_, path_ + "[" + std::to_string(i) + "]", loc().line);
}

size_t YamlNode::size() const {
  return node_.IsDefined() ? node_.size() : 0;
}

std::vector<std::string> YamlNode::keys() const {
  std::vector<std::string> out;
  if (!is_map()) return out;
  for (auto it = node_.begin(); it != node_.end(); ++it) out.push_back(it->first.Scalar());
  return out;
}

std::string YamlNode::text() const {
  if (!node_.IsDefined()) return "";
  if (node_.IsScalar()) return node_.Scalar();
  if (node_.IsMap()) return "<map>";
  if (node_.IsSequence()) return "<list>";
  return "";
}

ConfigIssue YamlNode::issue(const std::string& rule) const {
  return {loc(), path_, text(), rule};
}

void YamlNode::fail(const std::string& rule) const {
  throw ConfigError({issue(rule)});
}

std::string YamlNode::as_string() const {
  if (!is_scalar()) fail("must be a text value");
  return node_.Scalar();
}

int64_t YamlNode::as_int(int64_t min, int64_t max) const {
  if (!is_scalar()) fail("must be an integer");
  const std::string& s = node_.Scalar();
  size_t used = 0;
  long long v = 0;
  try {
    v = std::stoll(s, &used, 10);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != s.size()) fail("must be an integer");
  if (v < min) fail("must be at least " + std::to_string(min));
  if (v > max) fail("must be at most " + std::to_string(max));
  return v;
}

double YamlNode::as_double() const {
  if (!is_scalar()) fail("must be a number");
  const std::string& s = node_.Scalar();
  size_t used = 0;
  double v = 0;
  try {
    v = std::stod(s, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != s.size()) fail("must be a number");
  return v;
}

bool YamlNode::as_bool() const {
  if (!is_scalar()) fail("must be true or false");
  const std::string& s = node_.Scalar();
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "no" || s == "off") return false;
  fail("must be true or false");
}

double YamlNode::as_quantity(Dimension dim) const {
  if (!is_scalar()) fail("must be a quantity with a unit (" + accepted_units(dim) + ")");
  try {
    return parse_quantity(node_.Scalar(), dim);
  } catch (const ConfigError&) {
    throw;
  } catch (const Error& e) {
    fail(std::string("must be a quantity with a unit: ") + e.what());
  }
}

std::vector<int64_t> YamlNode::as_int_list(int64_t min) const {
  if (!is_seq()) fail("must be a list of integers");
  std::vector<int64_t> out;
  for (size_t i = 0; i < node_.size(); ++i) out.push_back(at(i).as_int(min));
  return out;
}

std::vector<std::string> YamlNode::as_string_list() const {
  if (is_scalar()) return {node_.Scalar()};
  if (!is_seq()) fail("must be a list of names");
  std::vector<std::string> out;
  for (size_t i = 0; i < node_.size(); ++i) out.push_back(at(i).as_string());
  return out;
}

int64_t YamlNode::get_int(std::string_view key, int64_t fallback, int64_t min) const {
  YamlNode c = (*this)[key];
  return c.defined() ? c.as_int(min) : fallback;
}

std::string YamlNode::get_string(std::string_view key, const std::string& fallback) const {
  YamlNode c = (*this)[key];
  return c.defined() ? c.as_string() : fallback;
}

void YamlNode::reject_unknown_keys(std::initializer_list<std::string_view> allowed) const {
  if (!is_map()) return;
  std::vector<ConfigIssue> issues;
  std::string list;
  for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    const std::string& k = it->first.Scalar();
    bool ok = false;
    for (auto a : allowed) ok = ok || a == k;
    if (!ok) {
      Location l{file_, it->first.Mark().line + 1};
      issues.push_back(
          {l, path_.empty() ? k : path_ + "." + k, "", "unknown field; allowed here: " + list});
    }
  }
  if (!issues.empty()) throw ConfigError(std::move(issues));
}

YamlNode parse_yaml(const std::string& text, const std::string& name) {
  try {
    return YamlNode(YAML::Load(text), name, "");
  } catch (const YAML::Exception& e) {
    throw ConfigError(Location{name, e.mark.line + 1}, "", "", "YAML syntax error: " + e.msg);
  }
}

YamlNode load_yaml_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError(Location{path, 0}, "", "", "cannot open file");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_yaml(ss.str(), path);
}

}  // namespace monet::core
