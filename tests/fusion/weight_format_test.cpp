// Low-bit and fractional weights (precision.weights): bytes of group-quantised int4 and packed
// ternary weights by hand, DRAM traffic and dequantisation work that follow them, the YAML form
// and its bad input.
#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "fusion/generate.hpp"
#include "mapping/cost.hpp"
#include "workloads/builder.hpp"
#include "workloads/weight_format.hpp"

using namespace monet;
using Catch::Contains;

namespace {
fusion::Experiment generate(const std::string& model, const std::string& precision,
                            const std::string& accelerator = "jetson-orin-nano") {
  return fusion::parse_experiment_yaml("workload: {model: " + model +
                                           ", element_bits: 16}\n"
                                           "mode: generate\n"
                                           "generate: {prompt_tokens: 8, output_tokens: 2}\n"
                                           "accelerator: " +
                                           accelerator + "\nprecision: " + precision + "\n",
                                       "gen.yaml");
}
}  // namespace

TEST_CASE("packed and group-quantised tensors count their bytes by hand") {
  workloads::Tensor t;
  t.name = "w";
  t.shape = {4096, 4096};
  t.elem_bits = 2;
  workloads::WeightFormat ternary;
  ternary.kind = workloads::WeightFormat::Kind::kTernary;
  ternary.ternary_per_word = 5;
  t.storage = ternary.storage();
  // 16,777,216 weights, five per byte: ceil(16,777,216 / 5) = 3,355,444 bytes (1.6 bit each).
  CHECK(t.bytes() == 3'355'444);
  ternary.ternary_per_word = 1;
  t.storage = ternary.storage();
  CHECK(t.bytes() == 4'194'304);  // 2 bits each
  workloads::WeightFormat int4{workloads::WeightFormat::Kind::kInt, 4, 0, 128, 16, 0};
  t.elem_bits = 4;
  t.storage = int4.storage();
  // 4 bits per weight + one 16-bit scale per 128 weights: 8,388,608 + 131,072 × 2 bytes.
  CHECK(t.bytes() == 8'388'608 + 131'072 * 2);
  CHECK(t.stored_bits_per_element() == Approx(4.125));
  CHECK(t.storage.dequant_ops == 1);
  int4.zero_bits = 4;  // asymmetric: + 4 bits per group and a subtract per weight
  t.storage = int4.storage();
  CHECK(t.bytes() == 8'388'608 + 131'072 * 20 / 8);
  CHECK(t.storage.dequant_ops == 2);
}

TEST_CASE("Llama-2-7B int4 g128: weight bytes, DRAM traffic and dequantisation follow the bits") {
  auto e =
      generate("llama-2-7b", "{weights: {format: int, bits: 4, group_size: 128, scale_bits: 16}}");
  fusion::GenerationRun r = fusion::run_generation(e);
  // Block linear weights per layer: q, k, v, o 4 × 4096² = 67,108,864; gate, up, down
  // 3 × 4096 × 11008 = 135,266,304; × 32 layers = 6,476,005,376 weights → 4 bits each
  // (3,238,002,688 B) + 50,593,792 groups × 2 B of scales (101,187,584 B).
  // Other weights stay at the activations' 16 bits: embedding 32000 × 4096 and untied LM
  // head 32000 × 4096 (131,072,000 each) + 65 norm gains of 4096 (266,240) = 262,410,240 × 2 B.
  const int64_t block = 3'238'002'688 + 101'187'584, other = 262'410'240 * 2;
  CHECK(r.weight_bytes == block + other);
  CHECK(r.weight_bits == 4);
  CHECK(r.other_weight_bits == 16);
  CHECK(r.weight_stored_bits == Approx(4.125));
  const auto& decode = r.parts.back();
  CHECK(decode.schedule.summary.dram_read_bytes >=
        static_cast<double>(block + other - 131'072'000 * 2));
  CHECK(r.tpot_s() >= r.weight_roofline_s);

  // One q_proj of the decode step on an SM: its weights cross DRAM once at 4.125 bits, and
  // 16,777,216 weights are dequantised (one multiply by the group scale each).
  const workloads::Graph& g = decode.sim->graph();
  const workloads::Op* q = nullptr;
  for (const auto& op : g.ops())
    if (op.name == "model.layers.0.self_attn.q_proj") q = &op;
  REQUIRE(q);
  mapping::CostModel costs(decode.sim->accelerator());
  mapping::OpShape s = mapping::shape_of(g, *q);
  CHECK(s.operand_bits[1] == 4);
  CHECK(s.stored(1) == Approx(4.125));
  mapping::OpCost c = costs.evaluate(s, 0);
  REQUIRE(c.feasible);
  CHECK(c.dram_read_bytes[1] == Approx(16'777'216 * 4.125 / 8));
  CHECK(c.dequant_ops == Approx(16'777'216));
  // The same op with plain 4-bit weights moves 1/33 fewer weight bytes and dequantises nothing.
  mapping::OpShape plain = s;
  plain.stored_bits = {0, 0, 0};
  plain.dequant_ops = 0;
  mapping::OpCost p = costs.evaluate(plain, 0);
  CHECK(p.dram_read_bytes[1] == Approx(16'777'216 * 4.0 / 8));
  CHECK(p.dequant_ops == 0);
  CHECK(c.energy.vector_pj > p.energy.vector_pj);
}

TEST_CASE("ternary weights packed five per byte") {
  auto e = generate("bitnet-b1.58-2b-4t",
                    "{weights: {format: ternary, packing: 1.6 bit}, activations: 8}");
  fusion::GenerationRun r = fusion::run_generation(e);
  CHECK(r.weight_bits == 2);
  CHECK(r.weight_format.str() == "ternary, 5 per byte (1.6 bit)");
  // Every block linear weight tensor of BitNet b1.58 2B4T divides by 5 except where the
  // count does not: stored bits per weight are 8/5 up to one partial byte per tensor.
  CHECK(r.weight_stored_bits == Approx(1.6).epsilon(1e-6));
  auto j = fusion::generation_json(e, r);
  CHECK(j["precision"]["weight_format"] == "ternary, 5 per byte (1.6 bit)");
  CHECK(j["precision"]["other_weights"] == 8);
}

TEST_CASE("weight precision bad input names the field") {
  CHECK_THROWS_WITH(generate("tinyllama-1.1b", "{weights: int4}"),
                    Contains("precision.weights") && Contains("unknown weight precision"));
  CHECK_THROWS_WITH(generate("tinyllama-1.1b",
                             "{weights: {format: int, bits: 4, group_size: 0, scale_bits: 16}}"),
                    Contains("precision.weights.group_size"));
  CHECK_THROWS_WITH(generate("tinyllama-1.1b", "{weights: {format: int, bits: 4, group_size: 64}}"),
                    Contains("precision.weights.scale_bits"));
  CHECK_THROWS_WITH(generate("tinyllama-1.1b", "{weights: {format: ternary, packing: 1.5 bit}}"),
                    Contains("precision.weights.packing"));
  CHECK_THROWS_WITH(generate("tinyllama-1.1b", "{weights: {format: ternary}}"),
                    Contains("packing"));
  CHECK_THROWS_WITH(generate("tinyllama-1.1b", "{weights: {format: fp4, bits: 4}}"),
                    Contains("precision.weights.format"));
  CHECK_THROWS_WITH(generate("tinyllama-1.1b", "{weights: 4, activations: half}"),
                    Contains("precision.activations") && Contains("unknown precision"));
}
