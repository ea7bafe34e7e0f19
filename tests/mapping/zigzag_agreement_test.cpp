// ResNet-18 on ZigZag's tpu_like and edge_tpu_like, side by side with ZigZag. The accelerators
// are tests/data/zigzag/*_converted.yaml, written by `monet-sim convert HW.yaml --mapping
// MAPPING.yaml` from ZigZag's own files (KULeuven-MICAS/zigzag, zigzag/inputs/hardware and
// zigzag/inputs/mapping). ZigZag's published whole-network figures are the ones its test suite
// asserts (tests/main/test_origin/test_tpu_like.py, test_edge_tpu_like.py: resnet18.onnx, 21
// Conv/Gemm layers, 8-bit operands, 16-bit partial sums, latency-optimal mappings). The
// per-layer figures in resnet18_zigzag_layers.csv are ZigZag's own per-layer results
// (latency_total2, energy_total) from get_hardware_performance_zigzag at commit 3d12a96e (its
// default latency-optimal LOMA search, resnet18.onnx with each accelerator's own hardware and
// mapping file; the edge_tpu_like rows were produced the same way on 2026-12-06); they add up
// to the published totals, which this test checks first.
//
// Our mapper minimises energy here. ZigZag allocates loops per operand, so its latency-optimal
// tpu_like mappings keep all of a conv's weights in the PE register while the output register
// spans the filter loops only; our single loop order expresses that as weight refills of the
// same traffic. Within 0.1 % of our least latency the latency objective takes the cheapest
// mapping our model sees, which on tpu_like still moves 16-bit partial sums more often than
// ZigZag's (network energy 1.16x ZigZag's on tpu_like, 1.06x on edge_tpu_like; 1.20x and 1.11x
// before 2026-12-06, when the objective followed the search order). The energy objective finds
// ZigZag's mappings: every layer's energy agrees within 3.5 % on tpu_like.
//
// edge_tpu_like unrolls OX and OY by 4 each; its 14x14 and 7x7 layers leave the last step in
// each of them part-used, and the buffer spanning the array then hands the PEs only the part's
// data (before that was modelled, layer3's energy was 1.13-1.15x ZigZag's and the network's
// 1.051x the published figure). ZigZag itself counts such a step's inputs at the rounded-down
// part, so layer3 stays about 6 % above it.
//
// Not met (kept visible, not hidden): the 1x1 stride-2 downsampling convs' latency, 1.35x
// ZigZag's for layer3.0.downsample.0 on tpu_like, 1.17x and 1.30x for layer2.0 and
// layer3.0.downsample.0 on edge_tpu_like. These layers are DRAM-bound, and ZigZag's figure is
// below what their DRAM traffic (the same bits in both models: for layer3.0.downsample.0
// 864,256) needs on the converted accelerators' one 64-bit DRAM port, 13,504 cycles: ZigZag's
// balanced reduction of the loads moved once (cost_model.py, reduce_balanced) lets them overlap
// the compute beyond the port's capacity. The test checks exactly that for these layers.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "accelerators/loader.hpp"
#include "core/csv.hpp"
#include "mapping/cost.hpp"
#include "workloads/models.hpp"

using namespace monet;

namespace {
const std::string kData = std::string(MONET_SOURCE_DIR) + "/tests/data/zigzag/";

struct Figures {
  double cycles = 0, energy_pj = 0;
};

std::map<std::string, Figures> zigzag_layers(const std::string& accelerator) {
  std::ifstream in(kData + "resnet18_zigzag_layers.csv");
  std::stringstream ss;
  ss << in.rdbuf();
  core::CsvTable t = core::parse_csv(ss.str(), "resnet18_zigzag_layers.csv");
  std::map<std::string, Figures> out;
  for (auto& r : t.rows)
    if (r[t.column("accelerator")] == accelerator)
      out[r[t.column("layer")]] = {std::stod(r[t.column("cycles")]),
                                   std::stod(r[t.column("energy_pj")])};
  return out;
}

void compare(const std::string& name, Figures published,
             const std::vector<std::string>& latency_exceptions = {}) {
  INFO(name);
  // ZigZag's per-layer results where we have them (a file with no rows for `name`: totals only).
  auto layers = zigzag_layers(name);
  const bool per_layer = !layers.empty();
  if (per_layer) {
    REQUIRE(layers.size() == 21);
    Figures zz;
    for (auto& [layer, f] : layers) zz.cycles += f.cycles, zz.energy_pj += f.energy_pj;
    CHECK(zz.cycles == Approx(published.cycles).epsilon(1e-9));
    CHECK(zz.energy_pj == Approx(published.energy_pj).epsilon(1e-9));
  }

  accelerators::Accelerator acc =
      accelerators::load_accelerator_file(kData + name + "_converted.yaml");
  workloads::Graph g = workloads::resnet18({.elem_bits = 8});
  mapping::CostModel cm(acc, {.objective = mapping::Objective::kEnergy});
  Figures ours;
  int priced = 0;
  for (const auto& op : g.ops()) {
    mapping::OpShape s = mapping::shape_of(g, op);
    if (!s.nest) continue;
    mapping::OpCost c = cm.evaluate(s, 0);
    INFO(op.name << ": " << c.reason);
    REQUIRE(c.feasible);
    if (per_layer) {
      REQUIRE(layers.count(op.name) == 1);
      const Figures& z = layers[op.name];
      INFO("cycles " << c.cycles << " vs ZigZag " << z.cycles << "; energy " << c.energy_pj
                     << " pJ vs " << z.energy_pj << "; " << c.mapping);
      if (std::find(latency_exceptions.begin(), latency_exceptions.end(), op.name) !=
          latency_exceptions.end()) {
        // ZigZag's figure is below the time the layer's DRAM traffic needs on the one DRAM
        // port (bits / bits per cycle); ours is not. The traffic is the same in both models.
        double dram_bits = 0;
        for (const auto& t : c.traffic)
          if (t.memory == "dram")
            for (int x = 0; x < 3; ++x) dram_bits += t.read_bits[x] + t.write_bits[x];
        const double port = acc.dram.bandwidth_bytes_per_s * 8 / acc.cores[0].clock_hz;
        INFO("DRAM traffic " << dram_bits << " bits at " << port << " bits per cycle");
        CHECK(z.cycles < dram_bits / port);
        CHECK(c.cycles >= dram_bits / port);
        CHECK(c.cycles == Approx(z.cycles).epsilon(0.40));
      } else
        CHECK(c.cycles == Approx(z.cycles).epsilon(0.15));
      CHECK(c.energy_pj == Approx(z.energy_pj).epsilon(0.15));
    }
    ours.cycles += c.cycles;
    ours.energy_pj += c.energy_pj;
    ++priced;
  }
  CHECK(priced == 21);
  INFO("network: " << ours.cycles << " cycles, " << ours.energy_pj << " pJ");
  CHECK(ours.cycles == Approx(published.cycles).epsilon(0.05));
  CHECK(ours.energy_pj == Approx(published.energy_pj).epsilon(0.05));
}
}  // namespace

TEST_CASE("ResNet-18 on ZigZag's tpu_like agrees with ZigZag per layer and in total") {
  compare("tpu_like", {3703960.5, 1871436380.66}, {"layer3.0.downsample.0"});
}

TEST_CASE("ResNet-18 on ZigZag's edge_tpu_like agrees with ZigZag per layer and in total") {
  compare("edge_tpu_like", {2887804.5, 1903229377.55},
          {"layer2.0.downsample.0", "layer3.0.downsample.0"});
}
