// One numeric field of an accelerator description, found by its path in the file's text so it
// can be rewritten in place: comments and sources of every other value stay as written.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace monet::fleet {

struct AcceleratorField {
  std::string path;  // "dram.bandwidth", "cores.sm.execution.launch", "cores.0.clock"
  size_t pos = 0;    // the scalar's offset in the file's text
  size_t length = 0;
  int line = 0;       // 1-based
  double number = 0;  // the value as written, in `unit`
  std::string unit;   // "GB/s", "us", "" for a plain number
};

// Finds `path` in the accelerator document `text` (keys separated by dots; a list entry by
// its `name` or its index). Throws core::Error saying which step of the path is missing or
// why the value cannot be rewritten (not a plain "<number> <unit>" scalar).
AcceleratorField find_accelerator_field(const std::string& text, const std::string& path);

// A bound written as "<number> <unit>": in the field's unit, converting between units of one
// dimension ("40 GB/s" for a field in "MB/s"). Throws core::Error when it cannot.
double value_in_field_unit(const AcceleratorField& f, const std::string& text);

// `value` written with 9 significant digits and the field's unit.
std::string field_text(const AcceleratorField& f, double value);

// `text` with each field's scalar replaced by its new value (in the field's unit).
std::string with_field_values(const std::string& text,
                              const std::vector<std::pair<AcceleratorField, double>>& edits);

}  // namespace monet::fleet
