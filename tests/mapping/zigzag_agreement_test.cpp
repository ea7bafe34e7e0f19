// ResNet-18 on ZigZag's tpu_like and edge_tpu_like, side by side with ZigZag. The accelerators
// are tests/data/zigzag/*_converted.yaml, written by `monet-sim convert HW.yaml --mapping
// MAPPING.yaml` from ZigZag's own files (KULeuven-MICAS/zigzag, zigzag/inputs/hardware and
// zigzag/inputs/mapping). ZigZag's published whole-network figures are the ones its test suite
// asserts (tests/main/test_origin/test_tpu_like.py, test_edge_tpu_like.py: resnet18.onnx, 21
// Conv/Gemm layers, 8-bit operands, 16-bit partial sums, latency-optimal mappings). The
// per-layer figures in resnet18_zigzag_layers.csv are ZigZag's own per-layer results
// (latency_total2, energy_total) from get_hardware_performance_zigzag at commit 3d12a96e; they
// add up to the published totals, which this test checks first.
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

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

void compare(const std::string& name, Figures published) {
  INFO(name);
  auto layers = zigzag_layers(name);
  REQUIRE(layers.size() == 21);
  Figures zz;
  for (auto& [layer, f] : layers) zz.cycles += f.cycles, zz.energy_pj += f.energy_pj;
  CHECK(zz.cycles == Approx(published.cycles).epsilon(1e-9));
  CHECK(zz.energy_pj == Approx(published.energy_pj).epsilon(1e-9));

  accelerators::Accelerator acc = accelerators::load_accelerator_file(kData + name + "_converted.yaml");
  workloads::Graph g = workloads::resnet18({.elem_bits = 8});
  mapping::CostModel cm(acc, {.objective = mapping::Objective::kLatency});
  Figures ours;
  int priced = 0;
  for (const auto& op : g.ops()) {
    mapping::OpShape s = mapping::shape_of(g, op);
    if (!s.nest) continue;
    mapping::OpCost c = cm.evaluate(s, 0);
    INFO(op.name << ": " << c.reason);
    REQUIRE(c.feasible);
    REQUIRE(layers.count(op.name) == 1);
    const Figures& z = layers[op.name];
    INFO("cycles " << c.cycles << " vs ZigZag " << z.cycles << "; energy " << c.energy_pj
                   << " pJ vs " << z.energy_pj << "; " << c.mapping);
    CHECK(c.cycles == Approx(z.cycles).epsilon(0.15));
    CHECK(c.energy_pj == Approx(z.energy_pj).epsilon(0.15));
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
  compare("tpu_like", {3703960.5, 1871436380.66});
}
