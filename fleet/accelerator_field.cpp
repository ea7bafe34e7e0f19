#include "fleet/accelerator_field.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/error.hpp"
#include "core/units.hpp"

namespace monet::fleet {

namespace {
std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : path) {
    if (c == '.') {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(cur);
  return parts;
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  size_t e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// "<number> <unit>" → (number, unit); false when the text does not start with a number.
bool split_quantity(const std::string& text, double& number, std::string& unit) {
  const char* begin = text.c_str();
  char* end = nullptr;
  number = std::strtod(begin, &end);
  if (end == begin || !std::isfinite(number)) return false;
  unit = trim(std::string(end));
  return true;
}

constexpr core::Dimension kDimensions[] = {core::Dimension::kBytes,  core::Dimension::kBandwidth,
                                           core::Dimension::kEnergy, core::Dimension::kFrequency,
                                           core::Dimension::kTime,   core::Dimension::kBits};

// The unit's size in its dimension's base unit, or 0 when no dimension knows it.
double unit_scale(const std::string& unit, core::Dimension& dim) {
  for (auto d : kDimensions) {
    try {
      double v = core::parse_quantity("1 " + unit, d);
      dim = d;
      return v;
    } catch (const core::Error&) {
    }
  }
  return 0;
}
}  // namespace

AcceleratorField find_accelerator_field(const std::string& text, const std::string& path) {
  YAML::Node node;
  try {
    node = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw core::Error(std::string("the accelerator file does not parse: ") + e.what());
  }
  std::string walked;
  for (const auto& part : split_path(path)) {
    if (part.empty()) throw core::Error("the path has an empty step (write keys between dots)");
    std::string here = walked.empty() ? "the document" : "'" + walked + "'";
    YAML::Node next;
    if (node.IsMap()) {
      next = node[part];
      if (!next.IsDefined()) throw core::Error(here + " has no key '" + part + "'");
    } else if (node.IsSequence()) {
      bool found = false;
      for (size_t i = 0; i < node.size() && !found; ++i) {
        YAML::Node item = node[i];
        if (item.IsMap() && item["name"].IsDefined() && item["name"].IsScalar() &&
            item["name"].Scalar() == part) {
          next = item;
          found = true;
        }
      }
      if (!found && !part.empty() && std::all_of(part.begin(), part.end(), ::isdigit)) {
        size_t i = std::stoul(part);
        if (i < node.size()) {
          next = node[i];
          found = true;
        }
      }
      if (!found)
        throw core::Error(here + " is a list with no entry named '" + part +
                          "' (an entry is chosen by its name or its index)");
    } else {
      throw core::Error(here + " is a value, not a map or a list, so it has no '" + part + "'");
    }
    node = next;
    walked += (walked.empty() ? "" : ".") + part;
  }
  if (!node.IsScalar()) throw core::Error("'" + path + "' is a map or a list, not a value");
  AcceleratorField f;
  f.path = path;
  const std::string& scalar = node.Scalar();
  auto mark = node.Mark();
  if (mark.pos < 0 || static_cast<size_t>(mark.pos) + scalar.size() > text.size() ||
      text.compare(static_cast<size_t>(mark.pos), scalar.size(), scalar) != 0)
    throw core::Error("'" + path + "' = '" + scalar +
                      "' is not written as a plain scalar (quoted or folded), so calibrate "
                      "cannot rewrite it; write it unquoted");
  if (!split_quantity(scalar, f.number, f.unit))
    throw core::Error("'" + path + "' = '" + scalar + "' is not a number with a unit");
  f.pos = static_cast<size_t>(mark.pos);
  f.length = scalar.size();
  f.line = mark.line + 1;
  return f;
}

double value_in_field_unit(const AcceleratorField& f, const std::string& text) {
  double number = 0;
  std::string unit;
  if (!split_quantity(text, number, unit))
    throw core::Error("'" + text + "' is not a number with a unit");
  if (unit == f.unit) return number;
  core::Dimension d1{}, d2{};
  double s_bound = unit.empty() ? 0 : unit_scale(unit, d1);
  double s_field = f.unit.empty() ? 0 : unit_scale(f.unit, d2);
  if (s_bound > 0 && s_field > 0 && d1 == d2) return number * s_bound / s_field;
  throw core::Error("'" + text + "' is not in the unit of the field ('" +
                    (f.unit.empty() ? std::string("a plain number") : f.unit) +
                    "') nor convertible to it");
}

std::string field_text(const AcceleratorField& f, double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", value);
  return f.unit.empty() ? std::string(buf) : std::string(buf) + " " + f.unit;
}

std::string with_field_values(const std::string& text,
                              const std::vector<std::pair<AcceleratorField, double>>& edits) {
  auto sorted = edits;
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.first.pos > b.first.pos; });
  std::string out = text;
  for (const auto& [f, v] : sorted) out.replace(f.pos, f.length, field_text(f, v));
  return out;
}

}  // namespace monet::fleet
