// Fuzz target: an experiment YAML with its search section (configs/experiments/**.yaml).
// Experiments over a YAML workload file are also prepared (graph built, training expanded,
// accelerator loaded, plan checked); built-in models are only parsed, to keep runs fast.
#include <string>

#include "codesign/search.hpp"
#include "fusion/experiment.hpp"
#include "fuzz/fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  return monet::fuzz::run_one([&] {
    auto e = monet::fusion::parse_experiment_yaml(
        text, monet::fuzz::source_path("configs/experiments/fuzz-input.yaml"));
    if (e.root["search"].defined()) monet::codesign::parse_search(e);
    if (!e.workload.file.empty()) monet::fusion::prepare(e);
  });
}
