#include "workloads/llama_yaml.hpp"

#include "core/error.hpp"

namespace monet::workloads {

bool is_family_document(const core::YamlNode& root) {
  return root.is_map() && root.has("family");
}

LlamaFileSpec parse_llama_family(const core::YamlNode& root, const std::string& display_name) {
  root.reject_unknown_keys(
      {"name", "description", "family", "batch", "seq", "element_bits", "config"});
  if (root["family"].as_string() != "llama") root["family"].fail("unknown family (known: llama)");
  LlamaFileSpec s;
  LlamaConfig& c = s.config;
  c.name = root.get_string("name", display_name);
  core::YamlNode n = root.required("config");
  if (!n.is_map()) n.fail("must be a map of config.json fields");
  n.reject_unknown_keys({"hidden_size", "intermediate_size", "num_hidden_layers",
                         "num_attention_heads", "num_key_value_heads", "head_dim", "vocab_size",
                         "max_position_embeddings", "tie_word_embeddings", "attention_bias",
                         "hidden_act", "subln"});
  constexpr int64_t kMax = int64_t{1} << 24;
  auto size = [&](const char* key) { return n.required(key).as_int(1, kMax); };
  c.hidden_size = size("hidden_size");
  c.intermediate_size = size("intermediate_size");
  c.num_hidden_layers = size("num_hidden_layers");
  c.num_attention_heads = size("num_attention_heads");
  c.num_key_value_heads =
      n.has("num_key_value_heads") ? size("num_key_value_heads") : c.num_attention_heads;
  c.head_dim = n.has("head_dim") ? size("head_dim") : 0;
  c.vocab_size = size("vocab_size");
  c.max_position_embeddings = size("max_position_embeddings");
  if (n.has("tie_word_embeddings")) c.tie_word_embeddings = n["tie_word_embeddings"].as_bool();
  if (n.has("attention_bias")) c.attention_bias = n["attention_bias"].as_bool();
  if (n.has("subln")) c.subln = n["subln"].as_bool();
  if (n.has("hidden_act")) {
    std::string act = n["hidden_act"].as_string();
    if (act == "relu2")
      c.mlp = LlamaMlp::kRelu2;
    else if (act != "silu")
      n["hidden_act"].fail("must be silu (SwiGLU) or relu2 (BitNet's gated ReLU²)");
  }
  try {
    c.check();
  } catch (const core::ConfigError&) {
    throw;
  } catch (const core::Error& e) {
    n.fail(e.what());
  }
  s.options.batch = root.get_int("batch", 1, 1);
  s.options.seq = root.has("seq") ? root["seq"].as_int(1, c.max_position_embeddings) : 0;
  s.options.elem_bits = static_cast<int>(root.get_int("element_bits", 32, 1));
  if (s.options.elem_bits > 64) root["element_bits"].fail("must be 1 … 64");
  return s;
}

}  // namespace monet::workloads
