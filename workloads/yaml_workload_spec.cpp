#include "workloads/yaml_workload_spec.hpp"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <unordered_map>
#include <vector>

#include "core/error.hpp"
#include "core/yaml.hpp"

namespace monet::workloads::yaml_detail {

namespace {

using core::ConfigError;
using core::ConfigIssue;
using core::YamlNode;

// Sizes that feed Builder's `int` parameters; far beyond any real kernel or stride.
constexpr int64_t kMaxSmall = 1 << 20;

const std::vector<LayerType>& layer_types() {
  static const std::vector<LayerType> types = {
      {"conv",
       OpKind::kConv,
       Arity::kOne,
       {"out_channels", "kernel", "stride", "padding", "groups", "dilation", "bias"}},
      {"linear", OpKind::kMatmul, Arity::kOne, {"out_features", "bias"}},
      {"matmul", OpKind::kMatmul, Arity::kTwo, {"transpose_b"}},
      {"batchnorm", OpKind::kBatchNorm, Arity::kOne, {}},
      {"layernorm", OpKind::kLayerNorm, Arity::kOne, {}},
      {"relu", OpKind::kRelu, Arity::kOne, {}},
      {"leaky_relu", OpKind::kLeakyRelu, Arity::kOne, {}},
      {"gelu", OpKind::kGelu, Arity::kOne, {}},
      {"silu", OpKind::kSilu, Arity::kOne, {}},
      {"sigmoid", OpKind::kSigmoid, Arity::kOne, {}},
      {"softmax", OpKind::kSoftmax, Arity::kOne, {}},
      {"dropout", OpKind::kDropout, Arity::kOne, {}},
      {"add", OpKind::kAdd, Arity::kTwo, {}},
      {"mul", OpKind::kMul, Arity::kTwo, {}},
      {"maxpool", OpKind::kMaxPool, Arity::kOne, {"kernel", "stride", "padding"}},
      {"avgpool", OpKind::kAvgPool, Arity::kOne, {"kernel", "stride", "padding"}},
      {"global_avgpool", OpKind::kGlobalAvgPool, Arity::kOne, {}},
      {"flatten", OpKind::kReshape, Arity::kOne, {}},
      {"reshape", OpKind::kReshape, Arity::kOne, {"shape"}},
      {"concat", OpKind::kConcat, Arity::kTwoOrMore, {"axis"}},
      {"embedding", OpKind::kEmbedding, Arity::kOne, {"vocab", "dim", "positions"}},
  };
  return types;
}

constexpr std::string_view kCommonFields[] = {"name", "type", "input", "inputs", "block"};

std::string join(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

std::string known_types() {
  std::vector<std::string> names;
  for (const auto& t : layer_types()) names.emplace_back(t.name);
  return join(names);
}

// Present but empty (`stride:`) is an error, not a silent default: the value was forgotten.
std::optional<YamlNode> optional_field(const YamlNode& n, std::string_view key) {
  if (!n.has(key)) return std::nullopt;
  YamlNode c = n[key];
  if (!c.defined()) c.fail("field has no value");
  return c;
}

void check_fields(const YamlNode& n, const std::vector<std::string_view>& allowed,
                  const std::string& what, Issues& issues) {
  std::vector<std::string> list;
  for (auto a : allowed) list.emplace_back(a);
  for (auto it = n.raw().begin(); it != n.raw().end(); ++it) {
    const std::string key = it->first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string value = it->second.IsScalar() ? it->second.Scalar() : "";
    issues.push_back({{n.file(), it->first.Mark().line + 1},
                      n.path().empty() ? key : n.path() + "." + key,
                      value,
                      "unknown field " + what + "; allowed: " + join(list)});
  }
}

// Every declared name with the first layer allowed to read it (0 for graph inputs, i + 1 for
// layers[i]) and its line, so references can say "defined later" or list the names in scope.
struct NameTable {
  struct Entry {
    size_t visible_from;
    int line;
  };
  std::vector<std::string> order;
  std::unordered_map<std::string, Entry> where;

  std::vector<std::string> in_scope(size_t layer) const {
    std::vector<std::string> out;
    for (const auto& n : order)
      if (where.at(n).visible_from <= layer) out.push_back(n);
    return out;
  }
};

// (yaml-cpp throws on asking a missing key's type, hence `has` before `is_scalar`.)
std::string default_layer_name(const YamlNode& n, size_t index) {
  std::string type = n.has("type") && n["type"].is_scalar() ? n["type"].raw().Scalar() : "layer";
  return type + "_" + std::to_string(index);
}

// Collects every name first; a duplicate is reported at its second occurrence.
NameTable declare_names(const YamlNode& layers, const std::vector<InputSpec>& inputs,
                        Issues& issues) {
  NameTable table;
  auto declare = [&](const std::string& name, const YamlNode& at, size_t visible_from) {
    auto it = table.where.find(name);
    if (it != table.where.end()) {
      issues.push_back({at.loc(), at.path(), name,
                        "duplicate name; already used on line " + std::to_string(it->second.line) +
                            " (input and layer names must be unique)"});
      return;
    }
    table.where[name] = {visible_from, at.loc().line};
    table.order.push_back(name);
  };
  for (const auto& in : inputs) declare(in.name, in.node["name"], 0);
  for (size_t i = 0; i < layers.size(); ++i) {
    YamlNode n = layers.at(i);
    if (!n.is_map()) continue;
    if (!n.has("name"))
      declare(default_layer_name(n, i), n, i + 1);
    else if (n["name"].is_scalar())
      declare(n["name"].raw().Scalar(), n["name"], i + 1);
  }
  return table;
}

class LayerParser {
 public:
  LayerParser(const NameTable& names, Issues& issues) : names_(names), issues_(issues) {}

  LayerSpec parse(const YamlNode& n, size_t index, const std::string& previous) {
    LayerSpec L;
    L.node = n;
    L_ = &L;
    if (!n.is_map()) {
      report([&] { n.fail("a layer must be a map with at least `type`"); });
      return L;
    }
    report([&] {
      std::string type = n.required("type").as_string();
      for (const auto& t : layer_types())
        if (t.name == type) L.type = &t;
      if (!L.type) n["type"].fail("unknown layer type; known: " + known_types());
    });
    report([&] {
      L.name = n.has("name") ? n.required("name").as_string() : default_layer_name(n, index);
      if (L.name.empty()) n["name"].fail("a layer name must not be empty");
    });
    auto declared = names_.where.find(L.name);  // duplicates were reported by declare_names
    if (declared == names_.where.end() || declared->second.visible_from != index + 1)
      L.valid = false;
    report([&] {
      if (auto b = optional_field(n, "block")) block_ = b->as_string();
    });
    L.block = block_;
    if (!L.type) {
      L.valid = false;
      return L;
    }
    std::vector<std::string_view> allowed(std::begin(kCommonFields), std::end(kCommonFields));
    allowed.insert(allowed.end(), L.type->fields.begin(), L.type->fields.end());
    size_t before = issues_.size();
    check_fields(n, allowed, "for a " + std::string(L.type->name) + " layer", issues_);
    if (issues_.size() != before) L.valid = false;
    parse_inputs(n, index, previous);
    parse_type_fields(n);
    return L;
  }

 private:
  template <class F>
  void report(F&& read) {
    if (!guard(issues_, read)) L_->valid = false;
  }

  // `fallback` empty: the field is required. The fallback itself is not range-checked.
  int64_t integer(const YamlNode& n, std::string_view key, std::optional<int64_t> fallback,
                  int64_t min, int64_t max = kMaxSmall) {
    int64_t v = fallback.value_or(0);
    report([&] {
      if (!fallback)
        v = n.required(key).as_int(min, max);
      else if (auto c = optional_field(n, key))
        v = c->as_int(min, max);
    });
    return v;
  }

  bool flag(const YamlNode& n, std::string_view key, bool fallback) {
    bool v = fallback;
    report([&] {
      if (auto c = optional_field(n, key)) v = c->as_bool();
    });
    return v;
  }

  void parse_inputs(const YamlNode& n, size_t index, const std::string& previous) {
    LayerSpec& L = *L_;
    report([&] {
      if (n.has("input") && n.has("inputs"))
        n["inputs"].fail("give either `input` (one name) or `inputs` (a list), not both");
      std::vector<YamlNode> refs;
      if (auto one = optional_field(n, "input")) {
        refs.push_back(*one);
      } else if (auto many = optional_field(n, "inputs")) {
        if (many->is_scalar())
          refs.push_back(*many);
        else if (!many->is_seq())
          many->fail("must be a list of tensor names");
        for (size_t i = 0; many->is_seq() && i < many->size(); ++i) refs.push_back(many->at(i));
      }
      const Arity a = L.type->arity;
      const size_t count = refs.empty() ? 1 : refs.size();
      const bool ok = a == Arity::kOne ? count == 1 : a == Arity::kTwo ? count == 2 : count >= 2;
      const std::string need = a == Arity::kOne   ? "exactly 1 input"
                               : a == Arity::kTwo ? "exactly 2 inputs"
                                                  : "at least 2 inputs";
      const std::string type(L.type->name);
      if (refs.empty() && !ok)
        throw ConfigError(n.loc(), n.path() + ".inputs", "",
                          "required field is missing: type " + type + " takes " + need);
      if (!ok) n[n.has("input") ? "input" : "inputs"].fail("type " + type + " takes " + need);
      if (refs.empty()) {
        L.inputs.push_back(previous);
        return;
      }
      Issues bad;
      for (const auto& r : refs) guard(bad, [&] { L.inputs.push_back(resolve(r, index)); });
      if (!bad.empty()) throw ConfigError(bad);
    });
  }

  // A reference must name a graph input or an earlier layer.
  std::string resolve(const YamlNode& ref, size_t index) const {
    std::string name = ref.as_string();
    auto it = names_.where.find(name);
    if (it != names_.where.end() && it->second.visible_from <= index) return name;
    if (it != names_.where.end())
      ref.fail("names a layer defined later (line " + std::to_string(it->second.line) +
               "); a layer may only read graph inputs and earlier layers");
    ref.fail("no graph input or earlier layer has this name; known here: " +
             join(names_.in_scope(index)));
  }

  void parse_type_fields(const YamlNode& n) {
    LayerSpec& L = *L_;
    constexpr int64_t kBig = std::numeric_limits<int64_t>::max();
    const std::string_view type = L.type->name;
    if (type == "conv") {
      L.size = integer(n, "out_channels", {}, 1, kBig);
      L.kernel = static_cast<int>(integer(n, "kernel", {}, 1));
      L.stride = static_cast<int>(integer(n, "stride", 1, 1));
      L.padding = static_cast<int>(integer(n, "padding", -1, 0));  // -1: Builder's "same"
      L.groups = static_cast<int>(integer(n, "groups", 1, 1));
      L.dilation = static_cast<int>(integer(n, "dilation", 1, 1));
      L.bias = flag(n, "bias", false);
    } else if (type == "linear") {
      L.size = integer(n, "out_features", {}, 1, kBig);
      L.bias = flag(n, "bias", true);
    } else if (type == "matmul") {
      L.transpose_b = flag(n, "transpose_b", false);
    } else if (type == "maxpool" || type == "avgpool") {
      L.kernel = static_cast<int>(integer(n, "kernel", {}, 1));
      L.stride = static_cast<int>(integer(n, "stride", L.kernel, 1));
      L.padding = static_cast<int>(integer(n, "padding", 0, 0));
      // PyTorch's rule: padding beyond half the window would make all-padding windows.
      if (L.kernel > 0 && L.padding > L.kernel / 2)
        report([&] {
          n["padding"].fail("must be at most half the kernel (" + std::to_string(L.kernel) +
                            " / 2 = " + std::to_string(L.kernel / 2) + ")");
        });
    } else if (type == "reshape") {
      parse_reshape(n);
    } else if (type == "concat") {
      L.axis_node = n["axis"];
      L.axis = integer(n, "axis", 1, -kMaxSmall);
      if (L.axis == 0) report([&] { n["axis"].fail("cannot concatenate along the batch axis 0"); });
    } else if (type == "embedding") {
      L.vocab = integer(n, "vocab", {}, 1, kBig);
      L.size = integer(n, "dim", {}, 1, kBig);
      L.positions = integer(n, "positions", 0, 1, kBig);
    }
  }

  void parse_reshape(const YamlNode& n) {
    report([&] {
      YamlNode s = n.required("shape");
      if (!s.is_seq() || s.size() == 0)
        s.fail("must be a non-empty list of sizes (without the batch dimension)");
      int inferred = 0;
      for (size_t i = 0; i < s.size(); ++i) {
        int64_t d = s.at(i).as_int(-1);
        if (d == 0) s.at(i).fail("must be a positive size, or -1 for the one inferred size");
        if (d == -1 && ++inferred > 1) s.at(i).fail("only one size may be -1 (inferred)");
        L_->shape.push_back(d);
      }
    });
  }

  const NameTable& names_;
  Issues& issues_;
  LayerSpec* L_ = nullptr;
  std::string block_;  // sticky: applies to the following layers until the next `block`
};

std::vector<InputSpec> parse_inputs(const YamlNode& root, Issues& issues) {
  std::vector<InputSpec> out;
  guard(issues, [&] {
    YamlNode list = root.required("inputs");
    if (!list.is_seq() || list.size() == 0) list.fail("must be a non-empty list of {name, shape}");
    for (size_t i = 0; i < list.size(); ++i) {
      YamlNode n = list.at(i);
      InputSpec in{n, "", {}};
      bool ok = guard(issues, [&] {
        if (!n.is_map()) n.fail("must be a map with fields name, shape");
        n.reject_unknown_keys({"name", "shape"});
      });
      ok = guard(issues,
                 [&] {
                   in.name = n.required("name").as_string();
                   if (in.name.empty()) n["name"].fail("an input name must not be empty");
                 }) &&
           ok;
      ok = guard(issues,
                 [&] {
                   YamlNode s = n.required("shape");
                   in.shape = s.as_int_list(1);
                   if (in.shape.empty())
                     s.fail("must list at least one size (the batch is not written)");
                 }) &&
           ok;
      if (ok) out.push_back(std::move(in));
    }
  });
  return out;
}

}  // namespace

// Header first (its failure stops the build), then every layer, collecting all issues.
WorkloadSpec parse_workload_spec(const YamlNode& root, const std::string& display_name,
                                 const ModelParams& overrides, Issues& issues, bool& header_ok) {
  WorkloadSpec spec;
  if (!root.is_map())
    throw ConfigError(root.loc(), "", root.text(),
                      "a workload file must be a map with fields name, batch, element_bits, "
                      "inputs, layers");
  guard(issues, [&] {
    root.reject_unknown_keys({"name", "description", "batch", "element_bits", "inputs", "layers"});
  });
  header_ok = guard(issues,
                    [&] {
                      spec.name = root.get_string(
                          "name", std::filesystem::path(display_name).stem().string());
                      if (spec.name.empty())
                        root["name"].fail("the workload name must not be empty");
                    }) &&
              header_ok;
  header_ok = guard(issues,
                    [&] {
                      if (auto b = optional_field(root, "batch")) spec.batch = b->as_int(1);
                    }) &&
              header_ok;
  if (overrides.batch_set) spec.batch = overrides.batch;
  spec.elem_bits = overrides.elem_bits;
  header_ok = guard(issues,
                    [&] {
                      if (auto e = optional_field(root, "element_bits"))
                        spec.elem_bits = static_cast<int>(e->as_int(1, 64));
                    }) &&
              header_ok;
  size_t before = issues.size();
  spec.inputs = parse_inputs(root, issues);
  header_ok = header_ok && issues.size() == before;

  YamlNode layers;
  if (!guard(issues, [&] {
        layers = root.required("layers");
        if (!layers.is_seq() || layers.size() == 0)
          layers.fail("must be a non-empty list of layers");
      }))
    return spec;
  NameTable names = declare_names(layers, spec.inputs, issues);
  LayerParser parser(names, issues);
  std::string previous = spec.inputs.empty() ? std::string() : spec.inputs.front().name;
  for (size_t i = 0; i < layers.size(); ++i) {
    spec.layers.push_back(parser.parse(layers.at(i), i, previous));
    previous = spec.layers.back().name;
  }
  return spec;
}

}  // namespace monet::workloads::yaml_detail
