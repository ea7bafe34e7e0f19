// ONNX import against the built-in models and hand-derived loop nests. The models under
// tests/data/ come from tests/data/make_onnx.py (exported without weights).
#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "core/error.hpp"
#include "support/graph_lookup.hpp"
#include "workloads/models.hpp"
#include "workloads/onnx_import.hpp"
#include "workloads/onnx_op_rules.hpp"

using namespace monet::workloads;
using monet::test::op_named;

namespace {

std::string data(const std::string& file) {
  return std::string(MONET_SOURCE_DIR) + "/tests/data/" + file;
}

std::vector<const Op*> ops_of(const Graph& g, OpKind kind) {
  std::vector<const Op*> out;
  for (const auto& op : g.ops())
    if (op.kind == kind) out.push_back(&op);
  return out;
}

// B G K C OY OX FY FX of an op's loop nest.
std::array<int64_t, kDimCount> nest_of(const Op& op) {
  REQUIRE(op.nest.has_value());
  return op.nest->size;
}

std::string error_of(const std::string& file, const OnnxOptions& o = {}) {
  try {
    import_onnx(data(file), o);
  } catch (const monet::core::Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("onnx: ResNet-18 export equals the built-in ResNet-18") {
  OnnxImport r = import_onnx(data("resnet18.onnx"));
  const Graph ref = resnet18();
  const GraphTotals t = r.graph.totals(), rt = ref.totals();
  // Published torchvision figures (docs/references.md, "Built-in workloads").
  CHECK(t.parameters == 11'689'512);
  CHECK(t.macs == 1'814'073'344);
  CHECK(t.parameters == rt.parameters);
  CHECK(t.macs == rt.macs);
  CHECK(t.element_ops == rt.element_ops);
  CHECK(t.compute_op_count == rt.compute_op_count);
  CHECK(ops_of(r.graph, OpKind::kConv).size() == 20);
  CHECK(ops_of(r.graph, OpKind::kConv).size() == ops_of(ref, OpKind::kConv).size());
  CHECK(ops_of(r.graph, OpKind::kMatmul).size() == ops_of(ref, OpKind::kMatmul).size());
  // The only extra op is the Flatten between the pool and the classifier.
  CHECK(t.op_count == rt.op_count + 1);

  // Every conv/linear has the built-in's nest, stride and pad, in the same order.
  std::vector<const Op*> got, want;
  for (const auto& op : r.graph.ops())
    if (op.is_compute()) got.push_back(&op);
  for (const auto& op : ref.ops())
    if (op.is_compute()) want.push_back(&op);
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    INFO(got[i]->name << " vs " << want[i]->name);
    CHECK(got[i]->nest->str() == want[i]->nest->str());
  }

  // Weights were graph inputs; BN running statistics are not parameters.
  int w = r.graph.find_tensor("conv1.weight");
  REQUIRE(w >= 0);
  CHECK(r.graph.tensor(w).kind == TensorKind::kParameter);
  CHECK(r.graph.tensor(w).shape == Shape{64, 3, 7, 7});
  CHECK(r.graph.find_tensor("bn1.running_mean") < 0);
  CHECK(op_named(r.graph, "/layer2/layer2.0/conv1/Conv").block == "layer2.0");

  // The export has a symbolic batch: 1 with a warning, or the batch asked for.
  REQUIRE(r.warnings.size() == 1);
  CHECK_THAT(r.warnings[0], Catch::Contains("symbolic batch 'batch_size'"));
  OnnxImport b4 = import_onnx(data("resnet18.onnx"), {.batch = 4});
  CHECK(b4.warnings.empty());
  CHECK(b4.graph.totals().macs == 4 * 1'814'073'344LL);
  CHECK(b4.graph.tensor(b4.graph.find_tensor("input")).shape == Shape{4, 3, 224, 224});
}

TEST_CASE("onnx: a GPT-2 block imports with the right matmul shapes") {
  const int64_t d = 768, t = 1024, h = 12, hd = 64, v = 50257, p = 1024;
  OnnxImport r = import_onnx(data("gpt2_1layer.onnx"));
  const Graph& g = r.graph;
  const std::string b = "/transformer/h.0/";
  using A = std::array<int64_t, kDimCount>;
  // B G K C OY OX FY FX: linear layers are [tokens, in] x [in, out] (B = batch, OX = tokens).
  CHECK(nest_of(op_named(g, b + "attn/c_attn/MatMul")) == A{1, 1, 3 * d, d, 1, t, 1, 1});
  CHECK(nest_of(op_named(g, b + "attn/MatMul")) == A{1, h, t, hd, 1, t, 1, 1});    // Q·Kᵀ
  CHECK(nest_of(op_named(g, b + "attn/MatMul_1")) == A{1, h, hd, t, 1, t, 1, 1});  // A·V
  CHECK(nest_of(op_named(g, b + "attn/c_proj/MatMul")) == A{1, 1, d, d, 1, t, 1, 1});
  CHECK(nest_of(op_named(g, b + "mlp/c_fc/MatMul")) == A{1, 1, 4 * d, d, 1, t, 1, 1});
  CHECK(nest_of(op_named(g, b + "mlp/c_proj/MatMul")) == A{1, 1, d, 4 * d, 1, t, 1, 1});
  CHECK(nest_of(op_named(g, "/lm_head/MatMul")) == A{1, 1, v, d, 1, t, 1, 1});

  // The Add after each MatMul is its bias; the LM head reads the token table (tied).
  const Op& c_attn = op_named(g, b + "attn/c_attn/MatMul");
  REQUIRE(c_attn.inputs.size() == 3);
  CHECK(g.tensor(c_attn.inputs[2]).shape == Shape{3 * d});
  CHECK(g.tensor(c_attn.outputs[0]).shape == Shape{1, t, 3 * d});
  const Op& emb = op_named(g, "/transformer/Embedding");
  CHECK(emb.kind == OpKind::kEmbedding);
  REQUIRE(emb.inputs.size() == 3);
  CHECK(op_named(g, "/lm_head/MatMul").operand_tensor[1] == emb.inputs[1]);

  // Decomposed LayerNorms, the tanh GELU and the embedding sum each became one op.
  CHECK(ops_of(g, OpKind::kLayerNorm).size() == 3);
  CHECK(ops_of(g, OpKind::kGelu).size() == 1);
  CHECK(ops_of(g, OpKind::kSoftmax).size() == 1);
  // The scale and the causal mask (Where over a mask built from Range) cost nothing, as in the
  // built-in GPT-2: the softmax reads Q·Kᵀ.
  CHECK(g.find_op(b + "attn/Where") < 0);
  CHECK(g.tensor(ops_of(g, OpKind::kSoftmax)[0]->inputs[0]).producer ==
        op_named(g, b + "attn/MatMul").id);

  // Hand count: embeddings, one block (12d² + 13d), ln_f; the LM head is tied.
  const GraphTotals tot = g.totals();
  CHECK(tot.parameters == v * d + p * d + 12 * d * d + 13 * d + 2 * d);
  CHECK(tot.parameters == 46'473'216);
  // Per block 12·T·d² + 2·T²·d, plus the LM head T·d·V.
  CHECK(tot.macs == 12 * t * d * d + 2 * t * t * d + t * d * v);
  // Same totals as the built-in GPT-2 builder with one layer.
  Gpt2Options o;
  o.layers = 1;
  const GraphTotals ref = gpt2(o).totals();
  CHECK(tot.parameters == ref.parameters);
  CHECK(tot.macs == ref.macs);
  CHECK(tot.element_ops == ref.element_ops);
  CHECK(tot.compute_op_count == ref.compute_op_count);
}

TEST_CASE("onnx: op zoo maps every op to the intended kind and nest") {
  OnnxImport r = import_onnx(data("ops_zoo.onnx"));
  const Graph& g = r.graph;
  CHECK(r.warnings.empty());
  using A = std::array<int64_t, kDimCount>;
  // Depthwise 3x3/2 on 2x8x16x16, pad 1: 8x8 outputs, one channel per group.
  const Op& dw = op_named(g, "/dw/Conv");
  CHECK(nest_of(dw) == A{2, 8, 1, 1, 8, 8, 3, 3});
  CHECK(dw.macs() == 2 * 8 * 8 * 8 * 9);
  CHECK(dw.nest->stride_y == 2);
  CHECK(op_named(g, "/pw/Conv").inputs.size() == 3);  // with bias
  // Grouped (2) dilated (2) 3x3, pad 2: size kept at 8x8.
  const Op& dil = op_named(g, "/dil/Conv");
  CHECK(nest_of(dil) == A{2, 2, 8, 8, 8, 8, 3, 3});
  CHECK((dil.nest->dilation_y == 2 && dil.nest->pad_y == 2));
  // Pads 0 before, 1 after, 3x3/2 on 4x4: (4 + 1 - 3) / 2 + 1 = 2 outputs, i.e. pad 1.
  const Op& asym = op_named(g, "/asym/Conv");
  CHECK(nest_of(asym) == A{2, 1, 8, 32, 2, 2, 3, 3});
  CHECK(asym.nest->pad_y == 1);

  CHECK(op_named(g, "/hs/HardSwish").kind == OpKind::kSilu);
  CHECK(op_named(g, "/act/Silu").kind == OpKind::kSilu);  // Mul(x, Sigmoid(x))
  CHECK(g.find_op("/act/Sigmoid") < 0);
  CHECK(op_named(g, "/lrelu/LeakyRelu").kind == OpKind::kLeakyRelu);
  CHECK(op_named(g, "/tanh/Tanh").kind == OpKind::kSigmoid);
  const Op& se = op_named(g, "/se/ReduceMean");
  CHECK(se.kind == OpKind::kGlobalAvgPool);
  CHECK((se.elements == 2 * 16 * 8 * 8 && se.window == 64));
  const Op& scale = op_named(g, "/se/Mul");  // broadcast: [2,16,8,8] · [2,16,1,1]
  CHECK(scale.kind == OpKind::kMul);
  CHECK(g.tensor(scale.inputs[1]).shape == Shape{2, 16, 1, 1});
  const Op& avg = op_named(g, "/pool/AveragePool");
  CHECK((avg.kind == OpKind::kAvgPool && avg.window == 4));
  CHECK(g.tensor(avg.outputs[0]).shape == Shape{2, 16, 4, 4});
  CHECK(g.tensor(op_named(g, "/mp/MaxPool").outputs[0]).shape == Shape{2, 8, 2, 2});
  CHECK(g.tensor(op_named(g, "/cat/Concat").outputs[0]).shape == Shape{2, 32, 4, 4});
  CHECK(g.tensor(op_named(g, "/Reshape").outputs[0]).shape == Shape{2, 4, 8});  // [-1, 4, 8]
  CHECK(op_named(g, "/ln/LayerNormalization").kind == OpKind::kLayerNorm);
  CHECK(nest_of(op_named(g, "/q/MatMul")) == A{2, 1, 8, 8, 1, 4, 1, 1});
  CHECK(nest_of(op_named(g, "/qk/MatMul")) == A{1, 2, 4, 8, 1, 4, 1, 1});
  CHECK(nest_of(op_named(g, "/av/MatMul")) == A{1, 2, 8, 4, 1, 4, 1, 1});
  // nn.GELU's erf form, including the trailing · 0.5, is one op read by the Sub.
  const Op& gelu = op_named(g, "/gelu/Gelu");
  CHECK(gelu.kind == OpKind::kGelu);
  CHECK(g.tensor(op_named(g, "/res/Sub").inputs[0]).producer == gelu.id);
  CHECK(op_named(g, "/res/Sub").kind == OpKind::kAdd);
  CHECK(op_named(g, "/res/Div").kind == OpKind::kMul);
  CHECK(g.tensor(op_named(g, "/sl/Slice").outputs[0]).shape == Shape{2, 2, 8});
  CHECK(g.tensor(op_named(g, "/cls/Squeeze").outputs[0]).shape == Shape{2, 8});
  CHECK(nest_of(op_named(g, "/head/Gemm")) == A{2, 1, 10, 8, 1, 1, 1, 1});
  // dw 72 + pw 128+16 + dil 1152 + asym 2304 + ln 16 + q, k 64 each + head 80+10.
  CHECK(g.totals().parameters == 72 + 144 + 1152 + 2304 + 16 + 128 + 90);

  // A fixed batch replaced: the Reshape target [-1, 4, 8] follows it.
  CHECK(import_onnx(data("ops_zoo.onnx"), {.batch = 3}).graph.totals().macs * 2 ==
        g.totals().macs * 3);
}

TEST_CASE("onnx: PEFSL ResNet-9 counts by hand; element_bits sets every tensor's precision") {
  // brain-bzh/PEFSL ResNet9(16, use_strides): blocks 3→16→40→80, each conv1/conv2 3x3 at the
  // block's input size, conv3 3x3 stride 2 and a 1x1 stride-2 shortcut at half the size;
  // BatchNorm folded into a bias per output channel. 32x32 input: blocks at 32, 16, 8.
  struct Block {
    int64_t cin, cout, size;
  };
  int64_t params = 0, macs = 0;
  for (Block b : {Block{3, 16, 32}, Block{16, 40, 16}, Block{40, 80, 8}}) {
    const int64_t full = b.size * b.size, half = full / 4;
    params += b.cout * b.cin * 9 + 2 * b.cout * b.cout * 9 + b.cout * b.cin + 4 * b.cout;
    macs += b.cout * b.cin * 9 * full + b.cout * b.cout * 9 * full + b.cout * b.cout * 9 * half +
            b.cout * b.cin * half;
  }
  CHECK(params == 188'032);
  CHECK(macs == 16'029'696);

  OnnxImport r = import_onnx(data("resnet9_strided_16fmaps.onnx"));
  CHECK(r.warnings.empty());
  const GraphTotals t = r.graph.totals();
  CHECK(t.parameters == params);
  CHECK(t.macs == macs);
  CHECK(ops_of(r.graph, OpKind::kConv).size() == 12);
  CHECK(ops_of(r.graph, OpKind::kLeakyRelu).size() == 9);
  // The model's FLOAT tensors are 32 bit unless asked otherwise.
  for (const auto& tensor : r.graph.tensors()) CHECK(tensor.elem_bits == 32);

  // Issue 11: element_bits used to be dropped, so 16-bit array cores could not run the convs.
  OnnxImport r16 = import_onnx(data("resnet9_strided_16fmaps.onnx"), {.element_bits = 16});
  for (const auto& tensor : r16.graph.tensors()) {
    INFO(tensor.name);
    CHECK(tensor.elem_bits == 16);
  }
  CHECK(r16.graph.totals().parameter_bytes == params * 2);
  CHECK(r16.graph.totals().macs == macs);
  CHECK_THAT(error_of("resnet9_strided_16fmaps.onnx", {.element_bits = 65}),
             Catch::Contains("element_bits must be 1..64"));
}

// Issue 11 item 8: PyTorch exports compute view() targets, slice bounds and masks from
// Shape → Gather → Unsqueeze → Concat chains (and Cast → Div → Floor → Cast, Range, Less,
// Where, Expand); they are folded before import.
TEST_CASE("onnx: a MobileViT block with shape sub-graphs imports with hand-counted totals") {
  // C 16, d 24, 8x8 map, 2x2 patches: 4 sequences of 16 tokens per image, 2 heads of 12, FFN 48.
  const int64_t c = 16, d = 24, hw = 64, seqs = 4, tokens = 16, heads = 2, ffn = 48;
  const int64_t conv_macs = c * c * 9 * hw + d * c * hw + c * d * hw + c * 2 * c * 9 * hw;
  const int64_t rows = seqs * tokens;  // token rows through the transformer, per image
  const int64_t attn_macs = 4 * d * d * rows + 2 * seqs * heads * tokens * tokens * (d / heads);
  const int64_t ffn_macs = 2 * d * ffn * rows;
  const int64_t params = (c * c * 9 + c) + d * c + (c * d + c) + (c * 2 * c * 9 + c)  // convs
                         + 3 * 2 * d                         // three LayerNorms
                         + 4 * (d * d + d)                   // q, k, v, output projection
                         + (d * ffn + ffn) + (ffn * d + d);  // FFN
  CHECK(params == 12'648);
  CHECK(conv_macs + attn_macs + ffn_macs == 835'584);

  OnnxImport r = import_onnx(data("mobilevit_block.onnx"), {.batch = 2});
  CHECK(r.warnings.empty());
  const Graph& g = r.graph;
  CHECK(g.totals().parameters == params);
  CHECK(g.totals().macs == 2 * (conv_macs + attn_macs + ffn_macs));
  // The unfold's three view() targets, the heads' and the fold's, all from folded chains.
  auto out = [&](const std::string& op) { return g.tensor(op_named(g, op).outputs[0]).shape; };
  CHECK(out("/layer/unfolding/Reshape") == Shape{2 * d * 4, 2, 4, 2});
  CHECK(out("/layer/unfolding/Reshape_2") == Shape{2 * seqs, tokens, d});
  CHECK(out("/layer/transformer/layer.0/attention/attention/Reshape") ==
        Shape{2 * seqs, tokens, heads, d / heads});
  CHECK(out("/layer/folding/Reshape_2") == Shape{2, d, 8, 8});
  using A = std::array<int64_t, kDimCount>;
  CHECK(nest_of(op_named(g, "/layer/transformer/layer.0/attention/attention/MatMul")) ==
        A{1, 2 * seqs * heads, tokens, d / heads, 1, tokens, 1, 1});
  // The crop y[:, :, :H, :W] keeps the whole map; the all-zero mask added nothing.
  CHECK(out("/layer/Slice") == Shape{2, c, 8, 8});
  CHECK(g.find_op("/layer/transformer/layer.0/attention/attention/Add") < 0);
  CHECK(ops_of(g, OpKind::kSilu).size() == 4);
  // The symbolic batch without a request: 1, with the warning.
  OnnxImport one = import_onnx(data("mobilevit_block.onnx"));
  REQUIRE(one.warnings.size() == 1);
  CHECK_THAT(one.warnings[0], Catch::Contains("symbolic batch 'batch_size'"));
  CHECK(one.graph.totals().macs == conv_macs + attn_macs + ffn_macs);
}

TEST_CASE("onnx: Pad, Resize, Clip, hard activations, LayerNorm forms and Split of exports") {
  OnnxImport r = import_onnx(data("export_ops.onnx"));
  CHECK(r.warnings.empty());
  const Graph& g = r.graph;
  using A = std::array<int64_t, kDimCount>;
  // Pad 0 before / 1 after (TF SAME) into a 3x3 stride-2 conv on 16x16: (16 + 1 - 3) / 2 + 1
  // = 8 outputs, the same as a symmetric pad of 1; the Pad node is gone.
  const Op& conv0 = op_named(g, "/conv0/Conv");
  CHECK(nest_of(conv0) == A{1, 1, 8, 3, 8, 8, 3, 3});
  CHECK(conv0.nest->pad_y == 1);
  CHECK(g.tensor(conv0.inputs[0]).name == "x");
  CHECK(g.find_op("/pad0/Pad") < 0);
  const Op& dw = op_named(g, "/dw/Conv");  // symmetric Pad 1 folded into the depthwise conv
  CHECK(nest_of(dw) == A{1, 8, 1, 1, 8, 8, 3, 3});
  CHECK(dw.nest->pad_y == 1);
  CHECK(nest_of(op_named(g, "/dil/Conv")) == A{1, 2, 8, 4, 8, 8, 3, 3});
  // A reflect pad is not zeros: a copy into a 10x10 buffer before an unpadded conv.
  const Op& reflect = op_named(g, "/reflect/Pad");
  CHECK(reflect.kind == OpKind::kConcat);
  CHECK(g.tensor(reflect.outputs[0]).shape == Shape{1, 16, 10, 10});
  CHECK(nest_of(op_named(g, "/conv1/Conv")) == A{1, 1, 16, 16, 8, 8, 3, 3});
  CHECK(op_named(g, "/relu6/Clip").kind == OpKind::kRelu);
  CHECK(op_named(g, "/hswish/HardSwish").kind == OpKind::kSilu);
  CHECK(op_named(g, "/se/gate/HardSigmoid").kind == OpKind::kSigmoid);
  // Nearest x2 by scales: a copy; linear to 8x8 by sizes: a 2x2 weighted average, 7 ops each.
  const Op& up = op_named(g, "/up/Resize");
  CHECK(up.kind == OpKind::kConcat);
  CHECK(g.tensor(up.outputs[0]).shape == Shape{1, 16, 16, 16});
  const Op& down = op_named(g, "/down/Resize");
  CHECK(down.kind == OpKind::kAvgPool);
  CHECK((down.window == 4 && down.ops_per_element == 7 && down.elements == 8 * 8 * 8));
  // LayerNorm without bias; Keras' LayerNorm as tf2onnx spells it: one op with γ and β.
  CHECK(op_named(g, "/ln_a/LayerNormalization").inputs.size() == 2);
  const Op& ln_b = op_named(g, "/ln_b/LayerNormalization");
  CHECK(ln_b.kind == OpKind::kLayerNorm);
  CHECK(ln_b.inputs.size() == 3);
  CHECK(g.find_op("/ln_b/Sqrt") < 0);
  CHECK(op_named(g, "/gelu/Gelu").kind == OpKind::kGelu);
  CHECK(nest_of(op_named(g, "/fc/Gemm")) == A{1, 1, 10, 512, 1, 1, 1, 1});
  // Hand count: conv0 3·8·9 + 8, dw 8·9 + 8, se 8·4 + 4 + 4·8 + 8, dil 16·4·9 + 16,
  // conv1 16·16·9 + 16, conv2 16·8 + 8, ln_a 256, ln_b 512, fc 512·10 + 10.
  CHECK(g.totals().parameters == 224 + 80 + 76 + 592 + 2320 + 136 + 256 + 512 + 5130);
  // MACs: conv0 8·3·9·64, dw 8·9·64, se 32 + 32, dil 16·4·9·64, conv1 16·16·9·64,
  // conv2 8·16·256, fc 5120.
  CHECK(g.totals().macs == 13'824 + 4'608 + 64 + 36'864 + 147'456 + 32'768 + 5'120);

  OnnxImport up9 = import_onnx(data("upsample_opset9.onnx"));
  CHECK(up9.graph.tensor(op_named(up9.graph, "/up/Upsample").outputs[0]).shape ==
        Shape{1, 4, 8, 8});
  CHECK(up9.graph.totals().macs == 4 * 4 * 64);
}

TEST_CASE("onnx: bad models are rejected with a clear message") {
  CHECK_THAT(error_of("truncated.onnx"), Catch::Contains("truncated.onnx: not a valid ONNX model"));
  CHECK_THAT(error_of("absent.onnx"), Catch::Contains("cannot open"));
  // Every unsupported op type, each with its nodes, in one message.
  std::string e = error_of("unsupported.onnx");
  CHECK_THAT(e, Catch::Contains("NonMaxSuppression (node '/nms/NonMaxSuppression')"));
  CHECK_THAT(e, Catch::Contains("Round (node '/round/Round')"));
  CHECK_THAT(e, Catch::Contains("--skip-unsupported"));
  e = error_of("missing_shape.onnx");
  CHECK_THAT(e, Catch::Contains("node '/reshape/Reshape' (Reshape)"));
  CHECK_THAT(e, Catch::Contains("shape inference could not determine it"));
  CHECK_THAT(e, Catch::Contains("'target_shape' is not a constant"));
}

// Issue 17: graphs that crashed libonnx's shape inference or overflowed int64 are rejected
// before shape inference, each with the file and the node or value.
TEST_CASE("onnx: malformed graphs are rejected before shape inference") {
  const std::map<std::string, std::string> expected = {
      {"shape_of_undefined", "node '/shape' (Shape): input 'nothing' is not defined"},
      {"conv_rank_mismatch", "node '/conv' (Conv): the input has rank 3 but the weight rank 4"},
      {"conv_one_input", "node '/conv' (Conv) has 1 input; Conv needs 2"},
      {"conv_zero_stride", "node '/conv' (Conv): attribute 'strides' value 0 is outside"},
      {"cycle", "node '/b' (Add): input 'c' is produced by node '/c', which comes later"},
      {"huge_input", "input 'x' has dimension 9223372036854775807"},
      {"conv_macs_overflow", "node '/conv' (Conv): the loop nest"},
      // Found by fuzz/onnx_import.cpp: an initializer with a zero dim was read after free.
      {"initializer_zero_dim_use_after_free",
       "graph input 'block3.conv2.conv.weight' has a symbolic dimension 1"},
      // Found by fuzz/onnx_import.cpp: libonnx's LayerNormalization inference indexed the
      // input's dims with the axis (SIGSEGV for 2^31 with a Mean output).
      {"layernorm_axis_2_31",
       "node '/ln' (LayerNormalization): attribute 'axis' is 2147483648, outside [-3, 2] for an "
       "input of rank 3"},
      {"layernorm_axis_past_rank", "attribute 'axis' is 3, outside [-3, 2]"},
      // Axis 1 of [1, 3, 8] normalises 3 x 8 = 24 values; the scale holds 8.
      {"layernorm_scale_mismatch", "scale 'w' [8] does not match the dims [3, 8] that axis 1"},
  };
  for (const auto& [file, message] : expected) {
    INFO(file);
    const std::string e = error_of("fuzz/onnx_import/" + file + ".onnx");
    CHECK_THAT(e, Catch::Contains(file + ".onnx: ") && Catch::Contains(message));
  }
  // Found by fuzz/onnx_import.cpp with skip_unsupported: an Unsqueeze listing axis 0 twice
  // wrote past its output shape.
  CHECK_THAT(error_of("fuzz/onnx_import/unsqueeze_duplicate_axes.onnx",
                      {.batch = 3, .skip_unsupported = true, .element_bits = 8}),
             Catch::Contains("(Unsqueeze): axis 0 is listed twice"));
}

TEST_CASE("onnx: skip_unsupported passes unsupported nodes through at no cost") {
  OnnxImport r = import_onnx(data("unsupported.onnx"), {.skip_unsupported = true});
  REQUIRE(r.warnings.size() == 2);
  CHECK_THAT(r.warnings[0], Catch::Contains("'/round/Round'"));
  CHECK_THAT(r.warnings[1], Catch::Contains("'/nms/NonMaxSuppression'"));
  // The ReLU reads the conv output directly: Round added nothing.
  const Graph& g = r.graph;
  REQUIRE(g.ops().size() == 2);
  CHECK(g.tensor(op_named(g, "/relu/Relu").inputs[0]).producer == op_named(g, "/conv/Conv").id);
  CHECK(g.totals().macs == 1 * 4 * 3 * 8 * 8 * 9);
}

TEST_CASE("onnx: file name detection") {
  CHECK(is_onnx_file_name("models/net.onnx"));
  CHECK(is_onnx_file_name("NET.ONNX"));
  CHECK_FALSE(is_onnx_file_name("net.yaml"));
  CHECK_FALSE(is_onnx_file_name("resnet18"));
}

// From the ONNX operator changelog: Reshape-5 takes its shape as an input, Upsample-9 its
// scales, Slice-10 its starts and ends (axes and steps optional), Pad-11 its pads,
// Unsqueeze-13 its axes; before those versions they were attributes.
TEST_CASE("onnx: operands that became inputs are required from their opset on") {
  using monet::workloads::onnx_detail::min_inputs;
  CHECK(min_inputs("Reshape", 4) == 1);
  CHECK(min_inputs("Reshape", 5) == 2);
  CHECK(min_inputs("Upsample", 8) == 1);
  CHECK(min_inputs("Upsample", 9) == 2);
  CHECK(min_inputs("Slice", 9) == 1);
  CHECK(min_inputs("Slice", 10) == 3);
  CHECK(min_inputs("Pad", 10) == 1);
  CHECK(min_inputs("Pad", 11) == 2);
  CHECK(min_inputs("Unsqueeze", 12) == 1);
  CHECK(min_inputs("Unsqueeze", 13) == 2);
  // Ops whose inputs never changed need them in every opset; Constant needs none.
  CHECK(min_inputs("Conv", 1) == 2);
  CHECK(min_inputs("MatMul", 1) == 2);
  CHECK(min_inputs("Constant", 17) == 0);
}
