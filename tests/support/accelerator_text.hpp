// Test helpers shared by the test folders: edit an accelerator description held as text, and
// the message its parse is refused with.
#pragma once

#include <stdexcept>
#include <string>

#include "accelerators/loader.hpp"
#include "core/error.hpp"

namespace monet::test {

// `text` with the first `from` replaced by `to`; a `from` the text lacks is a broken test, not
// an unchanged description.
inline std::string with(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  if (at == std::string::npos) throw std::logic_error("test text has no '" + from + "'");
  text.replace(at, from.size(), to);
  return text;
}

// The ConfigError an accelerator description is refused with (read as "chip.yaml"), or "".
inline std::string error_of(const std::string& yaml) {
  try {
    accelerators::parse_accelerator_yaml(yaml, "chip.yaml");
  } catch (const core::ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace monet::test
