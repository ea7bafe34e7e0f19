// Distillation experiments: the teacher's ops can be allocated to their own core, the run
// reports the teacher, and bad distillation sections name their field.
#include <catch2/catch.hpp>

#include <filesystem>

#include "fusion/experiment.hpp"
#include "fusion/run_outputs.hpp"
#include "support/source_path.hpp"

using namespace monet;
using test::source;

TEST_CASE("The shipped distillation experiment puts the teacher's convs on their own core") {
  auto e = fusion::load_experiment(
      source("configs/experiments/mobilevit-xxs-distill-resnet18-edge-hetero.yaml"));
  REQUIRE(e.teacher);
  auto p = fusion::prepare(e);
  const auto& g = p.sim->graph();
  auto plan = p.sim->plan(e.plan);
  const auto& acc = p.sim->accelerator();
  int teacher_convs = 0;
  for (const auto& op : g.ops()) {
    if (op.name.rfind("teacher.", 0) != 0 || op.kind != workloads::OpKind::kConv) continue;
    ++teacher_convs;
    CHECK(acc.cores[static_cast<size_t>(plan.core_of_op[static_cast<size_t>(op.id)])].name ==
          "sa_os");
  }
  CHECK(teacher_convs == 20);  // ResNet-18's convs
  REQUIRE(p.training);
  REQUIRE(p.training->teacher);
  CHECK(p.training->teacher->model == "resnet18");
  CHECK(p.training->teacher->element_bits == 16);
  auto s = p.sim->evaluate(plan, {false});
  CHECK(s.summary.latency_s > 0);
  fusion::RunInfo info{e.name,       "training",        e.plan_name,
                       e.plan.tiles, p.training_memory, p.training,
                       {},           std::nullopt,      {}};
  auto doc = fusion::run_summary_json(*p.sim, plan, s, info);
  CHECK(doc["training"]["teacher"]["logits_bytes"] == 4 * 1000 * 2);
}

TEST_CASE("Bad distillation sections are rejected naming the field") {
  auto parse = [](const std::string& extra) {
    return fusion::parse_experiment_yaml(
        "workload: {model: resnet18, batch: 2}\naccelerator: tpu-like\n" + extra, "kd.yaml");
  };
  CHECK_THROWS_WITH(parse("mode: inference\ndistillation: {teacher: resnet18}\n"),
                    Catch::Contains("distillation") && Catch::Contains("mode: training"));
  CHECK_THROWS_WITH(parse("distillation: {teacher: {model: resnet18, batch: 4}}\n"),
                    Catch::Contains("distillation.teacher.batch"));
  CHECK_THROWS_WITH(parse("distillation: {teacher: resnet18}\ntraining: {loss: mse}\n"),
                    Catch::Contains("training.loss"));
  CHECK_THROWS_WITH(parse("training: {loss: distillation}\n"),
                    Catch::Contains("needs distillation.teacher"));
  CHECK_THROWS_WITH(parse("distillation: {teacher: resnet18, temperature: 4}\n"),
                    Catch::Contains("temperature"));
  auto e = parse("distillation: {teacher: resnet12}\n");
  CHECK_THROWS_WITH(fusion::prepare(e),
                    Catch::Contains("kd.yaml") && Catch::Contains("distillation.teacher"));
}
