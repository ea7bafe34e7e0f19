// What the cost model sees of an op: its loop nest or element counts, operand widths, and
// whether its weight is a parameter. Equality and hashing back the cost cache.
#include <bit>
#include <functional>

#include "mapping/cost.hpp"

namespace monet::mapping {

using workloads::Dim;
using workloads::OpKind;
using workloads::TensorKind;

namespace {
bool same_nest(const workloads::LoopNest& a, const workloads::LoopNest& b) {
  return a.size == b.size && a.stride_y == b.stride_y && a.stride_x == b.stride_x &&
         a.dilation_y == b.dilation_y && a.dilation_x == b.dilation_x && a.pad_y == b.pad_y &&
         a.pad_x == b.pad_x && a.output == b.output;
}

void mix(size_t& h, uint64_t v) {
  // 64-bit variant of boost::hash_combine.
  h ^= std::hash<uint64_t>{}(v) + 0x9e3779b97f4a7c15ULL + (h << 12) + (h >> 4);
}

int64_t elements_of(const workloads::Graph& g, int tensor) {
  return tensor >= 0 ? g.tensor(tensor).elements() : 0;
}
}  // namespace

bool OpShape::operator==(const OpShape& o) const {
  if (nest.has_value() != o.nest.has_value()) return false;
  if (nest && !same_nest(*nest, *o.nest)) return false;
  return kind == o.kind && pass == o.pass && in_h == o.in_h && in_w == o.in_w &&
         elements == o.elements && ops_per_element == o.ops_per_element && window == o.window &&
         read_elements == o.read_elements && write_elements == o.write_elements &&
         operand_bits == o.operand_bits && stored_bits == o.stored_bits &&
         dequant_ops == o.dequant_ops && weight_is_parameter == o.weight_is_parameter &&
         channels == o.channels;
}

size_t hash_value(const OpShape& s) {
  size_t h = 0;
  mix(h, static_cast<uint64_t>(s.kind));
  mix(h, static_cast<uint64_t>(s.pass));
  if (s.nest) {
    for (int64_t v : s.nest->size) mix(h, static_cast<uint64_t>(v));
    mix(h, static_cast<uint64_t>(s.nest->stride_y) << 32 | static_cast<uint32_t>(s.nest->stride_x));
    mix(h, static_cast<uint64_t>(s.nest->dilation_y) << 32 |
               static_cast<uint32_t>(s.nest->dilation_x));
    mix(h, static_cast<uint64_t>(s.nest->pad_y) << 32 | static_cast<uint32_t>(s.nest->pad_x));
    mix(h, static_cast<uint64_t>(s.nest->output));
  }
  mix(h, static_cast<uint64_t>(s.in_h));
  mix(h, static_cast<uint64_t>(s.in_w));
  mix(h, static_cast<uint64_t>(s.elements));
  mix(h, std::bit_cast<uint64_t>(s.ops_per_element));
  mix(h, static_cast<uint64_t>(s.window));
  mix(h, static_cast<uint64_t>(s.read_elements));
  mix(h, static_cast<uint64_t>(s.write_elements));
  for (int b : s.operand_bits) mix(h, static_cast<uint64_t>(b));
  for (double b : s.stored_bits) mix(h, std::bit_cast<uint64_t>(b));
  mix(h, std::bit_cast<uint64_t>(s.dequant_ops));
  mix(h, s.weight_is_parameter ? 1 : 0);
  mix(h, static_cast<uint64_t>(s.channels));
  return h;
}

OpShape shape_of(const workloads::Graph& g, const workloads::Op& op) {
  OpShape s;
  s.kind = op.kind;
  s.pass = op.pass;
  if (op.nest) {
    s.nest = op.nest;
    const auto& n = *op.nest;
    s.in_h = n[Dim::kOY];
    s.in_w = n[Dim::kOX];
    int ti = op.operand_tensor[0];
    if (op.kind == OpKind::kConv && ti >= 0 && g.tensor(ti).shape.size() == 4) {
      s.in_h = g.tensor(ti).shape[2];
      s.in_w = g.tensor(ti).shape[3];
    }
    for (int i = 0; i < 3; ++i) {
      int t = op.operand_tensor[i];
      if (t < 0) continue;
      const workloads::Tensor& tensor = g.tensor(t);
      s.operand_bits[i] = tensor.elem_bits;
      if (!tensor.storage.plain()) s.stored_bits[i] = tensor.stored_bits_per_element();
      if (i == 1) s.dequant_ops = tensor.storage.dequant_ops;
    }
    int tw = op.operand_tensor[1];
    s.weight_is_parameter = tw >= 0 && (g.tensor(tw).kind == TensorKind::kParameter ||
                                        g.tensor(tw).kind == TensorKind::kParamGradient);
    return s;
  }
  s.elements = op.elements;
  s.ops_per_element = op.ops_per_element;
  s.window = op.window;
  s.weight_is_parameter = false;
  if (!op.inputs.empty()) s.operand_bits[0] = g.tensor(op.inputs[0]).elem_bits;
  if (!op.outputs.empty()) s.operand_bits[2] = g.tensor(op.outputs[0]).elem_bits;
  s.operand_bits[1] = 0;
  if (!op.outputs.empty()) s.channels = channels_of(g.tensor(op.outputs[0]));
  for (int t : op.outputs) s.write_elements += elements_of(g, t);
  if (op.kind == OpKind::kEmbedding) {
    // A gather: only the looked-up rows of the tables are read (token row + position row per
    // output element), plus the ids.
    int64_t tables = static_cast<int64_t>(op.inputs.size()) - 1;
    s.read_elements =
        elements_of(g, op.inputs.empty() ? -1 : op.inputs[0]) + tables * s.write_elements;
  } else {
    for (int t : op.inputs) s.read_elements += elements_of(g, t);
  }
  return s;
}

const core::NameTable<Objective>& objective_names() {
  static const core::NameTable<Objective> table("mapping objective",
                                                {{Objective::kLatency, "latency"},
                                                 {Objective::kEnergy, "energy"},
                                                 {Objective::kEdp, "edp"},
                                                 {Objective::kDram, "dram"}});
  return table;
}

std::string objective_name(Objective o) {
  return objective_names().str(o);
}

std::optional<Objective> objective_from_name(const std::string& name) {
  return objective_names().find(name);
}

double OpCost::dram_bytes() const {
  double b = 0;
  for (int i = 0; i < 3; ++i) b += dram_read_bytes[i] + dram_write_bytes[i];
  return b;
}

}  // namespace monet::mapping
