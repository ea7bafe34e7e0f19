// Fall-backs are announced, and a user's allocation rule never falls back silently.
#include <catch2/catch.hpp>

#include "accelerators/loader.hpp"
#include "core/error.hpp"
#include "fusion/report.hpp"
#include "fusion/simulation.hpp"
#include "workloads/builder.hpp"

using namespace monet;

namespace {
// Three 3x3 convs at `bits` per element.
workloads::Graph convs(int bits) {
  workloads::Builder b("chain", bits);
  int x = b.input("x", {1, 8, 16, 16});
  b.set_block("chain");
  x = b.conv("conv1", x, 8, 3);
  x = b.conv("conv2", x, 8, 3);
  b.conv("conv3", x, 8, 3);
  return b.finish();
}

const fusion::Fallback* conv_fallback(const std::vector<fusion::Fallback>& list) {
  for (const auto& f : list)
    if (f.op_kind == "conv" && f.core == "tensil") return &f;
  return nullptr;
}
}  // namespace

TEST_CASE("32-bit convs on the 16-bit Tensil array fall back to the ARM core, announced") {
  // Tensil's PE holds one 16-bit weight (pe_weight, 2 B): a 32-bit weight does not fit, so
  // each of the three convs runs on the ARM core and is counted once.
  fusion::Simulation sim(convs(32), accelerators::load_accelerator("pynq-z1-tensil"));
  fusion::FusionPlan plan = sim.plan(fusion::PlanSpec{});
  const int arm = sim.accelerator().find_core("arm");
  for (const auto& op : sim.graph().ops())
    if (op.kind == workloads::OpKind::kConv) CHECK(plan.core_of_op[op.id] == arm);
  const fusion::Fallback* f = conv_fallback(plan.fallbacks);
  REQUIRE(f != nullptr);
  CHECK(f->ops == 3);
  CHECK_THAT(f->reason, Catch::Contains("pe_weight"));
  // The schedule's summary carries them to summary.json, the text summary and its warnings.
  fusion::Schedule s = sim.evaluate(plan);
  auto j = fusion::summary_json(s.summary, sim.accelerator());
  bool listed = false;
  for (const auto& x : j["fallbacks"])
    listed |= x["op_kind"] == "conv" && x["core"] == "tensil" && x["ops"] == 3;
  CHECK(listed);
  CHECK_THAT(fusion::summary_text(s.summary, sim.accelerator()),
             Catch::Contains("3 conv ops could not run on core 'tensil'"));
}

TEST_CASE("16-bit convs run on Tensil with no conv fall-back") {
  fusion::Simulation sim(convs(16), accelerators::load_accelerator("pynq-z1-tensil"));
  fusion::FusionPlan plan = sim.plan(fusion::PlanSpec{});
  const int tensil = sim.accelerator().find_core("tensil");
  for (const auto& op : sim.graph().ops())
    if (op.kind == workloads::OpKind::kConv) CHECK(plan.core_of_op[op.id] == tensil);
  CHECK(conv_fallback(plan.fallbacks) == nullptr);
}

TEST_CASE("a rule naming a core that cannot run a matched op is an error, not a fall-back") {
  fusion::PlanSpec spec;
  fusion::AllocationRule rule;
  rule.kind = "conv";
  rule.cores = {"tensil", "arm"};
  rule.file = "e.yaml";
  rule.line = 7;
  spec.allocation = {rule};
  fusion::Simulation sim32(convs(32), accelerators::load_accelerator("pynq-z1-tensil"));
  try {
    (void)sim32.plan(spec);
    FAIL("expected a ConfigError");
  } catch (const core::ConfigError& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("e.yaml:7") && Catch::Contains("tensil") &&
                                          Catch::Contains("pe_weight"));
  }
  // A search's rule (not strict) falls back and reports it instead.
  spec.allocation[0].strict = false;
  fusion::FusionPlan plan = sim32.plan(spec);
  REQUIRE(conv_fallback(plan.fallbacks) != nullptr);
  CHECK(conv_fallback(plan.fallbacks)->ops == 3);
  // At 16 bit both cores can run the convs: the rule holds.
  fusion::Simulation sim16(convs(16), accelerators::load_accelerator("pynq-z1-tensil"));
  spec.allocation[0].strict = true;
  CHECK_NOTHROW(sim16.plan(spec));
}

// A peak is a sum of fractional tile pieces: 2 MiB plus rounding noise is a full memory, not one
// over capacity ("peak 2.00 MiB of 2.00 MiB, 0 B too much" was reported on the Orin Nano's L2).
TEST_CASE("over capacity is judged and reported in whole bytes") {
  const double mib2 = 2.0 * 1024 * 1024;  // 2,097,152 B
  fusion::Summary s;
  s.memories.push_back({"l2", mib2, mib2 + 3e-7, {}});
  CHECK(fusion::over_capacity(s).empty());
  CHECK(fusion::summary_warnings(s).empty());

  // 0.6 B over rounds to one whole byte over: the excess shown is exactly 1 B.
  s.memories.push_back({"sram", mib2, mib2 + 0.6, {}});
  const auto over = fusion::over_capacity(s);
  REQUIRE(over.size() == 1);
  CHECK(over[0].memory == "sram");
  CHECK(over[0].excess_bytes() == 1.0);
  CHECK_THAT(fusion::summary_warnings(s).at(0), Catch::Contains("1 B too much"));
}
