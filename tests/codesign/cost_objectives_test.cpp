// Power and area in searches: the objectives, `search.constraints` and the variant's own
// description. Expected values come from the accelerator the genome describes (area model,
// tests/accelerators/area_test.cpp) and from the relative-excess rule written out here.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "accelerators/area.hpp"
#include "codesign/codesign_problem.hpp"
#include "codesign/search.hpp"
#include "core/error.hpp"
#include "fusion/experiment.hpp"
#include "support/experiment_text.hpp"

using namespace monet;
using Catch::Matchers::Contains;
using test::experiment;

namespace {
const char* kExperiment = R"(
workload: {model: resnet18, batch: 1, element_bits: 8}
accelerator: tpu-like
search:
  genes: [hardware]
  objectives: [latency, average_power, area]
  generations: 2
  knobs:
    - {kind: array, core: tpu, values: [16, 32, 64]}
)";

std::string error_of(const std::string& yaml) {
  try {
    auto e = experiment(yaml);
    auto spec = codesign::parse_search(e);
    codesign::CodesignProblem p(e, spec.codesign);
  } catch (const core::Error& err) {
    return err.what();
  }
  return "no error";
}
}  // namespace

TEST_CASE("area and average power objectives follow the genome's hardware") {
  auto e = experiment(kExperiment);
  auto spec = codesign::parse_search(e);
  codesign::CodesignProblem p(e, spec.codesign);
  std::vector<double> areas;
  for (int k = 0; k < 3; ++k) {
    const ga::Genome g = {k};
    const auto ev = p.evaluate(g);
    REQUIRE(ev.objectives.size() == 3);
    const auto est = accelerators::estimate_area(p.accelerator_for(g));
    REQUIRE(est.estimated);
    CHECK(ev.objectives[2] == Approx(est.total_mm2));
    CHECK(ev.objectives[1] > 0);
    CHECK(ev.violation == 0);
    areas.push_back(ev.objectives[2]);
  }
  // More PEs (16x16 < 32x32 < 64x64, with their per-PE register files) never cost less area.
  CHECK(areas[0] < areas[1]);
  CHECK(areas[1] < areas[2]);
}

TEST_CASE("a hardware variant describes itself, not its base") {
  auto e = experiment(kExperiment);
  auto spec = codesign::parse_search(e);
  codesign::CodesignProblem p(e, spec.codesign);
  const auto acc = p.accelerator_for({2});
  CHECK_THAT(acc.description, Contains("64x64") && Contains("search variant of tpu-like"));
  CHECK(acc.description.find("32x32") == std::string::npos);
}

TEST_CASE("constraints make members infeasible by their relative excess") {
  auto e = experiment(kExperiment);
  auto spec = codesign::parse_search(e);
  codesign::CodesignProblem probe(e, spec.codesign);
  const double a32 = accelerators::estimate_area(probe.accelerator_for({1})).total_mm2;
  const double a64 = accelerators::estimate_area(probe.accelerator_for({2})).total_mm2;
  spec.codesign.max_area_mm2 = a32;  // the 32x32 array just fits
  codesign::CodesignProblem p(e, spec.codesign);
  CHECK(p.evaluate({0}).violation == 0);
  CHECK(p.evaluate({1}).violation == 0);
  const auto big = p.evaluate({2});
  // ResNet-18 batch 1 fits tpu-like's 8 GB DRAM, so the area excess is the whole violation.
  CHECK(big.violation == Approx((a64 - a32) / a32));
  // A power limit below what every variant draws makes all of them infeasible.
  spec.codesign.max_area_mm2 = 0;
  const double w = p.evaluate({0}).objectives[1];
  spec.codesign.max_average_power_w = w / 2;
  codesign::CodesignProblem q(e, spec.codesign);
  CHECK(q.evaluate({0}).violation == Approx(1.0));  // (w - w/2) / (w/2)
}

TEST_CASE("bad cost objectives and constraints are refused naming the field") {
  std::string y = kExperiment;
  auto with = [&](const std::string& from, const std::string& to) {
    std::string t = y;
    t.replace(t.find(from), from.size(), to);
    return t;
  };
  CHECK_THAT(error_of(with("accelerator: tpu-like", "accelerator: pynq-z1-tensil")),
             Contains("area") && Contains("technology node"));
  CHECK_THAT(error_of(with("  generations: 2", "  generations: 2\n  constraints: {area: 3}")),
             Contains("area"));
  CHECK_THAT(error_of(with("  generations: 2", "  generations: 2\n  constraints: {area_mm2: -3}")),
             Contains("constraints.area_mm2") && Contains("positive"));
  CHECK_THAT(
      error_of(with("  generations: 2", "  generations: 2\n  constraints: {average_power_w: 5 W}")),
      Contains("average_power_w"));
}
