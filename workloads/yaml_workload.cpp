#include "workloads/yaml_workload.hpp"

#include <algorithm>
#include <filesystem>
#include <unordered_map>
#include <vector>

#include "core/checked_math.hpp"
#include "core/error.hpp"
#include "core/yaml.hpp"
#include "workloads/builder.hpp"
#include "workloads/llama_yaml.hpp"
#include "workloads/yaml_workload_spec.hpp"

namespace monet::workloads {

namespace {

using core::ConfigError;
using core::ConfigIssue;
using core::YamlNode;
using namespace yaml_detail;

std::string shape_text(const Shape& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? "x" : "") + std::to_string(s[i]);
  return out + "]";
}

// Turns a reshape target (without batch, one size may be -1) into a full shape.
Shape reshape_target(const LayerSpec& L, const Shape& in) {
  const int64_t per_sample = core::checked_product(in, "elements per sample of the input", 1);
  int64_t known = 1;
  try {
    for (int64_t d : L.shape)
      if (d > 0) known = core::checked_mul(known, d, "elements of the target shape");
  } catch (const core::Error& e) {
    L.node["shape"].fail(e.what());
  }
  Shape out = {in[0]};
  for (int64_t d : L.shape) {
    if (d > 0)
      out.push_back(d);
    else if (per_sample % known == 0)
      out.push_back(per_sample / known);
    else
      L.node["shape"].fail("cannot infer the -1 size: " + std::to_string(per_sample) +
                           " elements per sample are not divisible by " + std::to_string(known));
  }
  return out;
}

int build_layer(Builder& b, const LayerSpec& L, const std::vector<int>& in) {
  const std::string& n = L.name;
  const std::string_view type = L.type->name;
  const int x = in[0];
  if (type == "conv")
    return b.conv(n, x, L.size, L.kernel, L.stride, L.padding, L.groups, L.bias, L.dilation);
  if (type == "linear") return b.linear(n, x, L.size, L.bias);
  if (type == "matmul") return b.matmul(n, x, in[1], L.transpose_b);
  if (type == "batchnorm") return b.batchnorm(n, x);
  if (type == "layernorm") return b.layernorm(n, x);
  if (type == "softmax") return b.softmax(n, x);
  if (type == "add") return b.add(n, x, in[1]);
  if (type == "mul") return b.mul(n, x, in[1]);
  if (type == "maxpool") return b.maxpool(n, x, L.kernel, L.stride, L.padding);
  if (type == "avgpool") return b.avgpool(n, x, L.kernel, L.stride, L.padding);
  if (type == "global_avgpool") return b.global_avgpool(n, x);
  if (type == "embedding") return b.embedding(n, x, L.vocab, L.size, L.positions);
  if (type == "flatten") {
    const Shape& s = b.shape(x);
    return b.reshape(n, x, {s[0], core::checked_product(s, "elements per sample", 1)});
  }
  if (type == "reshape") return b.reshape(n, x, reshape_target(L, b.shape(x)));
  if (type == "concat") {
    const int64_t rank = static_cast<int64_t>(b.shape(x).size());
    const int64_t axis = L.axis < 0 ? L.axis + rank : L.axis;
    if (axis <= 0 || axis >= rank)
      L.axis_node.fail("out of range for inputs of rank " + std::to_string(rank) + "; must be 1.." +
                       std::to_string(rank - 1) + " or -" + std::to_string(rank - 1) +
                       "..-1 (axis 0 is the batch)");
    return b.concat(n, in, static_cast<int>(axis));
  }
  return b.unary(n, x, L.type->kind);  // relu, leaky_relu, gelu, silu, sigmoid, dropout
}

// Builds layer by layer; a layer whose input failed is skipped, so each reported shape error
// is independent of the others.
Graph build(const WorkloadSpec& spec, Issues& issues) {
  Builder b(spec.name, spec.elem_bits);
  std::unordered_map<std::string, int> ids;  // -1: not built
  for (const auto& in : spec.inputs) {
    Shape s = {spec.batch};
    s.insert(s.end(), in.shape.begin(), in.shape.end());
    try {
      ids[in.name] = b.input(in.name, s);
    } catch (const core::Error& e) {
      // The shape with the batch prepended is out of range (or the name is taken).
      issues.push_back(in.node["shape"].issue(std::string(e.what()) + " (batch " +
                                              std::to_string(spec.batch) + " first)"));
      ids[in.name] = -1;
    }
  }
  for (const auto& L : spec.layers) {
    if (!L.valid) {
      ids.emplace(L.name, -1);  // a duplicate must not hide the first layer of that name
      continue;
    }
    int& out = ids[L.name];
    out = -1;
    std::vector<int> in;
    std::string shapes;
    for (const auto& name : L.inputs) {
      auto it = ids.find(name);
      if (it == ids.end() || it->second < 0) break;
      in.push_back(it->second);
      shapes += (shapes.empty() ? "" : ", ") + name + " " + shape_text(b.shape(it->second));
    }
    if (in.size() != L.inputs.size()) continue;
    b.set_block(L.block);
    try {
      out = build_layer(b, L, in);
    } catch (const ConfigError& e) {
      issues.insert(issues.end(), e.issues().begin(), e.issues().end());
    } catch (const core::Error& e) {
      issues.push_back({L.node.loc(), L.node.path(), L.name,
                        std::string("cannot build this ") + std::string(L.type->name) +
                            " layer from input shapes (" + shapes + ", batch first): " + e.what()});
    }
  }
  if (!issues.empty()) return Graph(spec.name);
  try {
    return b.finish();
  } catch (const core::Error& e) {
    throw ConfigError(core::Location{spec.layers.front().node.file(), 0}, "", "", e.what());
  }
}

Graph load(const YamlNode& root, const std::string& display_name, const ModelParams& overrides) {
  if (overrides.batch_set && overrides.batch <= 0)
    throw core::Error("batch must be a positive integer, got " + std::to_string(overrides.batch));
  if (is_family_document(root)) {
    LlamaFileSpec f = parse_llama_family(root, display_name);
    if (overrides.batch_set) f.options.batch = overrides.batch;
    if (overrides.seq) f.options.seq = overrides.seq;
    if (overrides.elem_bits_set) f.options.elem_bits = overrides.elem_bits;
    return llama(f.config, f.options);
  }
  if (overrides.seq != 0)
    throw core::Error("a sequence length override applies to GPT-2 models only; workload file '" +
                      display_name + "' sets its sequence lengths in `inputs`");
  Issues issues;
  bool header_ok = true;
  WorkloadSpec spec = parse_workload_spec(root, display_name, overrides, issues, header_ok);
  Graph g(spec.name);
  if (header_ok && !spec.layers.empty()) g = build(spec, issues);
  if (!issues.empty()) {
    std::stable_sort(issues.begin(), issues.end(), [](const ConfigIssue& a, const ConfigIssue& b) {
      return a.where.line < b.where.line;
    });
    throw ConfigError(issues);
  }
  return g;
}

}  // namespace

bool is_workload_file_name(const std::string& spec) {
  auto ends = [&](std::string_view suffix) {
    return spec.size() > suffix.size() &&
           spec.compare(spec.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return ends(".yaml") || ends(".yml");
}

Graph load_workload_file(const std::string& path, const ModelParams& overrides) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw ConfigError(core::Location{path, 0}, "", "", "workload file not found");
  if (std::filesystem::is_directory(path, ec))
    throw ConfigError(core::Location{path, 0}, "", "", "is a directory, not a workload file");
  return load(core::load_yaml_file(path), path, overrides);
}

Graph parse_workload_yaml(const std::string& text, const std::string& name,
                          const ModelParams& overrides) {
  return load(core::parse_yaml(text, name), name, overrides);
}

}  // namespace monet::workloads
