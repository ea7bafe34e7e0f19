// Invariants on every layer of ResNet-18 and GPT-2 (seq 128) for every accelerator preset
// (one core per repeated group) and for a few code-built accelerators.
#include <catch2/catch.hpp>

#include <map>

#include "accelerators/loader.hpp"
#include "fixtures.hpp"
#include "workloads/models.hpp"

using namespace monet;
using namespace monet::mapping;
using workloads::Dim;

namespace {
// Input rows a conv actually uses: all of them when the window is at least as tall as the
// stride, one row per output row and filter row otherwise (a strided 1x1 conv skips rows).
int64_t used_rows(int64_t out, int64_t filter, int stride, int dilation, int64_t in) {
  return std::min({(out - 1) * stride + (filter - 1) * dilation + 1, out * filter, in});
}

// Bits that must cross DRAM at least once in a standalone run.
double unavoidable_dram_bits(const OpShape& s, const accelerators::Core& core) {
  // Layout changes are views: nothing moves.
  if (s.kind == workloads::OpKind::kReshape || s.kind == workloads::OpKind::kConcat) return 0;
  if (!s.nest)
    return static_cast<double>(s.read_elements) * s.operand_bits[0] +
           static_cast<double>(s.write_elements) * s.operand_bits[2];
  const auto& n = *s.nest;
  double in =
      static_cast<double>(n[Dim::kB] * n[Dim::kG] * n[Dim::kC]) *
      static_cast<double>(used_rows(n[Dim::kOY], n[Dim::kFY], n.stride_y, n.dilation_y, s.in_h)) *
      static_cast<double>(used_rows(n[Dim::kOX], n[Dim::kFX], n.stride_x, n.dilation_x, s.in_w));
  double w = static_cast<double>(n.operand_elements(workloads::Operand::kW, 1, 1));
  double o = static_cast<double>(n.operand_elements(workloads::Operand::kO, 1, 1));
  // A CIM core with resident weights would not read W; these models program them.
  (void)core;
  return in * s.operand_bits[0] + w * s.operand_bits[1] + o * s.operand_bits[2];
}

accelerators::Accelerator scaled(accelerators::Accelerator a, double bandwidth, double size) {
  auto scale = [&](accelerators::MemoryLevel& m) {
    m.read_bits_per_cycle *= bandwidth;
    m.write_bits_per_cycle *= bandwidth;
    m.read_bytes_per_s *= bandwidth;
    m.write_bytes_per_s *= bandwidth;
    m.size_bytes *= size;
  };
  for (auto& c : a.cores)
    for (auto& m : c.memories) scale(m);
  for (auto& m : a.shared_memories) scale(m);
  a.dram.bandwidth_bytes_per_s *= bandwidth;
  return a;
}

struct Counts {
  int feasible = 0, checked = 0;
};

// Checks every op of `g` on every distinct core of `acc`.
Counts check_graph(const accelerators::Accelerator& acc, const workloads::Graph& g) {
  const auto faster = scaled(acc, 2, 1);
  const auto larger = scaled(acc, 1, 2);
  CostModel base(acc), fast(faster);
  // Under the latency or energy objective a larger memory may buy a cheaper on-chip mapping
  // with a little more DRAM traffic; the DRAM objective is where the invariant must hold.
  CostModel dram_small(acc, {.objective = Objective::kDram});
  CostModel dram_big(larger, {.objective = Objective::kDram});
  Counts n;
  for (int ci = 0; ci < static_cast<int>(acc.cores.size()); ++ci) {
    const auto& core = acc.cores[ci];
    if (core.repeat_index > 0) continue;  // identical to the group's first core
    const double peak = peak_macs_per_cycle(core);
    const double dram_bw = dram_bits_per_cycle(acc, core);
    for (const auto& op : g.ops()) {
      OpShape s = shape_of(g, op);
      OpCost c = base.evaluate(s, ci);
      ++n.checked;
      INFO(acc.name << " core " << core.name << " op " << op.name << " "
                    << (op.nest ? op.nest->str() : "") << "\n  " << c.mapping);
      if (!c.feasible) {
        CHECK_FALSE(c.reason.empty());
        continue;
      }
      ++n.feasible;
      // Latency is at least the MACs at the peak rate and the unavoidable DRAM bits at the
      // DRAM rate; compute and on-chip cycles never exceed it.
      if (s.nest) CHECK(c.cycles >= static_cast<double>(s.macs()) / peak * (1 - 1e-9));
      if (dram_bw > 0) CHECK(c.cycles >= unavoidable_dram_bits(s, core) / dram_bw * (1 - 1e-9));
      CHECK(c.cycles >= c.onchip_cycles * (1 - 1e-12));
      CHECK(c.cycles >= c.compute_cycles * (1 - 1e-12));
      CHECK(c.spatial_utilization > 0);
      CHECK(c.spatial_utilization <= 1 + 1e-12);
      // Energy is the sum of its parts.
      double levels = 0;
      for (auto& [name, pj] : c.energy.levels) levels += pj;
      CHECK(c.energy.memory_pj == Approx(levels));
      CHECK(c.energy_pj == Approx(c.energy.mac_pj + c.energy.vector_pj + c.energy.memory_pj +
                                  c.energy.dram_pj + c.energy.cim_adc_pj + c.energy.cim_dac_pj +
                                  c.energy.cim_write_pj + c.energy.array_load_pj));
      CHECK(c.onchip_energy_pj == Approx(c.energy_pj - c.energy.dram_pj));
      // More bandwidth never makes an op slower; a larger memory never adds DRAM traffic.
      OpCost f = fast.evaluate(s, ci);
      REQUIRE(f.feasible);
      // (Within the latency objective's resolution: mappings that close rank by energy.)
      CHECK(f.cycles <= c.cycles * (1 + 1e-3));  // mapping/temporal.hpp kLatencyResolution
      OpCost small = dram_small.evaluate(s, ci);
      OpCost b = dram_big.evaluate(s, ci);
      REQUIRE(b.feasible);
      CHECK(b.dram_bytes() <= small.dram_bytes() * (1 + 1e-9));
      CHECK(small.dram_bytes() <= c.dram_bytes() * (1 + 1e-9));
    }
  }
  return n;
}

const std::vector<workloads::Graph>& graphs_at(int bits) {
  static std::map<int, std::vector<workloads::Graph>> cache;
  auto& v = cache[bits];
  if (v.empty()) {
    v.push_back(workloads::build_model("resnet18", {.batch = 1, .elem_bits = bits}));
    v.push_back(workloads::build_model("gpt2-small", {.batch = 1, .seq = 128, .elem_bits = bits}));
  }
  return v;
}

// The complete mappings a search priced, from the end of its mapping string ("... | N mappings
// priced, M search nodes").
long mappings_priced(const std::string& mapping) {
  const auto at = mapping.rfind(" mappings priced");
  REQUIRE(at != std::string::npos);
  const auto from = mapping.rfind("| ", at);
  return std::stol(mapping.substr(from + 2, at - from - 2));
}
}  // namespace

TEST_CASE("Invariants on ResNet-18 and GPT-2 for every preset") {
  auto presets = accelerators::preset_names();
  REQUIRE(presets.size() >= 6);
  for (const auto& name : presets) {
    SECTION(name) {
      auto acc = accelerators::load_accelerator(name);
      int bits = default_operand_bits(acc);
      for (const auto& g : graphs_at(bits)) {
        Counts n = check_graph(acc, g);
        INFO(name << " on " << g.name());
        // Every layer runs on at least one core of every preset.
        CHECK(n.feasible > 0);
        for (const auto& op : g.ops()) {
          if (!op.nest) continue;
          CostModel cm(acc);
          bool somewhere = false;
          for (int ci = 0; ci < static_cast<int>(acc.cores.size()) && !somewhere; ++ci)
            somewhere = cm.evaluate(g, op, ci).feasible;
          CHECK(somewhere);
        }
      }
    }
  }
}

TEST_CASE("Invariants on code-built accelerators") {
  using mapping::test::memory;
  // A two-level array and a CIM core (DRAM 16 GB/s and 256 GB/s at 1 GHz).
  auto array =
      mapping::test::one_core({16, 16},
                              {memory("rf_o", 64, 64, 0.02, 0.02, {false, false, true}),
                               memory("sram", 512 * 1024, 1024, 0.2, 0.25, {true, true, true})},
                              16e9, 8, 8, 0.3);
  array.cores[0].memories[0].per_pe = true;
  auto cim = mapping::test::cim_core(64);
  for (auto* acc : {&array, &cim}) {
    for (const auto& g : graphs_at(8)) {
      Counts n = check_graph(*acc, g);
      CHECK(n.feasible > 0);
    }
  }
}

// The temporal search's bound replays its open levels' moves, and it and the candidates are
// finished with only what the ranking compares (mapping/temporal.cpp); under double-buffered
// overlap (zcu102-eftrain) it also checks the latency window from a few of its terms first
// and reprices a node whose traffic is its parent's from the parent's parts. Priced move by
// move and finished in full at every node instead, every layer must get the same mapping,
// cost and search: the replay adds the same values in the same order, the ranking's figures
// are the full ones, the first check prunes only what the full bound would, and the repricing
// computes the same expression from the same terms, so even the node count is equal.
TEST_CASE("The search's replayed, ranking-only bound equals the bound priced in full") {
  // ZigZag's tpu_like and edge_tpu_like: double-buffered with levels holding several operands
  // and spanning different PEs (must_refill at every node, footprints apart per level).
  const std::string zigzag = std::string(MONET_SOURCE_DIR) + "/tests/data/zigzag/";
  for (const std::string& name : std::vector<std::string>{
           "jetson-orin-nano", "pynq-z1-tensil", "eyeriss-like", "zcu102-eftrain",
           zigzag + "tpu_like_converted.yaml", zigzag + "edge_tpu_like_converted.yaml"}) {
    auto acc = accelerators::load_accelerator(name);
    const int bits = default_operand_bits(acc);
    CostModel replayed(acc), direct(acc, CostOptions{.direct_bound = true});
    for (const auto& g : graphs_at(bits))
      for (const auto& op : g.ops()) {
        if (!op.nest) continue;
        INFO(name << " " << g.name() << " " << op.name);
        const OpShape s = shape_of(g, op);
        const OpCost a = replayed.evaluate_uncached(s, 0), b = direct.evaluate_uncached(s, 0);
        CHECK(a.feasible == b.feasible);
        CHECK(a.cycles == b.cycles);
        CHECK(a.onchip_cycles == b.onchip_cycles);
        CHECK(a.energy_pj == b.energy_pj);
        CHECK(a.mapping == b.mapping);  // includes the mappings priced and nodes visited
      }
  }
}

// The temporal search's first pass over a few merged loops only supplies a bar (a mapping in
// hand) to the full search; pruning against it never discards a mapping that could beat it.
// So every layer keeps its latency and energy (up to the latency objective's ties, 1e-3), and
// on the in-order Tensil array, whose full search priced thousands of complete mappings per
// layer3 conv, the pass must save most of that work. On zcu102-eftrain (double-buffered
// overlap) this holds only with a true lower bound: with the bound that priced its open
// levels' whole-tensor moves as upfront on-loading, the two disagreed by up to 1.33x.
TEST_CASE("The search's coarse first pass keeps every layer's cost and saves work") {
  for (const std::string name :
       {"pynq-z1-tensil", "jetson-orin-nano", "eyeriss-like", "tpu-like", "zcu102-eftrain"}) {
    auto acc = accelerators::load_accelerator(name);
    const int bits = default_operand_bits(acc);
    CostModel two(acc), one(acc, CostOptions{.coarse_first = false});
    long priced_two = 0, priced_one = 0;
    for (const auto& g : graphs_at(bits))
      for (const auto& op : g.ops()) {
        if (!op.nest) continue;
        INFO(name << " " << g.name() << " " << op.name);
        const OpShape s = shape_of(g, op);
        const OpCost a = two.evaluate_uncached(s, 0), b = one.evaluate_uncached(s, 0);
        REQUIRE(a.feasible == b.feasible);
        if (!a.feasible) continue;
        CHECK(a.cycles == Approx(b.cycles).epsilon(1e-3));
        CHECK(a.energy_pj == Approx(b.energy_pj).epsilon(1e-3));
        if (a.mapping.find("mappings priced") == std::string::npos) continue;
        priced_two += mappings_priced(a.mapping);
        priced_one += mappings_priced(b.mapping);
      }
    INFO(name << ": " << priced_two << " mappings priced with the first pass, " << priced_one
              << " without");
    if (name == "pynq-z1-tensil") CHECK(priced_two * 4 < priced_one);
  }
}

namespace {
// Accelerators on which a reference search (nothing pruned, or every order) is compared with
// the default one: one per execution model, in order (pynq-z1-tensil), full overlap
// (jetson-nano, eyeriss-like) and double-buffered (zcu102-eftrain and ZigZag's tpu_like and
// edge_tpu_like).
std::vector<std::string> reference_accelerators() {
  const std::string zigzag = std::string(MONET_SOURCE_DIR) + "/tests/data/zigzag/";
  return {"pynq-z1-tensil",
          "jetson-nano",
          "eyeriss-like",
          "zcu102-eftrain",
          zigzag + "tpu_like_converted.yaml",
          zigzag + "edge_tpu_like_converted.yaml"};
}

// Prices every ResNet-18 layer on core 0 of `name` with the default search and with
// `reference` (which, pruning nothing, searches both mirror images of a square nest where the
// default searches one), and checks that both find the same cycles and energy on the layers
// whose reference search stayed under the safety cap. Returns {layers compared, layers
// priced}.
std::pair<int, int> same_as_reference(const std::string& name, const CostOptions& reference) {
  auto acc = accelerators::load_accelerator(name);
  CostModel fast(acc), slow(acc, reference);
  int compared = 0, layers = 0;
  const auto& g = graphs_at(default_operand_bits(acc)).at(0);
  for (const auto& op : g.ops()) {
    if (!op.nest) continue;
    INFO(name << " " << op.name);
    const OpShape s = shape_of(g, op);
    const OpCost a = fast.evaluate_uncached(s, 0), b = slow.evaluate_uncached(s, 0);
    REQUIRE(a.feasible == b.feasible);
    if (!a.feasible || b.mapping.find("mappings priced") == std::string::npos) continue;
    ++layers;
    if (mappings_priced(b.mapping) >= 20000) continue;  // the reference hit the cap
    ++compared;
    // The latency objective's choice is defined over all mappings (LatencyFront), not by the
    // order a search meets them: the same cycles and energy.
    CHECK(a.cycles == Approx(b.cycles).epsilon(1e-12));
    CHECK(a.energy_pj == Approx(b.energy_pj).epsilon(1e-12));
  }
  return {compared, layers};
}
}  // namespace

// The temporal search visits a level's loops in one canonical order (mapping/temporal.cpp):
// the loop that opens the level, then the others by group and id. Pricing every order of them
// instead (CostOptions::all_orders, nothing pruned) finds no better mapping on the layers
// small enough to enumerate (GPT-2's matmuls all but one hit the cap, so ResNet-18 only).
// Until 2026-12-06 the opening loop had to come first in the canonical order as well, which
// never reached a block whose first loop fits a lower level: zcu102-eftrain's fc took 2.3 %
// longer than here, and this test failed on it.
TEST_CASE("The search's canonical block order loses no mapping") {
  int compared = 0;
  for (const std::string& name : reference_accelerators())
    compared += same_as_reference(name, CostOptions{.prune = false, .all_orders = true}).first;
  // fc on each, layer4.0.downsample.0 on zcu102-eftrain, two layers on each ZigZag file.
  CHECK(compared >= 8);
}

// The bound prunes only what cannot beat the mappings in hand, and the latency objective's
// choice is defined over all mappings (LatencyFront), so the pruned search finds exactly the
// cycles and energy that pricing every reachable mapping (the same coarse and fine passes)
// finds, on each execution model (the double-buffered bound once pruned mappings up to 13.6 %
// faster, and one that lets no tile moved once hide prunes cheaper ones: either fails here).
// Layers whose unpruned search reaches the safety cap are skipped; at least a third of
// ResNet-18's stay under it on each.
TEST_CASE("The search's bound never prunes a better mapping") {
  for (const std::string& name : reference_accelerators()) {
    const auto [compared, layers] = same_as_reference(name, CostOptions{.prune = false});
    INFO(name << ": " << compared << " of " << layers << " layers compared");
    CHECK(compared * 3 >= layers);
  }
}
