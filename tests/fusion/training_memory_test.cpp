// Training memory on the scheduler: what must be resident, and what checkpointing buys.
#include <catch2/catch.hpp>

#include "accelerators/loader.hpp"
#include "fusion/simulation.hpp"
#include "invariants.hpp"
#include "training/expand.hpp"
#include "workloads/models.hpp"

using namespace monet;

namespace {
struct Run {
  fusion::Schedule s;
  training::MemoryReport memory;
};

Run run(const std::string& checkpoint) {
  training::TrainingOptions o;
  o.optimizer = training::Optimizer::kAdam;
  o.activation_bits = o.weight_bits = o.gradient_bits = 16;
  o.optimizer_state_bits = 32;
  o.checkpoint = training::parse_checkpoint_plan(checkpoint);
  auto step = training::expand(workloads::build_model("resnet18", {.batch = 2}), o);
  Run r{{}, step.memory};
  fusion::Simulation sim(std::move(step.graph), accelerators::load_accelerator("edge-hetero"));
  fusion::PlanSpec spec;
  spec.rule = fusion::StackRule::kBlocks;
  spec.tiles = 4;
  auto plan = sim.plan(spec);
  auto cns = sim.cns(plan);
  r.s = fusion::schedule(sim.graph(), plan, cns, sim.accelerator());
  test::check_schedule_invariants(r.s, cns, sim.accelerator());
  return r;
}
}  // namespace

TEST_CASE("the training footprint holds the model state and the saved activations") {
  Run r = run("none");
  const auto& m = r.memory;
  // Parameters, their gradient buffers and Adam's two moments live for the whole step; at the
  // end of the forward pass every saved activation is live as well.
  double floor = static_cast<double>(m.parameter_bytes + m.gradient_bytes +
                                     m.optimizer_state_bytes + m.saved_activation_bytes);
  CHECK(r.s.summary.peak_footprint_bytes >= floor);
  CHECK(r.s.summary.peak_dram_bytes >=
        static_cast<double>(m.parameter_bytes + m.gradient_bytes + m.optimizer_state_bytes));
  CHECK(m.optimizer_state_bytes == 2 * 11689512 * 4);  // Adam: two fp32 moments per parameter
}

TEST_CASE("checkpointing lowers peak memory and adds recompute time") {
  Run all = run("none");
  Run ckpt = run("all-but-inputs-of-blocks");
  CHECK(ckpt.memory.saved_activation_bytes < all.memory.saved_activation_bytes);
  CHECK(ckpt.s.summary.peak_footprint_bytes < all.s.summary.peak_footprint_bytes);
  CHECK(all.s.summary.phases.count("recompute") == 0);
  REQUIRE(ckpt.s.summary.phases.count("recompute") == 1);
  CHECK(ckpt.s.summary.phases.at("recompute").busy_s > 0);
  CHECK(ckpt.s.summary.latency_s > all.s.summary.latency_s);
}
