// Every experiment file in configs/experiments loads, prepares and simulates.
#include <catch2/catch.hpp>

#include <filesystem>

#include "fusion/experiment.hpp"

using namespace monet;

TEST_CASE("every shipped experiment file runs") {
  namespace fs = std::filesystem;
  size_t n = 0;
  for (const auto& entry :
       fs::directory_iterator(fs::path(MONET_SOURCE_DIR) / "configs/experiments")) {
    if (entry.path().extension() != ".yaml") continue;
    INFO(entry.path().string());
    auto e = fusion::load_experiment(entry.path().string());
    auto p = fusion::prepare(e);
    auto plan = p.sim->plan(e.plan);
    auto s = p.sim->evaluate(plan, {false});
    CHECK(s.summary.latency_s > 0);
    CHECK(s.summary.energy.total_pj() > 0);
    ++n;
  }
  CHECK(n >= 16);  // four networks on four presets, at least
}
