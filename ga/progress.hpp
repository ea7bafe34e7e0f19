// Progress of a running search, reported once per generation. The library never prints: the CLI
// renders it (format_progress) on stderr when that is a terminal.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace monet::ga {

struct Progress {
  std::size_t generation = 0;       // just completed (0 = initial population)
  std::size_t max_generations = 0;  // 0 = no limit
  std::size_t evaluations = 0;
  std::size_t max_evaluations = 0;  // 0 = no limit
  double elapsed_seconds = 0.0;     // in this run() call
  double max_seconds = 0.0;         // 0 = no limit
  double evaluations_per_second = 0.0;
  std::size_t front_size = 0;
  double hypervolume = 0.0;
  double eta_seconds = -1.0;  // until the first limit is reached; < 0 when unknown
};

// Return false to stop after this generation (the checkpoint has already been written).
using ProgressCallback = std::function<bool(const Progress&)>;

// One line without a newline, e.g.
// "gen 12/100  evals 1300/10100  1520 eval/s  front 23  HV 0.8421  ETA 0:34".
std::string format_progress(const Progress& p);

// Seconds as "m:ss" or "h:mm:ss".
std::string format_duration(double seconds);

}  // namespace monet::ga
