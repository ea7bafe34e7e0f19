// The cost cache: one entry per (op shape, core), identical answers to uncached pricing,
// safe under parallel use.
#include <catch2/catch.hpp>

#include <thread>

#include "accelerators/loader.hpp"
#include "mapping/cost.hpp"
#include "workloads/models.hpp"

using namespace monet;
using namespace monet::mapping;

namespace {
void check_same(const OpCost& a, const OpCost& b) {
  CHECK(a.feasible == b.feasible);
  CHECK(a.cycles == b.cycles);
  CHECK(a.onchip_cycles == b.onchip_cycles);
  CHECK(a.energy_pj == b.energy_pj);
  CHECK(a.dram_bytes() == b.dram_bytes());
  CHECK(a.mapping == b.mapping);
}
}  // namespace

TEST_CASE("Shapes: equal ops hash and compare equal, different ones do not") {
  auto g = workloads::build_model("resnet18", {.elem_bits = 8});
  // layer1.0.conv1 and layer1.1.conv2 are the same 64->64 3x3 conv on 56x56.
  OpShape a = shape_of(g, g.op(g.find_op("layer1.0.conv1")));
  OpShape b = shape_of(g, g.op(g.find_op("layer1.1.conv2")));
  OpShape c = shape_of(g, g.op(g.find_op("layer2.0.conv1")));
  CHECK(a == b);
  CHECK(hash_value(a) == hash_value(b));
  CHECK_FALSE(a == c);
  CHECK(a.in_h == 56);
  CHECK(a.operand_bits == std::array<int, 3>{8, 8, 8});
  OpShape d = a;
  d.nest->stride_x = 2;
  CHECK_FALSE(a == d);
  CHECK(hash_value(a) != hash_value(d));
}

TEST_CASE("Cached costs equal uncached ones and repeated shapes share an entry") {
  auto acc = accelerators::load_accelerator("tpu-like");
  auto g = workloads::build_model("resnet18", {.elem_bits = 8});
  CostModel cm(acc);
  std::vector<OpShape> shapes;
  for (const auto& op : g.ops()) shapes.push_back(shape_of(g, op));
  for (const auto& s : shapes) {
    check_same(cm.evaluate(s, 0), cm.evaluate_uncached(s, 0));
    check_same(cm.evaluate(s, 0), cm.evaluate_uncached(s, 0));
  }
  // Count distinct shapes independently of the cache: pairwise equality.
  size_t unique = 0;
  for (size_t i = 0; i < shapes.size(); ++i) {
    bool seen = false;
    for (size_t j = 0; j < i && !seen; ++j) seen = shapes[j] == shapes[i];
    unique += seen ? 0 : 1;
  }
  CHECK(cm.cache_size() == unique);
  CHECK(unique < shapes.size());
}

TEST_CASE("The cache is safe under parallel use") {
  auto acc = accelerators::load_accelerator("jetson-orin-nano");
  auto g = workloads::build_model("gpt2-small", {.seq = 128, .elem_bits = 16});
  std::vector<OpShape> shapes;
  for (const auto& op : g.ops()) shapes.push_back(shape_of(g, op));
  CostModel cm(acc);
  const int threads = 4;
  std::vector<std::vector<OpCost>> got(threads);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      // Each thread walks the ops from a different start and on a different SM core.
      for (size_t i = 0; i < shapes.size(); ++i) {
        size_t k = (i + t * shapes.size() / threads) % shapes.size();
        got[t].push_back(cm.evaluate(shapes[k], t % 2));
      }
    });
  for (auto& th : pool) th.join();
  CostModel fresh(acc);
  for (int t = 0; t < threads; ++t)
    for (size_t i = 0; i < shapes.size(); ++i) {
      size_t k = (i + t * shapes.size() / threads) % shapes.size();
      check_same(got[t][i], fresh.evaluate_uncached(shapes[k], t % 2));
    }
}
