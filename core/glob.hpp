// Shell-style name patterns ('*' any run, '?' one character), used wherever a file names ops
// by pattern (allocation rules, trainable sets, adapter targets).
#pragma once

#include <string>

namespace monet::core {

bool glob_match(const std::string& pattern, const std::string& text);

}  // namespace monet::core
