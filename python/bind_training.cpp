// Training expansion: TrainingOptions, expand → TrainingStep, its memory report and the
// monet.training/1 document.
#include <map>
#include <string>
#include <variant>

#include "core/error.hpp"
#include "python/bindings.hpp"
#include "training/checkpoint.hpp"
#include "training/expand.hpp"
#include "training/options.hpp"
#include "training/report.hpp"

namespace monet::python {

namespace {
using training::CheckpointPlan;
using training::TrainingOptions;
using training::TrainingStep;

// A checkpoint plan from Python: the text forms of parse_checkpoint_plan, or a list of the
// forward activations to drop.
CheckpointPlan plan_from(const std::variant<std::string, std::vector<std::string>>& v) {
  if (const auto* text = std::get_if<std::string>(&v))
    return training::parse_checkpoint_plan(*text);
  CheckpointPlan p;
  p.kind = training::CheckpointKind::kExplicit;
  p.names = std::get<std::vector<std::string>>(v);
  return p;
}

py::dict memory_dict(const training::MemoryReport& m) {
  py::dict d;
  d["parameter_bytes"] = m.parameter_bytes;
  d["gradient_bytes"] = m.gradient_bytes;
  d["optimizer_state_bytes"] = m.optimizer_state_bytes;
  d["saved_activation_bytes"] = m.saved_activation_bytes;
  d["sequential_peak_bytes"] = m.sequential_peak_bytes;
  d["peak_op"] = m.peak_op;
  return d;
}

std::vector<std::string> tensor_names(const workloads::Graph& g, const std::vector<int>& ids) {
  std::vector<std::string> out;
  out.reserve(ids.size());
  for (int id : ids) out.push_back(g.tensor(id).name);
  return out;
}
}  // namespace

void bind_training(py::module_& m) {
  py::class_<TrainingOptions>(m, "TrainingOptions",
                              "Options of the forward → training-step expansion.")
      .def(py::init<>())
      .def_property(
          "loss", [](const TrainingOptions& o) { return std::string(training::loss_name(o.loss)); },
          [](TrainingOptions& o, const std::string& s) { o.loss = training::parse_loss(s); },
          "auto | cross-entropy | next-token-cross-entropy | mse")
      .def_property(
          "optimizer",
          [](const TrainingOptions& o) {
            return std::string(training::optimizer_name(o.optimizer));
          },
          [](TrainingOptions& o, const std::string& s) {
            o.optimizer = training::parse_optimizer(s);
          },
          "sgd | momentum | adam | adamw")
      .def_readwrite("activation_bits", &TrainingOptions::activation_bits)
      .def_readwrite("weight_bits", &TrainingOptions::weight_bits)
      .def_readwrite("gradient_bits", &TrainingOptions::gradient_bits)
      .def_readwrite("optimizer_state_bits", &TrainingOptions::optimizer_state_bits)
      .def_property(
          "checkpoint", [](const TrainingOptions& o) { return o.checkpoint.str(); },
          [](TrainingOptions& o, const std::variant<std::string, std::vector<std::string>>& v) {
            o.checkpoint = plan_from(v);
          },
          "none | all-but-inputs-of-blocks | sqrt | every:K | drop:a,b — or a list of tensor "
          "names to drop. Reads back in the text form.")
      .def_property(
          "trainable", [](const TrainingOptions& o) { return o.trainable.str(); },
          [](TrainingOptions& o, const std::variant<std::string, std::vector<std::string>>& v) {
            if (const auto* text = std::get_if<std::string>(&v)) {
              o.trainable = training::parse_trainable(*text);
              return;
            }
            training::TrainableSpec s;
            s.policy = training::TrainablePolicy::kPatterns;
            s.patterns = std::get<std::vector<std::string>>(v);
            if (s.patterns.empty()) throw core::Error("trainable: an empty list selects nothing");
            o.trainable = s;
          },
          "default | all | none | last:N | bias-only | norm-only | op-name globs (a comma list "
          "or a Python list; block:GLOB matches block names). Reads back in the text form.")
      .def_readwrite("frozen_weight_bits", &TrainingOptions::frozen_weight_bits,
                     "Bits per frozen parameter element; 0 = weight_bits")
      .def_property(
          "frozen_batchnorm",
          [](const TrainingOptions& o) {
            return std::string(training::frozen_batchnorm_name(o.frozen_batchnorm));
          },
          [](TrainingOptions& o, const std::string& s) {
            o.frozen_batchnorm = training::parse_frozen_batchnorm(s);
          },
          "batch-statistics | running-statistics")
      .def_property(
          "relu_saves",
          [](const TrainingOptions& o) {
            return std::string(training::relu_saves_name(o.relu_saves));
          },
          [](TrainingOptions& o, const std::string& s) {
            o.relu_saves = training::parse_relu_saves(s);
          },
          "output | mask: what a ReLU keeps for its backward")
      .def_property(
          "adapters",
          [](const TrainingOptions& o) {
            std::vector<std::string> out;
            for (const auto& a : o.adapters) out.push_back(a.str());
            return out;
          },
          [](TrainingOptions& o, const std::string& yaml) {
            o.adapters = training::parse_adapters(yaml, "adapters");
          },
          "Set from YAML/JSON text (a list of {kind, targets, ...}; monet.training.options "
          "accepts dicts); reads back one description per adapter.")
      .def("copy", [](const TrainingOptions& o) { return TrainingOptions(o); })
      .def("__repr__", [](const TrainingOptions& o) {
        return "<TrainingOptions optimizer=" + std::string(training::optimizer_name(o.optimizer)) +
               " loss=" + std::string(training::loss_name(o.loss)) +
               " activation_bits=" + std::to_string(o.activation_bits) +
               " checkpoint=" + o.checkpoint.str() + ">";
      });

  py::class_<TrainingStep>(m, "TrainingStep", "A training-step graph made by expand().")
      .def_readonly("graph", &TrainingStep::graph)
      .def_property_readonly(
          "saved_tensors",
          [](const TrainingStep& s) { return tensor_names(s.graph, s.saved_tensors); },
          "Names of the forward activations kept for backward.")
      .def_property_readonly(
          "memory", [](const TrainingStep& s) { return memory_dict(s.memory); },
          "Memory report in bytes (parameters, gradients, optimizer state, "
          "saved activations, sequential peak).")
      .def_readonly("loss_op", &TrainingStep::loss_op)
      .def_property_readonly(
          "loss", [](const TrainingStep& s) { return std::string(training::loss_name(s.loss)); })
      .def_readonly("forward_op_count", &TrainingStep::forward_op_count)
      .def_readonly("parameters", &TrainingStep::parameters)
      .def_readonly("trainable_parameters", &TrainingStep::trainable_parameters)
      .def_readonly("trainable", &TrainingStep::trainable)
      .def_property_readonly(
          "precision",
          [](const TrainingStep& s) {
            return training::precision_json(s.precision).get<std::map<std::string, int>>();
          },
          "Element sizes used (bits): activation, weight, gradient, optimizer state, frozen "
          "weight — the workload's where the options left 0")
      .def_property_readonly(
          "adapter_parameters",
          [](const TrainingStep& s) { return tensor_names(s.graph, s.adapter_parameters); },
          "Names of the parameters the adapters added.")
      .def(
          "saved_by",
          [](const TrainingStep& s, int forward_op) {
            return tensor_names(s.graph, training::saved_by(s, forward_op));
          },
          py::arg("forward_op"), "Names of what the backward of a forward op reads.")
      .def(
          "report",
          [](const TrainingStep& s, const TrainingOptions& o) {
            return to_python(training::training_json(s, o));
          },
          py::arg("options"), "The monet.training/1 document as a dict.")
      .def("__repr__", [](const TrainingStep& s) {
        return "<TrainingStep " + s.graph.name() + ": " + std::to_string(s.graph.ops().size()) +
               " ops, " + std::to_string(s.saved_tensors.size()) + " saved tensors>";
      });

  m.def("expand", &training::expand, py::arg("forward"), py::arg("options"),
        py::call_guard<py::gil_scoped_release>(),
        "Forward graph → training step (loss, backward, recompute, optimizer).");
  m.def(
      "checkpoint_candidates",
      [](const TrainingStep& s) {
        return tensor_names(s.graph, training::checkpoint_candidates(s));
      },
      py::arg("no_plan_step"),
      "Forward activations a checkpoint plan may drop (step expanded without a plan).");
  m.def(
      "parse_checkpoint_plan",
      [](const std::string& t) { return training::parse_checkpoint_plan(t).str(); },
      py::arg("text"), "Validates a checkpoint plan text and returns its canonical form.");
}

}  // namespace monet::python
