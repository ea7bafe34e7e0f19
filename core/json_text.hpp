// The one way JSON documents become text: numbers must be finite (nlohmann would write NaN
// and infinity as null, silently) and strings valid UTF-8 (nlohmann would throw mid-write).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace monet::core {

// `j` as text (indent < 0: compact). Throws core::Error naming the JSON path of the first
// non-finite number ("summary.energy_pj.total"). Invalid UTF-8 in strings is replaced by
// U+FFFD (loaders reject it in names; this keeps any other source from breaking a file).
std::string json_text(const nlohmann::json& j, int indent = -1, const std::string& what = "");

}  // namespace monet::core
