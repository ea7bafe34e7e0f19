// Search quality and speed (issue 6). Prints Markdown for bench/RESULTS.md:
//  A. checkpoint-chain GA vs the exact DP front (share of hypervolume, 20,000 evaluations);
//  B. ResNet-18 (batch 8) co-design on edge-hetero vs the layer-by-layer store-all default
//     and the best uniform fused plan;
//  C. co-design evaluation throughput on 2 threads.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "codesign/search.hpp"
#include "fusion/experiment.hpp"

using namespace monet;

namespace {
fusion::Experiment experiment(const std::string& yaml) {
  return fusion::parse_experiment_yaml(yaml, "bench.yaml");
}

void chain(const std::string& workload, const std::string& granularity) {
  auto e =
      experiment("workload: " + workload +
                 "\ntraining: {optimizer: adam, activation_bits: 16}\naccelerator: edge-hetero\n"
                 "search: {problem: checkpoint-chain, granularity: " +
                 granularity + ", population: 64, evaluations: 20000, seed: 1, threads: 2}\n");
  auto spec = codesign::parse_search(e);
  auto out = codesign::run_search(e, spec, "", false);
  std::printf("| %s | %s | %zu | %zu | %.4f %% | %zu | %.2f | %.0f |\n", workload.c_str(),
              granularity.c_str(), out.exact_front_size, out.front.size(),
              100 * out.hypervolume / *out.exact_hypervolume, out.result.evaluations,
              out.result.seconds, out.result.evaluations / out.result.seconds);
  std::fflush(stdout);
}

struct Point {
  std::string name;
  double latency, energy, footprint;
};

Point baseline(const std::string& name, const std::string& fusion) {
  auto e = experiment(
      "workload: {model: resnet18, batch: 8}\n"
      "training: {optimizer: momentum, activation_bits: 16, weight_bits: 16, gradient_bits: 16,"
      " optimizer_state_bits: 16}\naccelerator: edge-hetero\nfusion: " +
      fusion + "\n");
  auto p = fusion::prepare(e);
  auto s = p.sim->evaluate(p.sim->plan(e.plan), {false});
  return {name, s.summary.latency_s, s.summary.energy.total_pj(), s.summary.peak_footprint_bytes};
}

bool dominates(const std::vector<double>& a, const Point& b) {
  return a[0] <= b.latency && a[1] <= b.energy && a[2] <= b.footprint &&
         (a[0] < b.latency || a[1] < b.energy || a[2] < b.footprint);
}

void codesign_search(size_t evaluations) {
  std::vector<Point> base = {baseline("layer-by-layer, store-all", "{stacks: layer-by-layer}")};
  Point best_fused{"", 1e300, 0, 0};
  for (int t : {2, 4, 8, 16}) {
    Point p = baseline("blocks x " + std::to_string(t),
                       "{stacks: blocks, tiles: " + std::to_string(t) + "}");
    std::printf("| uniform fused %s | %.4f | %.3f | %.1f |\n", p.name.c_str(), p.latency * 1e3,
                p.energy / 1e9, p.footprint / 1048576);
    if (p.latency < best_fused.latency) best_fused = p;
  }
  base.push_back(best_fused);
  std::printf("| default %s | %.4f | %.3f | %.1f |\n", base[0].name.c_str(), base[0].latency * 1e3,
              base[0].energy / 1e9, base[0].footprint / 1048576);
  auto e = experiment(
      "name: resnet18-b8-codesign\nworkload: {model: resnet18, batch: 8}\n"
      "training: {optimizer: momentum, activation_bits: 16, weight_bits: 16, gradient_bits: 16,"
      " optimizer_state_bits: 16}\naccelerator: edge-hetero\nfusion: {stacks: layer-by-layer}\n"
      "search: {genes: [allocation, fusion, checkpoint], objectives: [latency, energy, footprint],"
      " population: 64, evaluations: " +
      std::to_string(evaluations) + ", seed: 1, threads: 2}\n");
  auto spec = codesign::parse_search(e);
  auto out = codesign::run_search(e, spec, "", false);
  std::printf("\nGA: %zu evaluations in %.1f s (%.0f eval/s, 2 threads), front %zu\n\n",
              out.result.evaluations, out.result.seconds,
              out.result.evaluations / out.result.seconds, out.front.size());
  int shown = 0;
  for (const auto& m : out.front) {
    const auto& o = m.evaluation.objectives;
    if (dominates(o, base[0]) && dominates(o, base[1])) {
      if (shown++ < 3)
        std::printf("dominates both: latency %.4f ms, energy %.3f mJ, footprint %.1f MiB — %s\n",
                    o[0] * 1e3, o[1] / 1e9, o[2] / 1048576, m.plan.c_str());
    }
  }
  std::printf("front members dominating both baselines: %d\n\n", shown);
}

void throughput(const std::string& workload, const std::string& preset) {
  auto e = experiment("workload: " + workload +
                      "\ntraining: {optimizer: adam, activation_bits: 16, weight_bits: 16}\n"
                      "accelerator: " +
                      preset +
                      "\nfusion: {stacks: blocks, tiles: 4}\n"
                      "search: {genes: [allocation, fusion, checkpoint], population: 32,"
                      " generations: 4, seed: 1, threads: 2}\n");
  auto spec = codesign::parse_search(e);
  auto out = codesign::run_search(e, spec, "", false);
  std::printf("| %s | %s | %zu | %.2f | %.1f |\n", workload.c_str(), preset.c_str(),
              out.result.evaluations, out.result.seconds,
              out.result.evaluations / out.result.seconds);
  std::fflush(stdout);
}
}  // namespace

int main(int argc, char** argv) {
  size_t evaluations = argc > 1 ? std::stoul(argv[1]) : 3000;
  std::printf(
      "### A. Checkpointing: GA vs the exact front\n\n| workload | granularity | exact "
      "points | GA front | GA / exact hypervolume | evaluations | s | eval/s |\n"
      "|---|---|---:|---:|---:|---:|---:|---:|\n");
  chain("{model: resnet18}", "block");
  chain("{model: resnet18}", "activation");
  chain("{model: gpt2-small, seq: 1024}", "block");
  chain("{model: gpt2-small, seq: 1024}", "activation");
  std::printf(
      "\n### B. ResNet-18 batch 8 co-design on edge-hetero\n\n| plan | latency (ms) | "
      "energy (mJ) | footprint (MiB) |\n|---|---:|---:|---:|\n");
  codesign_search(evaluations);
  std::printf(
      "### C. Co-design evaluation throughput\n\n| workload | accelerator | evaluations "
      "| s | eval/s |\n|---|---|---:|---:|---:|\n");
  throughput("{model: resnet18}", "edge-hetero");
  throughput("{model: resnet18, batch: 8}", "edge-hetero");
  throughput("{model: gpt2-small, seq: 1024}", "edge-hetero");
  return 0;
}
