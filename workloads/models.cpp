#include "workloads/models.hpp"

#include "core/error.hpp"

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
  return models;
}

bool is_builtin_model(const std::string& name) {
  for (auto& m : builtin_models())
    if (m.name == name) return true;
  return false;
}

Graph build_model(const std::string& name, const ModelParams& p) {
  if (p.batch <= 0)
    throw core::Error("batch must be a positive integer, got " + std::to_string(p.batch));
  if (p.seq < 0) throw core::Error("seq must be a positive integer, got " + std::to_string(p.seq));
  if (p.seq && name.rfind("gpt2", 0) != 0)
    throw core::Error("--seq applies to GPT-2 models only, not '" + name + "'");
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
  std::string known;
  for (auto& m : builtin_models()) known += (known.empty() ? "" : ", ") + m.name;
  throw core::Error("unknown model '" + name + "' (built-in: " + known + ")");
}

}  // namespace monet::workloads
