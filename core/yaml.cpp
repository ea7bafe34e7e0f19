#include "core/yaml.hpp"

#include <cmath>
#include <cstdio>

#include "core/file_io.hpp"

namespace monet::core {

namespace {
// yaml-cpp hands out an invalid node for a missing key or index; it throws on most queries.
YAML::Node valid_or_undefined(const YAML::Node& n) {
  return n.IsDefined() ? n : YAML::Node(YAML::NodeType::Undefined);
}

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}
}  // namespace

YamlNode::YamlNode(YAML::Node node, std::string file, std::string path, int fallback_line)
    : node_(valid_or_undefined(node)),
      file_(std::move(file)),
      path_(std::move(path)),
      fallback_line_(fallback_line) {}

YamlNode& YamlNode::operator=(const YamlNode& other) {
  if (this != &other) {
    node_.reset(other.node_);
    file_ = other.file_;
    path_ = other.path_;
    fallback_line_ = other.fallback_line_;
    origins_ = other.origins_;
  }
  return *this;
}

YamlNode YamlNode::with_origins(std::shared_ptr<const YamlOrigins> origins) const {
  YamlNode n = *this;
  n.origins_ = std::move(origins);
  return n;
}

Location YamlNode::where(const std::string& path, int line) const {
  if (origins_)
    for (const auto& [set, option] : *origins_)
      if (path == set || (path.size() > set.size() && path.compare(0, set.size(), set) == 0 &&
                          (path[set.size()] == '.' || path[set.size()] == '[')))
        return {option, 0};
  return {file_, line};
}

YamlNode YamlNode::child(YAML::Node node, std::string path) const {
  YamlNode c(std::move(node), file_, std::move(path), loc().line);
  c.origins_ = origins_;
  return c;
}

Location YamlNode::loc() const {
  int line = fallback_line_;
  if (node_.IsDefined() && node_.Mark().line >= 0) line = node_.Mark().line + 1;
  return where(path_, line);
}

bool YamlNode::has(std::string_view key) const {
  if (!is_map()) return false;
  return static_cast<bool>(node_[std::string(key)]);
}

YamlNode YamlNode::operator[](std::string_view key) const {
  std::string k(key);
  std::string child = path_.empty() ? k : path_ + "." + k;
  if (!is_map()) return this->child(YAML::Node(YAML::NodeType::Undefined), child);
  const YAML::Node& cn = node_;
  return this->child(cn[k], child);
}

YamlNode YamlNode::required(std::string_view key) const {
  if (!is_map()) fail("must be a map with field '" + std::string(key) + "'");
  YamlNode c = (*this)[key];
  if (!c.node_.IsDefined()) throw ConfigError(loc(), c.path_, "", "required field is missing");
  if (c.node_.IsNull()) c.fail("required field has no value");
  return c;
}

YamlNode YamlNode::at(size_t i) const {
  std::string child = path_ + "[" + std::to_string(i) + "]";
  if (!is_seq() || i >= node_.size())
    return this->child(YAML::Node(YAML::NodeType::Undefined), child);
  const YAML::Node& cn = node_;
  return this->child(cn[i], child);
}

size_t YamlNode::size() const {
  return is_map() || is_seq() ? node_.size() : 0;
}

std::vector<YamlEntry> YamlNode::entries() const {
  std::vector<YamlEntry> out;
  if (!is_map()) return out;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string();
    std::string child = path_.empty() ? key : path_ + "." + key;
    YamlNode key_node = this->child(it->first, child);
    const int key_line = it->first.Mark().line >= 0 ? it->first.Mark().line + 1 : loc().line;
    YamlNode value(it->second, file_, child, key_line);
    value.origins_ = origins_;
    out.push_back({key, std::move(key_node), std::move(value)});
  }
  return out;
}

const YamlNode& YamlNode::expect_map(const std::string& what) const {
  if (!is_map()) fail(defined() ? "must be " + what : "must be " + what + "; it is missing");
  return *this;
}

const YamlNode& YamlNode::expect_seq(const std::string& what) const {
  if (!is_seq()) fail(defined() ? "must be " + what : "must be " + what + "; it is missing");
  return *this;
}

std::vector<std::string> YamlNode::keys() const {
  std::vector<std::string> out;
  if (!is_map()) return out;
  for (auto it = node_.begin(); it != node_.end(); ++it)
    out.push_back(it->first.IsScalar() ? it->first.Scalar() : std::string());
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

double YamlNode::as_double(double min, double max) const {
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
  if (!std::isfinite(v)) fail("must be a finite number");
  if (v < min) fail("must be at least " + number_text(min));
  if (v > max) fail("must be at most " + number_text(max));
  if (v != 0 && std::fabs(v) < kMinMagnitude)
    fail("must be 0 or at least " + number_text(kMinMagnitude) + " in magnitude");
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

int64_t YamlNode::get_int(std::string_view key, int64_t fallback, int64_t min, int64_t max) const {
  YamlNode c = (*this)[key];
  return c.defined() ? c.as_int(min, max) : fallback;
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
    const std::string k = it->first.IsScalar() ? it->first.Scalar() : std::string("<map key>");
    bool ok = false;
    for (auto a : allowed) ok = ok || a == k;
    if (!ok) {
      const std::string path = path_.empty() ? k : path_ + "." + k;
      issues.push_back({where(path, it->first.Mark().line + 1), path, "",
                        "unknown field; allowed here: " + list});
    }
  }
  if (!issues.empty()) throw ConfigError(std::move(issues));
}

namespace {
// Under kLastWins: drops every earlier copy of a duplicated key, map by map. The walk may
// meet an aliased map twice; scan_yaml has bounded the expanded size.
void keep_last_duplicates(YAML::Node n) {
  if (n.IsSequence()) {
    for (auto it = n.begin(); it != n.end(); ++it) keep_last_duplicates(*it);
    return;
  }
  if (!n.IsMap()) return;
  std::vector<std::string> keys;
  for (auto it = n.begin(); it != n.end(); ++it)
    if (it->first.IsScalar()) keys.push_back(it->first.Scalar());
  for (size_t i = 0; i < keys.size(); ++i)
    for (size_t j = i + 1; j < keys.size(); ++j)
      if (keys[i] == keys[j]) {
        n.remove(keys[i]);  // removes the first copy still present
        break;
      }
  for (auto it = n.begin(); it != n.end(); ++it) keep_last_duplicates(it->second);
}
}  // namespace

YamlNode parse_yaml(const std::string& text, const std::string& name, const YamlOptions& options) {
  YamlScan scan = scan_yaml(text, name, options.duplicates);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(Location{name, e.mark.line + 1}, "", "", "YAML syntax error: " + e.msg);
  }
  if (!scan.duplicate_warnings.empty()) {
    keep_last_duplicates(root);
    if (options.warnings)
      options.warnings->insert(options.warnings->end(), scan.duplicate_warnings.begin(),
                               scan.duplicate_warnings.end());
  }
  // Whole-document errors ("must be a map") point at line 1 when the root has no line.
  return YamlNode(root, name, "", 1);
}

YamlNode load_yaml_file(const std::string& path, const YamlOptions& options) {
  return parse_yaml(read_file(path, kYamlMaxBytes), path, options);
}

}  // namespace monet::core
