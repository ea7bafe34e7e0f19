// Exact checkpointing front on chains: brute force over every plan, hand-worked examples,
// the store-all and √n baselines, and the ResNet-18 / GPT-2 chains.
#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "support/pareto_points.hpp"
#include "training/checkpoint_dp.hpp"
#include "training/expand.hpp"
#include "workloads/models.hpp"

using namespace monet;
using test::pareto;
using training::Chain;
using training::ChainPlan;
using training::Granularity;

namespace {

using Point = std::pair<int64_t, int64_t>;  // (recompute cost, peak bytes)

std::vector<Point> front_points(const training::CheckpointFront& f) {
  std::vector<Point> out;
  for (const auto& p : f.points) out.emplace_back(p.recompute_cost, p.peak_bytes);
  return out;
}

Point eval(const Chain& c, const ChainPlan& p) {
  auto e = training::evaluate_chain_plan(c, p);
  return {e.recompute_cost, e.peak_bytes};
}

// Every plan of the granularity: 2^genes of them.
std::vector<Point> brute_force(const Chain& c, Granularity g) {
  const int genes = training::plan_gene_count(c, g);
  REQUIRE(genes <= 22);
  std::vector<Point> pts;
  std::vector<int> bits(genes);
  for (uint64_t mask = 0; mask < (uint64_t{1} << genes); ++mask) {
    for (int k = 0; k < genes; ++k) bits[k] = static_cast<int>((mask >> k) & 1);
    pts.push_back(eval(c, training::plan_from_genes(c, g, bits)));
  }
  return pareto(pts);
}

// Block plans where only the last element before each kept boundary (and the last element)
// may keep its saved tensors: 2·3^(n-1) plans instead of 2^(2n-1), so n = 14 stays cheap.
std::vector<Point> brute_force_segment_plans(const Chain& c) {
  const int n = c.size();
  std::vector<Point> pts;
  ChainPlan p = training::uniform_plan(c, Granularity::kBlock, false);
  for (uint64_t cuts = 0; cuts < (uint64_t{1} << (n - 1)); ++cuts) {
    std::vector<int> ends;
    for (int i = 0; i < n; ++i) {
      bool end = i == n - 1 || ((cuts >> i) & 1);
      if (i < n - 1) p.keep_boundary[i] = (cuts >> i) & 1;
      p.keep_saved[i][0] = 0;
      if (end) ends.push_back(i);
    }
    for (uint64_t keep = 0; keep < (uint64_t{1} << ends.size()); ++keep) {
      for (size_t k = 0; k < ends.size(); ++k) p.keep_saved[ends[k]][0] = (keep >> k) & 1;
      pts.push_back(eval(c, p));
    }
  }
  return pareto(pts);
}

// Sizes in small ranges so that many plans tie; some zero costs and zero saved bytes.
Chain random_chain(std::mt19937_64& rng, int n, int max_tensors) {
  auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  Chain c;
  c.name = "random";
  c.input_bytes = uni(1, 30);
  for (int i = 0; i < n; ++i) {
    training::ChainElement e;
    e.name = "e" + std::to_string(i);
    e.cost = uni(0, 5) == 0 ? 0 : uni(1, 60);
    e.saved_cost = uni(0, static_cast<int>(e.cost));
    e.output_bytes = uni(1, 40);
    int tensors = uni(0, max_tensors);
    for (int k = 0; k < tensors; ++k)
      e.saved.push_back({e.name + ".t" + std::to_string(k), uni(1, 80)});
    c.elements.push_back(e);
  }
  return c;
}

void check_front_plans(const Chain& c, const training::CheckpointFront& f) {
  for (const auto& p : f.points) CHECK(eval(c, p.plan) == Point{p.recompute_cost, p.peak_bytes});
}

}  // namespace

TEST_CASE("hand-worked three-element chain", "[checkpoint_dp]") {
  // a0 = 1; f = 10, 20, 30; outputs a1..a3 = 4, 5, 6; saved s = 100, 200, 300.
  Chain c = training::make_chain(1, {10, 20, 30}, {4, 5, 6}, {100, 200, 300});
  // Store-all: everything is live at F2 and B2: 1 + (4 + 5 + 6) + (100 + 200 + 300).
  auto all = training::evaluate_chain_plan(c, training::store_all_plan(c, Granularity::kBlock));
  CHECK(all.recompute_cost == 0);
  CHECK(all.peak_bytes == 616);
  // Dropping everything: at B2 all of e0, e1 (recomputed from a0) and e2 are live again.
  auto none =
      training::evaluate_chain_plan(c, training::uniform_plan(c, Granularity::kBlock, false));
  CHECK(none.recompute_cost == 60);
  CHECK(none.peak_bytes == 616);
  CHECK(none.kept_bytes == 7);  // a0 + a3 after the forward pass
  // √3: segments of 2, keep a2. F2 holds a0 + a2 + s2 + a3 = 312; B1 (e0, e1 recomputed)
  // holds a0 + s0 + a1 + s1 + a2 = 310; each element recomputed once.
  ChainPlan sq = training::sqrt_plan(c, Granularity::kBlock);
  CHECK(training::plan_str(c, sq) == "DD|D");
  auto sqe = training::evaluate_chain_plan(c, sq);
  CHECK(sqe.recompute_cost == 60);
  CHECK(sqe.peak_bytes == 312);
  CHECK_FALSE(sqe.peak_in_backward);
  CHECK(sqe.peak_element == 2);
  // When e2's saved tensors depend on ops costing 5 of its 30 (its output is kept, so the rest
  // need not rerun), the √3 plan costs 10 + 20 + 5.
  Chain cheaper = c;
  cheaper.elements[2].saved_cost = 5;
  CHECK(training::evaluate_chain_plan(cheaper, sq).recompute_cost == 35);
  // The front worked out by hand over the 2·3² segment plans:
  //   K|K|K (0, 616); DK|K keeps s1, drops a1: (10, 512); K|D|K (20, 416); DD|K (30, 312).
  auto f = training::checkpoint_front(c, Granularity::kBlock);
  CHECK(front_points(f) == std::vector<Point>{{0, 616}, {10, 512}, {20, 416}, {30, 312}});
  CHECK(training::plan_str(c, f.points[1].plan) == "DK|K");
  CHECK(training::plan_str(c, f.points[2].plan) == "K|D|K");
  CHECK(training::plan_str(c, f.points[3].plan) == "DD|K");
  check_front_plans(c, f);
  CHECK(training::best_within_budget(f, 500)->recompute_cost == 20);
  CHECK(training::best_within_budget(f, 415)->recompute_cost == 30);
  CHECK(training::best_within_budget(f, 512)->recompute_cost == 10);
  CHECK_FALSE(training::best_within_budget(f, 311).has_value());
}

TEST_CASE("exact front equals brute force over every block plan", "[checkpoint_dp]") {
  std::mt19937_64 rng(20240611);
  for (int n = 1; n <= 8; ++n)
    for (int rep = 0; rep < 6; ++rep) {
      Chain c = random_chain(rng, n, 1);
      auto f = training::checkpoint_front(c, Granularity::kBlock);
      INFO("n = " << n << " rep " << rep);
      REQUIRE(front_points(f) == brute_force(c, Granularity::kBlock));
      check_front_plans(c, f);
    }
}

TEST_CASE("exact front equals brute force over segment plans up to n = 14", "[checkpoint_dp]") {
  std::mt19937_64 rng(7);
  for (int n : {9, 11, 14}) {
    Chain c = random_chain(rng, n, 1);
    auto f = training::checkpoint_front(c, Granularity::kBlock);
    INFO("n = " << n);
    REQUIRE(front_points(f) == brute_force_segment_plans(c));
    check_front_plans(c, f);
  }
}

TEST_CASE("per-activation front equals the block front and brute force", "[checkpoint_dp]") {
  std::mt19937_64 rng(99);
  int checked = 0;
  for (int n = 1; n <= 5; ++n)
    for (int rep = 0; rep < 8; ++rep) {
      Chain c = random_chain(rng, n, 3);
      if (training::plan_gene_count(c, Granularity::kActivation) > 17) continue;
      ++checked;
      auto fa = training::checkpoint_front(c, Granularity::kActivation);
      auto fb = training::checkpoint_front(c, Granularity::kBlock);
      INFO("n = " << n << " rep " << rep);
      REQUIRE(front_points(fa) == brute_force(c, Granularity::kActivation));
      REQUIRE(front_points(fa) == front_points(fb));
      check_front_plans(c, fa);
    }
  CHECK(checked >= 30);
}

TEST_CASE("front endpoints, monotonicity and the lower bound", "[checkpoint_dp]") {
  std::mt19937_64 rng(3);
  for (int rep = 0; rep < 20; ++rep) {
    Chain c = random_chain(rng, 12, 2);
    for (auto& e : c.elements) {  // every recompute costs something: cost 0 = store-all
      e.cost += 1;
      e.saved_cost += 1;
    }
    auto f = training::checkpoint_front(c, Granularity::kBlock);
    auto all = training::evaluate_chain_plan(c, training::store_all_plan(c, Granularity::kBlock));
    REQUIRE(!f.points.empty());
    CHECK(f.points.front().recompute_cost == 0);
    CHECK(f.points.front().peak_bytes == all.peak_bytes);
    for (size_t k = 1; k < f.points.size(); ++k) {
      CHECK(f.points[k].recompute_cost > f.points[k - 1].recompute_cost);
      CHECK(f.points[k].peak_bytes < f.points[k - 1].peak_bytes);
    }
    // Any plan holds a_0 and one element's input, saved tensors and output at its forward step.
    int64_t bound = 0, prev = c.input_bytes;
    for (const auto& e : c.elements) {
      bound = std::max(bound, c.input_bytes + (&e == &c.elements[0] ? 0 : prev) + e.saved_bytes() +
                                  e.output_bytes);
      prev = e.output_bytes;
    }
    CHECK(f.points.back().peak_bytes >= bound);
    auto sq = training::evaluate_chain_plan(c, training::sqrt_plan(c, Granularity::kBlock));
    CHECK(f.points.back().peak_bytes <= sq.peak_bytes);
    // The cheapest plan within the √n memory costs no more than √n.
    CHECK(training::best_within_budget(f, sq.peak_bytes)->recompute_cost <= sq.recompute_cost);
  }
}

TEST_CASE("sqrt(n) plan: segments, one extra forward, uniform-chain memory", "[checkpoint_dp]") {
  for (int n = 1; n <= 40; ++n) {
    Chain c = training::make_chain(1, std::vector<int64_t>(n, 3), std::vector<int64_t>(n, 1),
                                   std::vector<int64_t>(n, 1));
    ChainPlan p = training::sqrt_plan(c, Granularity::kBlock);
    int kept = static_cast<int>(std::count(p.keep_boundary.begin(), p.keep_boundary.end(), 1));
    const int segments = kept + 1;
    INFO("n = " << n);
    CHECK(segments >= static_cast<int>(std::floor(std::sqrt(n))));
    CHECK(segments <= static_cast<int>(std::ceil(std::sqrt(n))));
    CHECK(training::evaluate_chain_plan(c, p).recompute_cost == 3 * n);
  }
  // n = 16, a0 = a = s = 1: four segments of four; the last one peaks with a0 + three kept
  // boundaries + four saved tensors + four boundaries (three recomputed, the output) = 12.
  Chain c = training::make_chain(1, std::vector<int64_t>(16, 3), std::vector<int64_t>(16, 1),
                                 std::vector<int64_t>(16, 1));
  CHECK(training::plan_str(c, training::sqrt_plan(c, Granularity::kBlock)) ==
        "DDDD|DDDD|DDDD|DDDD");
  CHECK(training::evaluate_chain_plan(c, training::sqrt_plan(c, Granularity::kBlock)).peak_bytes ==
        12);
  CHECK(training::evaluate_chain_plan(c, training::store_all_plan(c, Granularity::kBlock))
            .peak_bytes == 33);
}

TEST_CASE("plans, genes and bad input", "[checkpoint_dp]") {
  Chain c = training::make_chain(2, {1, 2, 3}, {4, 5, 6}, {7, 0, 9});
  CHECK(training::plan_gene_count(c, Granularity::kBlock) == 2 + 3);
  CHECK(training::plan_gene_count(c, Granularity::kActivation) == 2 + 2);  // e1 saves nothing
  auto p = training::plan_from_genes(c, Granularity::kActivation, {1, 0, 0, 1});
  CHECK(training::plan_genes(p) == std::vector<int>{1, 0, 0, 1});
  CHECK(training::plan_str(c, p) == "D|-K");
  CHECK_THROWS_WITH(training::plan_from_genes(c, Granularity::kBlock, {1, 0}),
                    Catch::Contains("2 genes, expected 5"));
  CHECK_THROWS_WITH(training::plan_from_genes(c, Granularity::kActivation, {1, 0, 2, 1}),
                    Catch::Contains("gene 2 is 2"));
  ChainPlan bad = training::store_all_plan(c, Granularity::kBlock);
  bad.keep_boundary.pop_back();
  CHECK_THROWS_WITH(training::evaluate_chain_plan(c, bad),
                    Catch::Contains("1 boundary bits, expected 2"));
  CHECK_THROWS_WITH(training::parse_granularity("tensor"), Catch::Contains("block, activation"));
  CHECK_THROWS_WITH(training::make_chain(1, {1}, {0}, {1}), Catch::Contains("output_bytes > 0"));
}
