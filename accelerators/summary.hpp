// Human one-liners for an accelerator (for `monet-sim validate` and reports). The library
// returns text; callers print it.
#pragma once

#include <string>
#include <vector>

#include "accelerators/accelerator.hpp"

namespace monet::accelerators {

// "625 MHz", "1.02 GHz"
std::string format_hz(double hz);
// "512 bit/cycle (40.0 GB/s)"
std::string format_level(const MemoryLevel& m);

// One line per core; cores expanded from one `repeat` entry share a line ("sm0..sm7 (8×)").
// Then one line for the DRAM and one per link.
std::vector<std::string> summary_lines(const Accelerator& acc);

}  // namespace monet::accelerators
