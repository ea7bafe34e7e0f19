// Output files are written atomically: readers see the old file or the new one, never half.
#pragma once

#include <string>

namespace monet::core {

// Writes `content` to a temporary file beside `path`, flushes it and renames it over `path`.
void write_file_atomic(const std::string& path, const std::string& content);
std::string read_file(const std::string& path);

}  // namespace monet::core
