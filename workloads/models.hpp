// Built-in forward graphs of the reference networks (docs/references.md, "Built-in workloads").
#pragma once

#include <string>
#include <vector>

#include "workloads/graph.hpp"

namespace monet::workloads {

struct ResNet18Options {
  int64_t batch = 1;
  int64_t input = 224;
  int64_t classes = 1000;
  int elem_bits = 32;
};
Graph resnet18(const ResNet18Options& o = {});

struct ResNet12Options {
  int64_t batch = 1;
  std::vector<int64_t> widths = {64, 160, 320, 640};
  int64_t input = 84;
  int elem_bits = 32;
};
Graph resnet12(const ResNet12Options& o = {});

enum class MobileViTVariant { kXXS, kXS, kS };
struct MobileViTOptions {
  MobileViTVariant variant = MobileViTVariant::kXXS;
  int64_t batch = 1;
  int64_t input = 256;
  int64_t classes = 1000;
  int elem_bits = 32;
};
Graph mobilevit(const MobileViTOptions& o = {});

struct Gpt2Options {
  int64_t layers = 12;
  int64_t heads = 12;
  int64_t d_model = 768;
  int64_t vocab = 50257;
  int64_t seq = 1024;
  int64_t max_positions = 1024;
  int64_t batch = 1;
  bool dropout = false;  // HF GPT-2 has dropout 0.1 in training; off by default
  int elem_bits = 32;
  std::string name = "gpt2-small";  // the graph's name: the preset's model name
};
// "small" (12 layers, 12 heads, d 768) or "medium" (24, 16, 1024); throws on anything else.
Gpt2Options gpt2_preset(const std::string& preset);
Graph gpt2(const Gpt2Options& o = {});

// Registry used by the CLI and experiment files.
struct ModelParams {
  int64_t batch = 1;
  int64_t seq = 0;  // 0: the model's default (decoder models only)
  int elem_bits = 32;
  bool batch_set = false;  // workload files: `batch` replaces the file's batch only when set
  // ONNX models: elem_bits replaces the model's element types only when set (an FP16 export
  // stays 16 bit unless asked otherwise).
  bool elem_bits_set = false;
};
struct ModelInfo {
  std::string name;
  std::string description;
};
const std::vector<ModelInfo>& builtin_models();
// Other names a built-in model answers to: {"gpt2", "gpt2-small"} (Hugging Face's "gpt2" is
// the small model). Outputs always use the model's own name.
struct ModelAlias {
  std::string alias;
  std::string model;
};
const std::vector<ModelAlias>& model_aliases();
// The built-in model's own name for `name` (an alias resolved; other names unchanged).
std::string canonical_model_name(const std::string& name);
bool is_builtin_model(const std::string& name);  // a model's name or an alias
// GPT-2 and the Llama family (workloads/llama.hpp): the models `seq` applies to.
bool is_decoder_model(const std::string& name);
// Throws core::Error naming the known models when `name` is unknown.
Graph build_model(const std::string& name, const ModelParams& params = {});

}  // namespace monet::workloads
