#include "cli/workload_source.hpp"

namespace monet::cli {

workloads::Graph load_workload(const std::string& spec, const workloads::ModelParams& params) {
  return workloads::build_model(spec, params);
}

}  // namespace monet::cli
