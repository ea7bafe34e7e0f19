#include "cli/workload_source.hpp"

#include "core/error.hpp"
#include "workloads/yaml_workload.hpp"

namespace monet::cli {

workloads::Graph load_workload(const std::string& spec, const workloads::ModelParams& params) {
  if (workloads::is_workload_file_name(spec)) return workloads::load_workload_file(spec, params);
  if (workloads::is_builtin_model(spec)) return workloads::build_model(spec, params);
  std::string known;
  for (const auto& m : workloads::builtin_models()) known += (known.empty() ? "" : ", ") + m.name;
  throw core::Error("unknown model '" + spec + "': not a built-in model (" + known +
                    ") nor a workload file (a path ending in .yaml or .yml)");
}

}  // namespace monet::cli
