// Lookups in an enum's name table (a constexpr array of {value, name} pairs kept beside the
// enum in its folder), so every enum is named, parsed and listed the same way.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace monet::core {

template <typename E, size_t N>
std::string_view name_in(const std::pair<E, std::string_view> (&table)[N], E value) {
  for (const auto& [e, n] : table)
    if (e == value) return n;
  return "?";
}

template <typename E, size_t N>
std::optional<E> value_in(const std::pair<E, std::string_view> (&table)[N], std::string_view name) {
  for (const auto& [e, n] : table)
    if (n == name) return e;
  return std::nullopt;
}

// "a, b, c": the accepted names, for error messages.
template <typename E, size_t N>
std::string names_in(const std::pair<E, std::string_view> (&table)[N]) {
  std::string out;
  for (const auto& [e, n] : table) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

}  // namespace monet::core
