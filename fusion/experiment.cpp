#include "fusion/experiment.hpp"

#include <filesystem>
#include <system_error>

#include "accelerators/cim_rules.hpp"
#include "accelerators/loader.hpp"
#include "accelerators/power_mode.hpp"
#include "core/error.hpp"
#include "fusion/names.hpp"
#include "training/distill.hpp"
#include "workloads/onnx_import.hpp"
#include "workloads/yaml_workload.hpp"

namespace monet::fusion {

namespace fs = std::filesystem;

namespace {
std::string resolve(const std::string& path, const std::string& experiment_file) {
  if (path.empty() || fs::path(path).is_absolute() || experiment_file.empty()) return path;
  fs::path rel = fs::path(experiment_file).parent_path() / path;
  if (std::error_code ec; fs::exists(rel, ec)) return rel.string();
  return path;  // relative to the working directory
}

WorkloadSpec parse_workload(const core::YamlNode& n, const std::string& file) {
  WorkloadSpec w;
  w.where = n.loc();
  if (n.is_scalar()) {
    w.model = n.as_string();
    return w;
  }
  if (!n.is_map()) n.fail("must be a built-in model name or a map with model, file or onnx");
  n.reject_unknown_keys(
      {"model", "file", "onnx", "batch", "seq", "element_bits", "fold_batchnorm"});
  int sources = n.has("model") + n.has("file") + n.has("onnx");
  if (sources != 1) n.fail("give exactly one of model, file, onnx");
  if (n.has("model")) {
    w.model = n["model"].as_string();
    if (!workloads::is_builtin_model(w.model)) {
      std::string known;
      for (auto& m : workloads::builtin_models()) known += (known.empty() ? "" : ", ") + m.name;
      n["model"].fail("unknown built-in model (known: " + known + ")");
    }
  }
  if (n.has("file")) w.file = resolve(n["file"].as_string(), file);
  if (n.has("onnx")) w.onnx = resolve(n["onnx"].as_string(), file);
  if (n.has("batch")) {
    w.params.batch = n["batch"].as_int(1, 1 << 20);
    w.params.batch_set = true;
  }
  if (n.has("element_bits")) {
    if (!w.file.empty()) n["element_bits"].fail("a workload file sets its own element_bits");
    w.params.elem_bits = static_cast<int>(n["element_bits"].as_int(1, 64));
    w.params.elem_bits_set = true;
  }
  if (n.has("fold_batchnorm")) w.fold_batchnorm = n["fold_batchnorm"].as_bool();
  if (n.has("seq")) {
    if (!workloads::is_decoder_model(w.model))
      n["seq"].fail("seq applies to decoder models (GPT-2, Llama family) only");
    w.params.seq = n["seq"].as_int(1, 1 << 20);
  }
  return w;
}

PlanSpec parse_plan(const core::YamlNode& f, std::string& plan_name, core::Location& tiles_at,
                    core::Location& starts_at) {
  PlanSpec p;
  plan_name = stack_rule_names().str(StackRule::kLayerByLayer);
  if (!f.defined()) return p;
  if (f.is_scalar()) {
    plan_name = f.as_string();
  } else {
    f.reject_unknown_keys({"stacks", "ops_per_stack", "tiles", "starts", "backward"});
    if (f.has("backward")) p.mirror_backward = backward_stack_names().read(f["backward"]);
    if (f.has("stacks")) plan_name = f["stacks"].as_string();
    if (f.has("ops_per_stack"))
      p.ops_per_stack = static_cast<int>(f["ops_per_stack"].as_int(1, 1 << 20));
    if (f.has("tiles")) {
      tiles_at = f["tiles"].loc();
      if (f["tiles"].is_seq()) {
        for (int64_t t : f["tiles"].as_int_list(1)) p.stack_tiles.push_back(static_cast<int>(t));
        for (int t : p.stack_tiles) p.tiles = std::max(p.tiles, t);
      } else {
        p.tiles = static_cast<int>(f["tiles"].as_int(1, 1 << 20));
      }
    }
    if (f.has("starts")) {
      p.starts = f["starts"].as_string_list();
      starts_at = f["starts"].loc();
    }
  }
  if (f.is_scalar() || f.has("stacks"))
    p.rule = stack_rule_names().read(f.is_scalar() ? f : f["stacks"]);
  core::IssueList issues;
  for (const auto& b : plan_rule_breaks(p))
    issues.add((f.has(b.field) ? f[b.field] : f).issue(b.rule));
  issues.throw_if_any();
  return p;
}

std::vector<AllocationRule> parse_allocation(const core::YamlNode& a) {
  std::vector<AllocationRule> rules;
  if (!a.defined()) return rules;
  if (!a.is_seq()) a.fail("must be a list of rules {ops, kind, pass, cores}");
  for (size_t i = 0; i < a.size(); ++i) {
    core::YamlNode r = a.at(i);
    if (!r.is_map()) r.fail("must be a map {ops, kind, pass, cores}");
    r.reject_unknown_keys({"ops", "kind", "pass", "cores"});
    AllocationRule rule;
    rule.file = r.file();
    rule.line = r.loc().line;
    rule.name_pattern = r.get_string("ops", "");
    rule.kind = r.get_string("kind", "");
    if (!rule.kind.empty() && !workloads::op_kind_from_name(rule.kind))
      r["kind"].fail("unknown op kind");
    rule.pass = r.get_string("pass", "");
    static const char* passes[] = {"",          "forward",       "loss",
                                   "backward",  "backward-data", "backward-weight",
                                   "optimizer", "recompute"};
    bool ok = false;
    for (auto* p : passes) ok = ok || rule.pass == p;
    if (!ok)
      r["pass"].fail(
          "must be one of: forward, loss, backward, backward-data, backward-weight, "
          "optimizer, recompute");
    rule.cores = r.required("cores").as_string_list();
    if (rule.cores.empty()) r["cores"].fail("must list at least one core");
    rules.push_back(std::move(rule));
  }
  return rules;
}
}  // namespace

namespace {
// precision.layer_weights: [{first, last, weights, kv_cache}, ...], ranges disjoint, each
// entry setting weights or kv_cache or both (the layer count is checked against the model by
// the generation run).
std::vector<LayerWeights> parse_layer_weights(const core::YamlNode& l) {
  if (!l.is_seq()) l.fail("must be a list of {first, last, weights, kv_cache}");
  std::vector<LayerWeights> out;
  for (size_t i = 0; i < l.size(); ++i) {
    core::YamlNode n = l.at(i);
    if (!n.is_map()) n.fail("must be a map {first, last, weights, kv_cache}");
    n.reject_unknown_keys({"first", "last", "weights", "kv_cache"});
    LayerWeights w;
    w.node = n;
    w.first = n.required("first").as_int(0, 1 << 20);
    w.last = n.required("last").as_int(0, 1 << 20);
    if (w.last < w.first)
      n["last"].fail("must be at least first (" + std::to_string(w.first) + ")");
    if (!n.has("weights") && !n.has("kv_cache"))
      n.fail("an entry sets `weights`, `kv_cache` or both for its layers");
    if (n.has("weights")) w.weights = workloads::weight_format_from_yaml(n["weights"]);
    if (n.has("kv_cache")) w.kv_cache = workloads::precision_bits_from_yaml(n["kv_cache"]);
    for (size_t k = 0; k < out.size(); ++k)
      if (w.first <= out[k].last && out[k].first <= w.last)
        n.fail("layers " + std::to_string(w.first) + "-" + std::to_string(w.last) +
               " overlap entry " + std::to_string(k) + " (layers " + std::to_string(out[k].first) +
               "-" + std::to_string(out[k].last) + ")");
    out.push_back(std::move(w));
  }
  return out;
}
}  // namespace

Experiment parse_experiment(const core::YamlNode& root) {
  if (!root.is_map()) root.fail("an experiment file must be a map");
  root.reject_unknown_keys({"name", "description", "workload", "mode", "training", "accelerator",
                            "fusion", "allocation", "allocation_default", "cost", "outputs",
                            "search", "few_shot", "distillation", "generate", "precision"});
  Experiment e;
  e.file = root.file();
  e.root = root;
  e.name =
      root.get_string("name", e.file.empty() ? "experiment" : fs::path(e.file).stem().string());
  e.description = root.get_string("description", "");
  e.workload = parse_workload(root.required("workload"), e.file);
  using Mode = ExperimentMode;
  const Mode mode = root.has("mode") ? experiment_mode_names().read(root["mode"]) : Mode::kTraining;
  e.training = mode == Mode::kTraining;
  if (e.workload.fold_batchnorm && mode != Mode::kInference)
    root["workload"]["fold_batchnorm"].fail(
        "BatchNorm folding is an inference transform (mode: inference); a training step updates "
        "the statistics and weights a folded BatchNorm would have merged");
  if (mode == Mode::kGenerate) {
    core::YamlNode g = root.required("generate");
    if (!g.is_map()) g.fail("must be a map {prompt_tokens, output_tokens}");
    g.reject_unknown_keys({"prompt_tokens", "output_tokens"});
    GenerateSpec spec;
    spec.node = g;
    spec.prompt_tokens = g.required("prompt_tokens").as_int(1, 1 << 24);
    // The first output token comes from the prefill; time per output token needs a decode step.
    spec.output_tokens = g.required("output_tokens").as_int(2, 1 << 24);
    e.generate = spec;
  } else if (root.has("generate")) {
    root["generate"].fail("generate needs mode: generate");
  }
  if (root.has("precision")) {
    core::YamlNode p = root["precision"];
    if (mode != Mode::kGenerate) p.fail("precision per tensor kind applies to mode: generate");
    if (!p.is_map())
      p.fail(
          "must be a map {weights, layer_weights, other_weights, activations, kv_cache} of bits");
    p.reject_unknown_keys({"weights", "layer_weights", "other_weights", "activations", "kv_cache"});
    e.precision.node = p;
    auto bits = [&](const char* key) {
      return p.has(key) ? workloads::precision_bits_from_yaml(p[key]) : 0;
    };
    if (p.has("weights")) e.precision.weights = workloads::weight_format_from_yaml(p["weights"]);
    if (p.has("layer_weights")) e.precision.layer_weights = parse_layer_weights(p["layer_weights"]);
    e.precision.other_weights = bits("other_weights");
    e.precision.activations = bits("activations");
    e.precision.kv_cache = bits("kv_cache");
  }
  if (mode == Mode::kFewShot) {
    e.few_shot = training::few_shot_from_yaml(root.required("few_shot"));
    if (e.workload.params.batch_set)
      root["workload"]["batch"].fail(
          "a few-shot episode sets the batch itself (ways·(shots + queries) images, ways·shots "
          "for fine-tuning steps)");
  } else if (root.has("few_shot")) {
    root["few_shot"].fail("few_shot needs mode: few-shot");
  }
  if (root.has("distillation")) {
    core::YamlNode d = root["distillation"];
    if (mode != Mode::kTraining) d.fail("distillation trains a student: needs mode: training");
    if (!d.is_map()) d.fail("must be a map {teacher}");
    d.reject_unknown_keys({"teacher"});
    e.teacher = parse_workload(d.required("teacher"), e.file);
    if (e.teacher->params.batch_set && e.teacher->params.batch != e.workload.params.batch)
      d["teacher"]["batch"].fail("the teacher sees the student's batch (" +
                                 std::to_string(e.workload.params.batch) + ")");
  }
  if (root.has("training")) {
    if (mode == Mode::kInference || mode == Mode::kGenerate)
      root["training"].fail("training options given but mode is " +
                            experiment_mode_names().str(mode));
    if (e.few_shot && e.few_shot->finetune_steps == 0)
      root["training"].fail(
          "training options given but the episode has no fine-tuning steps "
          "(few_shot.finetune.steps)");
    e.training_options = training::training_options_from_yaml(root["training"]);
    const training::Loss loss = e.training_options.loss;
    if (e.teacher && loss != training::Loss::kAuto && loss != training::Loss::kDistillation)
      root["training"]["loss"].fail("a distillation step's loss is the distillation loss (auto)");
    if (!e.teacher && loss == training::Loss::kDistillation)
      root["training"]["loss"].fail("the distillation loss needs distillation.teacher");
    if (e.few_shot && e.few_shot->finetune == training::FinetuneTarget::kHead)
      for (const char* key :
           {"adapters", "trainable", "frozen_weight_bits", "frozen_batchnorm", "relu_saves"})
        if (root["training"].has(key))
          root["training"][key].fail(
              "concerns the backbone, but fine-tuning a head on cached features "
              "(few_shot.finetune.trains: head) trains the head alone — use trains: backbone");
  }
  core::YamlNode acc = root.required("accelerator");
  e.accelerator = acc.as_string();
  e.accelerator_where = acc.loc();
  // `name@mode` selects a power mode; the mode itself is checked when the accelerator loads.
  std::string base = e.accelerator, suffix;
  std::error_code ec;
  if (!fs::exists(resolve(e.accelerator, e.file), ec)) {
    const auto [name, mode] = accelerators::split_mode(e.accelerator);
    if (name != e.accelerator) base = name, suffix = "@" + mode;
  }
  std::string resolved = resolve(base, e.file);
  if (fs::exists(resolved, ec)) {
    e.accelerator = resolved + suffix;
  } else {
    bool known = false;
    std::string list;
    for (auto& p : accelerators::preset_names()) {
      known = known || p == base;
      list += (list.empty() ? "" : ", ") + p;
    }
    if (!known) acc.fail("neither an accelerator file nor a preset (presets: " + list + ")");
  }
  e.plan = parse_plan(root["fusion"], e.plan_name, e.tiles_where, e.starts_where);
  e.plan.allocation = parse_allocation(root["allocation"]);
  if (root.has("allocation_default"))
    e.plan.allocation_default = allocation_default_names().read(root["allocation_default"]);
  if (root.has("cost")) {
    core::YamlNode c = root["cost"];
    c.reject_unknown_keys({"objective", "cim_written_fraction"});
    if (c.has("objective")) e.cost.objective = mapping::objective_names().read(c["objective"]);
    if (c.has("cim_written_fraction")) {
      double f = c["cim_written_fraction"].as_double();
      if (auto rule = accelerators::written_fraction_rule_break(f); !rule.empty())
        c["cim_written_fraction"].fail(rule);
      e.cost.written_fraction = f;
    }
  }
  if (root.has("outputs")) {
    root["outputs"].reject_unknown_keys({"dir"});
    e.output_dir = resolve(root["outputs"].get_string("dir", ""), "");
  }
  return e;
}

Experiment load_experiment(const std::string& path) {
  return parse_experiment(core::load_yaml_file(path));
}

Experiment load_experiment(const std::string& path,
                           const std::vector<core::YamlOverride>& overrides) {
  Experiment e = parse_experiment(core::apply_overrides(core::load_yaml_file(path), overrides));
  // Removals only clear what a set value replaces (a search budget): not listed.
  for (const auto& o : overrides)
    if (o.value) e.overrides.push_back(o.path + "=" + *o.value);
  return e;
}

Experiment parse_experiment_yaml(const std::string& text, const std::string& name) {
  return parse_experiment(core::parse_yaml(text, name));
}

workloads::Graph build_forward(const WorkloadSpec& w) {
  if (!w.file.empty()) {
    // A file that cannot be read is reported at the experiment line that names it; errors
    // inside the file point into the file itself.
    std::error_code ec;
    if (!fs::is_regular_file(w.file, ec))
      throw core::ConfigError(
          w.where, "workload.file", w.file,
          ec ? "cannot read the workload file: " + ec.message() : "no such workload file");
    return workloads::load_workload_file(w.file, w.params);
  }
  if (!w.onnx.empty()) {
    workloads::OnnxOptions o;
    if (w.params.batch_set) o.batch = w.params.batch;
    if (w.params.elem_bits_set) o.element_bits = w.params.elem_bits;
    try {
      return workloads::import_onnx(w.onnx, o).graph;
    } catch (const core::ConfigError&) {
      throw;
    } catch (const core::Error& e) {
      throw core::ConfigError(w.where, "workload.onnx", w.onnx, e.what());
    }
  }
  try {
    return workloads::build_model(w.model, w.params);
  } catch (const core::ConfigError&) {
    throw;
  } catch (const core::Error& e) {
    throw core::ConfigError(w.where, "workload.model", w.model, e.what());
  }
}

void check_plan_fits(const Experiment& e, const workloads::Graph& forward) {
  // Experiments edited in code (Python) did not pass the parser: the spec's own rules too.
  std::vector<PlanRuleBreak> broken = plan_rule_breaks(e.plan);
  for (auto& b : plan_fit_breaks(e.plan, forward)) broken.push_back(std::move(b));
  core::IssueList issues;
  for (const auto& b : broken)
    issues.add(b.field == "starts" ? e.starts_where : e.tiles_where, "fusion." + b.field, b.value,
               b.rule);
  issues.throw_if_any();
}

void use_running_statistics(workloads::Graph& g) {
  // Inference BatchNorm uses running statistics: a scale and a shift per element, not the
  // statistics pass that training-mode BatchNorm (the builders' default) performs.
  for (const auto& op : g.ops())
    if (op.kind == workloads::OpKind::kBatchNorm)
      g.mutable_op(op.id).ops_per_element = training::kRunningBatchNormOps;
}

namespace {
training::TrainingStep distillation_step(const Experiment& e, const workloads::Graph& student) {
  // The teacher sees the student's batch: the batch of its first input.
  WorkloadSpec t = *e.teacher;
  t.params.batch = student.tensor(student.inputs().at(0)).shape.at(0);
  t.params.batch_set = true;
  workloads::Graph teacher = build_forward(t);
  try {
    return training::expand_distillation(student, teacher, e.training_options);
  } catch (const core::ConfigError&) {
    throw;
  } catch (const core::Error& err) {
    throw core::ConfigError(e.teacher->where, "distillation.teacher", teacher.name(), err.what());
  }
}
}  // namespace

FusionPlan experiment_plan(const Experiment& e, const Simulation& sim) {
  try {
    return sim.plan(e.plan);
  } catch (const core::ConfigError& err) {
    // Rules of the experiment's own allocation section carry their lines already.
    for (const auto& issue : err.issues())
      if (issue.where.line > 0) throw;
    throw core::ConfigError(e.accelerator_where, "accelerator", e.accelerator, err.what());
  }
}

Prepared prepare(const Experiment& e) {
  if (e.generate)
    throw core::Error("experiment '" + e.name +
                      "' generates tokens (mode: generate): run it as a whole with `monet-sim run` "
                      "or monet.simulate in Python (fusion::run_generation)");
  if (e.few_shot)
    throw core::Error("experiment '" + e.name +
                      "' is a few-shot episode (mode: few-shot): run it as a whole with `monet-sim "
                      "run` or monet.simulate in Python (fusion::run_episode)");
  workloads::Graph forward = build_forward(e.workload);
  Prepared out;
  out.forward_op_count = static_cast<int>(forward.ops().size());
  check_plan_fits(e, forward);
  workloads::Graph graph = std::move(forward);
  if (!e.training) use_running_statistics(graph);
  if (e.workload.fold_batchnorm) {
    out.folded = workloads::fold_batchnorm(graph);
    out.forward_op_count = static_cast<int>(graph.ops().size());
  }
  if (e.training) {
    try {
      training::TrainingStep step =
          e.teacher ? distillation_step(e, graph) : training::expand(graph, e.training_options);
      out.training_memory = step.memory;
      out.training = training::training_summary(step);
      out.forward_op_count = step.forward_op_count;  // adapters add forward ops
      graph = std::move(step.graph);
    } catch (const core::ConfigError&) {
      throw;
    } catch (const core::Error& err) {
      throw core::ConfigError(e.workload.where, "workload", "",
                              std::string("cannot be trained (mode: training): ") + err.what());
    }
  }
  accelerators::Accelerator acc;
  try {
    acc = accelerators::load_accelerator(e.accelerator);
  } catch (const core::ConfigError& err) {
    // Errors inside the accelerator file carry its lines; one about the file as a whole
    // (unreadable, not a description) is reported at the experiment line naming it.
    bool located = false;
    for (const auto& issue : err.issues()) located = located || issue.where.line > 0;
    if (located) throw;
    throw core::ConfigError(e.accelerator_where, "accelerator", e.accelerator, err.what());
  } catch (const core::Error& err) {
    throw core::ConfigError(e.accelerator_where, "accelerator", e.accelerator, err.what());
  }
  out.sim = std::make_unique<Simulation>(std::move(graph), std::move(acc), e.cost);
  return out;
}

}  // namespace monet::fusion
