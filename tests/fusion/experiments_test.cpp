// Every experiment file in configs/experiments loads, prepares and simulates.
#include <catch2/catch.hpp>

#include <filesystem>

#include "fusion/experiment.hpp"

using namespace monet;

TEST_CASE("every shipped experiment file runs") {
  namespace fs = std::filesystem;
  size_t n = 0;
  for (const auto& entry :
       fs::directory_iterator(fs::path(MONET_SOURCE_DIR) / "configs/experiments")) {
    if (entry.path().extension() != ".yaml") continue;
    INFO(entry.path().string());
    auto e = fusion::load_experiment(entry.path().string());
    auto p = fusion::prepare(e);
    auto plan = p.sim->plan(e.plan);
    auto s = p.sim->evaluate(plan, {false});
    CHECK(s.summary.latency_s > 0);
    CHECK(s.summary.energy.total_pj() > 0);
    ++n;
  }
  CHECK(n >= 16);  // four networks on four presets, at least
}

// The runs behind docs/validation.md's partial-training table (make_training_table.py).
TEST_CASE("the partial-training validation experiments load and train what they say") {
  namespace fs = std::filesystem;
  size_t n = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(MONET_SOURCE_DIR) /
                                                  "docs/validation/experiments/training")) {
    if (entry.path().extension() != ".yaml") continue;
    INFO(entry.path().string());
    auto e = fusion::load_experiment(entry.path().string());
    auto p = fusion::prepare(e);
    REQUIRE(p.training);
    REQUIRE(p.training_memory);
    const auto& t = *p.training;
    const bool full = entry.path().stem().string().find("finetune") != std::string::npos;
    // FP32 gradients, one per trainable parameter; fine-tuning trains every parameter.
    CHECK(p.training_memory->gradient_bytes == 4 * t.trainable_parameters);
    if (full) CHECK(t.trainable_parameters == t.parameters);
    if (!full) CHECK(t.trainable_parameters < t.parameters);
    // MobileNetV2: torchvision's 3,504,872 parameters before any adapter.
    if (entry.path().stem().string().find("mobilenetv2") != std::string::npos)
      CHECK(t.parameters - t.adapter_parameters == 3'504'872);
    ++n;
  }
  CHECK(n == 5);
}
