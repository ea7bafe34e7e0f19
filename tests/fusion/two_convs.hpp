// The two-convolution chain (8 channels, 3x3, a 64 x 64 input) the power tests price by hand.
#pragma once

#include "workloads/builder.hpp"

namespace monet::test {

inline workloads::Graph two_convs() {
  workloads::Builder b("chain", 32);
  int x = b.input("x", {1, 8, 64, 64});
  b.set_block("chain");
  x = b.conv("conv1", x, 8, 3);
  b.conv("conv2", x, 8, 3);
  return b.finish();
}

}  // namespace monet::test
