// GPT-2 (HF layout): token + position embeddings, pre-norm blocks with fused QKV, causal
// softmax attention, GELU MLP, final LayerNorm, LM head tied to the token embedding.
#include "core/error.hpp"
#include "workloads/builder.hpp"
#include "workloads/models.hpp"

namespace monet::workloads {

Gpt2Options gpt2_preset(const std::string& preset) {
  Gpt2Options o;
  if (preset == "small") return o;
  if (preset == "medium") {
    o.name = "gpt2-medium";
    o.layers = 24;
    o.heads = 16;
    o.d_model = 1024;
    return o;
  }
  throw core::Error("unknown GPT-2 preset '" + preset + "' (known: small, medium)");
}

Graph gpt2(const Gpt2Options& o) {
  if (o.batch <= 0 || o.seq <= 0 || o.layers <= 0 || o.heads <= 0 || o.d_model <= 0 || o.vocab <= 0)
    throw core::Error("gpt2: batch, seq, layers, heads, d_model and vocab must be > 0");
  if (o.d_model % o.heads)
    throw core::Error("gpt2: d_model " + std::to_string(o.d_model) + " is not divisible by " +
                      std::to_string(o.heads) + " heads");
  if (o.seq > o.max_positions)
    throw core::Error("gpt2: seq " + std::to_string(o.seq) + " exceeds the " +
                      std::to_string(o.max_positions) + " learned positions");
  const int64_t b = o.batch, s = o.seq, d = o.d_model, h = o.heads, hd = d / h;
  Builder g(o.name, o.elem_bits);
  int ids = g.input("input_ids", {b, s});
  g.set_block("embed");
  int x = g.embedding("wte", ids, o.vocab, d, o.max_positions);
  if (o.dropout) x = g.unary("embed.dropout", x, OpKind::kDropout);
  for (int64_t l = 0; l < o.layers; ++l) {
    std::string n = "h" + std::to_string(l);
    g.set_block(n);
    int y = g.layernorm(n + ".ln_1", x);
    y = g.linear(n + ".attn.c_attn", y, 3 * d);
    auto qkv = g.split(n + ".attn.split_heads", y, {{b, h, s, hd}, {b, h, s, hd}, {b, h, s, hd}});
    int scores = g.matmul(n + ".attn.qk", qkv[0], qkv[1], /*b_transposed=*/true);
    int probs = g.softmax(n + ".attn.softmax", scores);
    if (o.dropout) probs = g.unary(n + ".attn.attn_dropout", probs, OpKind::kDropout);
    int ctx = g.matmul(n + ".attn.av", probs, qkv[2]);
    ctx = g.reshape(n + ".attn.merge_heads", ctx, {b, s, d});
    y = g.linear(n + ".attn.c_proj", ctx, d);
    if (o.dropout) y = g.unary(n + ".attn.resid_dropout", y, OpKind::kDropout);
    x = g.add(n + ".add_1", x, y);
    y = g.layernorm(n + ".ln_2", x);
    y = g.linear(n + ".mlp.c_fc", y, 4 * d);
    y = g.unary(n + ".mlp.gelu", y, OpKind::kGelu);
    y = g.linear(n + ".mlp.c_proj", y, d);
    if (o.dropout) y = g.unary(n + ".mlp.dropout", y, OpKind::kDropout);
    x = g.add(n + ".add_2", x, y);
  }
  g.set_block("head");
  x = g.layernorm("ln_f", x);
  g.linear("lm_head", x, o.vocab, /*bias=*/false, g.graph().find_tensor("wte.weight"));
  return g.finish();
}

}  // namespace monet::workloads
