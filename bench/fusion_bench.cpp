// Scheduler speed (issue 5): median time of one plan evaluation (CN construction + schedule)
// with the graph built and the costs cached. Prints a Markdown table for bench/RESULTS.md.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "accelerators/loader.hpp"
#include "fusion/simulation.hpp"
#include "training/expand.hpp"
#include "workloads/models.hpp"

using namespace monet;
using Clock = std::chrono::steady_clock;

namespace {
double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void bench(const std::string& model, int64_t seq, const std::string& preset, int tiles, int reps) {
  workloads::ModelParams p;
  p.seq = seq;
  training::TrainingOptions o;
  o.optimizer = training::Optimizer::kAdam;
  o.activation_bits = o.weight_bits = o.gradient_bits = 16;
  auto step = training::expand(workloads::build_model(model, p), o);
  fusion::Simulation sim(std::move(step.graph), accelerators::load_accelerator(preset));
  fusion::PlanSpec spec;
  spec.rule = fusion::StackRule::kBlocks;
  spec.tiles = tiles;
  auto t0 = Clock::now();
  auto plan = sim.plan(spec);
  auto cold = sim.evaluate(plan, {false});  // fills the cost cache
  double cold_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  std::vector<double> no_records, with_records, cns_only;
  size_t cn_count = 0;
  for (int r = 0; r < reps; ++r) {
    auto a = Clock::now();
    auto cns = sim.cns(plan);
    auto b = Clock::now();
    auto s = fusion::schedule(sim.graph(), plan, cns, sim.accelerator(), {false});
    auto c = Clock::now();
    cn_count = cns.cns.size();
    cns_only.push_back(std::chrono::duration<double, std::milli>(b - a).count());
    no_records.push_back(std::chrono::duration<double, std::milli>(c - a).count());
    auto d = Clock::now();
    auto s2 = sim.evaluate(plan, {true});
    with_records.push_back(std::chrono::duration<double, std::milli>(Clock::now() - d).count());
    (void)s;
    (void)s2;
  }
  std::printf("| %s%s training, %s, blocks x %d tiles | %zu | %zu | %.2f | %.2f | %.2f | %.1f |\n",
              model.c_str(), seq ? (" seq " + std::to_string(seq)).c_str() : "", preset.c_str(),
              tiles, sim.graph().ops().size(), cn_count, median(cns_only), median(no_records),
              median(with_records), cold_ms);
  std::fflush(stdout);
}
}  // namespace

int main() {
  std::printf(
      "| workload | ops | CNs | CN build (ms) | evaluate (ms) | evaluate + records (ms) | "
      "first, uncached (ms) |\n|---|---:|---:|---:|---:|---:|---:|\n");
  bench("resnet18", 0, "edge-hetero", 8, 51);
  bench("resnet18", 0, "jetson-orin-nano", 8, 51);
  bench("mobilevit-xxs", 0, "edge-hetero", 8, 21);
  bench("gpt2-small", 1024, "edge-hetero", 8, 11);
  bench("gpt2-small", 1024, "jetson-orin-nano", 8, 11);
  return 0;
}
