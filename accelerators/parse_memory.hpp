// Internal to the accelerator loader: one memory level of a core, or one shared memory.
#pragma once

#include <optional>
#include <vector>

#include "accelerators/accelerator.hpp"
#include "accelerators/yaml_reader.hpp"

namespace monet::accelerators::detail {

// What a core's memory entry is read against.
struct CoreContext {
  std::string kind;                                  // "array", "simd", ... (for messages)
  double clock_hz = 0;                               // 0 when the clock did not parse
  int precision_bits = 16;                           // one word
  const std::vector<ArrayDim>* array = nullptr;      // the core's array dims
  const std::vector<MemoryLevel>* shared = nullptr;  // Accelerator::shared_memories
};

// A top-level shared memory (absolute rates only: it belongs to no core's clock).
std::optional<MemoryLevel> parse_shared_memory(Reader& r, const core::YamlNode& m);

// One entry of a core's `memories:` list: a private level, or `{shared: NAME}`.
std::optional<MemoryLevel> parse_core_memory(Reader& r, const core::YamlNode& m,
                                             const CoreContext& c);

}  // namespace monet::accelerators::detail
