#include "workloads/models.hpp"

#include "core/error.hpp"
#include "workloads/llama.hpp"

namespace monet::workloads {

const std::vector<ModelInfo>& builtin_models() {
  static const std::vector<ModelInfo> models = {
      {"resnet18", "ResNet-18 (torchvision), 3x224x224, 1000 classes"},
      {"resnet12", "ResNet12 few-shot backbone, widths 64-160-320-640, 3x84x84"},
      {"mobilevit-xxs", "MobileViT-XXS, 3x256x256"},
      {"mobilevit-xs", "MobileViT-XS, 3x256x256"},
      {"mobilevit-s", "MobileViT-S, 3x256x256"},
      {"gpt2-small", "GPT-2 small: 12 layers, 12 heads, d 768, 1024 tokens, tied head"},
      {"gpt2-medium", "GPT-2 medium: 24 layers, 16 heads, d 1024, 1024 tokens, tied head"},
  };
  static const std::vector<ModelInfo> all = [] {
    std::vector<ModelInfo> v = models;
    for (const auto& c : llama_configs()) {
      const int64_t p = c.parameter_count();
      v.push_back({c.name, std::string(c.mlp == LlamaMlp::kRelu2 ? "BitNet" : "Llama-style") +
                               " decoder: " + std::to_string(c.num_hidden_layers) + " layers, " +
                               std::to_string(c.num_attention_heads) + "/" +
                               std::to_string(c.num_key_value_heads) + " q/kv heads, d " +
                               std::to_string(c.hidden_size) + ", " +
                               std::to_string(c.max_position_embeddings) + " positions, " +
                               (c.tie_word_embeddings ? "tied" : "untied") + " head, " +
                               std::to_string(p / 1000000) + " M parameters"});
    }
    return v;
  }();
  return all;
}

const std::vector<ModelAlias>& model_aliases() {
  static const std::vector<ModelAlias> aliases = {{"gpt2", "gpt2-small"}};
  return aliases;
}

std::string canonical_model_name(const std::string& name) {
  for (const auto& a : model_aliases())
    if (a.alias == name) return a.model;
  return name;
}

bool is_builtin_model(const std::string& name) {
  const std::string model = canonical_model_name(name);
  for (auto& m : builtin_models())
    if (m.name == model) return true;
  return false;
}

bool is_decoder_model(const std::string& name) {
  return name.rfind("gpt2", 0) == 0 || find_llama_config(name) != nullptr;
}

Graph build_model(const std::string& requested, const ModelParams& p) {
  const std::string name = canonical_model_name(requested);
  if (p.batch <= 0)
    throw core::Error("batch must be a positive integer, got " + std::to_string(p.batch));
  if (p.seq < 0) throw core::Error("seq must be a positive integer, got " + std::to_string(p.seq));
  if (p.seq && !is_decoder_model(name))
    throw core::Error("--seq applies to decoder models (GPT-2, Llama family) only, not '" + name +
                      "'");
  if (name == "resnet18") return resnet18({.batch = p.batch, .elem_bits = p.elem_bits});
  if (name == "resnet12") return resnet12({.batch = p.batch, .elem_bits = p.elem_bits});
  if (name == "mobilevit-xxs" || name == "mobilevit-xs" || name == "mobilevit-s") {
    MobileViTOptions o;
    o.variant = name == "mobilevit-xxs"  ? MobileViTVariant::kXXS
                : name == "mobilevit-xs" ? MobileViTVariant::kXS
                                         : MobileViTVariant::kS;
    o.batch = p.batch;
    o.elem_bits = p.elem_bits;
    return mobilevit(o);
  }
  if (name == "gpt2-small" || name == "gpt2-medium") {
    Gpt2Options o = gpt2_preset(name.substr(5));
    o.batch = p.batch;
    if (p.seq) o.seq = p.seq;
    o.elem_bits = p.elem_bits;
    return gpt2(o);
  }
  if (const LlamaConfig* c = find_llama_config(name)) {
    LlamaOptions o;
    o.batch = p.batch;
    o.seq = p.seq;
    o.elem_bits = p.elem_bits;
    return llama(*c, o);
  }
  std::string known;
  for (auto& m : builtin_models()) known += (known.empty() ? "" : ", ") + m.name;
  for (auto& a : model_aliases()) known += ", " + a.alias + " (= " + a.model + ")";
  throw core::Error("unknown model '" + requested + "' (built-in: " + known + ")");
}

}  // namespace monet::workloads
