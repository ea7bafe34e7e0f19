// Resolves a workload argument: a built-in model name or a workload file.
#pragma once

#include <string>

#include "workloads/graph.hpp"
#include "workloads/models.hpp"

namespace monet::cli {

workloads::Graph load_workload(const std::string& spec, const workloads::ModelParams& params);

}  // namespace monet::cli
