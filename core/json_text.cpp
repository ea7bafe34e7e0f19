#include "core/json_text.hpp"

#include <cmath>

#include "core/error.hpp"

namespace monet::core {

namespace {
void require_finite(const nlohmann::json& j, const std::string& path, const std::string& what) {
  if (j.is_number_float() && !std::isfinite(j.get<double>()))
    throw Error((what.empty() ? std::string("output") : what) + ": the result '" +
                (path.empty() ? std::string("<document>") : path) + "' is " +
                (std::isnan(j.get<double>()) ? "not a number" : "infinite") +
                "; an input is outside the range the model handles");
  if (j.is_object())
    for (auto it = j.begin(); it != j.end(); ++it)
      require_finite(it.value(), path.empty() ? it.key() : path + "." + it.key(), what);
  else if (j.is_array())
    for (size_t i = 0; i < j.size(); ++i)
      require_finite(j[i], path + "[" + std::to_string(i) + "]", what);
}
}  // namespace

std::string json_text(const nlohmann::json& j, int indent, const std::string& what) {
  require_finite(j, "", what);
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace monet::core
