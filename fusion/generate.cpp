#include "fusion/generate.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "accelerators/loader.hpp"
#include "core/file_io.hpp"
#include "core/output_set.hpp"
#include "core/units.hpp"
#include "core/whole_bytes.hpp"
#include "fusion/names.hpp"
#include "fusion/report.hpp"
#include "fusion/run_outputs.hpp"
#include "fusion/scheduler.hpp"

namespace monet::fusion {

namespace {
bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
bool is_kv_cache(const workloads::Tensor& t) {
  return ends_with(t.name, ".past_key") || ends_with(t.name, ".past_value") ||
         ends_with(t.name, ".present_key") || ends_with(t.name, ".present_value");
}
// The decoder layer of a KV-cache tensor ("model.layers.<l>.past_key", workloads/llama.cpp).
int64_t kv_cache_layer(const workloads::Tensor& t) {
  const size_t at = t.name.find("layers.");
  if (at == std::string::npos) throw core::Error("KV-cache tensor '" + t.name + "' has no layer");
  return std::stoll(t.name.substr(at + 7));
}

// Bits per tensor kind: block linear weights (with their storage format), other parameters,
// the KV cache (past inputs and present outputs), activations (everything else, token ids and
// the rotary table included).
void apply_precision(workloads::Graph& g, const GenerationRun& r) {
  const std::vector<int> layer = block_linear_weight_layers(g);
  for (const auto& t : g.tensors()) {
    workloads::Tensor& m = g.mutable_tensor(t.id);
    if (layer[t.id] >= 0) {
      const workloads::WeightFormat& f = r.layer_format(layer[t.id]);
      m.elem_bits = f.compute_bits();
      m.storage = f.storage();
    } else {
      m.elem_bits = t.kind == workloads::TensorKind::kParameter ? r.other_weight_bits
                    : is_kv_cache(t) ? r.layer_kv_cache_bits(kv_cache_layer(t))
                                     : r.activation_bits;
    }
  }
}
// Bits a core cannot run: every loop nest needs a core that can run it at the precision given
// (the block linear layers at the weight format, the attention products at the activations'
// bits); otherwise the precision field is refused, with each core's reason.
void check_precision_runs(const Experiment& e, const GenerationRun& r, const workloads::Graph& g,
                          const mapping::CostModel& costs) {
  const std::vector<int> layer = block_linear_weight_layers(g);
  const accelerators::Accelerator& acc = costs.accelerator();
  // Which format a block linear weight has: 0 = `weights`, k = layer_weights[k - 1].
  auto format_index = [&](int64_t l) -> size_t {
    for (size_t k = 0; k < r.layer_weights.size(); ++k)
      if (l >= r.layer_weights[k].first && l <= r.layer_weights[k].last &&
          r.layer_weights[k].weights.set())
        return k + 1;
    return 0;
  };
  std::vector<bool> linear_seen(r.layer_weights.size() + 1, false);
  bool other_seen = false;
  for (const auto& op : g.ops()) {
    if (!op.is_compute()) continue;
    const int w = op.operand_tensor[1];
    const bool is_linear = w >= 0 && layer[w] >= 0;
    const size_t fi = is_linear ? format_index(layer[w]) : 0;
    if (is_linear ? linear_seen[fi] : other_seen) continue;
    if (is_linear)
      linear_seen[fi] = true;
    else
      other_seen = true;
    std::string reasons;
    bool runs = false;
    for (size_t c = 0; c < acc.cores.size() && !runs; ++c) {
      if (!acc.cores[c].supports(std::string(workloads::op_kind_name(op.kind)))) continue;
      mapping::OpCost cost = costs.evaluate(g, op, static_cast<int>(c));
      runs = cost.feasible;
      if (!runs) reasons += (reasons.empty() ? "" : "; ") + cost.reason;
    }
    if (runs || reasons.empty()) continue;  // no core runs the kind at all: the plan reports it
    const std::string rule =
        "no core of '" + acc.name + "' can run op '" + op.name + "' at this precision: " + reasons;
    if (is_linear && fi > 0) {
      const LayerWeights& lw = r.layer_weights[fi - 1];
      if (lw.node.defined() && lw.node.has("weights")) lw.node["weights"].fail(rule);
      throw core::ConfigError(e.accelerator_where,
                              "precision.layer_weights[" + std::to_string(fi - 1) + "].weights",
                              lw.weights.str(), rule);
    }
    const char* field = is_linear ? "weights" : "activations";
    if (e.precision.node.defined() && e.precision.node.has(field))
      e.precision.node[field].fail(rule);
    throw core::ConfigError(e.accelerator_where, std::string("precision.") + field,
                            "(the workload's element bits)", rule);
  }
}
}  // namespace

std::vector<int> block_linear_weight_layers(const workloads::Graph& g) {
  std::vector<int> out(g.tensors().size(), -1);
  for (const auto& op : g.ops()) {
    const int w = op.operand_tensor[1];
    if (op.is_compute() && w >= 0 && op.block.rfind("layers.", 0) == 0 &&
        g.tensor(w).kind == workloads::TensorKind::kParameter)
      out[w] = std::stoi(op.block.substr(7));
  }
  return out;
}

const workloads::WeightFormat& GenerationRun::layer_format(int64_t layer) const {
  const workloads::WeightFormat* own = layer_weights_of(layer_weights, layer);
  return own ? *own : weight_format;
}

int GenerationRun::layer_kv_cache_bits(int64_t layer) const {
  const int own = layer_kv_cache_of(layer_weights, layer);
  return own ? own : kv_cache_bits;
}

std::vector<int> GenerationRun::kv_cache_bits_per_layer() const {
  std::vector<int> out;
  for (int64_t l = 0; l < config.num_hidden_layers; ++l) out.push_back(layer_kv_cache_bits(l));
  return out;
}

workloads::LlamaFileSpec decoder_of(const WorkloadSpec& w) {
  workloads::LlamaFileSpec f;
  if (!w.model.empty()) {
    const workloads::LlamaConfig* c = workloads::find_llama_config(w.model);
    if (!c)
      throw core::ConfigError(w.where, "workload", w.model,
                              "mode: generate needs a Llama-family decoder (a built-in such as "
                              "llama-2-7b, or a workload file with family: llama)");
    f.config = *c;
  } else if (!w.file.empty()) {
    core::YamlNode root = core::load_yaml_file(w.file);
    if (!workloads::is_family_document(root))
      throw core::ConfigError(w.where, "workload.file", w.file,
                              "mode: generate needs a decoder family file (family: llama)");
    f = workloads::parse_llama_family(root, w.file);
  } else {
    throw core::ConfigError(w.where, "workload.onnx", w.onnx,
                            "mode: generate builds its own prefill and decode graphs: give a "
                            "Llama-family built-in or family file, not an ONNX export");
  }
  if (w.params.batch_set) f.options.batch = w.params.batch;
  if (w.params.elem_bits_set) f.options.elem_bits = w.params.elem_bits;
  return f;
}

GenerationRun generation_setup(const Experiment& e) {
  if (!e.generate) throw core::Error("experiment '" + e.name + "' is not a generation run");
  const GenerateSpec& spec = *e.generate;
  GenerationRun r;
  workloads::LlamaFileSpec dec = decoder_of(e.workload);
  r.config = dec.config;
  r.options = dec.options;
  r.prompt_tokens = spec.prompt_tokens;
  r.output_tokens = spec.output_tokens;
  r.batch = dec.options.batch;
  r.decode_steps = spec.output_tokens - 1;
  const int64_t context = spec.prompt_tokens + r.decode_steps;  // positions after the last step
  if (context > r.config.max_position_embeddings)
    throw core::ConfigError(
        spec.node["output_tokens"].loc(), "generate",
        std::to_string(spec.prompt_tokens) + " + " + std::to_string(spec.output_tokens),
        "prompt_tokens + output_tokens − 1 = " + std::to_string(context) +
            " positions exceed the model's max_position_embeddings " +
            std::to_string(r.config.max_position_embeddings));
  const int base = dec.options.elem_bits;
  r.weight_format = e.precision.weights;
  if (!r.weight_format.set()) r.weight_format.bits = base;
  r.weight_bits = r.weight_format.compute_bits();
  r.activation_bits = e.precision.activations ? e.precision.activations : base;
  r.other_weight_bits = e.precision.other_weights ? e.precision.other_weights
                        : r.weight_format.plain() ? r.weight_bits
                                                  : r.activation_bits;
  r.kv_cache_bits = e.precision.kv_cache ? e.precision.kv_cache : r.activation_bits;
  r.layer_weights = e.precision.layer_weights;
  for (size_t k = 0; k < r.layer_weights.size(); ++k) {
    const LayerWeights& w = r.layer_weights[k];
    if (w.last < r.config.num_hidden_layers) continue;
    const std::string rule = "layer " + std::to_string(w.last) +
                             " does not exist: " + r.config.name + " has " +
                             std::to_string(r.config.num_hidden_layers) + " decoder layers (0-" +
                             std::to_string(r.config.num_hidden_layers - 1) + ")";
    if (w.node.defined() && w.node.has("last")) w.node["last"].fail(rule);
    throw core::ConfigError(e.accelerator_where,
                            "precision.layer_weights[" + std::to_string(k) + "].last",
                            std::to_string(w.last), rule);
  }
  return r;
}

workloads::Graph generation_graph(const GenerationRun& r, int64_t seq, int64_t past) {
  workloads::LlamaOptions o = r.options;
  o.seq = seq;
  o.past = past;
  o.kv_cache = true;
  workloads::Graph g = workloads::llama(r.config, o);
  apply_precision(g, r);
  return g;
}

void check_generation(const Experiment& e) {
  const GenerationRun r = generation_setup(e);
  const accelerators::Accelerator acc = accelerators::load_accelerator(e.accelerator);
  const mapping::CostModel costs(acc, e.cost);
  const workloads::Graph g = generation_graph(r, r.prompt_tokens, 0);
  check_plan_fits(e, g);
  check_precision_runs(e, r, g, costs);
}

GenerationRun run_generation(const Experiment& e) {
  GenerationRun r = generation_setup(e);
  const GenerateSpec& spec = *e.generate;
  const int64_t context = spec.prompt_tokens + r.decode_steps;

  auto acc = std::make_shared<const accelerators::Accelerator>(
      accelerators::load_accelerator(e.accelerator));
  auto costs = std::make_shared<const mapping::CostModel>(*acc, e.cost);
  auto part = [&](const std::string& name, int64_t seq, int64_t past) {
    workloads::Graph g = generation_graph(r, seq, past);
    GenerationPart p;
    p.name = name;
    p.past = past;
    if (past == 0) {
      check_plan_fits(e, g);
      check_precision_runs(e, r, g, *costs);
    }
    p.sim = std::make_shared<const Simulation>(std::move(g), acc, costs);
    PlanSpec plan = e.plan;
    // A decode step has one token per sequence: nothing to split along tokens.
    if (past > 0) plan.tiles = 1, plan.stack_tiles.clear();
    p.plan = p.sim->plan(plan);
    p.cns = p.sim->cns(p.plan);
    p.schedule = schedule(p.sim->graph(), p.plan, p.cns, p.sim->accelerator());
    return p;
  };
  r.parts.push_back(part("prefill", spec.prompt_tokens, 0));
  r.ttft_s = r.parts[0].schedule.summary.latency_s;
  r.prefill_energy_pj = r.parts[0].schedule.summary.energy.total_pj();

  // Decode step j (1 … N) reads a cache of P + j − 1 positions. Sample contexts: every step
  // when N ≤ kExactDecodeSteps, else kDecodeGroups + 1 evenly spaced ones, first and last
  // included.
  const int64_t n = r.decode_steps, first = spec.prompt_tokens, last = first + n - 1;
  std::vector<int64_t> samples;
  if (n <= kExactDecodeSteps) {
    for (int64_t p = first; p <= last; ++p) samples.push_back(p);
  } else {
    for (int64_t k = 0; k <= kDecodeGroups; ++k)
      samples.push_back(first + (last - first) * k / kDecodeGroups);
    samples.erase(std::unique(samples.begin(), samples.end()), samples.end());
  }
  std::vector<double> t, en;
  for (int64_t p : samples) {
    r.parts.push_back(part("decode@" + std::to_string(p), 1, p));
    t.push_back(r.parts.back().schedule.summary.latency_s);
    en.push_back(r.parts.back().schedule.summary.energy.total_pj());
  }
  for (size_t i = 0; i < samples.size(); ++i) {
    r.decode_s += t[i];
    r.decode_energy_pj += en[i];
    if (i + 1 == samples.size()) break;
    const int64_t a = samples[i], b = samples[i + 1];
    if (t[i + 1] < t[i]) r.monotone = false;
    for (int64_t p = a + 1; p < b; ++p) {  // steps strictly between two samples
      const double f = static_cast<double>(p - a) / static_cast<double>(b - a);
      r.decode_s += t[i] + f * (t[i + 1] - t[i]);
      r.decode_energy_pj += en[i] + f * (en[i + 1] - en[i]);
      r.decode_error_bound_s += std::abs(t[i + 1] - t[i]);
    }
  }
  for (const auto& p : r.parts) {
    r.peak_memory_bytes = std::max(r.peak_memory_bytes, p.schedule.summary.peak_footprint_bytes);
    r.capacity_violation_bytes =
        std::max(r.capacity_violation_bytes, p.schedule.summary.capacity_violation_bytes);
  }
  {
    std::vector<const PowerSummary*> parts;
    for (const auto& p : r.parts) parts.push_back(&p.schedule.summary.power);
    r.power = parts_power((r.prefill_energy_pj + r.decode_energy_pj) * 1e-12, r.ttft_s + r.decode_s,
                          *acc, parts);
  }
  r.kv_cache_bytes = r.config.kv_cache_bytes(context, r.batch, r.kv_cache_bits_per_layer());
  const workloads::Graph& step = r.parts.back().sim->graph();
  r.weight_bytes = step.totals().parameter_bytes;
  {
    const std::vector<int> layer = block_linear_weight_layers(step);
    double bits = 0, elements = 0;
    for (const auto& t : step.tensors())
      if (layer[t.id] >= 0) {
        bits += static_cast<double>(t.storage_bits());
        elements += static_cast<double>(t.elements());
      }
    r.weight_stored_bits = elements > 0 ? bits / elements : 0;
  }
  const double dram_bw = acc->dram.timing_bytes_per_s();
  r.weight_roofline_s = dram_bw > 0 ? static_cast<double>(r.weight_bytes) / dram_bw : 0;
  return r;
}

namespace {
// precision.layer_weights as run: [{first, last, weights, weight_format, kv_cache}], each
// entry's effective values (an entry that sets only one of them takes the other from
// `precision`); [] when none.
nlohmann::json layer_weights_json(const GenerationRun& r) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& w : r.layer_weights) {
    const workloads::WeightFormat& f = r.layer_format(w.first);
    out.push_back({{"first", w.first},
                   {"last", w.last},
                   {"weights", f.compute_bits()},
                   {"weight_format", f.str()},
                   {"kv_cache", r.layer_kv_cache_bits(w.first)}});
  }
  return out;
}
}  // namespace

nlohmann::json generation_json(const Experiment& e, const GenerationRun& r) {
  nlohmann::json parts = nlohmann::json::array();
  for (const auto& p : r.parts) {
    const Summary& s = p.schedule.summary;
    parts.push_back({{"name", p.name},
                     {"tokens", p.past ? 1 : r.prompt_tokens},
                     {"past", p.past},
                     {"latency_s", s.latency_s},
                     {"energy_pj", s.energy.total_pj()},
                     {"dram_read_bytes", core::whole_bytes(s.dram_read_bytes)},
                     {"dram_write_bytes", core::whole_bytes(s.dram_write_bytes)},
                     {"peak_footprint_bytes", core::whole_bytes(s.peak_footprint_bytes)},
                     {"macs", p.sim->graph().totals().macs}});
  }
  nlohmann::json out = {
      {"schema", "monet.generate/1"},
      {"experiment", e.name},
      {"workload", r.config.name},
      {"mode", experiment_mode_names().str(ExperimentMode::kGenerate)},
      {"accelerator", r.parts.front().sim->accelerator().name},
      {"batch", r.batch},
      {"prompt_tokens", r.prompt_tokens},
      {"output_tokens", r.output_tokens},
      {"precision",
       {{"weights", r.weight_bits},
        {"weight_format", r.weight_format.str()},
        {"weight_stored_bits", r.weight_stored_bits},
        {"other_weights", r.other_weight_bits},
        {"activations", r.activation_bits},
        {"kv_cache", r.kv_cache_bits},
        {"layer_weights", layer_weights_json(r)}}},
      {"generation",
       {{"ttft_s", r.ttft_s},
        {"tpot_s", r.tpot_s()},
        {"decode_tokens_per_s", r.decode_tokens_per_s()},
        {"kv_cache_bytes", r.kv_cache_bytes},
        {"energy_per_token_j", r.energy_per_token_j()},
        {"peak_memory_bytes", core::whole_bytes(r.peak_memory_bytes)},
        {"decode_s", r.decode_s},
        {"total_s", r.ttft_s + r.decode_s},
        {"prefill_energy_j", r.prefill_energy_pj * 1e-12},
        {"decode_energy_j", r.decode_energy_pj * 1e-12},
        {"weight_bytes", r.weight_bytes},
        {"weight_roofline_s", r.weight_roofline_s},
        {"capacity_violation_bytes", core::whole_bytes(r.capacity_violation_bytes)},
        {"decode_integration",
         {{"decode_steps", r.decode_steps},
          {"scheduled_steps", static_cast<int64_t>(r.parts.size()) - 1},
          {"error_bound_s", r.decode_error_bound_s},
          {"monotone", r.monotone}}}}},
      {"power", power_json(r.power)},
      {"parts", parts}};
  if (!e.overrides.empty()) out["overrides"] = e.overrides;
  return out;
}

void write_generation_files(core::OutputSet& set, const std::string& prefix, const Experiment& e,
                            const GenerationRun& r) {
  for (const GenerationPart* p : {&r.parts.front(), &r.parts.back()}) {
    const bool prefill = p == &r.parts.front();
    RunInfo info{e.name + "/" + p->name,
                 "inference",
                 e.plan_name,
                 prefill ? e.plan.tiles : 1,
                 std::nullopt,
                 std::nullopt,
                 e.overrides,
                 std::nullopt,
                 {}};
    write_run_files(set, prefix + (prefill ? "prefill/" : "decode/"), *p->sim, p->plan, p->cns,
                    p->schedule, info);
  }
  set.write(prefix + "summary.json", generation_json(e, r).dump(2) + "\n");
}

void write_generation_outputs(const std::string& dir, const Experiment& e, const GenerationRun& r) {
  // One set: the summary and both parts' files appear together.
  core::OutputSet set(dir, "generation");
  write_generation_files(set, "", e, r);
  set.commit();
}

std::string generation_text(const GenerationRun& r) {
  std::ostringstream o;
  const double tokens = static_cast<double>(r.decode_steps * r.batch);
  o << "  prompt           " << r.prompt_tokens << " tokens, " << r.output_tokens
    << " output tokens (prefill + " << r.decode_steps << " decode steps), batch " << r.batch << "\n"
    << "  precision        block weights " << r.weight_format.str() << " (" << r.weight_stored_bits
    << " bits stored per weight" << (r.layer_weights.empty() ? "" : ", mean over every layer")
    << "), other weights " << r.other_weight_bits << " bit, activations " << r.activation_bits
    << " bit, KV cache " << r.kv_cache_bits << " bit\n";
  if (!r.layer_weights.empty()) {
    o << "  per layer       ";
    for (size_t k = 0; k < r.layer_weights.size(); ++k) {
      const LayerWeights& w = r.layer_weights[k];
      o << (k ? ";" : "") << " layers " << w.first << "-" << w.last;
      if (w.weights.set()) o << " weights " << w.weights.str();
      if (w.kv_cache) o << " KV " << w.kv_cache << " bit";
    }
    o << " (the other layers: weights " << r.weight_format.str() << ", KV " << r.kv_cache_bits
      << " bit)\n";
  }
  o << "  ttft             " << core::format_seconds(r.ttft_s) << "\n"
    << "  tpot             " << core::format_seconds(r.tpot_s()) << " ("
    << (r.decode_s > 0 ? tokens / r.decode_s : 0) << " tokens/s)";
  if (r.decode_error_bound_s > 0)
    o << ", decode integrated over " << r.parts.size() - 1 << " scheduled contexts, ± "
      << core::format_seconds(r.decode_error_bound_s) << " in total";
  o << "\n"
    << "  weight roofline  " << core::format_seconds(r.weight_roofline_s) << " per step ("
    << core::format_bytes(static_cast<double>(r.weight_bytes)) << " of weights over DRAM)\n"
    << "  energy per token " << (tokens > 0 ? r.decode_energy_pj * 1e-12 / tokens : 0)
    << " J (decode, dynamic at the chip)\n"
    << "  KV cache         " << core::format_bytes(static_cast<double>(r.kv_cache_bytes)) << " at "
    << r.prompt_tokens + r.decode_steps << " positions\n"
    << "  peak memory      " << core::format_bytes(r.peak_memory_bytes) << "\n"
    << power_text(r.power);
  return o.str();
}

}  // namespace monet::fusion
