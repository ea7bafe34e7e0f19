// One name <-> value table per enum. The folder that owns an enum defines its table once,
// next to the type; parsers (YAML, CLI), bindings and writers all go through it, so a name
// is spelled in exactly one place and every "unknown X" message lists the same choices.
#pragma once

#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/yaml.hpp"

namespace monet::core {

template <class E>
class NameTable {
 public:
  struct Entry {
    E value;
    std::string_view name;
  };

  // `what` names the concept in messages ("stack rule", "optimizer"). Aliases are accepted
  // by find/parse but never written and not listed.
  NameTable(std::string_view what, std::initializer_list<Entry> names,
            std::initializer_list<Entry> aliases = {})
      : what_(what), names_(names), aliases_(aliases) {}

  std::string_view what() const { return what_; }
  const std::vector<Entry>& entries() const { return names_; }

  // The canonical name; a value outside the table is a programming error.
  std::string_view name(E value) const {
    for (const auto& e : names_)
      if (e.value == value) return e.name;
    throw std::logic_error("no name for a " + std::string(what_) + " value");
  }
  std::string str(E value) const { return std::string(name(value)); }

  std::optional<E> find(std::string_view text) const {
    for (const auto& e : names_)
      if (e.name == text) return e.value;
    for (const auto& e : aliases_)
      if (e.name == text) return e.value;
    return std::nullopt;
  }

  // Throws core::Error "unknown <what> '<text>' (valid: a, b, c)".
  E parse(std::string_view text) const {
    if (auto v = find(text)) return *v;
    throw Error("unknown " + std::string(what_) + " '" + std::string(text) + "' (valid: " + list() +
                ")");
  }

  // A YAML scalar that must be one of the names; anything else fails at the node's line.
  E read(const YamlNode& node) const {
    std::string text = node.as_string();
    if (auto v = find(text)) return *v;
    node.fail("must be one of: " + list());
  }

  // "a, b, c" (canonical names, table order).
  std::string list() const {
    std::string out;
    for (const auto& e : names_) out += (out.empty() ? "" : ", ") + std::string(e.name);
    return out;
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& e : names_) out.emplace_back(e.name);
    return out;
  }

 private:
  std::string_view what_;
  std::vector<Entry> names_;
  std::vector<Entry> aliases_;
};

}  // namespace monet::core
