#include "workloads/builder.hpp"

#include "core/checked_math.hpp"
#include "core/error.hpp"

namespace monet::workloads {

namespace {
std::string shape_str(const Shape& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? "x" : "") + std::to_string(s[i]);
  return out + "]";
}
int64_t product(const Shape& s, size_t from, size_t to) {
  return core::checked_product(s, "product of dimensions of " + shape_str(s), from, to);
}
int64_t elements_of(const Shape& s) {
  return product(s, 0, s.size());
}
// RMSNorm: x², Σ, ·rsqrt, ·γ. RoPE: x·cos, rotate_half(x)·sin, +.
constexpr double kRmsNormOps = 4;
constexpr double kRopeOps = 3;
// Op fields that are `int` (padding, pooling windows) must not be truncated.
int as_small(int64_t v, const std::string& what) {
  if (v < 0 || v > (int64_t{1} << 28))
    throw core::Error(what + " " + std::to_string(v) + " is out of range (at most 2^28)");
  return static_cast<int>(v);
}
}  // namespace

double default_ops_per_element(OpKind kind) {
  switch (kind) {
    case OpKind::kRelu:
      return 1;
    case OpKind::kLeakyRelu:
      return 2;
    case OpKind::kSigmoid:
      return 4;
    case OpKind::kSilu:
      return 5;
    case OpKind::kGelu:
      return 9;  // tanh approximation
    case OpKind::kSoftmax:
      return 5;
    case OpKind::kDropout:
      return 2;
    case OpKind::kAdd:
    case OpKind::kMul:
      return 1;
    case OpKind::kBatchNorm:
      return 6;  // mean, variance, normalise, scale, shift
    case OpKind::kLayerNorm:
      return 7;
    case OpKind::kEmbedding:
      return 1;  // position add
    case OpKind::kGlobalAvgPool:
      return 1;
    case OpKind::kLoss:
      return 6;
    default:
      return 0;
  }
}

Builder::Builder(std::string graph_name, int elem_bits)
    : graph_(std::move(graph_name)), elem_bits_(elem_bits) {}

Builder::Builder(Graph graph, int elem_bits) : graph_(std::move(graph)), elem_bits_(elem_bits) {}

int Builder::input(const std::string& name, Shape shape, TensorKind kind) {
  return graph_.add_tensor(name, std::move(shape), elem_bits_, kind);
}

int Builder::param(const std::string& name, Shape shape) {
  return graph_.add_tensor(name, std::move(shape), elem_bits_, TensorKind::kParameter);
}

int Builder::new_activation(const std::string& name, Shape shape) {
  return graph_.add_tensor(name, std::move(shape), elem_bits_, TensorKind::kActivation);
}

int Builder::element_op(const std::string& name, OpKind kind, std::vector<int> inputs,
                        Shape out_shape, int64_t elements, int window) {
  int out = new_activation(name, out_shape);
  Op op;
  op.name = name;
  op.kind = kind;
  op.inputs = std::move(inputs);
  op.outputs = {out};
  op.block = block_;
  op.elements = elements;
  op.window = window;
  op.ops_per_element = kind == OpKind::kMaxPool || kind == OpKind::kAvgPool
                           ? static_cast<double>(window)
                           : default_ops_per_element(kind);
  graph_.add_op(std::move(op));
  return out;
}

int Builder::add_compute(const std::string& name, OpKind kind, const LoopNest& nest, int in, int w,
                         Shape out_shape, std::vector<int> extra_inputs) {
  int out = new_activation(name, std::move(out_shape));
  Op op;
  op.name = name;
  op.kind = kind;
  op.inputs = {in};
  if (w >= 0) op.inputs.push_back(w);
  for (int e : extra_inputs) op.inputs.push_back(e);
  op.outputs = {out};
  op.block = block_;
  op.nest = nest;
  op.operand_tensor = {in, w, out};
  graph_.add_op(std::move(op));
  return out;
}

int Builder::conv(const std::string& name, int x, int64_t out_channels, int kernel, int stride,
                  int pad, int groups, bool bias, int dilation) {
  Shape s = shape(x);  // a copy: param() may reallocate the tensor table
  if (s.size() != 4)
    throw core::Error("conv '" + name + "': input must be [B, C, H, W], got " + shape_str(s));
  if (kernel <= 0 || stride <= 0 || groups <= 0 || dilation <= 0 || out_channels <= 0)
    throw core::Error("conv '" + name +
                      "': kernel, stride, groups, dilation, channels must be > 0");
  if (pad < 0) pad = as_small(int64_t{kernel / 2} * dilation, "conv '" + name + "': padding");
  int64_t c = s[1];
  if (c % groups || out_channels % groups)
    throw core::Error("conv '" + name + "': channels " + std::to_string(c) + " -> " +
                      std::to_string(out_channels) + " not divisible by groups " +
                      std::to_string(groups));
  // Checked before dividing: C++ division truncates toward zero, so a too-large kernel with
  // stride > 1 would otherwise still yield one output row.
  const int64_t extent = static_cast<int64_t>(dilation) * (kernel - 1) + 1;
  if (s[2] + 2 * pad < extent || s[3] + 2 * pad < extent)
    throw core::Error("conv '" + name + "': kernel " + std::to_string(kernel) +
                      " does not fit input " + shape_str(s));
  int64_t oy = (s[2] + 2 * pad - extent) / stride + 1;
  int64_t ox = (s[3] + 2 * pad - extent) / stride + 1;
  LoopNest n;
  n[Dim::kB] = s[0];
  n[Dim::kG] = groups;
  n[Dim::kK] = out_channels / groups;
  n[Dim::kC] = c / groups;
  n[Dim::kOY] = oy;
  n[Dim::kOX] = ox;
  n[Dim::kFY] = kernel;
  n[Dim::kFX] = kernel;
  n.stride_y = n.stride_x = stride;
  n.dilation_y = n.dilation_x = dilation;
  n.pad_y = n.pad_x = pad;
  int w = param(name + ".weight", {out_channels, c / groups, kernel, kernel});
  std::vector<int> extra;
  if (bias) extra.push_back(param(name + ".bias", {out_channels}));
  return add_compute(name, OpKind::kConv, n, x, w, {s[0], out_channels, oy, ox}, extra);
}

int Builder::linear(const std::string& name, int x, int64_t out_features, bool bias, int weight) {
  Shape s = shape(x);
  if (s.size() < 2)
    throw core::Error("linear '" + name + "': input must be [B, ..., features], got " +
                      shape_str(s));
  int64_t in = s.back();
  if (weight >= 0) {
    const Shape& ws = shape(weight);
    if (ws.size() != 2 || ws[0] != out_features || ws[1] != in)
      throw core::Error("linear '" + name + "': shared weight " + shape_str(ws) + " is not [" +
                        std::to_string(out_features) + ", " + std::to_string(in) + "]");
  } else {
    weight = param(name + ".weight", {out_features, in});
  }
  LoopNest n;
  n[Dim::kB] = s[0];
  n[Dim::kOX] = product(s, 1, s.size() - 1);
  n[Dim::kK] = out_features;
  n[Dim::kC] = in;
  std::vector<int> extra;
  if (bias) extra.push_back(param(name + ".bias", {out_features}));
  Shape out = s;
  out.back() = out_features;
  return add_compute(name, OpKind::kMatmul, n, x, weight, out, extra);
}

int Builder::matmul(const std::string& name, int a, int b, bool b_transposed) {
  const Shape& sa = shape(a);
  const Shape& sb = shape(b);
  if (sa.size() < 2 || sb.size() != sa.size())
    throw core::Error("matmul '" + name + "': operands " + shape_str(sa) + " and " + shape_str(sb) +
                      " must have the same rank >= 2");
  size_t r = sa.size();
  for (size_t i = 0; i + 2 < r; ++i)
    if (sa[i] != sb[i])
      throw core::Error("matmul '" + name + "': batch dims of " + shape_str(sa) + " and " +
                        shape_str(sb) + " differ");
  int64_t m = sa[r - 2], red = sa[r - 1];
  int64_t red_b = b_transposed ? sb[r - 1] : sb[r - 2];
  int64_t nn = b_transposed ? sb[r - 2] : sb[r - 1];
  if (red != red_b)
    throw core::Error("matmul '" + name + "': reduction sizes differ: " + shape_str(sa) + " · " +
                      shape_str(sb) + (b_transposed ? "ᵀ" : ""));
  LoopNest n;
  n[Dim::kG] = product(sa, 0, r - 2);
  n[Dim::kOX] = m;
  n[Dim::kK] = nn;
  n[Dim::kC] = red;
  Shape out = sa;
  out[r - 1] = nn;
  return add_compute(name, OpKind::kMatmul, n, a, b, out, {});
}

int Builder::batchnorm(const std::string& name, int x) {
  Shape s = shape(x);  // a copy: param() may reallocate the tensor table
  if (s.size() < 2) throw core::Error("batchnorm '" + name + "': input needs a channel dim");
  int g = param(name + ".weight", {s[1]});
  int b = param(name + ".bias", {s[1]});
  return element_op(name, OpKind::kBatchNorm, {x, g, b}, s, elements_of(s));
}

int Builder::layernorm(const std::string& name, int x) {
  Shape s = shape(x);  // a copy: param() may reallocate the tensor table
  int g = param(name + ".weight", {s.back()});
  int b = param(name + ".bias", {s.back()});
  return element_op(name, OpKind::kLayerNorm, {x, g, b}, s, elements_of(s));
}

int Builder::rmsnorm(const std::string& name, int x) {
  Shape s = shape(x);  // a copy: param() may reallocate the tensor table
  int g = param(name + ".weight", {s.back()});
  int out = element_op(name, OpKind::kLayerNorm, {x, g}, s, elements_of(s));
  graph_.mutable_op(graph_.tensor(out).producer).ops_per_element = kRmsNormOps;
  return out;
}

int Builder::rope(const std::string& name, int x, int table) {
  Shape s = shape(x);
  const Shape& t = shape(table);
  if (s.size() < 2 || t.size() != 2 || t[1] != s.back() || s[s.size() - 2] % t[0])
    throw core::Error("rope '" + name + "': table " + shape_str(t) + " does not match " +
                      shape_str(s) + " (rows of positions × head_dim)");
  int out = element_op(name, OpKind::kMul, {x, table}, s, elements_of(s));
  graph_.mutable_op(graph_.tensor(out).producer).ops_per_element = kRopeOps;
  return out;
}

int Builder::take_last(const std::string& name, int x) {
  Shape s = shape(x);
  if (s.size() != 3) throw core::Error("take_last '" + name + "': input must be [B, T, D]");
  s[1] = 1;
  return element_op(name, OpKind::kConcat, {x}, s, elements_of(s));
}

int Builder::unary(const std::string& name, int x, OpKind kind) {
  Shape s = shape(x);
  return element_op(name, kind, {x}, s, elements_of(s));
}

int Builder::softmax(const std::string& name, int x) {
  return unary(name, x, OpKind::kSoftmax);
}

int Builder::add(const std::string& name, int a, int b) {
  if (shape(a) != shape(b))
    throw core::Error("add '" + name + "': shapes " + shape_str(shape(a)) + " and " +
                      shape_str(shape(b)) + " differ");
  Shape s = shape(a);
  return element_op(name, OpKind::kAdd, {a, b}, s, elements_of(s));
}

int Builder::mul(const std::string& name, int a, int b) {
  if (shape(a) != shape(b))
    throw core::Error("mul '" + name + "': shapes " + shape_str(shape(a)) + " and " +
                      shape_str(shape(b)) + " differ");
  Shape s = shape(a);
  return element_op(name, OpKind::kMul, {a, b}, s, elements_of(s));
}

namespace {
Shape pooled(const std::string& name, const Shape& s, int kernel, int stride, int pad) {
  if (s.size() != 4) throw core::Error("pool '" + name + "': input must be [B, C, H, W]");
  if (kernel <= 0 || stride <= 0 || pad < 0)
    throw core::Error("pool '" + name + "': kernel and stride must be > 0");
  if (s[2] + 2 * pad < kernel || s[3] + 2 * pad < kernel)
    throw core::Error("pool '" + name + "': window " + std::to_string(kernel) +
                      " larger than input " + shape_str(s));
  int64_t oy = (s[2] + 2 * pad - kernel) / stride + 1;
  int64_t ox = (s[3] + 2 * pad - kernel) / stride + 1;
  return {s[0], s[1], oy, ox};
}
}  // namespace

int Builder::maxpool(const std::string& name, int x, int kernel, int stride, int pad) {
  Shape out = pooled(name, shape(x), kernel, stride, pad);
  return element_op(name, OpKind::kMaxPool, {x}, out, elements_of(out),
                    as_small(int64_t{kernel} * kernel, "maxpool '" + name + "': window"));
}

int Builder::avgpool(const std::string& name, int x, int kernel, int stride, int pad) {
  Shape out = pooled(name, shape(x), kernel, stride, pad);
  return element_op(name, OpKind::kAvgPool, {x}, out, elements_of(out),
                    as_small(int64_t{kernel} * kernel, "avgpool '" + name + "': window"));
}

int Builder::global_avgpool(const std::string& name, int x) {
  const Shape& s = shape(x);
  if (s.size() != 4) throw core::Error("global_avgpool '" + name + "': input must be 4-D");
  return element_op(name, OpKind::kGlobalAvgPool, {x}, {s[0], s[1]}, elements_of(s),
                    as_small(product(s, 2, 4), "global_avgpool '" + name + "': window"));
}

int Builder::upsample(const std::string& name, int x, int64_t out_h, int64_t out_w) {
  const Shape s = shape(x);
  if (s.size() != 4 || out_h < s[2] || out_w < s[3])
    throw core::Error("upsample '" + name + "': input " + shape_str(s) + " to " +
                      std::to_string(out_h) + "x" + std::to_string(out_w) +
                      " must be 4-D and not shrink");
  Shape out = {s[0], s[1], out_h, out_w};
  // Priced as the ONNX importer prices a bilinear Resize: a weighted average of 2 inputs per
  // resized axis is average pooling over that window, 2·window − 1 ops per output element
  // (its backward spreads dy over the window).
  int64_t window = (out_h != s[2] ? 2 : 1) * (out_w != s[3] ? 2 : 1);
  int id = element_op(name, OpKind::kAvgPool, {x}, out, elements_of(out), static_cast<int>(window));
  graph_.mutable_op(graph_.tensor(id).producer).ops_per_element =
      static_cast<double>(2 * window - 1);
  return id;
}

int Builder::reshape(const std::string& name, int x, Shape out) {
  if (elements_of(out) != elements_of(shape(x)))
    throw core::Error("reshape '" + name + "': " + shape_str(shape(x)) + " -> " + shape_str(out) +
                      " changes the element count");
  return element_op(name, OpKind::kReshape, {x}, out, elements_of(out));
}

std::vector<int> Builder::split(const std::string& name, int x, const std::vector<Shape>& shapes) {
  int64_t total = 0;
  for (auto& s : shapes) total += elements_of(s);
  if (total != elements_of(shape(x)))
    throw core::Error("split '" + name + "': parts do not add up to " + shape_str(shape(x)));
  std::vector<int> outs;
  for (size_t i = 0; i < shapes.size(); ++i)
    outs.push_back(new_activation(name + "." + std::to_string(i), shapes[i]));
  Op op;
  op.name = name;
  op.kind = OpKind::kReshape;
  op.inputs = {x};
  op.outputs = outs;
  op.block = block_;
  op.elements = total;
  graph_.add_op(std::move(op));
  return outs;
}

int Builder::concat(const std::string& name, const std::vector<int>& xs, int axis) {
  if (xs.empty()) throw core::Error("concat '" + name + "': no inputs");
  Shape out = shape(xs[0]);
  if (axis < 0 || axis >= static_cast<int>(out.size()))
    throw core::Error("concat '" + name + "': axis out of range");
  for (size_t i = 1; i < xs.size(); ++i) {
    const Shape& s = shape(xs[i]);
    if (s.size() != out.size()) throw core::Error("concat '" + name + "': ranks differ");
    for (size_t d = 0; d < s.size(); ++d)
      if (static_cast<int>(d) != axis && s[d] != out[d])
        throw core::Error("concat '" + name + "': " + shape_str(s) + " does not match " +
                          shape_str(shape(xs[0])) + " outside axis " + std::to_string(axis));
    out[axis] += s[axis];
  }
  return element_op(name, OpKind::kConcat, xs, out, elements_of(out));
}

int Builder::embedding(const std::string& name, int ids, int64_t vocab, int64_t dim,
                       int64_t positions) {
  Shape s = shape(ids);  // a copy: param() may reallocate the tensor table
  if (s.size() != 2) throw core::Error("embedding '" + name + "': ids must be [B, T]");
  if (positions && s[1] > positions)
    throw core::Error("embedding '" + name + "': sequence " + std::to_string(s[1]) + " exceeds " +
                      std::to_string(positions) + " positions");
  std::vector<int> in = {ids, param(name + ".weight", {vocab, dim})};
  if (positions) in.push_back(param(name + ".position", {positions, dim}));
  Shape out = {s[0], s[1], dim};
  return element_op(name, OpKind::kEmbedding, in, out, elements_of(out));
}

Graph Builder::finish() {
  graph_.validate();
  return std::move(graph_);
}

}  // namespace monet::workloads
