// JSON form of an OpCost (part of the monet.cost/1 document written by `monet-sim cost`).
#pragma once

#include <nlohmann/json.hpp>

#include "mapping/cost.hpp"

namespace monet::mapping {

nlohmann::json to_json(const OpCost& c);

}  // namespace monet::mapping
