// An experiment parsed from YAML text held by the test; `file` is the name its errors cite.
#pragma once

#include <string>

#include "fusion/experiment.hpp"

namespace monet::test {

inline fusion::Experiment experiment(const std::string& yaml,
                                     const std::string& file = "test.yaml") {
  return fusion::parse_experiment_yaml(yaml, file);
}

}  // namespace monet::test
