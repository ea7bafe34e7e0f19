// Llama-family decoders: parameter counts derived by hand from each config.json, the KV-cache
// formula, decode-step graphs against hand calculations, and the YAML family form.
#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "workloads/llama.hpp"
#include "workloads/models.hpp"
#include "workloads/yaml_workload.hpp"

using namespace monet::workloads;

namespace {
int64_t params_of(const std::string& name) {
  return build_model(name, {.batch = 1, .seq = 8}).totals().parameters;
}
const LlamaConfig& cfg(const std::string& name) {
  const LlamaConfig* c = find_llama_config(name);
  REQUIRE(c);
  return *c;
}
}  // namespace

TEST_CASE("Llama-family parameter counts, by hand from config.json") {
  // Llama-2-7B: the published total. Per layer q,k,v,o 4·4096² = 67,108,864, MLP
  // 3·4096·11008 = 135,266,304, two RMSNorms 8,192 → 202,383,360 × 32 = 6,476,267,520;
  // untied embedding and head 2·32000·4096 = 262,144,000; final norm 4,096.
  CHECK(params_of("llama-2-7b") == 6'738'415'616);
  CHECK(int64_t{6'476'267'520} + 262'144'000 + 4'096 == 6'738'415'616);
  // TinyLlama-1.1B: d 2048, 32 heads of 64, 4 KV heads (256 wide). Per layer q 2048² =
  // 4,194,304, k+v 2·2048·256 = 1,048,576, o 4,194,304, MLP 3·2048·5632 = 34,603,008, norms
  // 4,096 → 44,044,288 × 22 = 968,974,336; untied 2·32000·2048 = 131,072,000; norm 2,048.
  CHECK(params_of("tinyllama-1.1b") == int64_t{968'974'336} + 131'072'000 + 2'048);
  // Llama-3.2-1B: d 2048, 8 KV heads of 64 (512 wide). q 4,194,304, k+v 2,097,152,
  // o 4,194,304, MLP 3·2048·8192 = 50,331,648, norms 4,096 → 60,821,504 × 16 = 973,144,064;
  // tied 128256·2048 = 262,668,288; norm 2,048.
  CHECK(params_of("llama-3.2-1b") == int64_t{973'144'064} + 262'668'288 + 2'048);
  // Llama-3.2-3B: d 3072, 24 heads of 128, 8 KV heads (1024 wide). q 9,437,184, k+v
  // 6,291,456, o 9,437,184, MLP 3·3072·8192 = 75,497,472, norms 6,144 → 100,669,440 × 28 =
  // 2,818,744,320; tied 128256·3072 = 394,002,432; norm 3,072.
  CHECK(params_of("llama-3.2-3b") == int64_t{2'818'744'320} + 394'002'432 + 3'072);
  // Qwen2.5-0.5B: d 896, 14 heads of 64, 2 KV heads (128 wide), q/k/v bias. q 802,816,
  // k+v 229,376, o 802,816, MLP 3·896·4864 = 13,074,432, norms 1,792, bias 896 + 256 = 1,152
  // → 14,912,384 × 24 = 357,897,216; tied 151936·896 = 136,134,656; norm 896.
  CHECK(params_of("qwen2.5-0.5b") == int64_t{357'897'216} + 136'134'656 + 896);
  // BitNet b1.58 2B4T: d 2560, 20 heads of 128, 5 KV heads (640 wide), subln norms over the
  // attention output (2560) and the MLP's inner width (6912). q 6,553,600, k+v 3,276,800,
  // o 6,553,600, MLP 3·2560·6912 = 53,084,160, norms 5,120 + 9,472 → 69,482,752 × 30 =
  // 2,084,482,560; tied 128256·2560 = 328,335,360; norm 2,560.
  CHECK(params_of("bitnet-b1.58-2b-4t") == int64_t{2'084'482'560} + 328'335'360 + 2'560);
  for (const auto& c : llama_configs()) {
    INFO(c.name);
    CHECK(c.parameter_count() == params_of(c.name));
  }
}

TEST_CASE("KV-cache bytes follow 2 x layers x kv_heads x head_dim x context x batch x bytes") {
  // Llama-2-7B, 4096 positions, fp16: 2·32·32·128·4096·2 B = 2 GiB per sequence.
  CHECK(cfg("llama-2-7b").kv_cache_bytes(4096, 1, 16) == int64_t{2} * 32 * 32 * 128 * 4096 * 2);
  CHECK(cfg("llama-2-7b").kv_cache_bytes(4096, 1, 16) == int64_t{1} << 31);
  // Llama-3.2-1B: 2·16·8·64 = 16,384 elements per token; 8-bit cache, 256 tokens, batch 3.
  CHECK(cfg("llama-3.2-1b").kv_cache_bytes(256, 3, 8) == 16'384 * 256 * 3);
}

TEST_CASE("a decode step reads the cache and attends over past + new positions") {
  const LlamaConfig& c = cfg("llama-3.2-1b");
  LlamaOptions o;
  o.seq = 1;
  o.past = 127;
  o.kv_cache = true;
  o.elem_bits = 16;
  Graph g = llama(c, o);
  // q·Kᵀ over 127 cached + 1 new positions for 32 query heads of 64: 32·128·64 MACs.
  int64_t qk = g.op(g.find_op("model.layers.0.self_attn.qk_past")).macs() +
               g.op(g.find_op("model.layers.0.self_attn.qk")).macs();
  CHECK(qk == 32 * 128 * 64);
  const Tensor& past = g.tensor(g.find_tensor("model.layers.3.past_key"));
  CHECK(past.kind == TensorKind::kInput);
  CHECK(past.shape == Shape{1, 8, 127, 64});
  // Present rows are written (graph outputs), and only the last token's logits exist.
  int outputs_present = 0;
  for (int t : g.outputs())
    outputs_present += g.tensor(t).name.find(".present_") != std::string::npos;
  CHECK(outputs_present == 2 * 16);
  CHECK(g.tensor(g.find_tensor("lm_head")).shape == Shape{1, 1, 128256});
  // Linear MACs of one token equal the non-embedding weights (tied head counts once more).
  int64_t linear = 0;
  for (const auto& op : g.ops())
    if (op.is_compute() && g.tensor(op.operand_tensor[1]).kind == TensorKind::kParameter)
      linear += op.macs();
  CHECK(linear == int64_t{973'144'064} - 16 * 4'096 + 262'668'288);
}

TEST_CASE("prefill keeps the last token's logits; context is bounded by the config") {
  LlamaOptions o;
  o.seq = 64;
  o.kv_cache = true;
  Graph g = llama(cfg("tinyllama-1.1b"), o);
  CHECK(g.tensor(g.find_tensor("lm_head")).shape == Shape{1, 1, 32000});
  o.seq = 2000;
  o.past = 49;
  CHECK_THROWS_WITH(llama(cfg("tinyllama-1.1b"), o),
                    Catch::Contains("max_position_embeddings") && Catch::Contains("2049"));
  CHECK_THROWS_WITH(build_model("tinyllama-1.1b", {.batch = 1, .seq = 4096}),
                    Catch::Contains("2048"));
}

TEST_CASE("the YAML family form builds the same graph as the built-in") {
  const std::string yaml = R"(
name: my-tinyllama
family: llama
seq: 32
element_bits: 16
config:
  hidden_size: 2048
  intermediate_size: 5632
  num_hidden_layers: 22
  num_attention_heads: 32
  num_key_value_heads: 4
  vocab_size: 32000
  max_position_embeddings: 2048
  tie_word_embeddings: false
)";
  Graph g = parse_workload_yaml(yaml, "t.yaml");
  Graph ref = build_model("tinyllama-1.1b", {.batch = 1, .seq = 32, .elem_bits = 16});
  CHECK(g.totals().parameters == ref.totals().parameters);
  CHECK(g.totals().macs == ref.totals().macs);
  CHECK(g.totals().parameter_bytes == ref.totals().parameter_bytes);
  // Qwen2.5-1.5B file: 1,543,714,304 parameters (d 1536, 12 heads of 128, 2 KV heads of 128,
  // bias): per layer 2,359,296 + 786,432 + 2,359,296 + 3·1536·8960 + 3,072 + 2,048 =
  // 46,797,824 × 28 + tied 151936·1536 + 1,536.
  Graph q =
      load_workload_file(std::string(MONET_SOURCE_DIR) + "/configs/workloads/qwen2.5-1.5b.yaml");
  CHECK(q.totals().parameters == int64_t{46'797'824} * 28 + 233'373'696 + 1'536);
  CHECK(q.totals().parameters == 1'543'714'304);
  // BitNet b1.58 large: per layer 4·1536² + 3·1536·4096 + 2·1536 = 28,314,624, × 24 layers,
  // + tied embedding 32002·1536 = 49,155,072 + final norm 1,536: 0.73 B.
  Graph bitnet = load_workload_file(std::string(MONET_SOURCE_DIR) +
                                    "/configs/workloads/bitnet-b1.58-large.yaml");
  CHECK(bitnet.totals().parameters == int64_t{28'314'624} * 24 + 49'155'072 + 1'536);
  CHECK(bitnet.totals().parameters == 728'707'584);
  // Llama-3.1-8B (d 4096, 32 heads of 128, 8 KV heads, FFN 14336, untied): per layer
  // 2·4096² + 2·4096·1024 + 3·4096·14336 + 2·4096 = 218,112,000, × 32, + embedding and head
  // 2·128256·4096 + final norm 4096 = 8,030,261,248 (its published count).
  Graph l31 =
      load_workload_file(std::string(MONET_SOURCE_DIR) + "/configs/workloads/llama-3.1-8b.yaml");
  CHECK(l31.totals().parameters == int64_t{218'112'000} * 32 + 2 * 525'336'576 + 4'096);
  CHECK(l31.totals().parameters == 8'030'261'248);
  // Qwen2.5-7B (d 3584, 28 heads of 128, 4 KV heads, FFN 18944, q/k/v bias, untied): per
  // layer 2·3584² + 3584 + 2·(3584·512 + 512) + 3·3584·18944 + 2·3584 = 233,057,792, × 28,
  // + 2·152064·3584 + 3584 = 7,615,616,512 (its published count).
  Graph q7 =
      load_workload_file(std::string(MONET_SOURCE_DIR) + "/configs/workloads/qwen2.5-7b.yaml");
  CHECK(q7.totals().parameters == int64_t{233'057'792} * 28 + 2 * 544'997'376 + 3'584);
  CHECK(q7.totals().parameters == 7'615'616'512);

  auto bad = [&](const std::string& from, const std::string& to) {
    std::string y = yaml;
    y.replace(y.find(from), from.size(), to);
    return y;
  };
  CHECK_THROWS_WITH(
      parse_workload_yaml(bad("num_key_value_heads: 4", "num_key_value_heads: 5"), "t.yaml"),
      Catch::Contains("num_key_value_heads 5"));
  CHECK_THROWS_WITH(parse_workload_yaml(bad("family: llama", "family: mamba"), "t.yaml"),
                    Catch::Contains("t.yaml:3") && Catch::Contains("family"));
  CHECK_THROWS_WITH(parse_workload_yaml(bad("  vocab_size: 32000", "  vocab: 32000"), "t.yaml"),
                    Catch::Contains("vocab"));
  CHECK_THROWS_WITH(parse_workload_yaml(bad("seq: 32", "seq: 4096"), "t.yaml"),
                    Catch::Contains("seq"));
}
