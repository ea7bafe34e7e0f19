#include "workloads/op.hpp"

#include <cstdio>
#include <utility>

#include "core/checked_math.hpp"

namespace monet::workloads {

int64_t Tensor::elements() const {
  return core::checked_product(shape, "tensor '" + name + "' elements");
}

int64_t Tensor::storage_bits() const {
  const std::string what = "tensor '" + name + "' bits";
  const int64_t n = elements();
  if (storage.plain()) return core::checked_mul(n, elem_bits, what);
  const int64_t words = (n + storage.pack_elements - 1) / storage.pack_elements;
  const int word_bits =
      storage.pack_bits ? storage.pack_bits : elem_bits * static_cast<int>(storage.pack_elements);
  int64_t bits = core::checked_mul(words, word_bits, what);
  if (storage.group_elements > 0)
    bits = core::checked_mul(
        1,
        bits + core::checked_mul((n + storage.group_elements - 1) / storage.group_elements,
                                 storage.group_bits, what),
        what);  // both terms <= 2^56: the sum fits int64, then checked
  return bits;
}

int64_t Tensor::bytes() const {
  return (storage_bits() + 7) / 8;
}

double Tensor::stored_bits_per_element() const {
  if (storage.plain()) return elem_bits;
  const int64_t n = elements();
  return n > 0 ? static_cast<double>(storage_bits()) / static_cast<double>(n) : elem_bits;
}

int64_t LoopNest::macs() const {
  return core::checked_product({size.begin(), size.end()}, "MACs of loop nest " + str());
}

bool LoopNest::relevant(Operand o, Dim d) {
  switch (o) {
    case Operand::kW:
      return d == Dim::kG || d == Dim::kK || d == Dim::kC || d == Dim::kFY || d == Dim::kFX;
    case Operand::kI:
      return d != Dim::kK;
    case Operand::kO:
      return d == Dim::kB || d == Dim::kG || d == Dim::kK || d == Dim::kOY || d == Dim::kOX;
  }
  return false;
}

int64_t LoopNest::input_extent_y(int64_t oy, int64_t fy) const {
  return (oy - 1) * stride_y + (fy - 1) * dilation_y + 1;
}
int64_t LoopNest::input_extent_x(int64_t ox, int64_t fx) const {
  return (ox - 1) * stride_x + (fx - 1) * dilation_x + 1;
}

int64_t LoopNest::operand_elements(Operand o, int64_t in_h, int64_t in_w) const {
  const auto& s = *this;
  switch (o) {
    case Operand::kW:
      return core::checked_product({s[Dim::kG], s[Dim::kK], s[Dim::kC], s[Dim::kFY], s[Dim::kFX]},
                                   "weight elements of " + str());
    case Operand::kO:
      return core::checked_product({s[Dim::kB], s[Dim::kG], s[Dim::kK], s[Dim::kOY], s[Dim::kOX]},
                                   "output elements of " + str());
    case Operand::kI:
      return core::checked_product({s[Dim::kB], s[Dim::kG], s[Dim::kC], in_h, in_w},
                                   "input elements of " + str());
  }
  return 0;
}

std::string LoopNest::str() const {
  std::string out;
  for (int i = 0; i < kDimCount; ++i) {
    if (i) out += ' ';
    out += std::string(dim_name(static_cast<Dim>(i))) + std::to_string(size[i]);
  }
  if (stride_y != 1 || stride_x != 1) out += " s" + std::to_string(stride_y);
  if (pad_y || pad_x) out += " p" + std::to_string(pad_y);
  if (output != Operand::kO) out += " out=" + std::string(operand_name(output));
  return out;
}

const core::NameTable<Pass>& pass_names() {
  static const core::NameTable<Pass> table("pass", {
                                                       {Pass::kForward, "forward"},
                                                       {Pass::kLoss, "loss"},
                                                       {Pass::kBackwardData, "backward-data"},
                                                       {Pass::kBackwardWeight, "backward-weight"},
                                                       {Pass::kOptimizer, "optimizer"},
                                                       {Pass::kRecompute, "recompute"},
                                                   });
  return table;
}

std::string_view pass_name(Pass p) {
  return pass_names().name(p);
}

}  // namespace monet::workloads
