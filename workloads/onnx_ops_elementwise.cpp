// Element-streaming nodes: activations, normalisations, arithmetic, pooling and reductions.
// ONNX activations without an OpKind of their own take the kind with the same cost and the
// same backward rule: Tanh and HardSigmoid are priced as Sigmoid (4 ops, the backward reads
// the output), HardSwish as SiLU (5: add, two clamps, two multiplies), Clip as ReLU (two
// compares instead of one).
#include "workloads/builder.hpp"
#include "workloads/onnx_importer.hpp"

namespace monet::workloads::onnx_detail {

namespace {

// Outputs beyond the first (BatchNorm running stats, LayerNorm mean, MaxPool indices, Dropout
// mask) are not modelled; a model that reads them is rejected.
void require_unread_extras(Importer& im) {
  const auto& n = im.node();
  for (int i = 1; i < n.output_size(); ++i)
    if (!n.output(i).empty() && im.is_read(n.output(i)))
      im.unsupported("output " + std::to_string(i) + " ('" + n.output(i) +
                     "') is read, but only the first output is modelled");
}

void unary(Importer& im, OpKind kind, double ops) {
  const auto& n = im.node();
  require_unread_extras(im);
  const int x = im.act_input(0);
  const Shape s = im.shape(n.input(0));
  int out = im.output(n.output(0), s);
  im.add_element(kind, {x}, {out}, elements_of(s), ops);
}

Converter activation(OpKind kind, double ops = -1) {
  return
      [kind, ops](Importer& im) { unary(im, kind, ops < 0 ? default_ops_per_element(kind) : ops); };
}

void identity(Importer& im) {
  im.alias(im.node().output(0), im.act_input(0));
}

// Where(condition, x, y) with a constant condition choosing between one computed tensor and a
// constant: a mask on attention scores (GPT-2's causal mask, masked_fill). Like the built-in
// models, which do not subtract the masked positions, it costs nothing: the output is the
// computed operand.
void where(Importer& im) {
  const auto& n = im.node();
  if (im.role(n.input(0)) != Role::kConstant)
    im.unsupported("the condition is computed at run time");
  const bool x = im.role(n.input(1)) == Role::kActivation,
             y = im.role(n.input(2)) == Role::kActivation;
  if (x == y) im.unsupported("it selects between two computed tensors");
  const std::string& v = n.input(x ? 1 : 2);
  if (auto os = im.model_shape(n.output(0)); os && *os != im.shape(v))
    im.unsupported("it broadcasts '" + v + "' " + shape_str(im.shape(v)) + " to " + shape_str(*os));
  im.alias(n.output(0), im.act(v));
}

void normalisation(Importer& im, OpKind kind) {
  const auto& n = im.node();
  require_unread_extras(im);
  const int x = im.act_input(0);
  const Shape s = im.shape(n.input(0));
  // LayerNormalization's bias is optional (opset 17; bias=False in PyTorch); BatchNorm has both.
  const std::vector<int> params = im.present(2) ? std::vector<int>{1, 2} : std::vector<int>{1};
  if (kind == OpKind::kBatchNorm && params.size() < 2)
    im.fail("BatchNormalization needs a scale and a bias");
  if (s.size() < 2) im.fail("input " + shape_str(s) + " has no feature dimension");
  int64_t features = kind == OpKind::kBatchNorm ? s[1] : elements_of(im.shape(n.input(1)));
  if (kind == OpKind::kLayerNorm) {
    // The statistics run over the dims from `axis` on; the scale holds one value per element
    // of them (the axis range itself is checked before shape inference).
    int64_t axis = attr_int(n, "axis", -1);
    const auto rank = static_cast<int64_t>(s.size());
    if (axis < 0) axis += rank;
    if (axis < 0 || axis >= rank)
      im.fail("attribute 'axis' " + std::to_string(attr_int(n, "axis", -1)) +
              " is outside the input's " + std::to_string(rank) + " dims");
    const Shape normalised(s.begin() + axis, s.end());
    if (elements_of(im.shape(n.input(1))) != elements_of(normalised))
      im.fail("scale '" + n.input(1) + "' " + shape_str(im.shape(n.input(1))) +
              " does not match the dims " + shape_str(normalised) + " that axis " +
              std::to_string(axis) + " normalises");
    features = elements_of(normalised);
  }
  std::vector<int> inputs = {x};
  for (int i : params) {
    if (elements_of(im.shape(n.input(i))) != features)
      im.fail("parameter '" + n.input(i) + "' " + shape_str(im.shape(n.input(i))) +
              " does not match input " + shape_str(s));
    inputs.push_back(im.weight(n.input(i)));
  }
  int out = im.output(n.output(0), s);
  im.add_element(kind, inputs, {out}, elements_of(s), default_ops_per_element(kind));
}

std::optional<Shape> broadcast(const Shape& a, const Shape& b) {
  Shape out(std::max(a.size(), b.size()), 1);
  for (size_t i = 0; i < out.size(); ++i) {
    int64_t da = i < out.size() - a.size() ? 1 : a[i - (out.size() - a.size())];
    int64_t db = i < out.size() - b.size() ? 1 : b[i - (out.size() - b.size())];
    if (da != db && da != 1 && db != 1) return std::nullopt;
    out[i] = std::max(da, db);
  }
  return out;
}

// Add/Sub → kAdd, Mul/Div → kMul. A constant operand (a scalar shift or scale, such as the
// attention's 1/√d) is fused into the neighbouring op at no cost, as in the built-in models.
void binary(Importer& im) {
  const auto& n = im.node();
  const bool add = n.op_type() == "Add" || n.op_type() == "Sub";
  const std::string &a = n.input(0), &b = n.input(1);
  const Role ra = im.role(a), rb = im.role(b);
  auto out_shape = broadcast(im.shape(a), im.shape(b));
  if (!out_shape)
    im.fail("shapes " + shape_str(im.shape(a)) + " and " + shape_str(im.shape(b)) +
            " do not broadcast");
  // `big` has the output shape; between equal shapes, the computed operand comes first.
  const bool b_first =
      im.shape(a) != *out_shape || (im.shape(b) == *out_shape && ra != Role::kActivation);
  const std::string& big = b_first ? b : a;
  const std::string& small = b_first ? a : b;
  if (ra == Role::kConstant || rb == Role::kConstant) {
    const std::string& x = ra == Role::kConstant ? b : a;
    if (im.shape(x) != *out_shape)
      im.unsupported("broadcasts '" + x + "' to a constant's larger shape");
    im.alias(n.output(0), im.act(x));
    return;
  }
  if (im.shape(big) != *out_shape)
    im.unsupported("neither operand has the output shape " + shape_str(*out_shape));
  const bool same = im.shape(a) == im.shape(b);
  int first = -1, second = -1;
  if (im.role(small) == Role::kWeight) {
    first = im.act(big);
    second = im.weight(small);
    if (add && !same)
      im.unsupported("adds parameter '" + small + "' " + shape_str(im.shape(small)) +
                     " by broadcasting; only the bias of a Conv, MatMul or Gemm may be");
  } else if (im.role(big) == Role::kWeight) {
    im.unsupported("the parameter operand is larger than the computed one");
  } else {
    if (add && !same)
      im.unsupported("adds tensors of different shapes " + shape_str(im.shape(a)) + " and " +
                     shape_str(im.shape(b)) + " (broadcasting)");
    first = im.act(big);
    second = im.act(small);
  }
  const OpKind kind = add ? OpKind::kAdd : OpKind::kMul;
  int out = im.output(n.output(0), *out_shape);
  im.add_element(kind, {first, second}, {out}, elements_of(*out_shape),
                 default_ops_per_element(kind));
}

void pool(Importer& im, OpKind kind) {
  const auto& n = im.node();
  const int x = im.act_input(0);
  const Shape s = im.shape(n.input(0));
  if (s.size() != 4) im.unsupported("only 2-D pooling is supported; the input is " + shape_str(s));
  require_unread_extras(im);
  auto kernel = attr_ints(n, "kernel_shape");
  auto axes =
      window_axes(im, s, kernel, kind == OpKind::kMaxPool, attr_int(n, "ceil_mode", 0), false);
  const Shape os = {s[0], s[1], axes[0].out, axes[1].out};
  const int64_t window = kernel[0] * kernel[1];  // each <= kMaxWindow (window_axes)
  int out = im.output(n.output(0), os);
  im.add_element(kind, {x}, {out}, elements_of(os), static_cast<double>(window), window);
}

// GlobalAveragePool and ReduceMean: one add per input element (the built-in convention).
void mean(Importer& im, const Shape& os) {
  const auto& n = im.node();
  const int x = im.act_input(0);
  const Shape s = im.shape(n.input(0));
  int out = im.output(n.output(0), os);
  im.add_element(OpKind::kGlobalAvgPool, {x}, {out}, elements_of(s),
                 default_ops_per_element(OpKind::kGlobalAvgPool), elements_of(s) / elements_of(os));
}

void global_pool(Importer& im, bool max) {
  const Shape s = im.shape(im.node().input(0));
  if (s.size() < 3) im.fail("input " + shape_str(s) + " has no spatial dimensions");
  Shape os(s.size(), 1);
  os[0] = s[0];
  os[1] = s[1];
  if (!max) return mean(im, os);
  const int64_t window = elements_of(s) / elements_of(os);
  int out = im.output(im.node().output(0), os);
  im.add_element(OpKind::kMaxPool, {im.act_input(0)}, {out}, elements_of(os),
                 static_cast<double>(window), window);
}

void reduce_mean(Importer& im) {
  const auto& n = im.node();
  const Shape s = im.shape(n.input(0));
  std::optional<std::vector<int64_t>> axes = attr_ints(n, "axes");
  if (axes->empty() && im.present(1)) axes = im.ints(n.input(1));
  if (!axes) {
    auto os = im.model_shape(n.output(0));
    if (!os)
      im.fail("the shape of output '" + n.output(0) +
              "' is unknown: shape inference could not determine it and the axes are not "
              "constant");
    return mean(im, *os);
  }
  std::vector<bool> reduced(s.size(), axes->empty());  // no axes: reduce everything
  for (int64_t a : *axes) {
    auto ax = norm_axis(a, s.size());
    if (!ax) im.fail("axis " + std::to_string(a) + " out of range for " + shape_str(s));
    reduced[*ax] = true;
  }
  Shape os;
  for (size_t i = 0; i < s.size(); ++i)
    if (!reduced[i])
      os.push_back(s[i]);
    else if (attr_int(n, "keepdims", 1))
      os.push_back(1);
  mean(im, os);
}

}  // namespace

void register_elementwise_ops(ConverterTable& t) {
  t["Relu"] = activation(OpKind::kRelu);
  t["LeakyRelu"] = activation(OpKind::kLeakyRelu);
  t["Sigmoid"] = activation(OpKind::kSigmoid);
  t["HardSigmoid"] = activation(OpKind::kSigmoid);
  t["Tanh"] = activation(OpKind::kSigmoid);
  t["HardSwish"] = activation(OpKind::kSilu);
  t["Gelu"] = activation(OpKind::kGelu);
  t["Clip"] = activation(OpKind::kRelu, 2);
  t["Softmax"] = activation(OpKind::kSoftmax);
  t["Dropout"] = activation(OpKind::kDropout);
  t["Identity"] = identity;
  t["Cast"] = identity;
  t["Where"] = where;
  t["BatchNormalization"] = [](Importer& im) { normalisation(im, OpKind::kBatchNorm); };
  t["LayerNormalization"] = [](Importer& im) { normalisation(im, OpKind::kLayerNorm); };
  for (const char* op : {"Add", "Sub", "Mul", "Div"}) t[op] = binary;
  t["MaxPool"] = [](Importer& im) { pool(im, OpKind::kMaxPool); };
  t["AveragePool"] = [](Importer& im) { pool(im, OpKind::kAvgPool); };
  t["GlobalAveragePool"] = [](Importer& im) { global_pool(im, false); };
  t["GlobalMaxPool"] = [](Importer& im) { global_pool(im, true); };
  t["ReduceMean"] = reduce_mean;
}

}  // namespace monet::workloads::onnx_detail
