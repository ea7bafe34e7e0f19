// Shared pieces of the text forms of training options ("every:K", "last:N").
#pragma once

#include <optional>
#include <string_view>

namespace monet::training {

// The integer after `prefix` in `text` ("every:3" → 3) when it is a whole number in
// [1, 1000000]; nullopt otherwise (also when `text` does not start with `prefix`).
std::optional<int> positive_suffix(std::string_view text, std::string_view prefix);

}  // namespace monet::training
