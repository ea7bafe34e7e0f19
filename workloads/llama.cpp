// Llama-family decoders. Attention is grouped by KV head: the queries of the heads sharing a
// KV head form one [B, kv_heads, group·T, head_dim] operand, so K and V are read once per KV
// head as GQA kernels do, and the MACs are those of every query head.
#include "workloads/llama.hpp"

#include "core/error.hpp"
#include "workloads/builder.hpp"

namespace monet::workloads {

namespace {
LlamaConfig make(std::string name, int64_t hidden, int64_t inter, int64_t layers, int64_t heads,
                 int64_t kv, int64_t vocab, int64_t positions, bool tied, bool qkv_bias = false) {
  LlamaConfig c;
  c.name = std::move(name);
  c.hidden_size = hidden;
  c.intermediate_size = inter;
  c.num_hidden_layers = layers;
  c.num_attention_heads = heads;
  c.num_key_value_heads = kv;
  c.vocab_size = vocab;
  c.max_position_embeddings = positions;
  c.tie_word_embeddings = tied;
  c.attention_bias = qkv_bias;
  return c;
}
}  // namespace

const std::vector<LlamaConfig>& llama_configs() {
  static const std::vector<LlamaConfig> configs = [] {
    std::vector<LlamaConfig> v;
    // meta-llama/Llama-2-7b-hf config.json: hidden_size 4096, intermediate_size 11008,
    // num_hidden_layers 32, num_attention_heads 32, num_key_value_heads 32, vocab_size 32000,
    // max_position_embeddings 4096, tie_word_embeddings false.
    v.push_back(make("llama-2-7b", 4096, 11008, 32, 32, 32, 32000, 4096, false));
    // TinyLlama/TinyLlama-1.1B-Chat-v1.0 config.json: hidden_size 2048, intermediate_size
    // 5632, num_hidden_layers 22, num_attention_heads 32, num_key_value_heads 4, vocab_size
    // 32000, max_position_embeddings 2048, tie_word_embeddings false.
    v.push_back(make("tinyllama-1.1b", 2048, 5632, 22, 32, 4, 32000, 2048, false));
    // meta-llama/Llama-3.2-1B config.json: hidden_size 2048, intermediate_size 8192,
    // num_hidden_layers 16, num_attention_heads 32, num_key_value_heads 8, head_dim 64,
    // vocab_size 128256, max_position_embeddings 131072, tie_word_embeddings true.
    v.push_back(make("llama-3.2-1b", 2048, 8192, 16, 32, 8, 128256, 131072, true));
    // meta-llama/Llama-3.2-3B config.json: hidden_size 3072, intermediate_size 8192,
    // num_hidden_layers 28, num_attention_heads 24, num_key_value_heads 8, head_dim 128,
    // vocab_size 128256, max_position_embeddings 131072, tie_word_embeddings true.
    v.push_back(make("llama-3.2-3b", 3072, 8192, 28, 24, 8, 128256, 131072, true));
    // Qwen/Qwen2.5-0.5B config.json: hidden_size 896, intermediate_size 4864,
    // num_hidden_layers 24, num_attention_heads 14, num_key_value_heads 2, vocab_size 151936,
    // max_position_embeddings 32768, tie_word_embeddings true; Qwen2 attention has q/k/v bias.
    v.push_back(make("qwen2.5-0.5b", 896, 4864, 24, 14, 2, 151936, 32768, true, true));
    // microsoft/bitnet-b1.58-2B-4T config.json: hidden_act relu2, hidden_size 2560,
    // intermediate_size 6912, num_hidden_layers 30, num_attention_heads 20,
    // num_key_value_heads 5, vocab_size 128256, max_position_embeddings 4096,
    // tie_word_embeddings true; the model card: BitLinear layers, subln normalisation, no
    // bias terms.
    LlamaConfig b = make("bitnet-b1.58-2b-4t", 2560, 6912, 30, 20, 5, 128256, 4096, true);
    b.mlp = LlamaMlp::kRelu2;
    b.subln = true;
    v.push_back(b);
    return v;
  }();
  return configs;
}

const LlamaConfig* find_llama_config(const std::string& name) {
  for (const auto& c : llama_configs())
    if (c.name == name) return &c;
  return nullptr;
}

void LlamaConfig::check() const {
  auto need = [&](int64_t v, const char* field) {
    if (v <= 0)
      throw core::Error("llama config '" + name + "': " + field + " must be > 0, got " +
                        std::to_string(v));
  };
  need(hidden_size, "hidden_size");
  need(intermediate_size, "intermediate_size");
  need(num_hidden_layers, "num_hidden_layers");
  need(num_attention_heads, "num_attention_heads");
  need(num_key_value_heads, "num_key_value_heads");
  need(vocab_size, "vocab_size");
  need(max_position_embeddings, "max_position_embeddings");
  if (head_dim < 0) need(head_dim, "head_dim");
  if (!head_dim && hidden_size % num_attention_heads)
    throw core::Error("llama config '" + name + "': hidden_size " + std::to_string(hidden_size) +
                      " is not divisible by num_attention_heads " +
                      std::to_string(num_attention_heads) + " (give head_dim)");
  if (num_attention_heads % num_key_value_heads)
    throw core::Error(
        "llama config '" + name + "': num_attention_heads " + std::to_string(num_attention_heads) +
        " is not a multiple of num_key_value_heads " + std::to_string(num_key_value_heads));
}

int64_t LlamaConfig::parameter_count() const {
  const int64_t d = hidden_size, q = num_attention_heads * head_size(),
                kv = num_key_value_heads * head_size();
  int64_t layer = d * q + 2 * d * kv + q * d + 3 * d * intermediate_size + 2 * d;
  if (attention_bias) layer += q + 2 * kv;
  if (subln) layer += q + intermediate_size;
  return vocab_size * d * (tie_word_embeddings ? 1 : 2) + num_hidden_layers * layer + d;
}

int64_t LlamaConfig::kv_cache_bytes(int64_t context, int64_t batch, int bits) const {
  return kv_cache_bytes(context, batch,
                        std::vector<int>(static_cast<size_t>(num_hidden_layers), bits));
}

int64_t LlamaConfig::kv_cache_bytes(int64_t context, int64_t batch,
                                    const std::vector<int>& bits_per_layer) const {
  if (static_cast<int64_t>(bits_per_layer.size()) != num_hidden_layers)
    throw core::Error("llama '" + name + "': KV-cache bits for " +
                      std::to_string(bits_per_layer.size()) + " layers, the model has " +
                      std::to_string(num_hidden_layers));
  // Keys and values of every position; whole bytes for the cache as a whole.
  const int64_t per_layer = 2 * num_key_value_heads * head_size() * context * batch;
  int64_t bits = 0;
  for (int b : bits_per_layer) bits += per_layer * b;
  return (bits + 7) / 8;
}

Graph llama(const LlamaConfig& c, const LlamaOptions& o) {
  c.check();
  const int64_t s = o.seq ? o.seq : std::min<int64_t>(c.max_position_embeddings, 2048);
  if (o.batch <= 0 || s <= 0 || o.past < 0)
    throw core::Error("llama '" + c.name + "': batch and tokens must be > 0, past >= 0");
  if (o.past + s > c.max_position_embeddings)
    throw core::Error("llama '" + c.name + "': context " + std::to_string(o.past + s) +
                      " exceeds the model's " + std::to_string(c.max_position_embeddings) +
                      " positions (max_position_embeddings)");
  if (o.past && !o.kv_cache) throw core::Error("llama: past positions need the KV cache");
  const int64_t b = o.batch, d = c.hidden_size, h = c.num_attention_heads,
                kvh = c.num_key_value_heads, hd = c.head_size(), g = h / kvh;
  Builder B(c.name, o.elem_bits);
  int ids = B.input("input_ids", {b, s});
  // cos/sin of the processed positions, shared by every layer.
  int table = B.input("rope.cos_sin", {s, hd});
  B.set_block("embed");
  int x = B.embedding("model.embed_tokens", ids, c.vocab_size, d);
  B.graph().mutable_op(B.tensor(x).producer).ops_per_element = 0;  // a gather: moves rows only
  for (int64_t l = 0; l < c.num_hidden_layers; ++l) {
    const std::string n = "model.layers." + std::to_string(l);
    B.set_block("layers." + std::to_string(l));
    int y = B.rmsnorm(n + ".input_layernorm", x);
    int q = B.linear(n + ".self_attn.q_proj", y, h * hd, c.attention_bias);
    int k = B.linear(n + ".self_attn.k_proj", y, kvh * hd, c.attention_bias);
    int v = B.linear(n + ".self_attn.v_proj", y, kvh * hd, c.attention_bias);
    q = B.reshape(n + ".self_attn.q_heads", q, {b, kvh, g * s, hd});
    k = B.reshape(n + ".self_attn.k_heads", k, {b, kvh, s, hd});
    v = B.reshape(n + ".self_attn.v_heads", v, {b, kvh, s, hd});
    q = B.rope(n + ".self_attn.q_rope", q, table);
    k = B.rope(n + ".self_attn.k_rope", k, table);
    if (o.kv_cache) {  // the new rows join the cache (written to DRAM as graph outputs)
      B.reshape(n + ".present_key", k, {b, kvh, s, hd});
      B.reshape(n + ".present_value", v, {b, kvh, s, hd});
    }
    int ctx;
    int scores = B.matmul(n + ".self_attn.qk", q, k, /*b_transposed=*/true);
    if (o.past) {
      // Scores over the cached positions and the new ones, one softmax over both, then the
      // two value products summed.
      int pk = B.input(n + ".past_key", {b, kvh, o.past, hd});
      int pv = B.input(n + ".past_value", {b, kvh, o.past, hd});
      int past_scores = B.matmul(n + ".self_attn.qk_past", q, pk, /*b_transposed=*/true);
      scores = B.concat(n + ".self_attn.scores", {past_scores, scores}, 3);
      int probs = B.softmax(n + ".self_attn.softmax", scores);
      auto parts = B.split(n + ".self_attn.probs_split", probs,
                           {{b, kvh, g * s, o.past}, {b, kvh, g * s, s}});
      int av_past = B.matmul(n + ".self_attn.av_past", parts[0], pv);
      int av_new = B.matmul(n + ".self_attn.av", parts[1], v);
      ctx = B.add(n + ".self_attn.av_sum", av_past, av_new);
    } else {
      int probs = B.softmax(n + ".self_attn.softmax", scores);
      ctx = B.matmul(n + ".self_attn.av", probs, v);
    }
    ctx = B.reshape(n + ".self_attn.merge_heads", ctx, {b, s, h * hd});
    if (c.subln) ctx = B.rmsnorm(n + ".self_attn.attn_sub_norm", ctx);
    y = B.linear(n + ".self_attn.o_proj", ctx, d, /*bias=*/false);
    x = B.add(n + ".attn_residual", x, y);
    y = B.rmsnorm(n + ".post_attention_layernorm", x);
    int gate = B.linear(n + ".mlp.gate_proj", y, c.intermediate_size, false);
    int up = B.linear(n + ".mlp.up_proj", y, c.intermediate_size, false);
    if (c.mlp == LlamaMlp::kSwiGlu) {
      gate = B.unary(n + ".mlp.act", gate, OpKind::kSilu);
    } else {
      gate = B.unary(n + ".mlp.act", gate, OpKind::kRelu);
      gate = B.mul(n + ".mlp.act_square", gate, gate);
    }
    y = B.mul(n + ".mlp.gate_up", gate, up);
    if (c.subln) y = B.rmsnorm(n + ".mlp.ffn_sub_norm", y);
    y = B.linear(n + ".mlp.down_proj", y, d, false);
    x = B.add(n + ".mlp_residual", x, y);
  }
  B.set_block("head");
  // Generation needs the next token's logits only.
  if (o.kv_cache && s > 1) x = B.take_last("last_token", x);
  x = B.rmsnorm("model.norm", x);
  const int tied = c.tie_word_embeddings ? B.graph().find_tensor("model.embed_tokens.weight") : -1;
  B.linear("lm_head", x, c.vocab_size, /*bias=*/false, tied);
  return B.finish();
}

}  // namespace monet::workloads
