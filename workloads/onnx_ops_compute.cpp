// Conv, Gemm and MatMul as loop nests, with the conventions of Builder (workloads/README.md):
// a MatMul or Gemm by a weight is a linear layer (B = leading dim, OX = middle dims), a
// product of two activations is a batched matmul (G = batch dims, OX = rows).
#include "core/checked_math.hpp"
#include "workloads/onnx_importer.hpp"

namespace monet::workloads::onnx_detail {

namespace {

int64_t product(const Shape& s, size_t from, size_t to) {
  int64_t n = 1;
  for (size_t i = from; i < to; ++i) n *= s[i];
  return n;
}

// ONNX allows different begin and end pads; a loop nest has one pad per axis. Picks the
// symmetric pad that yields the same output size (the extra row is never read), or fails.
// in <= kMaxDim and k, s, d, pb, pe <= kMaxWindow (window_axes checks), so no sum or product
// below leaves int64.
WindowAxis conv_axis(Importer& im, int64_t in, int64_t k, int64_t s, int64_t d, int64_t pb,
                     int64_t pe, bool ceil_mode, bool symmetric) {
  const int64_t extent = d * (k - 1) + 1;
  const int64_t span = in + pb + pe - extent;
  if (span < 0)
    im.fail("window " + std::to_string(k) + " (dilation " + std::to_string(d) +
            ") does not fit input size " + std::to_string(in));
  WindowAxis a;
  a.out = (ceil_mode ? (span + s - 1) / s : span / s) + 1;
  a.pad = static_cast<int>(pb);
  if (!symmetric) return a;
  for (int64_t p : {pb, (pb + pe + 1) / 2, (pb + pe) / 2})
    if ((in + 2 * p - extent) / s + 1 == a.out && in + 2 * p >= extent) {
      a.pad = static_cast<int>(p);
      return a;
    }
  im.unsupported("padding " + std::to_string(pb) + "/" + std::to_string(pe) +
                 " cannot be expressed as one symmetric pad");
}

}  // namespace

std::array<WindowAxis, 2> window_axes(Importer& im, const Shape& xs,
                                      const std::vector<int64_t>& kernel, bool dilations_allowed,
                                      bool ceil_mode, bool symmetric,
                                      const std::array<int64_t, 4>& extra) {
  const auto& n = im.node();
  auto strides = attr_ints(n, "strides", {1, 1});
  auto dil = dilations_allowed ? attr_ints(n, "dilations", {1, 1}) : std::vector<int64_t>{1, 1};
  auto pads = attr_ints(n, "pads", {0, 0, 0, 0});
  const std::string auto_pad = attr_string(n, "auto_pad", "NOTSET");
  if (kernel.size() != 2 || strides.size() != 2 || dil.size() != 2 || pads.size() != 4)
    im.fail("kernel_shape, strides, dilations and pads must describe 2 spatial axes");
  std::array<WindowAxis, 2> out;
  auto in_range = [&](int64_t v, int64_t lo, const char* what) {
    if (v < lo || v > kMaxWindow)
      im.fail(std::string(what) + " " + std::to_string(v) + " is outside [" + std::to_string(lo) +
              ", 2^31 - 1]");
  };
  for (int a = 0; a < 2; ++a) {
    const int64_t in = xs[2 + a], k = kernel[a], s = strides[a], d = dil[a];
    in_range(k, 1, "kernel size");
    in_range(s, 1, "stride");
    in_range(d, 1, "dilation");
    int64_t pb = pads[a], pe = pads[a + 2];
    in_range(pb, 0, "pad");
    in_range(pe, 0, "pad");
    pb += extra[a];  // a folded Pad's are each in [0, kMaxWindow] (onnx_patterns.cpp)
    pe += extra[a + 2];
    in_range(pb, 0, "pad (with the folded Pad node's)");
    in_range(pe, 0, "pad (with the folded Pad node's)");
    if (auto_pad == "VALID") {
      pb = pe = 0;
    } else if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      const int64_t o = (in + s - 1) / s;
      // (o - 1) * s is at most in + s - 1: no overflow.
      const int64_t total = std::max<int64_t>(0, (o - 1) * s + d * (k - 1) + 1 - in);
      if (total > 2 * kMaxWindow)
        im.fail("the SAME padding of " + std::to_string(total) + " is too large");
      pb = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      pe = total - pb;
    } else if (auto_pad != "NOTSET") {
      im.fail("unknown auto_pad '" + auto_pad + "'");
    }
    out[a] = conv_axis(im, in, k, s, d, pb, pe, ceil_mode, symmetric);
  }
  return out;
}

namespace {

void conv(Importer& im) {
  const auto& n = im.node();
  if (im.role(n.input(1)) != Role::kWeight) im.unsupported("the weights are computed at run time");
  const PadFold* padded = im.pad();
  const std::string& xin = padded ? padded->input : n.input(0);
  const int x = im.act(xin);
  const Shape xs = im.shape(xin), ws = im.shape(n.input(1));
  if (xs.size() != 4 || ws.size() != 4)
    im.unsupported("only 2-D convolutions are supported; the input is " + shape_str(xs));
  const int64_t g = attr_int(n, "group", 1);
  if (g <= 0 || g > kMaxWindow || ws[0] % g || core::checked_mul(ws[1], g) != xs[1])
    im.fail("input " + shape_str(xs) + " does not match weight " + shape_str(ws) + " with group " +
            std::to_string(g));
  auto kernel = attr_ints(n, "kernel_shape", {ws[2], ws[3]});
  if (kernel != std::vector<int64_t>{ws[2], ws[3]})
    im.fail("kernel_shape differs from the weight " + shape_str(ws));
  auto axes = window_axes(im, xs, kernel, true, false, true,
                          padded ? padded->pads : std::array<int64_t, 4>{});
  auto strides = attr_ints(n, "strides", {1, 1});
  auto dil = attr_ints(n, "dilations", {1, 1});
  LoopNest nest;
  nest[Dim::kB] = xs[0];
  nest[Dim::kG] = g;
  nest[Dim::kK] = ws[0] / g;
  nest[Dim::kC] = ws[1];
  nest[Dim::kOY] = axes[0].out;
  nest[Dim::kOX] = axes[1].out;
  nest[Dim::kFY] = ws[2];
  nest[Dim::kFX] = ws[3];
  nest.stride_y = static_cast<int>(strides[0]);
  nest.stride_x = static_cast<int>(strides[1]);
  nest.dilation_y = static_cast<int>(dil[0]);
  nest.dilation_x = static_cast<int>(dil[1]);
  nest.pad_y = axes[0].pad;
  nest.pad_x = axes[1].pad;
  const int w = im.weight(n.input(1));
  std::vector<int> extra;
  if (im.present(2)) extra.push_back(im.weight(n.input(2)));
  if (im.bias()) extra.push_back(im.weight(im.bias()->bias));
  const std::string& value = im.bias() ? im.bias()->output : n.output(0);
  int out = im.output(value, {xs[0], ws[0], axes[0].out, axes[1].out});
  im.add_compute(OpKind::kConv, nest, x, w, out, extra);
}

// Bias of a linear layer: Gemm's C or a folded Add; a constant C adds nothing to count.
std::vector<int> linear_bias(Importer& im, int c_input) {
  std::vector<int> extra;
  if (c_input >= 0 && im.present(c_input)) {
    const std::string& c = im.node().input(c_input);
    if (im.role(c) == Role::kActivation) im.unsupported("C is computed at run time");
    if (im.role(c) == Role::kWeight) extra.push_back(im.weight(c));
  }
  if (im.bias()) extra.push_back(im.weight(im.bias()->bias));
  return extra;
}

void gemm(Importer& im) {
  const auto& n = im.node();
  const int a = im.act_input(0);
  const Shape as = im.shape(n.input(0)), bs = im.shape(n.input(1));
  if (as.size() != 2 || bs.size() != 2)
    im.fail("operands must be 2-D, got " + shape_str(as) + " and " + shape_str(bs));
  const bool ta = attr_int(n, "transA", 0), tb = attr_int(n, "transB", 0);
  const int64_t m = ta ? as[1] : as[0], k = ta ? as[0] : as[1];
  const int64_t kb = tb ? bs[1] : bs[0], nn = tb ? bs[0] : bs[1];
  if (k != kb) im.fail("reduction sizes differ: " + shape_str(as) + " and " + shape_str(bs));
  LoopNest nest;
  int w = -1;
  if (im.role(n.input(1)) == Role::kWeight) {
    w = im.weight(n.input(1));
    nest[Dim::kB] = m;
  } else {
    w = im.act_input(1);
    nest[Dim::kOX] = m;
  }
  nest[Dim::kK] = nn;
  nest[Dim::kC] = k;
  auto extra = linear_bias(im, 2);
  const std::string& value = im.bias() ? im.bias()->output : n.output(0);
  int out = im.output(value, {m, nn});
  im.add_compute(OpKind::kMatmul, nest, a, w, out, extra);
}

void matmul(Importer& im) {
  const auto& n = im.node();
  const int a = im.act_input(0);
  const Shape as = im.shape(n.input(0)), bs = im.shape(n.input(1));
  if (as.size() < 2 || bs.size() < 2)
    im.unsupported("1-D operands are not supported: " + shape_str(as) + " · " + shape_str(bs));
  const size_t r = as.size();
  const bool weight = im.role(n.input(1)) == Role::kWeight;
  if (bs[bs.size() - 2] != as[r - 1])
    im.fail("reduction sizes differ: " + shape_str(as) + " · " + shape_str(bs));
  LoopNest nest;
  nest[Dim::kK] = bs.back();
  nest[Dim::kC] = as[r - 1];
  if (bs.size() == 2) {
    // x · W (a linear layer); W may also be an activation shared by every row.
    nest[Dim::kB] = as[0];
    nest[Dim::kOX] = product(as, 1, r - 1);
  } else if (weight) {
    im.unsupported("batched weights " + shape_str(bs) + " are not supported");
  } else if (bs.size() != r || !std::equal(as.begin(), as.end() - 2, bs.begin())) {
    im.unsupported("batch dimensions of " + shape_str(as) + " and " + shape_str(bs) +
                   " differ (broadcasting is not supported)");
  } else {
    nest[Dim::kG] = product(as, 0, r - 2);
    nest[Dim::kOX] = as[r - 2];
  }
  const int w = weight ? im.weight(n.input(1)) : im.act_input(1);
  auto extra = linear_bias(im, -1);
  Shape os = as;
  os.back() = bs.back();
  const std::string& value = im.bias() ? im.bias()->output : n.output(0);
  int out = im.output(value, os);
  im.add_compute(OpKind::kMatmul, nest, a, w, out, extra);
}

}  // namespace

void register_compute_ops(ConverterTable& t) {
  t["Conv"] = conv;
  t["Gemm"] = gemm;
  t["MatMul"] = matmul;
}

}  // namespace monet::workloads::onnx_detail
