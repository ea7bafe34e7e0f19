// Generation runs (mode: generate): the KV-cache formula, the weight-streaming roofline no
// decode step beats, decode steps that grow with the context, the grouped integration
// against every step scheduled, and bad input.
#include <catch2/catch.hpp>

#include <filesystem>

#include "core/error.hpp"
#include "core/file_io.hpp"
#include "fusion/generate.hpp"
#include "tests/cli/run_cli.hpp"

using namespace monet;

namespace {
fusion::Experiment experiment(const std::string& model, int64_t prompt, int64_t output,
                              const std::string& extra = "") {
  return fusion::parse_experiment_yaml("workload: {model: " + model +
                                           ", element_bits: 16}\n"
                                           "mode: generate\n"
                                           "generate: {prompt_tokens: " +
                                           std::to_string(prompt) +
                                           ", output_tokens: " + std::to_string(output) +
                                           "}\n"
                                           "accelerator: jetson-orin-nano\n" +
                                           extra,
                                       "gen.yaml");
}
}  // namespace

TEST_CASE("generation: KV cache, roofline, context growth") {
  auto e = experiment("qwen2.5-0.5b", 64, 9, "precision: {weights: 4, kv_cache: 8}\n");
  fusion::GenerationRun r = fusion::run_generation(e);
  // Qwen2.5-0.5B: 24 layers, 2 KV heads of 64; 64 + 8 positions, 8-bit cache, batch 1.
  CHECK(r.kv_cache_bytes == int64_t{2} * 24 * 2 * 64 * 72 * 1);
  CHECK(r.weight_bits == 4);
  CHECK(r.activation_bits == 16);
  CHECK(r.kv_cache_bits == 8);
  CHECK(r.decode_steps == 8);
  REQUIRE(r.parts.size() == 1 + 8);  // prefill + every step (≤ kExactDecodeSteps)
  CHECK(r.decode_error_bound_s == 0);
  // Weights at 4 bits: 494,032,768 parameters / 2 bytes each.
  CHECK(r.weight_bytes == 494'032'768 / 2);
  const double bw = r.parts[0].sim->accelerator().dram.bandwidth_bytes_per_s;
  REQUIRE(bw > 0);
  CHECK(r.weight_roofline_s == Approx(494'032'768 / 2 / bw));
  for (size_t i = 1; i < r.parts.size(); ++i) {
    INFO(r.parts[i].name);
    const auto& s = r.parts[i].schedule.summary;
    // No decode step beats streaming its weights from DRAM once.
    CHECK(s.latency_s >= r.weight_roofline_s);
    CHECK(s.dram_read_bytes >= static_cast<double>(r.weight_bytes));
    if (i > 1) CHECK(s.latency_s >= r.parts[i - 1].schedule.summary.latency_s);
  }
  CHECK(r.tpot_s() >= r.weight_roofline_s);
  CHECK(r.ttft_s > r.tpot_s());
  nlohmann::json j = fusion::generation_json(e, r);
  CHECK(j["generation"]["kv_cache_bytes"] == r.kv_cache_bytes);
  CHECK(j["generation"]["decode_tokens_per_s"].get<double>() == Approx(1 / r.tpot_s()));
  CHECK(j["generation"]["energy_per_token_j"].get<double>() ==
        Approx(r.decode_energy_pj * 1e-12 / 8));
}

TEST_CASE("grouped decode steps stay within their bound of every step scheduled") {
  // 40 decode steps at prompt 32: 9 sampled contexts; the exact sum from one-step runs.
  auto grouped = fusion::run_generation(experiment("tinyllama-1.1b", 32, 41));
  CHECK(grouped.parts.size() == 1 + fusion::kDecodeGroups + 1);
  CHECK(grouped.monotone);
  double exact = 0;
  for (int64_t past = 32; past < 32 + 40; ++past) {
    auto one = fusion::run_generation(experiment("tinyllama-1.1b", past, 2));
    exact += one.decode_s;
  }
  CHECK(std::abs(grouped.decode_s - exact) <= grouped.decode_error_bound_s + 1e-12);
  CHECK(grouped.decode_error_bound_s < 0.05 * grouped.decode_s);
}

TEST_CASE("generation bad input names the field") {
  using Catch::Contains;
  CHECK_THROWS_WITH(fusion::run_generation(experiment("tinyllama-1.1b", 2000, 100)),
                    Contains("max_position_embeddings 2048") && Contains("2099"));
  CHECK_THROWS_WITH(experiment("tinyllama-1.1b", 0, 10), Contains("prompt_tokens"));
  CHECK_THROWS_WITH(experiment("tinyllama-1.1b", 8, 0), Contains("output_tokens"));
  CHECK_THROWS_WITH(experiment("tinyllama-1.1b", 8, 4, "precision: {weights: 4, kv: 8}\n"),
                    Contains("precision.kv"));
  CHECK_THROWS_WITH(experiment("tinyllama-1.1b", 8, 4, "precision: {weights: 0}\n"),
                    Contains("precision.weights"));
  CHECK_THROWS_WITH(fusion::run_generation(experiment("gpt2-small", 8, 4)),
                    Contains("Llama-family"));
  CHECK_THROWS_AS(fusion::prepare(experiment("tinyllama-1.1b", 8, 4)), core::Error);
}

// Qwen2.5-0.5B's q_proj (896 x 896, FP16) on the Orin Nano preset (8 SMs at 625 MHz, 128 FP32
// FMA/clk per SM at 1.15 pJ; the scheduler adds the kernel launch before a stack). In a decode step
// its output is one row: 896 blocks in 112 waves of 8, each 896 / 128 = 7 cycles, 784 cycles in
// all. Tensor-core tiles would pad it to 64 rows: 14 blocks of 64 x 64 in 2 waves of 64 x 64 x 896
// / 1024 = 3,584 cycles each, 7,168. In the prefill (8 rows) the tiles run: 7,168 cycles against
// the GEMV's 8 x 784 = 6,272, which it cannot run (more than one row).
TEST_CASE("decode projections run as CUDA-core GEMV kernels on the Orin preset") {
  auto e = experiment("qwen2.5-0.5b", 8, 2);
  fusion::GenerationRun r = fusion::run_generation(e);
  REQUIRE(r.parts.size() == 2);
  auto q_proj = [](const fusion::GenerationPart& part) {
    const auto& g = part.sim->graph();
    for (const auto& cn : part.cns.cns)
      if (g.op(cn.op).name == "model.layers.0.self_attn.q_proj") return cn;
    FAIL("no q_proj CN in " << part.name);
    return fusion::CN{};
  };
  const fusion::CN decode = q_proj(r.parts[1]);
  CHECK(decode.kernel == "gemv");
  CHECK(decode.bound_by == "GPU CUDA-core GEMV kernel");
  CHECK(decode.macs == 896.0 * 896);
  CHECK(decode.duration_s == Approx(784 / 625e6));
  // Its MACs are charged as FP32 FMAs on the CUDA cores, not at the tensor cores' 0.375 pJ.
  CHECK(decode.compute_energy_pj == Approx(896.0 * 896 * 1.15));
  const fusion::CN prefill = q_proj(r.parts[0]);
  CHECK(prefill.kernel == "tiled");
  CHECK(prefill.duration_s >= 7168 / 625e6);
}

// The preset's static power runs for the whole generation, prefill and every decode step. The
// Orin Nano preset states a 1.365 W board baseline and 0.85 regulators (configs/accelerators/
// jetson-orin-nano.yaml); its chip static power is the same whatever graph runs, so each part's
// summary must state the same figure.
TEST_CASE("a generation's power: dynamic energy of its phases plus static power over its time") {
  auto e = experiment("qwen2.5-0.5b", 16, 5);
  fusion::GenerationRun r = fusion::run_generation(e);
  const fusion::PowerSummary& p = r.power;
  const double t = r.ttft_s + r.decode_s;
  REQUIRE(t > 0);
  CHECK(p.static_described);
  CHECK(p.board_w == 1.365);
  CHECK(p.regulator_efficiency == 0.85);
  CHECK(p.budget_w == 15);  // the preset's original 15 W mode
  CHECK(p.dynamic_energy_j == Approx((r.prefill_energy_pj + r.decode_energy_pj) * 1e-12));
  CHECK(p.static_w == Approx(r.parts[0].schedule.summary.power.static_w));
  CHECK(p.static_w > 0);
  CHECK(p.static_energy_j == Approx(p.static_w * t));
  CHECK(p.board_energy_j == Approx(1.365 * t));
  CHECK(p.supply_energy_j ==
        Approx((p.dynamic_energy_j + p.static_energy_j) / 0.85 + p.board_energy_j));
  CHECK(p.average_w == Approx(p.supply_energy_j / t));
  // The peak is a window of one scheduled part; no window is below the whole run's mean (the
  // mean of a generation is a time-weighted mean of its parts' windows).
  double peak = 0;
  for (const auto& part : r.parts) peak = std::max(peak, part.schedule.summary.power.peak_w);
  CHECK(p.peak_w == peak);
  CHECK(p.peak_w >= p.average_w);
  nlohmann::json j = fusion::generation_json(e, r);
  CHECK(j["power"]["supply_energy_j"].get<double>() == Approx(p.supply_energy_j));
  CHECK(j["power"]["board_baseline_w"].get<double>() == 1.365);
  CHECK(fusion::generation_text(r).find("supply energy") != std::string::npos);
}

// The folder is one output set: run again into it and it is replaced as a whole (before, the
// second run found a summary.json it had not marked as its own and refused).
TEST_CASE("monet-sim run writes a generation's folder as one set, replaceable by the next run") {
  test::TempDir dir;
  const auto exp = dir.write("g.yaml",
                             "workload: {model: qwen2.5-0.5b, element_bits: 16}\nmode: generate\n"
                             "generate: {prompt_tokens: 8, output_tokens: 2}\n"
                             "accelerator: jetson-orin-nano\n");
  const std::string out = dir.path() + "/out";
  for (int i = 0; i < 2; ++i) {
    auto r = test::run_cli("run " + test::shell_quote(exp) + " -o " + test::shell_quote(out));
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.output, Catch::Contains("supply energy"));
  }
  for (const char* f : {"summary.json", "prefill/summary.json", "decode/summary.json",
                        "prefill/power.csv", ".monet-outputs.json"})
    CHECK(std::filesystem::exists(out + "/" + f));
  CHECK(nlohmann::json::parse(core::read_file(out + "/summary.json"))["power"]["average_w"] > 0);
}
