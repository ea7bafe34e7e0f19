// Llama-style decoders (RMSNorm, rotary embeddings, grouped-query attention, SwiGLU or
// BitNet's gated ReLU² MLP, tied or untied head, optional QKV bias) and the built-in configs,
// each quoted from its published Hugging Face config.json. One builder serves training
// graphs (every token, no cache), generation prefill (the prompt, writing the KV cache) and
// decode steps (new tokens attending over a cache of `past` positions).
#pragma once

#include <string>
#include <vector>

#include "workloads/graph.hpp"

namespace monet::workloads {

enum class LlamaMlp { kSwiGlu, kRelu2 };  // silu(gate)·up, or relu(gate)²·up (BitNet)

// Field names follow config.json.
struct LlamaConfig {
  std::string name;
  int64_t hidden_size = 0;
  int64_t intermediate_size = 0;
  int64_t num_hidden_layers = 0;
  int64_t num_attention_heads = 0;
  int64_t num_key_value_heads = 0;
  int64_t head_dim = 0;  // 0: hidden_size / num_attention_heads
  int64_t vocab_size = 0;
  int64_t max_position_embeddings = 0;
  bool tie_word_embeddings = false;
  bool attention_bias = false;  // bias on q, k, v projections (Qwen2)
  LlamaMlp mlp = LlamaMlp::kSwiGlu;
  bool subln = false;  // BitNet: RMSNorm before o_proj and before down_proj

  int64_t head_size() const { return head_dim ? head_dim : hidden_size / num_attention_heads; }
  // Throws core::Error naming the inconsistent field.
  void check() const;
  // Parameters by hand from the config (embedding, per-layer projections and norms, head):
  // the count the builder's graph must reproduce.
  int64_t parameter_count() const;
  // KV-cache bytes: 2 (K and V) × layers × kv heads × head dim × context × batch × bits / 8.
  int64_t kv_cache_bytes(int64_t context, int64_t batch, int bits) const;
  // The same with each layer's own bits (one entry per decoder layer).
  int64_t kv_cache_bytes(int64_t context, int64_t batch,
                         const std::vector<int>& bits_per_layer) const;
};

// Built-in configurations by model name ("llama-2-7b", ...); empty when unknown.
const std::vector<LlamaConfig>& llama_configs();
const LlamaConfig* find_llama_config(const std::string& name);

struct LlamaOptions {
  int64_t batch = 1;
  int64_t seq = 0;   // tokens processed by this graph; 0: max_position_embeddings capped at 2048
  int64_t past = 0;  // positions already in the KV cache (decode steps)
  // Generation: K and V of the new tokens are written to the cache (graph outputs
  // `<layer>.present_key/value`); a decode step reads `<layer>.past_key/value` inputs. Only
  // the last token's logits are computed (the next token's).
  bool kv_cache = false;
  int elem_bits = 32;
};
Graph llama(const LlamaConfig& cfg, const LlamaOptions& o = {});

}  // namespace monet::workloads
