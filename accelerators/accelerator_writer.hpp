// Writes an Accelerator back out in our YAML schema (configs/accelerators/README.md), so a
// description built in code or imported from ZigZag/Stream can be saved, read and edited.
// Round trip: parse_accelerator_yaml(write_accelerator_yaml(a)) equals `a` field by field
// (source file and line numbers aside): numbers are written in their shortest exact form.
#pragma once

#include <string>

#include "accelerators/accelerator.hpp"

namespace monet::accelerators {

// `header` (may span lines) becomes a comment block at the top of the document.
std::string write_accelerator_yaml(const Accelerator& acc, const std::string& header = "");

}  // namespace monet::accelerators
