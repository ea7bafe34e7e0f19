// Training with weights in CIM crossbars: every update is written back into the cells.
#include <catch2/catch.hpp>

#include "accelerators/loader.hpp"
#include "fusion/simulation.hpp"
#include "invariants.hpp"
#include "training/expand.hpp"
#include "workloads/models.hpp"

using namespace monet;

namespace {
struct Out {
  fusion::Schedule s;
  fusion::CnGraph cns;
  std::vector<int> cim_cores;
  workloads::Graph graph;
};

Out run(double written_fraction) {
  training::TrainingOptions o;
  o.activation_bits = o.weight_bits = o.gradient_bits = 8;
  auto step = training::expand(workloads::build_model("resnet12", {}), o);
  mapping::CostOptions c;
  c.written_fraction = written_fraction;
  fusion::Simulation sim(std::move(step.graph), accelerators::load_accelerator("cim-reram"), c);
  auto plan = sim.plan({});
  Out out{{}, sim.cns(plan), {}, sim.graph()};
  out.s = fusion::schedule(sim.graph(), plan, out.cns, sim.accelerator());
  test::check_schedule_invariants(out.s, out.cns, sim.accelerator());
  for (size_t i = 0; i < sim.accelerator().cores.size(); ++i)
    if (sim.accelerator().cores[i].kind == accelerators::CoreKind::kCim)
      out.cim_cores.push_back(static_cast<int>(i));
  return out;
}
}  // namespace

TEST_CASE("CIM-resident weights are reprogrammed after each optimizer update") {
  Out low = run(0.1);
  Out high = run(1.0);
  // One reprogramming CN per parameter whose forward op runs on a CIM core, on that core,
  // after its optimizer update.
  size_t programming = 0;
  for (const auto& cn : low.cns.cns) {
    const auto& op = low.graph.op(cn.op);
    if (op.kind != workloads::OpKind::kOptimizer || cn.tile < cn.tiles) continue;
    ++programming;
    CHECK(std::find(low.cim_cores.begin(), low.cim_cores.end(), cn.core) != low.cim_cores.end());
    CHECK(cn.preds.size() == static_cast<size_t>(cn.tiles));
  }
  CHECK(programming > 0);
  for (const auto& r : low.s.cns)
    if (low.graph.op(r.op).kind == workloads::OpKind::kOptimizer && r.tile > 0)
      CHECK(std::find(low.cim_cores.begin(), low.cim_cores.end(), r.core) != low.cim_cores.end());
  // Writing every cell costs more than writing a tenth of them, and nothing else changes.
  CHECK(high.s.summary.energy.compute_pj > low.s.summary.energy.compute_pj);
  CHECK(high.s.summary.energy.dram_pj == Approx(low.s.summary.energy.dram_pj));
}
