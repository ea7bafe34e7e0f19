// What a GA run produces: the final front, the hypervolume history and the effort spent.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ga/genome.hpp"

namespace monet::ga {

struct Individual {
  Genome genome;
  Evaluation evaluation;
};

// One line per completed generation (generation 0 is the initial population).
struct HistoryEntry {
  std::size_t generation = 0;
  std::size_t evaluations = 0;  // cumulative
  double hypervolume = 0.0;     // of the feasible first front w.r.t. Result::reference_point
  std::size_t front_size = 0;   // members of the first front (feasible or not)
  bool operator==(const HistoryEntry&) const = default;
};

struct Result {
  std::vector<std::string> objective_names;
  // The first front of the final population, sorted by objectives. When no genome is feasible it
  // holds the least-violating ones.
  std::vector<Individual> front;
  // Non-dominated set over every evaluation of the run (constraint domination; one genome per
  // objective vector, the first evaluated). Populations forget members that crowding drops;
  // the archive does not, so it is the front a search reports.
  std::vector<Individual> archive;
  std::vector<HistoryEntry> history;
  std::vector<double> reference_point;  // empty while no feasible genome has been seen
  std::size_t generations = 0;          // completed generations after the initial population
  std::size_t evaluations = 0;          // in total, including those a resumed checkpoint held
  std::size_t session_evaluations = 0;  // done by the run() call that produced this result
  double seconds = 0.0;                 // wall time of the run() call that produced this result
  std::string stop_reason;
};

// Versioned JSON form ("schema": "monet.ga.result", "version": 1).
nlohmann::json to_json(const Result& result);

}  // namespace monet::ga
