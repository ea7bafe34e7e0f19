// Workload graphs: Graph / Op / Tensor (read-only views), the built-in model builders, YAML
// workload files and ONNX import.
#include <optional>

#include "core/error.hpp"
#include "python/bindings.hpp"
#include "workloads/describe.hpp"
#include "workloads/graph.hpp"
#include "workloads/models.hpp"
#include "workloads/onnx_import.hpp"
#include "workloads/yaml_workload.hpp"

namespace monet::python {

namespace {
using workloads::Graph;
using workloads::Op;
using workloads::Tensor;

std::string tensor_kind_name(workloads::TensorKind k) {
  switch (k) {
    case workloads::TensorKind::kInput:
      return "input";
    case workloads::TensorKind::kActivation:
      return "activation";
    case workloads::TensorKind::kParameter:
      return "parameter";
    case workloads::TensorKind::kGradient:
      return "gradient";
    case workloads::TensorKind::kParamGradient:
      return "param-gradient";
    case workloads::TensorKind::kOptimizerState:
      return "optimizer-state";
    case workloads::TensorKind::kLabel:
      return "label";
  }
  return "?";
}

py::object nest_sizes(const Op& op) {
  if (!op.nest) return py::none();
  py::dict d;
  for (int i = 0; i < workloads::kDimCount; ++i)
    d[py::str(std::string(workloads::dim_name(static_cast<workloads::Dim>(i))))] = op.nest->size[i];
  return d;
}

py::dict totals_dict(const Graph& g) {
  workloads::GraphTotals t = g.totals();
  py::dict d;
  d["parameters"] = t.parameters;
  d["parameter_bytes"] = t.parameter_bytes;
  d["macs"] = t.macs;
  d["element_ops"] = t.element_ops;
  d["activation_bytes"] = t.activation_bytes;
  d["ops"] = t.op_count;
  d["compute_ops"] = t.compute_op_count;
  return d;
}

workloads::ModelParams params(int64_t batch, int64_t seq, int elem_bits, bool batch_set) {
  workloads::ModelParams p;
  p.batch = batch;
  p.seq = seq;
  p.elem_bits = elem_bits;
  p.batch_set = batch_set;
  return p;
}

workloads::ModelParams file_params(std::optional<int64_t> batch, std::optional<int> elem_bits) {
  return params(batch.value_or(1), 0, elem_bits.value_or(32), batch.has_value());
}
}  // namespace

void bind_workloads(py::module_& m) {
  py::class_<Tensor>(m, "Tensor", "A tensor of a workload graph (read-only view).")
      .def_readonly("id", &Tensor::id)
      .def_readonly("name", &Tensor::name)
      .def_readonly("shape", &Tensor::shape)
      .def_readonly("elem_bits", &Tensor::elem_bits)
      .def_property_readonly("kind", [](const Tensor& t) { return tensor_kind_name(t.kind); })
      .def_readonly("producer", &Tensor::producer, "Op id, -1 for inputs and parameters.")
      .def_readonly("consumers", &Tensor::consumers)
      .def_property_readonly("elements", &Tensor::elements)
      .def_property_readonly("bytes", &Tensor::bytes)
      .def("__repr__", [](const Tensor& t) {
        return "<Tensor " + t.name + " " + workloads::shape_to_string(t.shape) + " " +
               tensor_kind_name(t.kind) + ">";
      });

  py::class_<Op>(m, "Op", "An op of a workload graph (read-only view).")
      .def_readonly("id", &Op::id)
      .def_readonly("name", &Op::name)
      .def_property_readonly("kind", [](const Op& o) { return std::string(op_kind_name(o.kind)); })
      .def_property_readonly(
          "pass_name", [](const Op& o) { return std::string(workloads::pass_name(o.pass)); },
          "forward, loss, backward-data, backward-weight, optimizer, recompute")
      .def_readonly("inputs", &Op::inputs, "Tensor ids.")
      .def_readonly("outputs", &Op::outputs, "Tensor ids.")
      .def_readonly("block", &Op::block)
      .def_property_readonly("macs", &Op::macs)
      .def_property_readonly("element_ops", &Op::element_ops)
      .def_readonly("elements", &Op::elements)
      .def_readonly("forward_op", &Op::forward_op)
      .def_property_readonly("is_compute", &Op::is_compute)
      .def_property_readonly(
          "nest",
          [](const Op& o) -> py::object {
            if (!o.nest) return py::none();
            return py::str(o.nest->str());
          },
          "The loop nest as text (\"B1 G1 K64 C3 OY112 ...\"), None for element-streaming ops.")
      .def_property_readonly("nest_sizes", &nest_sizes,
                             "Loop dimension sizes {B, G, K, C, OY, OX, FY, FX}, or None.")
      .def("__repr__", [](const Op& o) {
        return "<Op " + o.name + " " + std::string(op_kind_name(o.kind)) + " " +
               std::string(workloads::pass_name(o.pass)) + ">";
      });

  py::class_<Graph>(m, "Graph",
                    "A workload graph: ops in execution (topological) order joined by tensors.")
      .def_property("name", &Graph::name, &Graph::set_name)
      .def_property_readonly("ops", &Graph::ops, "Every op (copies), in execution order.")
      .def_property_readonly("tensors", &Graph::tensors, "Every tensor (copies), by id.")
      .def("op", &Graph::op, py::arg("id"), py::return_value_policy::reference_internal)
      .def("tensor", &Graph::tensor, py::arg("id"), py::return_value_policy::reference_internal)
      .def("find_op", &Graph::find_op, py::arg("name"), "Op id by name, -1 if absent.")
      .def("find_tensor", &Graph::find_tensor, py::arg("name"), "Tensor id by name, -1 if absent.")
      .def("inputs", &Graph::inputs, "Tensor ids of the graph inputs.")
      .def("outputs", &Graph::outputs, "Tensor ids produced and read by nobody.")
      .def("parameters", &Graph::parameters, "Tensor ids of the trainable parameters.")
      .def("totals", &totals_dict,
           "Totals: parameters, parameter_bytes, macs, element_ops, activation_bytes, ops, "
           "compute_ops.")
      .def(
          "describe", [](const Graph& g) { return to_python(workloads::describe_json(g)); },
          "The `monet-sim describe --json` document (schema monet.describe/1) as a dict.")
      .def("validate", &Graph::validate, "Checks the graph invariants; raises MonetError.")
      .def("copy", [](const Graph& g) { return Graph(g); })
      .def("__copy__", [](const Graph& g) { return Graph(g); })
      .def("__deepcopy__", [](const Graph& g, py::dict) { return Graph(g); })
      .def("__len__", [](const Graph& g) { return g.ops().size(); })
      .def("__repr__", [](const Graph& g) {
        return "<Graph " + g.name() + ": " + std::to_string(g.ops().size()) + " ops, " +
               std::to_string(g.tensors().size()) + " tensors>";
      });

  m.def(
      "resnet18",
      [](int64_t batch, int64_t input, int64_t classes, int elem_bits) {
        return workloads::resnet18({batch, input, classes, elem_bits});
      },
      py::arg("batch") = 1, py::arg("input") = 224, py::arg("classes") = 1000,
      py::arg("elem_bits") = 32, "ResNet-18 (torchvision) forward graph.");
  m.def(
      "resnet12",
      [](int64_t batch, std::vector<int64_t> widths, int64_t input, int elem_bits) {
        return workloads::resnet12({batch, std::move(widths), input, elem_bits});
      },
      py::arg("batch") = 1, py::arg("widths") = std::vector<int64_t>{64, 160, 320, 640},
      py::arg("input") = 84, py::arg("elem_bits") = 32, "ResNet12 few-shot backbone.");
  m.def(
      "mobilevit",
      [](const std::string& variant, int64_t batch, int64_t input, int64_t classes, int elem_bits) {
        workloads::MobileViTOptions o;
        if (variant == "xxs")
          o.variant = workloads::MobileViTVariant::kXXS;
        else if (variant == "xs")
          o.variant = workloads::MobileViTVariant::kXS;
        else if (variant == "s")
          o.variant = workloads::MobileViTVariant::kS;
        else
          throw core::Error("mobilevit: variant '" + variant + "' is not one of xxs, xs, s");
        o.batch = batch;
        o.input = input;
        o.classes = classes;
        o.elem_bits = elem_bits;
        return workloads::mobilevit(o);
      },
      py::arg("variant") = "xxs", py::arg("batch") = 1, py::arg("input") = 256,
      py::arg("classes") = 1000, py::arg("elem_bits") = 32, "MobileViT XXS / XS / S.");
  m.def(
      "gpt2",
      [](const std::string& preset, int64_t batch, std::optional<int64_t> seq,
         std::optional<int64_t> layers, std::optional<int64_t> heads,
         std::optional<int64_t> d_model, std::optional<int64_t> vocab,
         std::optional<int64_t> max_positions, bool dropout, int elem_bits) {
        workloads::Gpt2Options o = workloads::gpt2_preset(preset);
        o.batch = batch;
        if (seq) o.seq = *seq;
        if (layers) o.layers = *layers;
        if (heads) o.heads = *heads;
        if (d_model) o.d_model = *d_model;
        if (vocab) o.vocab = *vocab;
        if (max_positions) o.max_positions = *max_positions;
        o.dropout = dropout;
        o.elem_bits = elem_bits;
        // Changed dimensions are no longer the preset's model: not named as if they were.
        if (layers || heads || d_model || vocab || max_positions) o.name = "gpt2-custom";
        return workloads::gpt2(o);
      },
      py::arg("preset") = "small", py::arg("batch") = 1, py::arg("seq") = py::none(),
      py::arg("layers") = py::none(), py::arg("heads") = py::none(),
      py::arg("d_model") = py::none(), py::arg("vocab") = py::none(),
      py::arg("max_positions") = py::none(), py::arg("dropout") = false, py::arg("elem_bits") = 32,
      "GPT-2 (preset small or medium, any field overridden).");
  m.def(
      "build_model",
      [](const std::string& name, int64_t batch, int64_t seq, int elem_bits) {
        return workloads::build_model(name, params(batch, seq, elem_bits, true));
      },
      py::arg("name"), py::arg("batch") = 1, py::arg("seq") = 0, py::arg("elem_bits") = 32,
      "A built-in model by name (as `monet-sim list`); seq 0 = the model's default.");
  m.def(
      "builtin_models",
      [] {
        std::vector<std::pair<std::string, std::string>> out;
        for (const auto& i : workloads::builtin_models()) out.emplace_back(i.name, i.description);
        return out;
      },
      "(name, description) of every built-in model.");
  m.def(
      "load_workload_file",
      [](const std::string& path, std::optional<int64_t> batch, std::optional<int> elem_bits) {
        return workloads::load_workload_file(path, file_params(batch, elem_bits));
      },
      py::arg("path"), py::arg("batch") = py::none(), py::arg("elem_bits") = py::none(),
      "A workload YAML file (configs/workloads/README.md); batch replaces the file's.");
  m.def(
      "parse_workload_yaml",
      [](const std::string& text, const std::string& name, std::optional<int64_t> batch,
         std::optional<int> elem_bits) {
        return workloads::parse_workload_yaml(text, name, file_params(batch, elem_bits));
      },
      py::arg("text"), py::arg("name"), py::arg("batch") = py::none(),
      py::arg("elem_bits") = py::none(), "A workload from YAML text; `name` appears in errors.");
  m.def(
      "import_onnx",
      [](const std::string& path, int64_t batch, bool skip_unsupported, int elem_bits) {
        workloads::OnnxImport r =
            workloads::import_onnx(path, {batch, skip_unsupported, elem_bits});
        return std::make_pair(std::move(r.graph), std::move(r.warnings));
      },
      py::arg("path"), py::arg("batch") = 0, py::arg("skip_unsupported") = false,
      py::arg("elem_bits") = 0,
      "An ONNX model as a forward graph: (graph, warnings); elem_bits 0 keeps the model's types.");
}

}  // namespace monet::python
