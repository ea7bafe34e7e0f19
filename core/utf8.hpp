// UTF-8 checks: JSON output must be valid UTF-8, and messages must not carry raw invalid
// bytes (a terminal or a log would mangle them), so both go through here.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace monet::core {

// The offset of the first byte that does not start or continue a valid UTF-8 sequence
// (overlong forms, surrogates and code points above U+10FFFF included), or npos.
size_t invalid_utf8_at(std::string_view s);

// `s` with every byte of an invalid sequence written as \xNN; valid text is unchanged.
std::string escape_invalid_utf8(std::string_view s);

}  // namespace monet::core
