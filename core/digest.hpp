// A short fingerprint of some bytes (64-bit FNV-1a as 16 hex digits): enough to tell whether
// an input changed between two runs; not a cryptographic hash.
#pragma once

#include <string>
#include <string_view>

namespace monet::core {

std::string digest_hex(std::string_view bytes);

}  // namespace monet::core
