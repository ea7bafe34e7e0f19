// Fuzz target: monet-sim accelerator YAML (configs/accelerators/*.yaml), parsed, validated and
// re-derived as a search edit would (accelerators::checked_accelerator).
#include <string>

#include "accelerators/checked.hpp"
#include "accelerators/loader.hpp"
#include "fuzz/accelerator_checks.hpp"
#include "fuzz/fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  return monet::fuzz::run_one([&] {
    auto acc = monet::accelerators::parse_accelerator_yaml(
        text, monet::fuzz::source_path("configs/accelerators/fuzz-input.yaml"));
    monet::fuzz::check_accelerator(acc);
    monet::fuzz::check_accelerator(monet::accelerators::checked_accelerator(acc));
  });
}
