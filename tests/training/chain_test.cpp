// Chains extracted from the built-in models: sizes worked out by hand from the layer shapes,
// published forward MACs, Korthikanti et al.'s per-layer activation bytes, the exact front on
// the real chains, and the checkpoint-front CLI.
#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "support/pareto_points.hpp"
#include "tests/cli/run_cli.hpp"
#include "training/checkpoint_dp.hpp"
#include "training/expand.hpp"
#include "workloads/builder.hpp"
#include "workloads/models.hpp"

using namespace monet;
using test::pareto;
using training::Granularity;

namespace {

using Point = std::pair<int64_t, int64_t>;

std::vector<Point> points(const training::CheckpointFront& f) {
  std::vector<Point> out;
  for (const auto& p : f.points) out.emplace_back(p.recompute_cost, p.peak_bytes);
  return out;
}

std::vector<Point> brute_force(const training::Chain& c) {
  const int genes = training::plan_gene_count(c, Granularity::kBlock);
  std::vector<Point> pts;
  std::vector<int> bits(genes);
  for (uint64_t mask = 0; mask < (uint64_t{1} << genes); ++mask) {
    for (int k = 0; k < genes; ++k) bits[k] = static_cast<int>((mask >> k) & 1);
    auto e =
        training::evaluate_chain_plan(c, training::plan_from_genes(c, Granularity::kBlock, bits));
    pts.emplace_back(e.recompute_cost, e.peak_bytes);
  }
  return pareto(pts);
}

// Plans where only segment ends keep saved tensors (the others are dominated, see
// checkpoint_dp.hpp and checkpoint_dp_test.cpp): 2·3^(n-1) of them.
std::vector<Point> segment_brute_force(const training::Chain& c) {
  const int n = c.size();
  std::vector<Point> pts;
  auto p = training::uniform_plan(c, Granularity::kBlock, false);
  for (uint64_t cuts = 0; cuts < (uint64_t{1} << (n - 1)); ++cuts) {
    std::vector<int> ends;
    for (int i = 0; i < n; ++i) {
      if (i < n - 1) p.keep_boundary[i] = (cuts >> i) & 1;
      p.keep_saved[i][0] = 0;
      if (i == n - 1 || ((cuts >> i) & 1)) ends.push_back(i);
    }
    for (uint64_t keep = 0; keep < (uint64_t{1} << ends.size()); ++keep) {
      for (size_t k = 0; k < ends.size(); ++k) p.keep_saved[ends[k]][0] = (keep >> k) & 1;
      auto e = training::evaluate_chain_plan(c, p);
      pts.emplace_back(e.recompute_cost, e.peak_bytes);
    }
  }
  return pareto(pts);
}

}  // namespace

TEST_CASE("ResNet-18 chain: blocks, hand-computed sizes, exact front", "[chain]") {
  const auto g = workloads::resnet18();
  const auto c = training::extract_chain(g);
  REQUIRE(c.size() == 10);
  const char* names[] = {"stem",     "layer1.0", "layer1.1", "layer2.0", "layer2.1",
                         "layer3.0", "layer3.1", "layer4.0", "layer4.1", "head"};
  for (int i = 0; i < 10; ++i) CHECK(c.elements[i].name == names[i]);
  CHECK(c.total_cost() == 1'814'073'344);  // published forward MACs
  CHECK(c.input_bytes == 3 * 224 * 224 * 4);
  // stem: BN input and ReLU output (64×112×112 fp32 each), BN mean/rstd (2×64 fp32), max-pool
  // argmax (64×56×56, one byte); its output is 64×56×56 fp32.
  CHECK(c.elements[0].output_bytes == 64 * 56 * 56 * 4);
  CHECK(c.elements[0].saved_bytes() == 2 * 64 * 112 * 112 * 4 + 2 * 64 * 4 + 64 * 56 * 56);
  // layer1.0: conv1 output, ReLU output, conv2 output (64×56×56 fp32) and two BN statistics;
  // the block input (conv1's saved input) and the final ReLU output are boundaries.
  CHECK(c.elements[1].saved_bytes() == 3 * 64 * 56 * 56 * 4 + 2 * 2 * 64 * 4);
  // layer2.0 adds the downsample conv output and its BN statistics (128×28×28).
  CHECK(c.elements[3].saved_bytes() == 4 * 128 * 28 * 28 * 4 + 3 * 2 * 128 * 4);
  CHECK(c.elements[9].saved_bytes() == 512 * 4);  // fc input; global pooling saves nothing
  CHECK(c.elements[9].output_bytes == 1000 * 4);
  // Store-all holds every saved activation of the training step, the input and the logits.
  const auto step = training::expand(g, {});
  auto all = training::evaluate_chain_plan(c, training::store_all_plan(c, Granularity::kBlock));
  CHECK(all.peak_bytes == c.input_bytes + step.memory.saved_activation_bytes + 4000);
  // √10: segments of four blocks, every block recomputed once: one extra forward pass, except
  // the fc of the head, whose output (the logits) is kept (512·1000 MACs).
  auto sq = training::sqrt_plan(c, Granularity::kBlock);
  CHECK(training::plan_str(c, sq) == "DDDD|DDDD|DD");
  auto sqe = training::evaluate_chain_plan(c, sq);
  CHECK(sqe.recompute_cost == 1'814'073'344 - 512 * 1000);

  auto f = training::checkpoint_front(c, Granularity::kBlock);
  CHECK(points(f) == brute_force(c));  // all 2^19 plans
  CHECK(f.points.front().recompute_cost == 0);
  CHECK(f.points.front().peak_bytes == all.peak_bytes);
  CHECK(training::plan_str(c, f.points.front().plan) == "K|K|K|K|K|K|K|K|K|K");
  CHECK(f.points.back().peak_bytes <= sqe.peak_bytes);
  auto fa = training::checkpoint_front(c, Granularity::kActivation);
  CHECK(points(fa) == points(f));
}

TEST_CASE("GPT-2 small chain: Korthikanti activation bytes per layer", "[chain]") {
  workloads::Gpt2Options o;
  o.dropout = true;
  training::TrainingOptions t;
  t.activation_bits = 16;
  const auto c = training::extract_chain(workloads::gpt2(o), t);
  REQUIRE(c.size() == 14);
  CHECK(c.elements[0].name == "embed");
  CHECK(c.elements[1].name == "h0");
  CHECK(c.elements[13].name == "head");
  CHECK(c.total_cost() == 145'824'153'600);  // published forward MACs
  // 16-bit activations with dropout: s·b·h·(34 + 5·a·s/h) bytes per layer (Korthikanti et al.
  // 2022) = the layer's input boundary + its saved tensors, plus the fp32 mean and rstd of its
  // two LayerNorms (2 · 2·s·b·4 bytes), which that formula leaves out.
  const int64_t s = 1024, b = 1, h = 768, a = 12;
  for (int l = 1; l <= 12; ++l)
    CHECK(c.elements[l - 1].output_bytes + c.elements[l].saved_bytes() ==
          s * b * h * 34 + 5 * a * s * s * b + 2 * 2 * s * b * 4);
}

TEST_CASE("GPT-2 small chain: store-all, free embedding recompute, exact front", "[chain]") {
  const auto c = training::extract_chain(workloads::gpt2());
  REQUIRE(c.size() == 14);
  // fp32, no dropout. Per layer: input, ln_1 out, Q, K, V, merged heads, add_1, ln_2 out (8·sbh
  // elements), c_fc out and GELU out (2·4·sbh), softmax probabilities (a·s²·b), two LayerNorm
  // statistics; the head keeps its input, ln_f statistics and ln_f output.
  const int64_t s = 1024, b = 1, h = 768, a = 12, vocab = 50257;
  const int64_t layer = 4 * (16 * s * b * h + a * s * s * b) + 2 * 8 * s * b;
  const int64_t head = 4 * 2 * s * b * h + 8 * s * b;
  const auto g = workloads::gpt2();
  const int64_t ids = g.tensor(g.find_tensor("input_ids")).bytes(), logits = 4 * s * b * vocab;
  auto all = training::evaluate_chain_plan(c, training::store_all_plan(c, Granularity::kBlock));
  CHECK(all.peak_bytes == ids + 12 * layer + head + logits);
  auto f = training::checkpoint_front(c, Granularity::kBlock);
  REQUIRE(f.points.size() >= 2);
  // The embedding lookup has no MACs and saves nothing of its own, so dropping its output (the
  // input of h0) is free: the cost-0 point saves those s·b·h fp32 over store-all.
  CHECK(f.points.front().recompute_cost == 0);
  CHECK(f.points.front().peak_bytes == all.peak_bytes - 4 * s * b * h);
  // √14: segments of four; the segment ends h2, h6, h10 keep their outputs, so their last
  // MLP projection (s·4h·h MACs) does not rerun, nor does the LM head (s·h·vocab).
  auto sq = training::evaluate_chain_plan(c, training::sqrt_plan(c, Granularity::kBlock));
  CHECK(sq.recompute_cost == c.total_cost() - 3 * s * 4 * h * h - s * h * vocab);
  CHECK(f.points.back().peak_bytes <= sq.peak_bytes);
  CHECK(training::best_within_budget(f, sq.peak_bytes)->recompute_cost < sq.recompute_cost);
  for (size_t k = 1; k < f.points.size(); ++k)
    CHECK(f.points[k].peak_bytes < f.points[k - 1].peak_bytes);
}

TEST_CASE("GPT-2 with 4 layers: exact front equals brute force on the real chain", "[chain]") {
  workloads::Gpt2Options o;
  o.layers = 4;
  o.seq = 128;
  const auto c = training::extract_chain(workloads::gpt2(o));
  REQUIRE(c.size() == 6);
  CHECK(points(training::checkpoint_front(c, Granularity::kBlock)) == brute_force(c));
}

TEST_CASE("chain plans cost what training::expand recomputes", "[chain]") {
  workloads::Gpt2Options small;
  small.seq = 128;
  for (const auto& g : {workloads::resnet18(), workloads::gpt2(small)}) {
    const auto c = training::extract_chain(g);
    auto all = training::store_all_plan(c, Granularity::kBlock);
    CHECK(training::to_checkpoint_plan(c, all).kind == training::CheckpointKind::kNone);
    auto front = training::checkpoint_front(c, Granularity::kActivation);
    std::vector<training::ChainPlan> plans{training::sqrt_plan(c, Granularity::kActivation),
                                           front.points[front.points.size() / 2].plan,
                                           front.points.back().plan};
    for (const auto& p : plans) {
      training::TrainingOptions o;
      o.checkpoint = training::to_checkpoint_plan(c, p);  // names resolve in the training step
      const auto step = training::expand(g, o);
      int64_t recompute_macs = 0;
      for (const auto& op : step.graph.ops())
        if (op.pass == workloads::Pass::kRecompute) recompute_macs += op.macs();
      INFO(g.name() << " plan " << training::plan_str(c, p));
      CHECK(recompute_macs == training::evaluate_chain_plan(c, p).recompute_cost);
    }
  }
}

TEST_CASE("blocks a residual skips over merge into one element", "[chain]") {
  workloads::Builder b("branchy");
  int x = b.input("x", {1, 8});
  b.set_block("a");
  int y = b.linear("a.fc", x, 8);
  b.set_block("b");
  int z = b.linear("b.fc", y, 8);
  b.set_block("c");
  b.add("c.add", z, y);  // reads block a's output too: nothing but a.fc links a to b + c
  const auto c = training::extract_chain(b.finish());
  REQUIRE(c.size() == 2);
  CHECK(c.elements[0].name == "a");
  CHECK(c.elements[0].output_name == "a.fc");
  CHECK(c.elements[1].name == "b+c");
  CHECK(c.elements[1].cost == 8 * 8);
  CHECK(c.input_bytes == 8 * 4);
}

TEST_CASE("MobileViT-XXS chain: a MobileViT block absorbs its transformer layers", "[chain]") {
  const auto c = training::extract_chain(workloads::mobilevit({}));
  const std::vector<std::string> names = {"stem",     "layer1.0", "layer2.0", "layer2.1",
                                          "layer2.2", "layer3.0", "layer3.1", "layer4.0",
                                          "layer4.1", "layer5.0", "layer5.1", "head"};
  REQUIRE(c.size() == static_cast<int>(names.size()));
  for (int i = 0; i < c.size(); ++i) CHECK(c.elements[i].name == names[i]);
  CHECK(c.total_cost() == 407'364'096);  // published forward MACs
  // layer3.1 (C 48, d 64, 32×32 map) ends in its 3×3 fusion conv + BN + SiLU: 48×32×32 fp32.
  CHECK(c.elements[6].output_bytes == 48 * 32 * 32 * 4);
  CHECK(points(training::checkpoint_front(c, Granularity::kBlock)) == segment_brute_force(c));
}

TEST_CASE("checkpoint-front CLI", "[chain][cli]") {
  auto r = test::run_cli("checkpoint-front resnet18 --json");
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.output);
  CHECK(j["schema"] == "monet.checkpoint_front/1");
  CHECK(j["chain"]["elements"].size() == 10);
  CHECK(j["chain"]["forward_cost"] == 1'814'073'344);
  const auto f = training::checkpoint_front(training::extract_chain(workloads::resnet18()),
                                            Granularity::kBlock);
  CHECK(j["front"].size() == f.points.size());
  CHECK(j["baselines"][1]["name"] == "sqrt");
  CHECK(j["baselines"][1]["plan"] == "DDDD|DDDD|DD");
  r = test::run_cli("checkpoint-front gpt2-small --seq 64 --granularity activation");
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("exact front (activation granularity)") != std::string::npos);
  CHECK(test::run_cli("checkpoint-front resnet18 --granularity tensor").exit_code == 2);
}
