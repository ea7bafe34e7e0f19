// Schedules of real networks on real presets satisfy every invariant.
#include <catch2/catch.hpp>

#include "accelerators/loader.hpp"
#include "fusion/simulation.hpp"
#include "invariants.hpp"
#include "training/expand.hpp"
#include "workloads/models.hpp"

using namespace monet;

namespace {
fusion::Simulation training_sim(const std::string& model, const std::string& preset,
                                int64_t seq = 0) {
  workloads::ModelParams p;
  p.seq = seq;
  p.elem_bits = 16;
  training::TrainingOptions o;
  o.optimizer = training::Optimizer::kMomentum;
  o.activation_bits = o.weight_bits = o.gradient_bits = o.optimizer_state_bits = 16;
  auto step = training::expand(workloads::build_model(model, p), o);
  return fusion::Simulation(std::move(step.graph), accelerators::load_accelerator(preset));
}

void check(const fusion::Simulation& sim, fusion::StackRule rule, int tiles) {
  CHECK(test::schedule_checked(sim, rule, tiles).summary.latency_s > 0);
}
}  // namespace

TEST_CASE("training-step schedules of the four networks satisfy the invariants") {
  SECTION("resnet18 on edge-hetero, fused 8 tiles") {
    check(training_sim("resnet18", "edge-hetero"), fusion::StackRule::kBlocks, 8);
  }
  SECTION("resnet12 on pynq-z1-tensil, layer by layer") {
    check(training_sim("resnet12", "pynq-z1-tensil"), fusion::StackRule::kLayerByLayer, 1);
  }
  SECTION("mobilevit-xxs on jetson-orin-nano, fused 4 tiles") {
    check(training_sim("mobilevit-xxs", "jetson-orin-nano"), fusion::StackRule::kBlocks, 4);
  }
  SECTION("gpt2-small (seq 128) on edge-hetero, fused 4 tiles") {
    check(training_sim("gpt2-small", "edge-hetero", 128), fusion::StackRule::kBlocks, 4);
  }
}

TEST_CASE("kernel launches and host time: one launch per stack, host time reported apart") {
  workloads::ModelParams p;
  p.elem_bits = 16;
  auto acc = accelerators::load_accelerator("jetson-orin-nano");
  for (auto& c : acc.cores) {
    c.execution.launch_s = 1e-3;  // far longer than any kernel: the host sets the pace
    c.execution.host_s = 2e-3;
  }
  fusion::Simulation sim(workloads::build_model("resnet18", p), acc);
  fusion::PlanSpec spec;
  spec.rule = fusion::StackRule::kLayerByLayer;
  auto plan = sim.plan(spec);
  auto s = test::schedule_checked(sim, fusion::StackRule::kLayerByLayer, 1);
  const double stacks = static_cast<double>(plan.stacks.size());
  CHECK(s.summary.launches == plan.stacks.size());
  // The last kernel starts after all launches were issued, 1 ms each.
  CHECK(s.summary.latency_s >= stacks * 1e-3);
  CHECK(s.summary.latency_s < stacks * 1e-3 + 1e-3);
  // Eight SMs of one repeat group: one host cost per run, not in the latency.
  CHECK(s.summary.host_s == Approx(2e-3));
}
