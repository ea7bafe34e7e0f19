#include "ga/progress.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace monet::ga {

std::string format_duration(double seconds) {
  const long long s = std::llround(std::max(0.0, seconds));
  char buf[48];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, (s / 60) % 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
  return buf;
}

std::string format_progress(const Progress& p) {
  std::string line = "gen " + std::to_string(p.generation);
  if (p.max_generations > 0) line += "/" + std::to_string(p.max_generations);
  line += "  evals " + std::to_string(p.evaluations);
  if (p.max_evaluations > 0) line += "/" + std::to_string(p.max_evaluations);
  char buf[96];
  std::snprintf(buf, sizeof buf, "  %.0f eval/s  front %zu  HV %.6g", p.evaluations_per_second,
                p.front_size, p.hypervolume);
  line += buf;
  line += "  ETA " + (p.eta_seconds < 0.0 ? std::string("?") : format_duration(p.eta_seconds));
  return line;
}

}  // namespace monet::ga
