// import_onnx: read and check the model, find roles, fix the batch, infer shapes and fold
// constants, find fused patterns, reject unsupported op types (all at once), convert node by
// node, validate.
#include "workloads/onnx_import.hpp"

#include <filesystem>
#include <map>

#include "core/error.hpp"
#include "workloads/onnx_check.hpp"
#include "workloads/onnx_importer.hpp"
#include "workloads/onnx_infer.hpp"

namespace monet::workloads {

namespace od = onnx_detail;

namespace {

// Sets dim 0 of every data input to the batch (a symbolic batch without a request becomes
// 1); other dims must be numbers. Returns true when a dim changed, so that shapes the
// exporter recorded for the old batch are dropped before inference.
bool set_batch(onnx::GraphProto& g, const od::NodeIndex& idx, const od::Roles& roles, int64_t batch,
               const std::string& path, std::vector<std::string>& warnings) {
  bool changed = false;
  for (auto& in : *g.mutable_input()) {
    if (!idx.graph_inputs.count(in.name()) || roles.of(in.name()) != od::Role::kActivation ||
        !in.type().has_tensor_type() || !in.type().tensor_type().has_shape())
      continue;
    auto* shape = in.mutable_type()->mutable_tensor_type()->mutable_shape();
    for (int d = 1; d < shape->dim_size(); ++d)
      if (!shape->dim(d).has_dim_value())
        throw core::Error(path + ": graph input '" + in.name() + "' has a symbolic dimension " +
                          std::to_string(d) + " ('" + shape->dim(d).dim_param() +
                          "'): only the batch (dimension 0) may be symbolic; export the model "
                          "with fixed sizes");
    if (shape->dim_size() == 0) continue;
    auto* d0 = shape->mutable_dim(0);
    if (batch > 0 && (!d0->has_dim_value() || d0->dim_value() != batch)) {
      d0->set_dim_value(batch);
      changed = true;
    } else if (batch == 0 && !d0->has_dim_value()) {
      warnings.push_back("graph input '" + in.name() + "' has a symbolic batch '" +
                         d0->dim_param() + "'; using batch 1");
      d0->set_dim_value(1);
      changed = true;
    }
  }
  if (changed) {
    g.clear_value_info();
    for (auto& out : *g.mutable_output())
      if (out.type().has_tensor_type()) out.mutable_type()->mutable_tensor_type()->clear_shape();
  }
  return changed;
}

void reject_unsupported(const od::NodeIndex& idx, const od::Roles& roles,
                        const od::Patterns& patterns, const std::string& path) {
  std::map<std::string, std::vector<std::string>> by_type;
  for (int i = 0; i < idx.graph.node_size(); ++i) {
    const auto& n = idx.node(i);
    if (patterns.claimed[i] || od::converters().count(n.op_type())) continue;
    bool computes = false;
    for (const auto& o : n.output())
      computes = computes || (!o.empty() && !roles.is(o, od::Role::kConstant) &&
                              !roles.is(o, od::Role::kWeight));
    if (computes) by_type[n.op_type()].push_back(od::node_label(idx, i));
  }
  if (by_type.empty()) return;
  std::string list;
  for (const auto& [type, nodes] : by_type) {
    list += (list.empty() ? "" : ", ") + type + " (node" + (nodes.size() > 1 ? "s" : "") + " ";
    for (size_t k = 0; k < nodes.size() && k < 5; ++k) list += (k ? ", '" : "'") + nodes[k] + "'";
    if (nodes.size() > 5) list += " and " + std::to_string(nodes.size() - 5) + " more";
    list += ")";
  }
  throw core::Error(path + ": unsupported ONNX op types: " + list +
                    " (pass them through at no cost with --skip-unsupported)");
}

void check_options(const OnnxOptions& options, const std::string& path) {
  if (options.batch < 0)
    throw core::Error(path + ": batch must be >= 1 (or 0 for the model's own), got " +
                      std::to_string(options.batch));
  if (options.element_bits < 0 || options.element_bits > 64)
    throw core::Error(path + ": element_bits must be 1..64 (or 0 for the model's own types), got " +
                      std::to_string(options.element_bits));
}

}  // namespace

bool is_onnx_file_name(const std::string& spec) {
  auto ext = std::filesystem::path(spec).extension().string();
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".onnx";
}

OnnxImport import_onnx(const std::string& path, const OnnxOptions& options) {
  check_options(options, path);
  return import_onnx_bytes(od::read_file(path), path, options);
}

OnnxImport import_onnx_bytes(const std::string& bytes, const std::string& path,
                             const OnnxOptions& options) {
  check_options(options, path);
  onnx::ModelProto model = od::parse_model(bytes, path);
  try {
    std::vector<std::string> warnings = od::check_model(model, path);
    onnx::GraphProto& g = *model.mutable_graph();
    const od::NodeIndex idx(g);
    const od::Roles roles = od::analyse_roles(idx, od::TypeTable(g));
    set_batch(g, idx, roles, options.batch, path, warnings);
    od::Inferred inferred = od::infer(model, idx, roles, path);
    warnings.insert(warnings.end(), inferred.warnings.begin(), inferred.warnings.end());
    const od::TypeTable types(g, inferred.types);
    const od::Constants consts(inferred.consts);
    const od::Patterns patterns =
        od::find_patterns(idx, roles, types, consts, od::default_opset(model));
    if (!options.skip_unsupported) reject_unsupported(idx, roles, patterns, path);

    const od::ModelView view{model, idx, roles, types, patterns, consts};
    od::Importer importer(view, options, path, Graph(std::filesystem::path(path).stem().string()));
    OnnxImport result = importer.run(std::move(warnings));
    try {
      result.graph.validate();
    } catch (const core::Error& e) {
      throw core::Error(path + ": " + e.what());
    }
    return result;
  } catch (const od::ModelError& e) {
    throw core::Error(path + ": " + e.what());
  }
}

}  // namespace monet::workloads
