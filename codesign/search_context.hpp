// What the evaluations of a search depend on besides the genome, as digests by name: the
// experiment's sections (workload, mode, training, fusion, allocation, cost; the search
// section without its stop limits and thread count) and the content of the files they name
// (workload file or ONNX model, the accelerator as loaded). A search checkpoint stores them
// (ga::Nsga2Options::context), so `--resume` refuses an experiment that changed since.
#pragma once

#include <map>
#include <string>

#include "fusion/experiment.hpp"

namespace monet::codesign {

std::map<std::string, std::string> evaluation_context(const fusion::Experiment& experiment);

}  // namespace monet::codesign
