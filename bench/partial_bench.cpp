// Partial-training speed (issue 13): median time of expanding a training step with a trainable
// set or adapters (what a search with trainable genes does per genome) and of evaluating it
// (CN construction + schedule, costs cached). Prints a Markdown table for bench/RESULTS.md.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "accelerators/loader.hpp"
#include "core/config_path.hpp"
#include "fusion/simulation.hpp"
#include "training/adapters.hpp"
#include "training/expand.hpp"
#include "workloads/models.hpp"
#include "workloads/yaml_workload.hpp"

using namespace monet;
using Clock = std::chrono::steady_clock;

namespace {
double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

struct Case {
  std::string label;
  workloads::Graph forward;
  std::string trainable;  // "" = default
  std::string adapters;   // YAML text, "" = none
};

void bench(const Case& c, const std::string& preset, int reps) {
  training::TrainingOptions o;
  o.optimizer = training::Optimizer::kAdam;
  o.activation_bits = o.weight_bits = o.gradient_bits = 16;
  if (!c.trainable.empty()) o.trainable = training::parse_trainable(c.trainable);
  if (!c.adapters.empty()) o.adapters = training::parse_adapters(c.adapters, "adapters");
  std::vector<double> expand_ms;
  training::TrainingStep step;
  for (int r = 0; r < reps; ++r) {
    auto t = Clock::now();
    step = training::expand(c.forward, o);
    expand_ms.push_back(ms_since(t));
  }
  const auto trainable = step.trainable_parameters;
  fusion::Simulation sim(std::move(step.graph), accelerators::load_accelerator(preset));
  fusion::PlanSpec spec;
  spec.rule = fusion::StackRule::kBlocks;
  spec.tiles = 8;
  auto plan = sim.plan(spec);
  (void)sim.evaluate(plan, {false});  // fills the cost cache
  std::vector<double> eval_ms;
  size_t cn_count = 0;
  for (int r = 0; r < reps; ++r) {
    auto t = Clock::now();
    auto cns = sim.cns(plan);
    auto s = fusion::schedule(sim.graph(), plan, cns, sim.accelerator(), {false});
    eval_ms.push_back(ms_since(t));
    cn_count = cns.cns.size();
    (void)s;
  }
  std::printf("| %s | %s | %lld | %zu | %zu | %.2f | %.2f | %.2f |\n", c.label.c_str(),
              preset.c_str(), static_cast<long long>(trainable), sim.graph().ops().size(), cn_count,
              median(expand_ms), median(eval_ms), median(expand_ms) + median(eval_ms));
  std::fflush(stdout);
}
}  // namespace

int main() {
  const std::string configs = core::config_dir();
  auto resnet18 = workloads::build_model("resnet18", {});
  auto resnet50 = workloads::load_workload_file(configs + "/workloads/resnet50.yaml");
  auto mobilenet = workloads::load_workload_file(configs + "/workloads/mobilenetv2.yaml");
  workloads::ModelParams gpt;
  gpt.seq = 1024;
  auto gpt2 = workloads::build_model("gpt2-small", gpt);
  std::string blocks;  // MobileNetV2's 17 inverted residual blocks
  for (int i = 1; i <= 17; ++i) blocks += (i > 1 ? ", features." : "features.") + std::to_string(i);
  std::printf(
      "| training step | accelerator | trainable params | ops | CNs | expand (ms) | evaluate (ms) "
      "| expand + evaluate (ms) |\n|---|---|---:|---:|---:|---:|---:|---:|\n");
  const std::vector<Case> cases = {
      {"resnet18, all", resnet18, "", ""},
      {"resnet18, fc", resnet18, "fc", ""},
      {"resnet18, last:2", resnet18, "last:2", ""},
      {"resnet18, bias-only,fc", resnet18, "bias-only,fc", ""},
      {"resnet50, DA3 + fc", resnet50, "fc", "[{kind: da3, targets: [\"layer*\"]}]"},
      {"mobilenetv2, TinyTL-L+B", mobilenet, "bias-only,classifier.*",
       "[{kind: lite-residual, targets: [" + blocks + "]}]"},
      {"gpt2-small seq 1024, LoRA r8 on c_attn", gpt2, "",
       "[{kind: lora, rank: 8, alpha: 16, targets: [\"h*.attn.c_attn\"]}]"},
  };
  for (const auto& c : cases) bench(c, "edge-hetero", c.label.rfind("gpt2", 0) == 0 ? 11 : 21);
  bench(cases[1], "jetson-orin-nano", 21);
  return 0;
}
