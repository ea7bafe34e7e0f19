#include "accelerators/accelerator.hpp"

#include <algorithm>

namespace monet::accelerators {

int64_t Core::macs_per_cycle() const {
  int64_t n = 1;
  for (auto& d : array) n *= d.size;
  return n;
}

const PrecisionRate* Core::rate_for(int bits) const {
  const PrecisionRate* best = nullptr;
  for (const auto& r : execution.rates)
    if (r.bits >= bits && (!best || r.bits < best->bits)) best = &r;
  return best;
}

int64_t TlmmSpec::entries_per_table() const {
  int64_t n = 1;
  for (int i = 0; i < group && n <= (int64_t{1} << 40); ++i) n *= weight_levels;
  return n;
}

std::string overlap_name(Overlap o) {
  switch (o) {
    case Overlap::kFull:
      return "full";
    case Overlap::kDoubleBuffered:
      return "double-buffered";
    case Overlap::kNone:
      return "none";
  }
  return "?";
}

std::optional<Overlap> overlap_from_name(const std::string& name) {
  for (Overlap o : {Overlap::kFull, Overlap::kDoubleBuffered, Overlap::kNone})
    if (overlap_name(o) == name) return o;
  return std::nullopt;
}

bool Core::supports(const std::string& op_kind) const {
  return std::find(op_kinds.begin(), op_kinds.end(), op_kind) != op_kinds.end();
}

int Accelerator::find_core(const std::string& name) const {
  for (size_t i = 0; i < cores.size(); ++i)
    if (cores[i].name == name) return static_cast<int>(i);
  return -1;
}

const core::NameTable<CoreKind>& core_kind_names() {
  static const core::NameTable<CoreKind> table("core kind", {{CoreKind::kArray, "array"},
                                                             {CoreKind::kSimd, "simd"},
                                                             {CoreKind::kCim, "cim"},
                                                             {CoreKind::kGpuSm, "gpu-sm"},
                                                             {CoreKind::kTlmm, "tlmm"}});
  return table;
}

std::string core_kind_name(CoreKind k) {
  return core_kind_names().str(k);
}

}  // namespace monet::accelerators
