// Checkpoint plans: parsing, what they drop, recompute ops and their cost.
#include <catch2/catch.hpp>
#include <cmath>

#include "core/yaml.hpp"
#include "tests/training/training_helpers.hpp"
#include "training/expand.hpp"
#include "workloads/builder.hpp"
#include "workloads/models.hpp"

using namespace monet;
using namespace monet::test;
using training::CheckpointKind;
using training::parse_checkpoint_plan;
using workloads::Pass;

namespace {
training::TrainingStep expand_with(const workloads::Graph& g, const std::string& plan) {
  training::TrainingOptions o;
  o.checkpoint = parse_checkpoint_plan(plan);
  return training::expand(g, o);
}

// Every recompute op sits in a run of recompute ops that ends right before a backward op
// reading one of the run's outputs (the first backward reader).
void check_recompute_placement(const workloads::Graph& g) {
  const auto& ops = g.ops();
  for (size_t i = 0; i < ops.size();) {
    if (ops[i].pass != Pass::kRecompute) {
      ++i;
      continue;
    }
    std::vector<int> produced;
    size_t j = i;
    for (; j < ops.size() && ops[j].pass == Pass::kRecompute; ++j)
      produced.insert(produced.end(), ops[j].outputs.begin(), ops[j].outputs.end());
    REQUIRE(j < ops.size());
    const auto& reader = ops[j];
    CHECK((reader.pass == Pass::kBackwardData || reader.pass == Pass::kBackwardWeight));
    bool reads = false;
    for (int t : reader.inputs)
      reads = reads || std::find(produced.begin(), produced.end(), t) != produced.end();
    CHECK(reads);
    i = j;
  }
}
}  // namespace

TEST_CASE("Checkpoint plans parse from text and YAML") {
  CHECK(parse_checkpoint_plan("none").kind == CheckpointKind::kNone);
  CHECK(parse_checkpoint_plan("all-but-inputs-of-blocks").kind ==
        CheckpointKind::kAllButInputsOfBlocks);
  CHECK(parse_checkpoint_plan("sqrt").kind == CheckpointKind::kSqrt);
  auto every = parse_checkpoint_plan("every:3");
  CHECK(every.kind == CheckpointKind::kEvery);
  CHECK(every.every == 3);
  auto drop = parse_checkpoint_plan("drop:a,b");
  CHECK(drop.names == std::vector<std::string>{"a", "b"});
  CHECK(drop.str() == "drop:a,b");
  CHECK_THROWS_WITH(parse_checkpoint_plan("every:0"), Catch::Contains("K must be an integer"));
  CHECK_THROWS_WITH(parse_checkpoint_plan("every:x"), Catch::Contains("K must be an integer"));
  CHECK_THROWS_WITH(parse_checkpoint_plan("half"),
                    Catch::Contains("unknown checkpoint plan 'half'") && Catch::Contains("sqrt"));

  auto root = core::parse_yaml("checkpoint:\n  - layer1.0.conv1\n  - nosuch\n", "plan.yaml");
  auto plan = training::checkpoint_plan_from_yaml(root["checkpoint"]);
  CHECK(plan.kind == CheckpointKind::kExplicit);
  CHECK(plan.names == std::vector<std::string>{"layer1.0.conv1", "nosuch"});
  training::TrainingOptions o;
  o.checkpoint = plan;
  CHECK_THROWS_WITH(training::expand(workloads::resnet18(), o),
                    Catch::Contains("plan.yaml:3") && Catch::Contains("'nosuch'") &&
                        Catch::Contains("no tensor of that name in graph 'resnet18'"));
  auto bad = core::parse_yaml("checkpoint: every:-2\n", "p.yaml");
  CHECK_THROWS_WITH(training::checkpoint_plan_from_yaml(bad["checkpoint"]),
                    Catch::Contains("p.yaml:1") && Catch::Contains("every:-2"));
}

TEST_CASE("Impossible plans are rejected with the reason") {
  auto g = workloads::resnet18();
  CHECK_THROWS_WITH(expand_with(g, "drop:fc"), Catch::Contains("graph output"));
  CHECK_THROWS_WITH(expand_with(g, "drop:input"), Catch::Contains("cannot be recomputed"));
  CHECK_THROWS_WITH(expand_with(g, "drop:conv1.weight"), Catch::Contains("cannot be recomputed"));
  CHECK_THROWS_WITH(expand_with(g, "drop:layer9.conv"), Catch::Contains("no tensor of that name"));
}

TEST_CASE("Explicit plans recompute the dropped op once, from the nearest kept tensor") {
  auto g = workloads::resnet18();
  auto base = expand_with(g, "none");
  // layer1.0.conv1: 64 filters of 64x3x3 over 56x56; its output is 64x56x56 fp32.
  const int64_t conv_macs = int64_t{64} * 64 * 3 * 3 * 56 * 56;
  const int64_t conv_out = int64_t{64} * 56 * 56 * 4;
  auto one = expand_with(g, "drop:layer1.0.conv1");
  CHECK(macs_of_pass(one.graph, Pass::kRecompute) == conv_macs);
  CHECK(one.memory.saved_activation_bytes == base.memory.saved_activation_bytes - conv_out);
  // relu1's output is rebuilt through bn1 from the recomputed conv output: conv runs once.
  auto two = expand_with(g, "drop:layer1.0.conv1,layer1.0.relu1");
  CHECK(macs_of_pass(two.graph, Pass::kRecompute) == conv_macs);
  CHECK(two.memory.saved_activation_bytes == base.memory.saved_activation_bytes - 2 * conv_out);
  CHECK(two.graph.find_op("layer1.0.conv1.recompute") >= 0);
  CHECK(two.graph.find_op("layer1.0.relu1.recompute") >= 0);
  check_recompute_placement(two.graph);
}

// Block plans drop everything but (some) block inputs. Each dropped op is recomputed from the
// block inputs; the only compute op whose output is never dropped is the last one (the graph
// output, read by the loss), so recompute MACs = forward MACs minus that layer.
TEST_CASE("Block plans on ResNet-18 and GPT-2: fewer saved bytes, recompute = dropped MACs") {
  const int64_t fc = int64_t{512} * 1000;
  const int64_t lm_head = int64_t{1024} * 768 * 50257;
  workloads::Gpt2Options with_dropout;
  with_dropout.dropout = true;  // every matmul's output is then saved, directly or via a mask
  struct Case {
    workloads::Graph g;
    int64_t forward, last_layer;
  };
  std::vector<Case> cases;
  cases.push_back({workloads::resnet18(), 1'814'073'344, fc});
  cases.push_back({workloads::gpt2(with_dropout), 145'824'153'600, lm_head});
  for (auto& c : cases) {
    auto none = expand_with(c.g, "none");
    for (const char* plan : {"all-but-inputs-of-blocks", "sqrt", "every:2", "every:3"}) {
      INFO(c.g.name() << " " << plan);
      auto s = expand_with(c.g, plan);
      CHECK(s.memory.saved_activation_bytes < none.memory.saved_activation_bytes);
      CHECK(macs_of_pass(s.graph, Pass::kRecompute) == c.forward - c.last_layer);
      check_recompute_placement(s.graph);
    }
  }
}

// Without dropout, mlp.c_proj's output only feeds the residual add, whose backward reads
// nothing, so with per-block checkpointing (the block input of the next layer kept) it is not
// recomputed: recompute = forward - lm_head - 12 x (1024 x 3072 x 768).
TEST_CASE("GPT-2 without dropout recomputes only what backward reads") {
  auto s = expand_with(workloads::gpt2(), "all-but-inputs-of-blocks");
  const int64_t lm_head = int64_t{1024} * 768 * 50257;
  const int64_t c_proj = int64_t{1024} * 3072 * 768;
  CHECK(macs_of_pass(s.graph, Pass::kRecompute) == 145'824'153'600 - lm_head - 12 * c_proj);
}

TEST_CASE("Plans never increase saved bytes, explicit or not") {
  auto g = workloads::resnet12();
  auto none = expand_with(g, "none");
  // Every single candidate dropped alone.
  for (int t : training::checkpoint_candidates(none)) {
    const std::string& name = none.graph.tensor(t).name;
    INFO(name);
    auto s = expand_with(g, "drop:" + name);
    CHECK(s.memory.saved_activation_bytes <=
          none.memory.saved_activation_bytes - none.graph.tensor(t).bytes());
  }
}

// A chain of n blocks (linear 256->256 + ReLU). sqrt keeps the inputs of ceil(sqrt(n))-spaced
// blocks: O(sqrt(n)) of the n-1 block inputs, and recomputes each block whose output is dropped.
TEST_CASE("sqrt on a chain of n blocks keeps O(sqrt n) block inputs") {
  for (int n : {16, 64, 100, 400}) {
    workloads::Builder b("chain");
    int x = b.input("x", {1, 256});
    std::vector<int> block_inputs;
    for (int i = 0; i < n; ++i) {
      b.set_block("b" + std::to_string(i));
      if (i) block_inputs.push_back(x);
      x = b.linear("b" + std::to_string(i) + ".fc", x, 256, false);
      x = b.unary("b" + std::to_string(i) + ".relu", x, workloads::OpKind::kRelu);
    }
    training::TrainingOptions o;
    o.loss = training::Loss::kMse;
    o.checkpoint = parse_checkpoint_plan("sqrt");
    auto g = b.finish();
    auto s = training::expand(g, o);
    int kept = 0;
    for (int t : block_inputs)
      kept += std::count(s.saved_tensors.begin(), s.saved_tensors.end(), t);
    INFO("n = " << n << ", kept " << kept);
    const double root = std::sqrt(static_cast<double>(n));
    CHECK(kept >= root / 2 - 1);
    CHECK(kept <= 2 * root);
    // Saved: the kept block inputs plus the output (the last ReLU keeps it).
    CHECK(s.saved_tensors.size() == static_cast<size_t>(kept) + 1);
    const int64_t block_macs = 256 * 256;
    CHECK(macs_of_pass(s.graph, Pass::kRecompute) == (n - 1 - kept) * block_macs);
  }
}
