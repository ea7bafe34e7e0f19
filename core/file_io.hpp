// Output files are written atomically: readers see the old file or the new one, never half.
#pragma once

#include <cstddef>
#include <string>

namespace monet::core {

// Writes `content` to a temporary file beside `path`, flushes it and renames it over `path`.
void write_file_atomic(const std::string& path, const std::string& content);
// The whole file; a folder, an unreadable path or more than `max_bytes` (a device such as
// /dev/zero never ends) is a ConfigError located at the path.
// Removes entries of `folder` named `<prefix><pid>...` whose process no longer runs: the
// temporaries a killed writer left behind.
void remove_stale_temporaries(const std::string& folder, const std::string& prefix);

std::string read_file(const std::string& path, size_t max_bytes = size_t{1} << 30);

}  // namespace monet::core
