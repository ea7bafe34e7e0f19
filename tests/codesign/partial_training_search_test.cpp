// The trainable genes of the co-design search: one gene per block (frozen / trained /
// adapter), the seeds (full fine-tuning, last-layer training, adapters), the decoded
// training options in the replay files, and the front's memory-time trade.
#include <catch2/catch.hpp>

#include <algorithm>

#include "codesign/search.hpp"
#include "fusion/experiment.hpp"
#include "support/experiment_text.hpp"

using namespace monet;
using test::experiment;

namespace {
const char* kPartial = R"(
name: partial
workload: {model: resnet18, batch: 2, element_bits: 16}
training:
  optimizer: momentum
  activation_bits: 16
  weight_bits: 16
  gradient_bits: 16
  frozen_batchnorm: running-statistics
  adapters:
    - {kind: lite-residual, targets: ["layer*"]}
accelerator: jetson-orin-nano
search:
  genes: [trainable]
  objectives: [latency, footprint, frozen_parameters]
  population: 8
  generations: 3
  seed: 5
  threads: 2
)";

}  // namespace

TEST_CASE("Trainable genes: one per ResNet-18 block, adapters where a lite residual attaches") {
  auto e = experiment(kPartial, "partial.yaml");
  auto spec = codesign::parse_search(e);
  codesign::CodesignProblem problem(e, spec.codesign);
  auto genes = problem.genes();
  REQUIRE(genes.size() == 1);
  CHECK(genes[0].name == "trainable");
  // stem, layer1.0 ... layer4.1, head: 10 blocks with parameters.
  REQUIRE(genes[0].upper.size() == 10);
  CHECK(genes[0].upper.front() == 1);  // stem: no lite residual (not a layer* block)
  CHECK(genes[0].upper.back() == 1);   // head
  for (size_t i = 1; i + 1 < 10; ++i) CHECK(genes[0].upper[i] == 2);

  auto seeds = problem.seeds();
  REQUIRE(seeds.size() >= 3);
  CHECK(problem.describe(seeds[0]).find("trained 10/10") != std::string::npos);
  CHECK(problem.describe(seeds[1]).find("trained 1/10: head") != std::string::npos);
  CHECK(problem.describe(seeds[2]).find("adapters 8") != std::string::npos);
  // Training only the head is faster and smaller than full fine-tuning.
  auto full = problem.evaluate(seeds[0]);
  auto last = problem.evaluate(seeds[1]);
  CHECK(last.objectives[0] < full.objectives[0]);
  CHECK(last.objectives[1] < full.objectives[1]);
  // Frozen parameters: none for full fine-tuning; all but fc's 513,000 for the head alone.
  CHECK(full.objectives[2] == 0);
  CHECK(last.objectives[2] == 11'689'512 - 513'000);
  // A genome that trains nothing trains the last block.
  ga::Genome frozen(10, 0);
  CHECK(problem.describe(frozen) == problem.describe(seeds[1]));
}

TEST_CASE("A front member's replay file trains what its genes say") {
  auto e = experiment(kPartial, "partial.yaml");
  auto spec = codesign::parse_search(e);
  codesign::CodesignProblem problem(e, spec.codesign);
  ga::Genome g(10, 0);
  g[9] = 1;  // head trained
  g[8] = 2;  // lite residual beside layer4.1
  g[1] = 1;  // layer1.0 trained
  auto yaml = problem.experiment_yaml(g, "member", "");
  auto replay = fusion::parse_experiment_yaml(yaml, "member.yaml");
  CHECK(replay.training_options.trainable.patterns ==
        std::vector<std::string>{"block:layer1.0", "block:head"});
  REQUIRE(replay.training_options.adapters.size() == 1);
  CHECK(replay.training_options.adapters[0].targets == std::vector<std::string>{"layer4.1"});
  auto p = fusion::prepare(replay);
  REQUIRE(p.training);
  // layer1.0: two 3x3 64->64 convs and two BatchNorms; head: fc; layer4.1's lite residual:
  // 512 channels at 7x7 pooled to 3x3 (3x3 group conv, 2 groups), two norms, 1x1 conv.
  const int64_t layer1 = 2 * 64 * 64 * 9 + 2 * 2 * 64;
  const int64_t lite = 256 * 512 * 9 + 2 * 512 + 512 * 512 + 2 * 512;
  CHECK(p.training->trainable_parameters == layer1 + 513'000 + lite);
  auto s = p.sim->evaluate(p.sim->plan(replay.plan), {false});
  CHECK(s.summary.latency_s == Approx(problem.evaluate(g).objectives[0]));
}

TEST_CASE("The partial-training search runs and its front spans the trade") {
  auto e = experiment(kPartial, "partial.yaml");
  auto spec = codesign::parse_search(e);
  auto out = codesign::run_search(e, spec, "", false);
  REQUIRE(out.front.size() >= 3);  // at least the three seeds' trade-offs
  // Training more (fewer frozen parameters) costs time and memory: the member training the
  // most is slower and larger than the one training the least.
  auto by_frozen = [](auto& a, auto& b) {
    return a.evaluation.objectives[2] < b.evaluation.objectives[2];
  };
  auto most = std::min_element(out.front.begin(), out.front.end(), by_frozen);
  auto least = std::max_element(out.front.begin(), out.front.end(), by_frozen);
  CHECK(most->evaluation.objectives[0] > least->evaluation.objectives[0]);
  CHECK(most->evaluation.objectives[1] > least->evaluation.objectives[1]);
}

TEST_CASE("Trainable genes need a training experiment and exclude checkpoint genes") {
  auto bad = [](const std::string& extra) {
    auto e = fusion::parse_experiment_yaml("workload: resnet18\naccelerator: tpu-like\n" + extra,
                                           "bad.yaml");
    return codesign::parse_search(e);
  };
  CHECK_THROWS_WITH(bad("mode: inference\nsearch: {genes: [trainable], generations: 1}\n"),
                    Catch::Contains("search.genes") && Catch::Contains("mode: training"));
  CHECK_THROWS_WITH(bad("search: {genes: [trainable, checkpoint], generations: 1}\n"),
                    Catch::Contains("cannot be searched together"));
}
