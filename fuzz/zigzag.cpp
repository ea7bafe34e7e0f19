// Fuzz target: a ZigZag core description (tests/data/zigzag/*_core.yaml) imported as an
// accelerator.
#include <string>

#include "accelerators/zigzag_import.hpp"
#include "core/yaml.hpp"
#include "fuzz/accelerator_checks.hpp"
#include "fuzz/fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  return monet::fuzz::run_one([&] {
    auto root = monet::core::parse_yaml(
        text, monet::fuzz::source_path("tests/data/zigzag/fuzz-input.yaml"));
    monet::fuzz::check_accelerator(monet::accelerators::import_zigzag(root));
  });
}
