// Overflow-checked integer arithmetic for sizes: dimensions, element counts, bytes, MACs.
// A size read from a file can be anything; multiplying such sizes in plain int64 wraps
// silently (an input of 2^63 - 1 elements once gave "forward MACs -10"). These return nullopt
// instead, and the caller turns that into an error naming the field or tensor.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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

// The largest size any product of dimensions may reach: 2^56 (~7.2e16). Graph::add_tensor
// and Graph::add_op hold every tensor and loop nest to it, which leaves room for the cost
// model to multiply a size by a bit width (<= 64 = 2^6) or a small reuse factor without
// leaving int64; far above any real network (GPT-3's 175e9 parameters are 2^37.3).
inline constexpr int64_t kMaxSize = int64_t{1} << 56;

// Throwing forms for sizes >= 0: a × b, and the product of dims[from, to). A negative size
// or a result over kMaxSize is a core::Error "<what>: a × b exceeds ... (2^56)".
int64_t checked_mul(int64_t a, int64_t b, const std::string& what);
int64_t checked_product(const std::vector<int64_t>& dims, const std::string& what, size_t from = 0,
                        size_t to = SIZE_MAX);

}  // namespace monet::core
