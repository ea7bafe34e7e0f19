#include "core/checked_math.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace monet::core {

int64_t checked_mul(int64_t a, int64_t b, const std::string& what) {
  if (a < 0 || b < 0) throw Error(what + ": negative size " + std::to_string(a < 0 ? a : b));
  int64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r) || r > kMaxSize)
    throw Error(what + ": " + std::to_string(a) + " × " + std::to_string(b) +
                " exceeds the largest size monet-sim handles (2^56)");
  return r;
}

int64_t checked_product(const std::vector<int64_t>& dims, const std::string& what, size_t from,
                        size_t to) {
  to = std::min(to, dims.size());
  int64_t n = 1;
  for (size_t i = from; i < to; ++i) n = checked_mul(n, dims[i], what);
  return n;
}

}  // namespace monet::core
