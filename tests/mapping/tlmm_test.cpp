// Table-lookup matmul (kind tlmm) priced by hand: lookups, table entries and passes of a
// BitNet-large projection on a kv260-tellme-like engine, weights moving at their packed width,
// and what the engine refuses.
#include <catch2/catch.hpp>

#include "accelerators/loader.hpp"
#include "fixtures.hpp"

using namespace monet;
using namespace monet::mapping;
using mapping::test::gemm;

namespace {
const char* kEngine = R"(name: tlmm-test
cores:
  - name: t
    kind: tlmm
    clock: 250 MHz
    precision: 8 bit
    tlmm: {group: 5, weight_levels: 3, weight_bits: 2, lookups_per_cycle: 16,
           entries_per_cycle: 16, table_entries: 65536, entry_bits: 16,
           lookup_energy: 0.65 pJ, entry_energy: 0.5 pJ}
    op_kinds: [matmul]
    memories:
      - {name: bram, size: 648 KiB, bandwidth: 10368 bit/cycle, read_energy: 0 pJ/bit,
         write_energy: 0 pJ/bit, holds: [I, O]}
      - {name: uram, size: 2304 KiB, bandwidth: 4608 bit/cycle, read_energy: 0 pJ/bit,
         write_energy: 0 pJ/bit, holds: [W]}
dram: {capacity: 4 GiB, bandwidth: 19.2 GB/s, read_energy: 8 pJ/bit, write_energy: 8 pJ/bit}
)";

// A 1536 x 1536 projection with ternary weights packed five per byte.
OpShape ternary_projection(int64_t rows) {
  OpShape s = gemm(rows, 1536, 1536, 8);
  s.operand_bits[1] = 2;
  s.stored_bits[1] = 1.6;
  s.weight_is_parameter = true;
  return s;
}
}  // namespace

TEST_CASE("tlmm: lookups, table builds and passes of a decode and a prefill projection") {
  auto acc = accelerators::parse_accelerator_yaml(kEngine, "tlmm-test.yaml");
  CostModel cm(acc);
  // One token: ceil(1536 / 5) = 308 groups; 308 tables of 3^5 = 243 entries = 74,844 entries
  // (more than the 65,536 the table memory holds: still one row per pass); 1536 outputs x 308
  // lookups = 473,088 lookups. Pipelined: max(473,088, 74,844) / 16 = 29,568 cycles.
  OpCost d = cm.evaluate(ternary_projection(1), 0);
  REQUIRE(d.feasible);
  CHECK(d.table_lookups == 473'088);
  CHECK(d.table_entries_built == 74'844);
  CHECK(d.table_passes == 1);
  CHECK(d.compute_cycles == Approx(29'568));
  CHECK(d.energy.table_pj == Approx(473'088 * 0.65 + 74'844 * 0.5));
  CHECK(d.energy.mac_pj == 0);
  // The weights cross DRAM once at 1.6 bits: 1536² × 1.6 / 8 = 471,859.2 bytes.
  CHECK(d.dram_read_bytes[1] == Approx(1536.0 * 1536 * 1.6 / 8));
  // 64 tokens: one row's tables per pass, 64 passes; the packed weights (0.45 MiB) fit the
  // URAM, so they still cross DRAM once and are re-read from the URAM per pass.
  OpCost p = cm.evaluate(ternary_projection(64), 0);
  REQUIRE(p.feasible);
  CHECK(p.table_passes == 64);
  CHECK(p.table_lookups == 64.0 * 473'088);
  CHECK(p.dram_read_bytes[1] == Approx(1536.0 * 1536 * 1.6 / 8));
  CHECK(p.compute_cycles == Approx(64.0 * 473'088 / 16));
  // Peak: a lookup stands for 5 MACs; the time never beats it.
  CHECK(peak_macs_per_cycle(acc.cores[0]) == 80);
  CHECK(p.cycles >= static_cast<double>(ternary_projection(64).macs()) / 80);
}

TEST_CASE("tlmm refuses wide weights, wide activations and activation products") {
  auto acc = accelerators::parse_accelerator_yaml(kEngine, "tlmm-test.yaml");
  CostModel cm(acc);
  OpShape wide = ternary_projection(1);
  wide.operand_bits[1] = 4;
  OpCost c = cm.evaluate(wide, 0);
  CHECK_FALSE(c.feasible);
  CHECK_THAT(c.reason, Catch::Contains("2-bit weight codes"));
  OpShape fp16 = ternary_projection(1);
  fp16.operand_bits[0] = 16;
  CHECK_THAT(cm.evaluate(fp16, 0).reason, Catch::Contains("8-bit activations"));
  OpShape attention = ternary_projection(1);
  attention.weight_is_parameter = false;
  CHECK_THAT(cm.evaluate(attention, 0).reason, Catch::Contains("two activations"));
}

TEST_CASE("tlmm section: bad values name the field") {
  auto bad = [](const std::string& from, const std::string& to) {
    std::string y = kEngine;
    y.replace(y.find(from), from.size(), to);
    return y;
  };
  using Catch::Contains;
  CHECK_THROWS_WITH(accelerators::parse_accelerator_yaml(bad("group: 5", "group: 0"), "t.yaml"),
                    Contains("tlmm.group"));
  CHECK_THROWS_WITH(accelerators::parse_accelerator_yaml(
                        bad("table_entries: 65536", "table_entries: 100"), "t.yaml"),
                    Contains("tlmm.table_entries") && Contains("243"));
  CHECK_THROWS_WITH(
      accelerators::parse_accelerator_yaml(bad("weight_bits: 2", "weight_bits: 1"), "t.yaml"),
      Contains("tlmm.weight_bits"));
  CHECK_THROWS_WITH(
      accelerators::parse_accelerator_yaml(bad("kind: tlmm", "kind: array"), "t.yaml"),
      Contains("only tlmm cores"));
}
