// Overflow-checked integer arithmetic for sizes: dimensions, element counts, bytes, MACs.
// A size read from a file can be anything; multiplying such sizes in plain int64 wraps
// silently (an input of 2^63 - 1 elements once gave "forward MACs -10"). These return nullopt
// instead, and the caller turns that into an error naming the field or tensor.
#pragma once

#include <cstdint>
#include <optional>

namespace monet::core {

inline std::optional<int64_t> checked_mul(int64_t a, int64_t b) {
  int64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
  return r;
}

inline std::optional<int64_t> checked_add(int64_t a, int64_t b) {
  int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
  return r;
}

// Product of a range of integers (1 for an empty range); nullopt when it overflows int64.
template <class Range>
std::optional<int64_t> checked_product(const Range& values) {
  int64_t p = 1;
  for (auto v : values) {
    auto next = checked_mul(p, static_cast<int64_t>(v));
    if (!next) return std::nullopt;
    p = *next;
  }
  return p;
}

}  // namespace monet::core
