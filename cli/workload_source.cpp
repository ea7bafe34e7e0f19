#include "cli/workload_source.hpp"

#include <iostream>

#include "core/error.hpp"
#include "workloads/onnx_import.hpp"
#include "workloads/yaml_workload.hpp"

namespace monet::cli {

namespace {
// The batch of an ONNX model is its own unless one was asked for; warnings go to stderr.
workloads::Graph load_onnx(const std::string& spec, const workloads::ModelParams& params) {
  if (params.seq)
    throw core::Error(spec +
                      ": a sequence length does not apply to an ONNX model (the export "
                      "fixes it)");
  auto r =
      workloads::import_onnx(spec, {.batch = params.batch_set ? params.batch : 0,
                                    .element_bits = params.elem_bits_set ? params.elem_bits : 0});
  for (const auto& w : r.warnings) std::cerr << "warning: " << w << "\n";
  return std::move(r.graph);
}
}  // namespace

workloads::Graph load_workload(const std::string& spec, const workloads::ModelParams& params) {
  if (workloads::is_onnx_file_name(spec)) return load_onnx(spec, params);
  if (workloads::is_workload_file_name(spec)) return workloads::load_workload_file(spec, params);
  if (workloads::is_builtin_model(spec)) return workloads::build_model(spec, params);
  std::string known;
  for (const auto& m : workloads::builtin_models()) known += (known.empty() ? "" : ", ") + m.name;
  throw core::Error(
      "unknown model '" + spec + "': not a built-in model (" + known +
      ") nor a workload file (a path ending in .yaml or .yml) nor an ONNX model (.onnx)");
}

}  // namespace monet::cli
