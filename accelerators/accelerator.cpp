#include "accelerators/accelerator.hpp"

#include <algorithm>

namespace monet::accelerators {

int64_t Core::macs_per_cycle() const {
  int64_t n = 1;
  for (auto& d : array) n *= d.size;
  return n;
}

bool Core::supports(const std::string& op_kind) const {
  return std::find(op_kinds.begin(), op_kinds.end(), op_kind) != op_kinds.end();
}

int Accelerator::find_core(const std::string& name) const {
  for (size_t i = 0; i < cores.size(); ++i)
    if (cores[i].name == name) return static_cast<int>(i);
  return -1;
}

std::string core_kind_name(CoreKind k) {
  switch (k) {
    case CoreKind::kArray:
      return "array";
    case CoreKind::kSimd:
      return "simd";
    case CoreKind::kCim:
      return "cim";
    case CoreKind::kGpuSm:
      return "gpu-sm";
  }
  return "?";
}

}  // namespace monet::accelerators
