#include "core/yaml_overrides.hpp"

#include <cctype>
#include <memory>

namespace monet::core {

namespace {
struct Step {
  std::string key;   // a map key ("" for an index step)
  int index = -1;    // a list index
  std::string path;  // the path up to and including this step
};

std::vector<Step> split_path(const std::string& path, const std::string& origin) {
  std::vector<Step> steps;
  std::string so_far;
  size_t i = 0;
  auto bad = [&](const std::string& why) -> Error {
    return Error(origin + ": '" + path + "' is not a field path (" + why +
                 "; e.g. fusion.tiles or allocation[0].cores)");
  };
  while (i < path.size()) {
    size_t start = i;
    while (i < path.size() &&
           (std::isalnum(static_cast<unsigned char>(path[i])) || path[i] == '_' || path[i] == '-'))
      ++i;
    if (i == start) throw bad("empty field name at character " + std::to_string(start + 1));
    const std::string key = path.substr(start, i - start);
    so_far += (so_far.empty() ? "" : ".") + key;
    steps.push_back({key, -1, so_far});
    while (i < path.size() && path[i] == '[') {
      size_t close = path.find(']', i);
      if (close == std::string::npos) throw bad("'[' without ']'");
      const std::string digits = path.substr(i + 1, close - i - 1);
      if (digits.empty() || digits.size() > 6 ||
          digits.find_first_not_of("0123456789") != std::string::npos)
        throw bad("an index must be a number");
      so_far += "[" + digits + "]";
      steps.push_back({"", std::stoi(digits), so_far});
      i = close + 1;
    }
    if (i < path.size()) {
      if (path[i] != '.' || i + 1 == path.size()) throw bad("unexpected '" + path.substr(i) + "'");
      ++i;
    }
  }
  if (steps.empty()) throw bad("empty");
  return steps;
}

YAML::Node parse_value(const YamlOverride& o) {
  try {
    return YAML::Load(*o.value);
  } catch (const YAML::Exception& e) {
    throw ConfigError(Location{o.origin, 0}, o.path, *o.value, "not a YAML value: " + e.msg);
  }
}
}  // namespace

YamlOverride parse_assignment(const std::string& text, const std::string& option) {
  const size_t eq = text.find('=');
  const std::string origin = option + " " + text;
  if (eq == std::string::npos || eq == 0)
    throw Error(origin + ": expected FIELD=VALUE (e.g. " + option + " fusion.tiles=4)");
  YamlOverride o{text.substr(0, eq), text.substr(eq + 1), origin};
  split_path(o.path, origin);  // checks the form
  return o;
}

YamlNode apply_overrides(const YamlNode& root, const std::vector<YamlOverride>& overrides) {
  if (overrides.empty()) return root;
  if (!root.is_map())
    throw ConfigError(root.loc(), "", "", "the document must be a map to set fields in it");
  YAML::Node doc = YAML::Clone(root.raw());
  auto origins = std::make_shared<YamlOrigins>();
  for (const auto& o : overrides) {
    const std::vector<Step> steps = split_path(o.path, o.origin);
    YAML::Node cur = doc;
    std::string where = "the document";
    for (size_t s = 0; s < steps.size(); ++s) {
      const Step& st = steps[s];
      const bool last = s + 1 == steps.size();
      auto fail = [&](const std::string& rule) {
        throw ConfigError(Location{o.origin, 0}, st.path, o.value.value_or(""), rule);
      };
      if (st.index < 0) {
        if (!cur.IsMap())
          fail(where + " is not a map (it is " +
               (cur.IsScalar() ? "'" + cur.Scalar() + "'" : std::string("a list")) +
               "): set a field of it only where the file has a map");
        if (last) {
          if (o.value)
            cur[st.key] = parse_value(o);
          else
            cur.remove(st.key);
          break;
        }
        if (!cur[st.key] || cur[st.key].IsNull()) {
          if (!o.value) break;  // nothing to remove
          if (steps[s + 1].index >= 0) fail("there is no list '" + st.path + "' to index");
          cur[st.key] = YAML::Node(YAML::NodeType::Map);
        }
        YAML::Node next = cur[st.key];
        cur.reset(next);
      } else {
        if (!cur.IsSequence() || static_cast<size_t>(st.index) >= cur.size())
          fail(where + " has no item " + std::to_string(st.index) + " (" +
               std::to_string(cur.IsSequence() ? cur.size() : 0) + " items)");
        if (last) {
          if (!o.value) fail("an item of a list cannot be removed, only replaced");
          cur[st.index] = parse_value(o);
          break;
        }
        YAML::Node next = cur[st.index];
        cur.reset(next);
      }
      where = "'" + st.path + "'";
    }
    origins->emplace_back(o.path, o.origin);
  }
  return YamlNode(doc, root.file(), root.path()).with_origins(std::move(origins));
}

}  // namespace monet::core
