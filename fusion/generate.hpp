// LLM generation on the simulator (experiment `mode: generate`, configs/experiments/
// README.md): a prefill graph over the prompt (it yields the first output token: TTFT), then
// output_tokens − 1 decode steps of one token per sequence, each reading a KV cache of the
// positions before it. Decode steps differ only in their context length; when there are more
// than kExactDecodeSteps of them, steps are grouped between scheduled sample contexts and the
// steps in between are integrated by linear interpolation, with an error bound (below).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/output_set.hpp"
#include "fusion/experiment.hpp"
#include "fusion/power.hpp"
#include "workloads/llama_yaml.hpp"

namespace monet::fusion {

// Up to this many decode steps every step is scheduled; beyond, kDecodeGroups groups.
inline constexpr int64_t kExactDecodeSteps = 16;
inline constexpr int64_t kDecodeGroups = 8;

struct GenerationPart {
  std::string name;  // "prefill" or "decode@<past>"
  int64_t past = 0;  // positions in the cache before the step (decode)
  std::shared_ptr<const Simulation> sim;
  FusionPlan plan;
  CnGraph cns;
  Schedule schedule;
};

struct GenerationRun {
  workloads::LlamaConfig config;
  workloads::LlamaOptions options;  // batch, element bits of the graphs
  // As simulated: the block linear weights' format and operand width, the other parameters'
  // bits (embedding, head, norms), activations and KV cache.
  workloads::WeightFormat weight_format;
  std::vector<LayerWeights> layer_weights;  // decoder layers with their own bits (checked)
  int weight_bits = 0, other_weight_bits = 0, activation_bits = 0, kv_cache_bits = 0;
  double weight_stored_bits = 0;  // stored bits per block linear weight (scales included)
  int64_t prompt_tokens = 0, output_tokens = 0, batch = 1;
  std::vector<GenerationPart> parts;  // prefill, then the scheduled decode steps (by context)
  int64_t decode_steps = 0;           // output_tokens − 1
  double ttft_s = 0;                  // prefill latency
  double decode_s = 0;                // sum over every decode step (integrated)
  double prefill_energy_pj = 0, decode_energy_pj = 0;
  // Bound on |decode_s error| from the grouping: a step between two scheduled contexts a < b
  // costs between t(a) and t(b) when time grows with the context (checked at the samples:
  // `monotone`), and so does its interpolated value; 0 when every step is scheduled.
  double decode_error_bound_s = 0;
  bool monotone = true;
  double peak_memory_bytes = 0;  // largest peak footprint of any scheduled graph
  double capacity_violation_bytes = 0;
  int64_t kv_cache_bytes = 0;  // at the final context (prompt + output − 1), every layer's bits
  int64_t weight_bytes = 0;    // parameter bytes of a decode step
  // Weight streaming: every weight byte crosses DRAM once per decode step; no step is faster.
  double weight_roofline_s = 0;
  // The whole generation (prefill and every decode step) at the supply: its dynamic energy and
  // the accelerator's static power over ttft + decode time; the peak is the highest window of
  // any scheduled part (prefill or a sampled decode step), with that part's window.
  PowerSummary power;

  double tpot_s() const { return decode_steps ? decode_s / decode_steps : 0; }
  double decode_tokens_per_s() const {
    return decode_s > 0 ? static_cast<double>(decode_steps * batch) / decode_s : 0;
  }
  double energy_per_token_j() const {
    const double tokens = static_cast<double>(decode_steps * batch);
    return tokens > 0 ? decode_energy_pj * 1e-12 / tokens : 0;
  }
  // The block linear weights' format and the KV cache's bits of decoder layer `layer`.
  const workloads::WeightFormat& layer_format(int64_t layer) const;
  int layer_kv_cache_bits(int64_t layer) const;
  std::vector<int> kv_cache_bits_per_layer() const;
};

// The Llama-family configuration and graph options of the experiment's workload (a built-in
// or a `family: llama` file); ConfigError at the workload otherwise.
workloads::LlamaFileSpec decoder_of(const WorkloadSpec& w);

GenerationRun run_generation(const Experiment& e);

// What run_generation resolves before simulating: the decoder, token counts and the precision
// per tensor kind (defaults applied, layer_weights checked against the model's layers).
GenerationRun generation_setup(const Experiment& e);
// The graph of one part (seq tokens after `past` cached positions) with the run's precision.
workloads::Graph generation_graph(const GenerationRun& r, int64_t seq, int64_t past);
// Per tensor id: the decoder layer of a block linear weight (the weights `precision.weights`
// and `layer_weights` apply to), −1 for every other tensor.
std::vector<int> block_linear_weight_layers(const workloads::Graph& g);
// The checks a run makes before simulating (plan fits the prefill, every precision runs on a
// core of the accelerator), without simulating: ConfigError naming the precision field.
void check_generation(const Experiment& e);

// summary.json of a generation run (schema monet.generate/1) and the prefill's and the
// longest decode step's run documents in DIR/prefill/ and DIR/decode/.
nlohmann::json generation_json(const Experiment& e, const GenerationRun& r);
// summary.json and the prefill's and longest-context decode step's run files in DIR/prefill/
// and DIR/decode/, written as one set.
void write_generation_outputs(const std::string& dir, const Experiment& e, const GenerationRun& r);
// The same files into a set being assembled, under `prefix` ("runs/x/" or "").
void write_generation_files(core::OutputSet& set, const std::string& prefix, const Experiment& e,
                            const GenerationRun& r);
std::string generation_text(const GenerationRun& r);

}  // namespace monet::fusion
