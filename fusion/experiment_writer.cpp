#include "fusion/experiment_writer.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <filesystem>
#include <sstream>
#include <system_error>

#include "fusion/names.hpp"
#include "training/adapters.hpp"

namespace monet::fusion {

namespace fs = std::filesystem;

namespace {

// The shortest text that reads back as the same double.
std::string number(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

YAML::Node flow(YAML::Node n) {
  n.SetStyle(YAML::EmitterStyle::Flow);
  return n;
}

YAML::Node string_list(const std::vector<std::string>& items) {
  YAML::Node n(YAML::NodeType::Sequence);
  for (const auto& s : items) n.push_back(s);
  return flow(n);
}

std::string absolute(const std::string& path) {
  return path.empty() ? path : fs::absolute(path).lexically_normal().string();
}

// A preset name stays a name; anything parse_experiment resolved to a file becomes absolute.
std::string accelerator_reference(const std::string& acc) {
  std::error_code ec;
  return fs::exists(acc, ec) ? absolute(acc) : acc;
}

YAML::Node workload_node(const WorkloadSpec& w) {
  YAML::Node n(YAML::NodeType::Map);
  if (!w.model.empty()) n["model"] = w.model;
  if (!w.file.empty()) n["file"] = absolute(w.file);
  if (!w.onnx.empty()) n["onnx"] = absolute(w.onnx);
  if (w.params.batch_set) n["batch"] = w.params.batch;
  if (w.params.seq) n["seq"] = w.params.seq;
  if (w.params.elem_bits_set) n["element_bits"] = w.params.elem_bits;
  if (w.fold_batchnorm) n["fold_batchnorm"] = true;
  return flow(n);
}

YAML::Node training_node(const training::TrainingOptions& t) {
  YAML::Node n(YAML::NodeType::Map);
  n["loss"] = std::string(training::loss_name(t.loss));
  n["optimizer"] = std::string(training::optimizer_name(t.optimizer));
  // Sizes only when set: 0 follows the workload's element size.
  if (t.activation_bits) n["activation_bits"] = t.activation_bits;
  if (t.weight_bits) n["weight_bits"] = t.weight_bits;
  if (t.gradient_bits) n["gradient_bits"] = t.gradient_bits;
  if (t.optimizer_state_bits) n["optimizer_state_bits"] = t.optimizer_state_bits;
  if (t.checkpoint.kind == training::CheckpointKind::kExplicit)
    n["checkpoint"] = string_list(t.checkpoint.names);
  else
    n["checkpoint"] = t.checkpoint.str();
  // The keys below only when set: a head-only fine-tuning episode refuses them.
  if (t.trainable.policy == training::TrainablePolicy::kPatterns)
    n["trainable"] = string_list(t.trainable.patterns);
  else if (t.trainable.policy != training::TrainablePolicy::kDefault)
    n["trainable"] = t.trainable.str();
  if (t.frozen_weight_bits) n["frozen_weight_bits"] = t.frozen_weight_bits;
  if (t.frozen_batchnorm != training::TrainingOptions{}.frozen_batchnorm)
    n["frozen_batchnorm"] = std::string(training::frozen_batchnorm_name(t.frozen_batchnorm));
  if (t.relu_saves != training::TrainingOptions{}.relu_saves)
    n["relu_saves"] = std::string(training::relu_saves_name(t.relu_saves));
  if (!t.adapters.empty()) {
    YAML::Node list(YAML::NodeType::Sequence);
    for (const auto& a : t.adapters) {
      YAML::Node m(YAML::NodeType::Map);
      m["kind"] = std::string(training::adapter_kind_name(a.kind));
      switch (a.kind) {
        case training::AdapterKind::kLora:
          m["rank"] = a.rank;
          if (a.alpha > 0) m["alpha"] = number(a.alpha);
          break;
        case training::AdapterKind::kDa3:
          m["pool"] = a.pool;
          break;
        case training::AdapterKind::kLiteResidual:
          m["downsample"] = a.downsample;
          m["kernel"] = a.kernel;
          m["groups"] = a.groups;
          m["expand"] = number(a.expand);
          break;
      }
      m["targets"] = string_list(a.targets);
      list.push_back(flow(m));
    }
    n["adapters"] = list;
  }
  return n;
}

YAML::Node few_shot_node(const training::FewShotSpec& f) {
  YAML::Node n(YAML::NodeType::Map);
  n["ways"] = f.ways;
  n["shots"] = f.shots;
  n["queries"] = f.queries;
  if (!f.features.empty()) n["features"] = f.features;
  if (f.finetune_steps || f.finetune != training::FewShotSpec{}.finetune) {
    YAML::Node ft(YAML::NodeType::Map);
    ft["steps"] = f.finetune_steps;
    ft["trains"] = std::string(training::finetune_target_name(f.finetune));
    n["finetune"] = flow(ft);
  }
  return n;
}

YAML::Node fusion_node(const Experiment& e) {
  const PlanSpec& p = e.plan;
  YAML::Node n(YAML::NodeType::Map);
  n["stacks"] = e.plan_name;
  if (p.ops_per_stack != PlanSpec{}.ops_per_stack) n["ops_per_stack"] = p.ops_per_stack;
  if (!p.stack_tiles.empty()) {
    YAML::Node t(YAML::NodeType::Sequence);
    for (int x : p.stack_tiles) t.push_back(x);
    n["tiles"] = flow(t);
  } else {
    n["tiles"] = p.tiles;
  }
  if (!p.starts.empty()) n["starts"] = string_list(p.starts);
  if (!p.mirror_backward) n["backward"] = backward_stack_names().str(false);
  return n;
}

YAML::Node allocation_node(const std::vector<AllocationRule>& rules) {
  YAML::Node list(YAML::NodeType::Sequence);
  for (const auto& r : rules) {
    YAML::Node m(YAML::NodeType::Map);
    if (!r.name_pattern.empty()) m["ops"] = r.name_pattern;
    if (!r.kind.empty()) m["kind"] = r.kind;
    if (!r.pass.empty()) m["pass"] = r.pass;
    m["cores"] = string_list(r.cores);
    list.push_back(flow(m));
  }
  return list;
}

std::string mode_name(const Experiment& e) {
  return experiment_mode_names().str(experiment_mode(e));
}

std::string dump(const YAML::Node& n) {
  YAML::Emitter out;
  out << n;
  return out.c_str();
}

}  // namespace

std::string write_experiment_yaml(const Experiment& e, const std::string& header) {
  YAML::Node root(YAML::NodeType::Map);
  root["name"] = e.name;
  if (!e.description.empty()) root["description"] = e.description;
  root["workload"] = workload_node(e.workload);
  root["mode"] = mode_name(e);
  if (e.few_shot) root["few_shot"] = few_shot_node(*e.few_shot);
  if (e.generate) {
    YAML::Node g(YAML::NodeType::Map);
    g["prompt_tokens"] = e.generate->prompt_tokens;
    g["output_tokens"] = e.generate->output_tokens;
    root["generate"] = flow(g);
  }
  if (e.precision.any()) {
    YAML::Node p(YAML::NodeType::Map);
    if (e.precision.weights.set())
      p["weights"] = workloads::weight_format_yaml(e.precision.weights);
    if (!e.precision.layer_weights.empty()) {
      YAML::Node list(YAML::NodeType::Sequence);
      for (const auto& w : e.precision.layer_weights) {
        YAML::Node m(YAML::NodeType::Map);
        m["first"] = w.first;
        m["last"] = w.last;
        if (w.weights.set()) m["weights"] = workloads::weight_format_yaml(w.weights);
        if (w.kv_cache) m["kv_cache"] = w.kv_cache;
        list.push_back(flow(m));
      }
      p["layer_weights"] = list;
    }
    if (e.precision.other_weights) p["other_weights"] = e.precision.other_weights;
    if (e.precision.activations) p["activations"] = e.precision.activations;
    if (e.precision.kv_cache) p["kv_cache"] = e.precision.kv_cache;
    root["precision"] = e.precision.layer_weights.empty() ? flow(p) : p;
  }
  if (e.teacher) {
    YAML::Node d(YAML::NodeType::Map);
    d["teacher"] = workload_node(*e.teacher);
    root["distillation"] = d;
  }
  if (e.training || (e.few_shot && e.few_shot->finetune_steps > 0))
    root["training"] = training_node(e.training_options);
  root["accelerator"] = accelerator_reference(e.accelerator);
  root["fusion"] = fusion_node(e);
  if (!e.plan.allocation.empty()) root["allocation"] = allocation_node(e.plan.allocation);
  root["allocation_default"] = allocation_default_names().str(e.plan.allocation_default);
  YAML::Node cost(YAML::NodeType::Map);
  cost["objective"] = mapping::objective_name(e.cost.objective);
  if (e.cost.written_fraction >= 0) cost["cim_written_fraction"] = number(e.cost.written_fraction);
  root["cost"] = flow(cost);
  if (!e.output_dir.empty()) {
    YAML::Node out(YAML::NodeType::Map);
    out["dir"] = absolute(e.output_dir);
    root["outputs"] = flow(out);
  }
  if (e.root.defined() && e.root.is_map() && e.root.has("search"))
    root["search"] = YAML::Clone(e.root["search"].raw());
  std::string text;
  if (!header.empty()) {
    std::istringstream lines(header);
    for (std::string line; std::getline(lines, line);) text += "# " + line + "\n";
  }
  return text + dump(root) + "\n";
}

namespace {

bool same_path(const std::string& a, const std::string& b) {
  return absolute(a) == absolute(b);
}

bool same_workload(const WorkloadSpec& a, const WorkloadSpec& b) {
  return a.model == b.model && same_path(a.file, b.file) && same_path(a.onnx, b.onnx) &&
         a.params.batch == b.params.batch && a.params.seq == b.params.seq &&
         a.params.elem_bits == b.params.elem_bits && a.params.batch_set == b.params.batch_set &&
         a.params.elem_bits_set == b.params.elem_bits_set && a.fold_batchnorm == b.fold_batchnorm;
}

bool same_adapter(const training::AdapterSpec& a, const training::AdapterSpec& b) {
  return a.kind == b.kind && a.targets == b.targets && a.rank == b.rank && a.alpha == b.alpha &&
         a.pool == b.pool && a.downsample == b.downsample && a.kernel == b.kernel &&
         a.groups == b.groups && a.expand == b.expand;
}

bool same_training(const training::TrainingOptions& a, const training::TrainingOptions& b) {
  if (a.adapters.size() != b.adapters.size()) return false;
  for (size_t i = 0; i < a.adapters.size(); ++i)
    if (!same_adapter(a.adapters[i], b.adapters[i])) return false;
  return a.loss == b.loss && a.optimizer == b.optimizer && a.activation_bits == b.activation_bits &&
         a.weight_bits == b.weight_bits && a.gradient_bits == b.gradient_bits &&
         a.optimizer_state_bits == b.optimizer_state_bits &&
         a.checkpoint.kind == b.checkpoint.kind && a.checkpoint.every == b.checkpoint.every &&
         a.checkpoint.names == b.checkpoint.names && a.trainable.policy == b.trainable.policy &&
         a.trainable.last_blocks == b.trainable.last_blocks &&
         a.trainable.patterns == b.trainable.patterns &&
         a.frozen_weight_bits == b.frozen_weight_bits && a.frozen_batchnorm == b.frozen_batchnorm &&
         a.relu_saves == b.relu_saves;
}

bool same_plan(const PlanSpec& a, const PlanSpec& b) {
  if (a.allocation.size() != b.allocation.size()) return false;
  for (size_t i = 0; i < a.allocation.size(); ++i) {
    const auto &x = a.allocation[i], &y = b.allocation[i];
    if (x.name_pattern != y.name_pattern || x.kind != y.kind || x.pass != y.pass ||
        x.cores != y.cores)
      return false;
  }
  return a.rule == b.rule && a.ops_per_stack == b.ops_per_stack && a.tiles == b.tiles &&
         a.starts == b.starts && a.stack_tiles == b.stack_tiles &&
         a.mirror_backward == b.mirror_backward && a.allocation_default == b.allocation_default;
}

bool same_few_shot(const std::optional<training::FewShotSpec>& a,
                   const std::optional<training::FewShotSpec>& b) {
  if (!a || !b) return !a && !b;
  return a->ways == b->ways && a->shots == b->shots && a->queries == b->queries &&
         a->features == b->features && a->finetune_steps == b->finetune_steps &&
         a->finetune == b->finetune;
}

std::string search_text(const Experiment& e) {
  if (!e.root.defined() || !e.root.is_map() || !e.root.has("search")) return "";
  return dump(e.root["search"].raw());
}

}  // namespace

bool same_experiment(const Experiment& a, const Experiment& b) {
  return a.name == b.name && a.description == b.description &&
         same_workload(a.workload, b.workload) && a.training == b.training &&
         same_training(a.training_options, b.training_options) &&
         accelerator_reference(a.accelerator) == accelerator_reference(b.accelerator) &&
         a.plan_name == b.plan_name && same_plan(a.plan, b.plan) &&
         a.cost.objective == b.cost.objective &&
         a.cost.written_fraction == b.cost.written_fraction &&
         a.cost.weights_resident == b.cost.weights_resident &&
         same_path(a.output_dir, b.output_dir) && same_few_shot(a.few_shot, b.few_shot) &&
         (a.teacher.has_value() == b.teacher.has_value()) &&
         (!a.teacher || same_workload(*a.teacher, *b.teacher)) &&
         a.generate.has_value() == b.generate.has_value() &&
         (!a.generate || (a.generate->prompt_tokens == b.generate->prompt_tokens &&
                          a.generate->output_tokens == b.generate->output_tokens)) &&
         a.precision.weights == b.precision.weights &&
         a.precision.layer_weights == b.precision.layer_weights &&
         a.precision.other_weights == b.precision.other_weights &&
         a.precision.activations == b.precision.activations &&
         a.precision.kv_cache == b.precision.kv_cache && search_text(a) == search_text(b);
}

ExperimentMode experiment_mode(const Experiment& e) {
  if (e.few_shot) return ExperimentMode::kFewShot;
  if (e.generate) return ExperimentMode::kGenerate;
  return e.training ? ExperimentMode::kTraining : ExperimentMode::kInference;
}

}  // namespace monet::fusion
