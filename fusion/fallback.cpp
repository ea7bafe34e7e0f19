#include "fusion/fallback.hpp"

namespace monet::fusion {

void add_fallback(std::vector<Fallback>& list, const std::string& op_kind, const std::string& core,
                  const std::string& reason) {
  for (auto& f : list)
    if (f.op_kind == op_kind && f.core == core && f.reason == reason) {
      ++f.ops;
      return;
    }
  list.push_back({op_kind, core, reason, 1});
}

std::string fallback_text(const Fallback& f) {
  return std::to_string(f.ops) + " " + f.op_kind + (f.ops == 1 ? " op" : " ops") +
         " could not run on core '" + f.core + "' and ran on another core: " + f.reason;
}

nlohmann::json fallbacks_json(const std::vector<Fallback>& list) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& f : list)
    out.push_back({{"op_kind", f.op_kind}, {"core", f.core}, {"reason", f.reason}, {"ops", f.ops}});
  return out;
}

}  // namespace monet::fusion
