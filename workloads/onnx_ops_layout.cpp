// Layout nodes (they move data, they do not compute: 0 ops per element) and lookups.
// Flatten, Reshape, Transpose, Squeeze, Unsqueeze and Split keep the element count and become
// reshape ops; Concat, Slice and Gather of an activation copy a part of their input and
// become concat ops (whose backward scatters the gradient back, as a slice's does); Gather
// of a weight by computed indices is an embedding lookup.
#include <cmath>
#include <limits>

#include "workloads/builder.hpp"
#include "workloads/onnx_importer.hpp"

namespace monet::workloads::onnx_detail {

namespace {

void layout(Importer& im, OpKind kind, const Shape& os) {
  const int x = im.act_input(0);
  int out = im.output(im.node().output(0), os);
  im.add_element(kind, {x}, {out}, elements_of(os), default_ops_per_element(kind));
}

void reshape_to(Importer& im, const Shape& os) {
  const Shape s = im.shape(im.node().input(0));
  if (elements_of(os) != elements_of(s))
    im.fail("target shape " + shape_str(os) + " does not fit input " + shape_str(s) +
            " (a target that fixes the batch cannot follow a --batch change; re-export with a "
            "dynamic batch)");
  layout(im, OpKind::kReshape, os);
}

// Shape from the model (inference) when the node's integer operands are not constants.
void reshape_from_model(Importer& im, const std::string& what) {
  const auto& n = im.node();
  auto s = im.model_shape(n.output(0));
  if (!s)
    im.fail("the shape of output '" + n.output(0) +
            "' is unknown: shape inference could not determine it and " + what);
  reshape_to(im, *s);
}

// Integer operand: attribute (older opsets) or constant input (newer ones).
std::optional<std::vector<int64_t>> int_operand(Importer& im, const std::string& attr, int input) {
  if (find_attr(im.node(), attr)) return attr_ints(im.node(), attr);
  if (input >= 0 && im.present(input)) return im.ints(im.node().input(input));
  return std::vector<int64_t>{};
}

void flatten(Importer& im) {
  const Shape s = im.shape(im.node().input(0));
  auto axis = norm_axis(attr_int(im.node(), "axis", 1), s.size() + 1);
  if (!axis) im.fail("axis out of range for " + shape_str(s));
  int64_t outer = 1, inner = 1;
  for (size_t i = 0; i < s.size(); ++i) (static_cast<int64_t>(i) < *axis ? outer : inner) *= s[i];
  reshape_to(im, {outer, inner});
}

void reshape(Importer& im) {
  const auto& n = im.node();
  // Found by fuzzing: a Reshape without its shape input read past the node's inputs.
  if (n.input_size() != 2)
    im.fail("Reshape takes 2 inputs (data, shape), this node has " +
            std::to_string(n.input_size()));
  const Shape s = im.shape(n.input(0));
  auto target = im.ints(n.input(1));
  if (!target)
    return reshape_from_model(im, "the target shape '" + n.input(1) + "' is not a constant");
  const bool allowzero = attr_int(n, "allowzero", 0);
  Shape os;
  int infer = -1;
  for (size_t i = 0; i < target->size(); ++i) {
    int64_t d = (*target)[i];
    if (d == 0 && !allowzero) {
      if (i >= s.size()) im.fail("target dim " + std::to_string(i) + " copies a missing input dim");
      d = s[i];
    }
    if (d == -1) {
      if (infer >= 0) im.fail("target shape has more than one -1");
      infer = static_cast<int>(i);
      d = 1;
    }
    os.push_back(d);
  }
  if (infer >= 0) {
    const int64_t known = elements_of(os);
    if (known <= 0 || elements_of(s) % known)
      im.fail("target shape does not fit input " + shape_str(s));
    os[infer] = elements_of(s) / known;
  }
  reshape_to(im, os);
}

void transpose(Importer& im) {
  const Shape s = im.shape(im.node().input(0));
  auto perm = attr_ints(im.node(), "perm");
  if (perm.empty())
    for (size_t i = s.size(); i-- > 0;) perm.push_back(static_cast<int64_t>(i));
  if (perm.size() != s.size()) im.fail("perm does not match input " + shape_str(s));
  Shape os;
  std::vector<bool> used(s.size(), false);
  for (int64_t p : perm) {
    if (p < 0 || p >= static_cast<int64_t>(s.size()) || used[p])
      im.fail("perm is not a permutation of the " + std::to_string(s.size()) + " axes");
    used[p] = true;
    os.push_back(s[p]);
  }
  reshape_to(im, os);
}

void squeeze(Importer& im, bool un) {
  const Shape s = im.shape(im.node().input(0));
  auto axes = int_operand(im, "axes", 1);
  if (!axes) return reshape_from_model(im, "the axes are not constant");
  const size_t rank = un ? s.size() + axes->size() : s.size();
  std::vector<bool> marked(rank, false);
  for (int64_t a : *axes) {
    auto ax = norm_axis(a, rank);
    if (!ax) im.fail("axis " + std::to_string(a) + " out of range");
    if (marked[*ax]) im.fail("axis " + std::to_string(a) + " is listed twice");
    if (!un && s[*ax] != 1)
      im.fail("axis " + std::to_string(a) + " of " + shape_str(s) + " does not have size 1");
    marked[*ax] = true;
  }
  Shape os;
  for (size_t i = 0, j = 0; i < rank; ++i) {
    if (un) {
      os.push_back(marked[i] ? 1 : s[j++]);
    } else if (!(axes->empty() ? s[i] == 1 : marked[i])) {
      os.push_back(s[i]);
    }
  }
  reshape_to(im, os);
}

void concat(Importer& im) {
  const auto& n = im.node();
  std::vector<int> inputs;
  Shape os;
  for (const auto& in : n.input()) {
    if (in.empty()) continue;
    inputs.push_back(im.act(in));
    const Shape s = im.shape(in);
    if (os.empty()) {
      os = s;
      continue;
    }
    auto axis = norm_axis(attr_int(n, "axis", 0), os.size());
    if (!axis || s.size() != os.size()) im.fail("inputs do not concatenate: " + shape_str(s));
    for (size_t d = 0; d < s.size(); ++d)
      if (static_cast<int64_t>(d) != *axis && s[d] != os[d])
        im.fail("input " + shape_str(s) + " does not match " + shape_str(os));
    os[*axis] += s[*axis];
  }
  int out = im.output(n.output(0), os);
  im.add_element(OpKind::kConcat, inputs, {out}, elements_of(os),
                 default_ops_per_element(OpKind::kConcat));
}

void split(Importer& im) {
  const auto& n = im.node();
  const int x = im.act_input(0);
  const Shape s = im.shape(n.input(0));
  auto axis = norm_axis(attr_int(n, "axis", 0), s.size());
  if (!axis) im.fail("axis out of range for " + shape_str(s));
  auto sizes = int_operand(im, "split", 1);
  const int parts = n.output_size();
  if (sizes && sizes->empty()) {
    // Opset 18's num_outputs: parts of ceil(dim / parts), the last one smaller.
    const int64_t dim = s[*axis], chunk = (dim + parts - 1) / parts;
    if (dim % parts && (im.opset() < 18 || chunk * (parts - 1) >= dim))
      im.fail("cannot split " + shape_str(s) + " into " + std::to_string(parts) + " parts");
    sizes = std::vector<int64_t>(parts, chunk);
    sizes->back() = dim - chunk * (parts - 1);
  }
  if (sizes && static_cast<int>(sizes->size()) == parts) {
    int64_t total = 0;
    for (int64_t v : *sizes) {
      if (v < 0 || v > s[*axis]) im.fail("split size " + std::to_string(v) + " out of range");
      total += v;
    }
    if (total != s[*axis])
      im.fail("split sizes add up to " + std::to_string(total) + ", not " +
              std::to_string(s[*axis]));
  }
  std::vector<int> outs;
  for (int i = 0; i < parts; ++i) {
    if (n.output(i).empty()) continue;
    Shape os = s;
    if (sizes && static_cast<int>(sizes->size()) == parts) {
      os[*axis] = (*sizes)[i];
    } else if (auto m = im.model_shape(n.output(i))) {
      os = *m;
    } else {
      im.fail("the split sizes are not constant and output '" + n.output(i) +
              "' has no inferred shape");
    }
    outs.push_back(im.output(n.output(i), os));
  }
  im.add_element(OpKind::kReshape, {x}, outs, elements_of(s),
                 default_ops_per_element(OpKind::kReshape));
}

void slice(Importer& im) {
  const auto& n = im.node();
  const Shape s = im.shape(n.input(0));
  const bool attrs = find_attr(n, "starts") != nullptr;  // opset < 10
  auto starts = attrs ? attr_ints(n, "starts") : im.ints(n.input(1));
  auto ends = attrs ? attr_ints(n, "ends") : im.ints(n.input(2));
  auto axes = attrs ? std::optional(attr_ints(n, "axes")) : int_operand(im, "", 3);
  auto steps = attrs ? std::optional(std::vector<int64_t>{}) : int_operand(im, "", 4);
  if (!starts || !ends || !axes || !steps || starts->size() != ends->size()) {
    auto m = im.model_shape(n.output(0));
    if (!m) im.fail("the slice bounds are not constant and the output shape is unknown");
    return layout(im, OpKind::kConcat, *m);
  }
  if ((!axes->empty() && axes->size() != starts->size()) ||
      (!steps->empty() && steps->size() != starts->size()))
    im.fail("starts, ends, axes and steps differ in length");
  Shape os = s;
  for (size_t i = 0; i < starts->size(); ++i) {
    auto ax = norm_axis(axes->empty() ? static_cast<int64_t>(i) : (*axes)[i], s.size());
    const int64_t step = steps->empty() ? 1 : (*steps)[i];
    if (!ax || step == 0 || step == std::numeric_limits<int64_t>::min())
      im.fail("slice axis or step out of range");
    os[*ax] = slice_axis(s[*ax], (*starts)[i], (*ends)[i], step).length;
  }
  if (elements_of(os) == 0) im.unsupported("the slice is empty");
  layout(im, OpKind::kConcat, os);
}

// Pad: a copy into a larger (or, with negative pads, smaller) buffer; the border is written,
// not computed. Zero pads in front of a Conv are folded into it (onnx_patterns.hpp) instead.
void pad(Importer& im) {
  const auto& n = im.node();
  const Shape s = im.shape(n.input(0));
  auto pads = pad_amounts(n, im.opset(), s.size(), im.constants());
  if (!pads) {
    auto m = im.model_shape(n.output(0));
    if (!m) im.fail("the pads are not constant and the output shape is unknown");
    return layout(im, OpKind::kConcat, *m);
  }
  Shape os = s;
  for (size_t d = 0; d < s.size(); ++d) {
    const int64_t b = (*pads)[d], e = (*pads)[d + s.size()];
    if (b < -kMaxDim || b > kMaxDim || e < -kMaxDim || e > kMaxDim)
      im.fail("pad " + std::to_string(b < -kMaxDim || b > kMaxDim ? b : e) + " out of range");
    os[d] = s[d] + b + e;
  }
  layout(im, OpKind::kConcat, os);
}

// Resize and Upsample. The output shape comes from `sizes`, else floor(dim · scale), else the
// model. Nearest-neighbour resampling copies (a concat op: no arithmetic, its backward scatters
// the gradient back); linear and cubic ones are a weighted average of 2 or 4 inputs per
// resized axis, priced as average pooling over that window (one multiply per input and the
// adds, 2·window − 1 ops per output element; the backward spreads dy over the window).
void resize(Importer& im) {
  const auto& n = im.node();
  const Shape s = im.shape(n.input(0));
  const bool upsample = n.op_type() == "Upsample";
  const int64_t opset = im.opset();
  std::optional<Shape> os;
  std::vector<int64_t> axes = attr_ints(n, "axes");  // Resize 18: sizes/scales for these only
  if (axes.empty())
    for (size_t d = 0; d < s.size(); ++d) axes.push_back(static_cast<int64_t>(d));
  auto spread = [&](const auto& values, auto&& dim_of) -> std::optional<Shape> {
    if (values.size() != axes.size()) return std::nullopt;
    Shape out = s;
    for (size_t k = 0; k < axes.size(); ++k) {
      auto ax = norm_axis(axes[k], s.size());
      if (!ax) im.fail("axis " + std::to_string(axes[k]) + " out of range for " + shape_str(s));
      out[*ax] = dim_of(s[*ax], values[k]);
    }
    return out;
  };
  auto bounded = [&](double v) {
    if (!(v >= 1 && v <= static_cast<double>(kMaxDim)))
      im.fail("a resized dimension would be " + std::to_string(v));
    return static_cast<int64_t>(v);
  };
  if (!upsample && opset >= 11 && im.present(3)) {
    if (auto sizes = im.ints(n.input(3)))
      os = spread(*sizes, [&](int64_t, int64_t v) { return bounded(static_cast<double>(v)); });
  } else {
    std::optional<std::vector<double>> scales;
    if (upsample && opset < 9) {
      if (const auto* a = find_attr(n, "scales"))
        scales = std::vector<double>(a->floats().begin(), a->floats().end());
    } else {
      const int at = upsample || opset < 11 ? 1 : 2;
      if (const ConstTensor* c = im.present(at) ? im.constants().find(n.input(at)) : nullptr) {
        scales.emplace();
        for (int64_t k = 0; k < c->size(); ++k) scales->push_back(c->real(k));
      }
    }
    if (scales)
      os = spread(*scales, [&](int64_t d, double f) {
        return bounded(std::floor(static_cast<double>(d) * f));
      });
  }
  if (!os) {
    os = im.model_shape(n.output(0));
    if (!os) im.fail("the output size is unknown: neither sizes nor scales are constant");
  }
  if (os->size() != s.size()) im.fail("the output rank differs from the input " + shape_str(s));
  const std::string mode = attr_string(n, "mode", "nearest");
  int64_t window = 1;
  for (size_t d = 0; d < s.size(); ++d)
    if ((*os)[d] != s[d]) window *= mode == "cubic" ? 4 : mode == "nearest" ? 1 : 2;
  if (mode != "nearest" && mode != "linear" && mode != "bilinear" && mode != "cubic")
    im.fail("unknown mode '" + mode + "'");
  if (window == 1) return layout(im, OpKind::kConcat, *os);
  int out = im.output(n.output(0), *os);
  im.add_element(OpKind::kAvgPool, {im.act_input(0)}, {out}, elements_of(*os),
                 static_cast<double>(2 * window - 1), window);
}

void gather(Importer& im) {
  const auto& n = im.node();
  const std::string &data = n.input(0), &indices = n.input(1);
  const Shape ds = im.shape(data), is = im.shape(indices);
  auto axis = norm_axis(attr_int(n, "axis", 0), ds.size());
  if (!axis) im.fail("axis out of range for " + shape_str(ds));
  Shape os(ds.begin(), ds.begin() + *axis);
  os.insert(os.end(), is.begin(), is.end());
  os.insert(os.end(), ds.begin() + *axis + 1, ds.end());
  if (im.role(data) == Role::kWeight && im.role(indices) == Role::kActivation) {
    if (*axis != 0) im.unsupported("an embedding lookup along axis " + std::to_string(*axis));
    const int ids = im.act(indices), table = im.weight(data);
    int out = im.output(n.output(0), os);
    im.add_element(OpKind::kEmbedding, {ids, table}, {out}, elements_of(os),
                   default_ops_per_element(OpKind::kEmbedding));
  } else if (im.role(data) == Role::kActivation && im.role(indices) == Role::kConstant) {
    layout(im, OpKind::kConcat, os);
  } else if (im.role(data) == Role::kWeight) {
    im.unsupported(
        "looks up parameters at constant positions (a position embedding that is "
        "not added to a token embedding)");
  } else {
    im.unsupported("gathers an activation at computed indices");
  }
}

}  // namespace

void register_layout_ops(ConverterTable& t) {
  t["Flatten"] = flatten;
  t["Reshape"] = reshape;
  t["Transpose"] = transpose;
  t["Squeeze"] = [](Importer& im) { squeeze(im, false); };
  t["Unsqueeze"] = [](Importer& im) { squeeze(im, true); };
  t["Concat"] = concat;
  t["Split"] = split;
  t["Slice"] = slice;
  t["Gather"] = gather;
  t["Pad"] = pad;
  t["Resize"] = resize;
  t["Upsample"] = resize;
}

}  // namespace monet::workloads::onnx_detail
