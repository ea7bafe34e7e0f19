#include "training/text_forms.hpp"

#include <charconv>

namespace monet::training {

std::optional<int> positive_suffix(std::string_view text, std::string_view prefix) {
  if (text.substr(0, prefix.size()) != prefix) return std::nullopt;
  std::string_view k = text.substr(prefix.size());
  long long v = 0;
  auto [end, ec] = std::from_chars(k.data(), k.data() + k.size(), v);
  if (ec != std::errc() || end != k.data() + k.size() || k.empty() || v < 1 || v > 1000000)
    return std::nullopt;
  return static_cast<int>(v);
}

}  // namespace monet::training
