// Files of the source tree (shipped presets, experiments, test data) by their path relative to
// the repository root, so a test runs from any working directory.
#pragma once

#include <filesystem>
#include <string>

namespace monet::test {

inline std::string source(const std::string& relative) {
  return (std::filesystem::path(MONET_SOURCE_DIR) / relative).string();
}

}  // namespace monet::test
