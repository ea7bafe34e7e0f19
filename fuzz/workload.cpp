// Fuzz target: a workload YAML (configs/workloads/*.yaml) built into a forward graph and, when
// small, expanded into a training step.
#include <string>

#include "fuzz/fuzz_target.hpp"
#include "training/expand.hpp"
#include "workloads/yaml_workload.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  return monet::fuzz::run_one([&] {
    auto g = monet::workloads::parse_workload_yaml(
        text, monet::fuzz::source_path("configs/workloads/fuzz-input.yaml"));
    const auto totals = g.totals();
    monet::fuzz::require_finite(static_cast<double>(totals.macs), "MAC count");
    if (g.ops().size() <= 200) monet::training::expand(g, {});
  });
}
