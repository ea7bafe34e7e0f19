#include "ga/result.hpp"

namespace monet::ga {

nlohmann::json to_json(const Result& result) {
  nlohmann::json front = nlohmann::json::array();
  for (const auto& ind : result.front) {
    front.push_back({{"genome", ind.genome},
                     {"objectives", ind.evaluation.objectives},
                     {"violation", ind.evaluation.violation}});
  }
  nlohmann::json archive = nlohmann::json::array();
  for (const auto& ind : result.archive)
    archive.push_back({{"genome", ind.genome},
                       {"objectives", ind.evaluation.objectives},
                       {"violation", ind.evaluation.violation}});
  nlohmann::json history = nlohmann::json::array();
  for (const auto& h : result.history) {
    history.push_back({{"generation", h.generation},
                       {"evaluations", h.evaluations},
                       {"hypervolume", h.hypervolume},
                       {"front_size", h.front_size}});
  }
  return {{"schema", "monet.ga.result"},
          {"version", 1},
          {"objective_names", result.objective_names},
          {"reference_point", result.reference_point},
          {"generations", result.generations},
          {"evaluations", result.evaluations},
          {"seconds", result.seconds},
          {"stop_reason", result.stop_reason},
          {"front", front},
          {"archive", archive},
          {"history", history}};
}

}  // namespace monet::ga
