// Accelerators edited in code (Python attribute writes, search hardware knobs) bypass the YAML
// loader: re-derive what the loader derives and check the rules an edit can break, before a
// simulation uses them.
#pragma once

#include "accelerators/accelerator.hpp"

namespace monet::accelerators {

// A copy of `acc` with derived fields recomputed:
// - CIM cores: `array` from the `cim` section (D1 rows, D2 weight columns, D3 crossbars);
// - each core's copy of a shared memory: every field from `shared_memories`, bandwidths
//   converted to the core's clock (so edit `acc.shared_memories`, not the copies);
// - private levels: `instances` from `per_pe` / `served_dims` and the array sizes, and the
//   bytes/s rates from `*_bits_per_cycle` (the rates the cost model reads).
// Throws core::ConfigError listing every broken rule with its field path
// ("cores[1].memories[2].size_bytes"), value and rule.
Accelerator checked_accelerator(const Accelerator& acc);

}  // namespace monet::accelerators
