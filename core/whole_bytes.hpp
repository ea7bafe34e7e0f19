// Byte counts as documents (JSON, CSV) write them: whole bytes. A tile's piece of a tensor is
// a fraction of its bytes, and sums of pieces carry rounding noise (179857283.99999973); the
// simulator keeps them as doubles, the documents round once, here.
#pragma once

#include <cmath>
#include <cstdint>

namespace monet::core {

inline int64_t whole_bytes(double bytes) {
  return std::llround(bytes);
}

}  // namespace monet::core
