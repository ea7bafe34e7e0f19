// MobileViT XXS/XS/S (Mehta & Rastegari 2022), following Apple's ml-cvnets implementation:
// convs followed by BN have no bias, the transformer linears have bias, the 1x1 C->d conv has
// neither BN nor bias, the transformer is pre-norm with a final LayerNorm before the fold.
#include <array>

#include "core/error.hpp"
#include "workloads/builder.hpp"
#include "workloads/models.hpp"

namespace monet::workloads {

namespace {

struct VitStage {
  int64_t channels;  // C: MV2 output and MobileViT block channels
  int64_t dim;       // d: transformer width
  int layers;        // L: transformer layers
};

struct Config {
  const char* name;
  int64_t expansion;  // MV2 expansion ratio
  int64_t layer1, layer2;
  std::array<VitStage, 3> vit;  // layers 3, 4, 5
  int64_t last;                 // final 1x1 conv width
};

// ml-cvnets config/mobilevit.py; the FFN width is 2d in all three variants.
Config config(MobileViTVariant v) {
  switch (v) {
    case MobileViTVariant::kXXS:
      return {"mobilevit-xxs", 2, 16, 24, {{{48, 64, 2}, {64, 80, 4}, {80, 96, 3}}}, 320};
    case MobileViTVariant::kXS:
      return {"mobilevit-xs", 4, 32, 48, {{{64, 96, 2}, {80, 120, 4}, {96, 144, 3}}}, 384};
    case MobileViTVariant::kS:
      return {"mobilevit-s", 4, 32, 64, {{{96, 144, 2}, {128, 192, 4}, {160, 240, 3}}}, 640};
  }
  throw core::Error("mobilevit: unknown variant");
}

constexpr int64_t kHeads = 4;
constexpr int64_t kPatch = 2;  // 2x2 patches: 4 sequences of H*W/4 tokens
constexpr int64_t kFfnRatio = 2;

int conv_bn_silu(Builder& b, const std::string& n, int x, int64_t out, int kernel, int stride = 1,
                 int groups = 1) {
  int y = b.conv(n + ".conv", x, out, kernel, stride, -1, groups);
  y = b.batchnorm(n + ".bn", y);
  return b.unary(n + ".silu", y, OpKind::kSilu);
}

// Inverted residual: 1x1 expand, 3x3 depthwise (carries the stride), 1x1 linear projection.
int mv2(Builder& b, const std::string& n, int x, int64_t out, int stride, int64_t expansion) {
  b.set_block(n);
  int64_t in = b.shape(x)[1];
  int64_t hidden = in * expansion;
  int y = x;
  if (expansion != 1) y = conv_bn_silu(b, n + ".expand", y, hidden, 1);
  y = conv_bn_silu(b, n + ".dw", y, hidden, 3, stride, static_cast<int>(hidden));
  y = b.conv(n + ".project.conv", y, out, 1, 1, 0);
  y = b.batchnorm(n + ".project.bn", y);
  if (stride == 1 && in == out) y = b.add(n + ".add", y, x);
  return y;
}

// Pre-norm encoder layer on x [S, N, d] (S = batch x 4 patch positions, N tokens each).
int transformer_layer(Builder& b, const std::string& n, int x, int64_t d) {
  b.set_block(n);
  const Shape& s = b.shape(x);
  const int64_t seqs = s[0], tokens = s[1], hd = d / kHeads;
  int y = b.layernorm(n + ".ln1", x);
  y = b.linear(n + ".attn.qkv", y, 3 * d);
  Shape head = {seqs, kHeads, tokens, hd};
  auto qkv = b.split(n + ".attn.split_heads", y, {head, head, head});
  int scores = b.matmul(n + ".attn.qk", qkv[0], qkv[1], /*b_transposed=*/true);
  int probs = b.softmax(n + ".attn.softmax", scores);
  int ctx = b.matmul(n + ".attn.av", probs, qkv[2]);
  ctx = b.reshape(n + ".attn.merge_heads", ctx, {seqs, tokens, d});
  y = b.linear(n + ".attn.out_proj", ctx, d);
  x = b.add(n + ".add1", x, y);
  y = b.layernorm(n + ".ln2", x);
  y = b.linear(n + ".ffn.fc1", y, kFfnRatio * d);
  y = b.unary(n + ".ffn.silu", y, OpKind::kSilu);
  y = b.linear(n + ".ffn.fc2", y, d);
  return b.add(n + ".add2", x, y);
}

// Local 3x3 + 1x1 representation, unfold into 2x2-patch sequences, L transformer layers,
// LayerNorm, fold, 1x1 projection back to C, concat with the block input, 3x3 fusion.
int mobilevit_block(Builder& b, const std::string& n, int x, const VitStage& st) {
  b.set_block(n);
  const Shape in = b.shape(x);
  const int64_t batch = in[0], c = in[1], h = in[2], w = in[3], d = st.dim;
  if (h % kPatch || w % kPatch)
    throw core::Error("mobilevit: block '" + n + "' gets a " + std::to_string(h) + "x" +
                      std::to_string(w) +
                      " feature map, which 2x2 patches do not tile; the input size must be a "
                      "multiple of 64");
  int y = conv_bn_silu(b, n + ".local.conv3x3", x, c, 3);
  y = b.conv(n + ".local.conv1x1", y, d, 1, 1, 0);
  const int64_t seqs = batch * kPatch * kPatch, tokens = h * w / (kPatch * kPatch);
  y = b.reshape(n + ".unfold", y, {seqs, tokens, d});
  for (int l = 0; l < st.layers; ++l)
    y = transformer_layer(b, n + ".transformer." + std::to_string(l), y, d);
  b.set_block(n);
  y = b.layernorm(n + ".ln", y);
  y = b.reshape(n + ".fold", y, {batch, d, h, w});
  y = conv_bn_silu(b, n + ".proj", y, c, 1);
  y = b.concat(n + ".concat", {x, y}, 1);
  return conv_bn_silu(b, n + ".fusion", y, c, 3);
}

}  // namespace

Graph mobilevit(const MobileViTOptions& o) {
  if (o.batch <= 0) throw core::Error("mobilevit: batch must be > 0");
  if (o.classes <= 0) throw core::Error("mobilevit: classes must be > 0");
  if (o.input <= 0) throw core::Error("mobilevit: input size must be > 0");
  const Config cfg = config(o.variant);
  Builder b(cfg.name, o.elem_bits);
  int x = b.input("input", {o.batch, 3, o.input, o.input});
  b.set_block("stem");
  x = conv_bn_silu(b, "stem", x, 16, 3, 2);
  x = mv2(b, "layer1.0", x, cfg.layer1, 1, cfg.expansion);
  for (int i = 0; i < 3; ++i)
    x = mv2(b, "layer2." + std::to_string(i), x, cfg.layer2, i == 0 ? 2 : 1, cfg.expansion);
  for (int i = 0; i < 3; ++i) {
    const std::string layer = "layer" + std::to_string(i + 3);
    x = mv2(b, layer + ".0", x, cfg.vit[i].channels, 2, cfg.expansion);
    x = mobilevit_block(b, layer + ".1", x, cfg.vit[i]);
  }
  b.set_block("head");
  x = conv_bn_silu(b, "head.conv1x1", x, cfg.last, 1);
  x = b.global_avgpool("head.pool", x);
  b.linear("head.fc", x, o.classes, true);
  return b.finish();
}

}  // namespace monet::workloads
