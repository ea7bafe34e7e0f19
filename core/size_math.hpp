// Overflow-checked arithmetic for sizes (elements, bytes, MACs, counts). A size computed from
// user input must never wrap around: every product of dimensions goes through here and a
// result beyond kMaxSize is a core::Error naming what was being computed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace monet::core {

// The largest size any product of dimensions may reach: 2^56 (~7.2e16). It leaves room for
// the cost model to multiply a size by a bit width (≤ 64 = 2^6) or a small reuse factor
// without leaving int64, and is far above any real network (GPT-3's 175e9 parameters are
// 2^37.3).
inline constexpr int64_t kMaxSize = int64_t{1} << 56;

// a × b for sizes ≥ 0; throws core::Error("<what>: a × b exceeds 2^56") on overflow.
int64_t checked_mul(int64_t a, int64_t b, const std::string& what);
// The product of dims[from, to); any negative dimension or a product over kMaxSize throws.
int64_t checked_product(const std::vector<int64_t>& dims, const std::string& what, size_t from = 0,
                        size_t to = SIZE_MAX);

}  // namespace monet::core
