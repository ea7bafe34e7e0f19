// Tensors, loop nests and ops: the vocabulary of every workload graph.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/op_vocabulary.hpp"

namespace monet::workloads {

// Op kinds and loop dimensions are shared with accelerator descriptions (core/).
using core::Dim;
using core::dim_name;
using core::dim_names;
using core::is_loop_nest_kind;
using core::kDimCount;
using core::kOperandCount;
using core::op_kind_from_name;
using core::op_kind_name;
using core::op_kind_names;
using core::Operand;
using core::operand_name;
using core::operand_names;
using core::OpKind;

using Shape = std::vector<int64_t>;

enum class TensorKind {
  kInput,           // graph input (images, token ids)
  kActivation,      // produced by a forward or recompute op
  kParameter,       // trainable weight
  kGradient,        // gradient of an activation (dX, dY)
  kParamGradient,   // gradient of a parameter (dW)
  kOptimizerState,  // momentum, Adam moments
  kLabel,           // targets for the loss
};

// How a tensor's elements are laid out in memory when not as plain elem_bits-wide values
// (workloads/weight_format.hpp makes these): words of `pack_elements` elements taking
// `pack_bits` bits, plus `group_bits` (scales, zero points) per group of `group_elements`
// elements; `dequant_ops` operations per element turn a stored code back into an elem_bits
// operand. Default: plain (elem_bits per element, no groups, no work).
struct Storage {
  int64_t pack_elements = 1;
  int pack_bits = 0;           // 0: elem_bits
  int64_t group_elements = 0;  // 0: no groups
  int group_bits = 0;
  double dequant_ops = 0;
  bool plain() const { return pack_elements == 1 && pack_bits == 0 && group_elements == 0; }
  bool operator==(const Storage&) const = default;
};

struct Tensor {
  int id = -1;
  std::string name;
  Shape shape;
  int elem_bits = 32;  // width of one element as an operand
  Storage storage;     // how it is stored (bytes() and DRAM traffic follow it)
  TensorKind kind = TensorKind::kActivation;
  int producer = -1;           // op id; -1 for inputs and parameters
  std::vector<int> consumers;  // op ids, in insertion order

  // Both throw core::Error when the size exceeds core::kMaxSize (Graph::add_tensor refuses
  // such tensors, so a tensor in a graph never does).
  int64_t elements() const;
  int64_t bytes() const;
  int64_t storage_bits() const;  // of all elements, packing and group scales included
  // Stored bits per element (fractional for packed or group-quantised tensors).
  double stored_bits_per_element() const;
};

// O[b][g][k][oy][ox] += W[g][k][c][fy][fx] · I[b][g][c][oy·sy+fy·dy−py][ox·sx+fx·dx−px]
struct LoopNest {
  std::array<int64_t, kDimCount> size{1, 1, 1, 1, 1, 1, 1, 1};
  int stride_y = 1, stride_x = 1;
  int dilation_y = 1, dilation_x = 1;
  int pad_y = 0, pad_x = 0;
  Operand output = Operand::kO;

  int64_t operator[](Dim d) const { return size[static_cast<int>(d)]; }
  int64_t& operator[](Dim d) { return size[static_cast<int>(d)]; }
  int64_t macs() const;
  // True when the dimension indexes the operand (OY/OX/FY/FX index I through the window).
  static bool relevant(Operand o, Dim d);
  // Whether d is a reduction dimension for the operand this nest writes.
  bool is_reduction(Dim d) const { return !relevant(output, d); }
  // Input rows/cols touched by `oy` output rows and `fy` filter rows (no padding removed).
  int64_t input_extent_y(int64_t oy, int64_t fy) const;
  int64_t input_extent_x(int64_t ox, int64_t fx) const;
  // Elements of an operand for the full nest (input without padding: the real tensor).
  int64_t operand_elements(Operand o, int64_t in_h, int64_t in_w) const;
  std::string str() const;  // "B1 G1 K64 C3 OY112 OX112 FY7 FX7 s2"
};

// Which part of a training step an op belongs to.
enum class Pass { kForward, kLoss, kBackwardData, kBackwardWeight, kOptimizer, kRecompute };
// "forward", "loss", "backward-data", "backward-weight", "optimizer", "recompute".
const core::NameTable<Pass>& pass_names();
std::string_view pass_name(Pass p);

struct Op {
  int id = -1;
  std::string name;
  OpKind kind = OpKind::kReshape;
  Pass pass = Pass::kForward;
  std::vector<int> inputs;   // tensor ids
  std::vector<int> outputs;  // tensor ids
  std::string block;         // enclosing block ("layer2.0"), for plans and reports

  // Compute ops: the nest and the tensor behind each operand (-1 if none).
  std::optional<LoopNest> nest;
  std::array<int, kOperandCount> operand_tensor{-1, -1, -1};

  // Element-streaming ops: elements processed and arithmetic operations per element.
  int64_t elements = 0;
  double ops_per_element = 0;
  int window = 1;  // pooling window (elements read per output element), 1 otherwise

  int forward_op = -1;  // for derived ops (backward, recompute): the forward op they come from

  bool is_compute() const { return nest.has_value(); }
  int64_t macs() const { return nest ? nest->macs() : 0; }
  double element_ops() const {
    return nest ? 0.0 : static_cast<double>(elements) * ops_per_element;
  }
};

}  // namespace monet::workloads
