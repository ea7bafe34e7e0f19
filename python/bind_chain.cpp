// Activation checkpointing on chains: extract_chain, plans, the step-by-step evaluation, the
// exact (recompute cost, peak memory) front and the store-all / √n baselines.
#include "python/bindings.hpp"
#include "training/chain.hpp"
#include "training/checkpoint_dp.hpp"

namespace monet::python {

namespace {
using namespace monet::training;

std::vector<bool> to_bools(const std::vector<char>& v) {
  return {v.begin(), v.end()};
}
std::vector<char> to_chars(const std::vector<bool>& v) {
  return {v.begin(), v.end()};
}
}  // namespace

void bind_chain(py::module_& m) {
  py::class_<ChainTensor>(m, "ChainTensor")
      .def_readonly("name", &ChainTensor::name)
      .def_readonly("bytes", &ChainTensor::bytes)
      .def("__repr__", [](const ChainTensor& t) {
        return "<ChainTensor " + t.name + " " + std::to_string(t.bytes) + " B>";
      });
  py::class_<ChainElement>(m, "ChainElement",
                           "One element e_i of a chain: cost f_i, saved_cost g_i, output a_{i+1}, "
                           "saved tensors s_i.")
      .def_readonly("name", &ChainElement::name)
      .def_readonly("cost", &ChainElement::cost)
      .def_readonly("saved_cost", &ChainElement::saved_cost)
      .def_readonly("output_name", &ChainElement::output_name)
      .def_readonly("output_bytes", &ChainElement::output_bytes)
      .def_readonly("saved", &ChainElement::saved)
      .def_readonly("ops", &ChainElement::ops)
      .def_property_readonly("saved_bytes", &ChainElement::saved_bytes);
  py::class_<Chain>(m, "Chain", "A chain view of a forward graph for checkpointing (chain.hpp).")
      .def_readonly("name", &Chain::name)
      .def_readonly("cost_unit", &Chain::cost_unit)
      .def_readonly("input_name", &Chain::input_name)
      .def_readonly("input_bytes", &Chain::input_bytes)
      .def_readonly("elements", &Chain::elements)
      .def("__len__", &Chain::size)
      .def("total_cost", &Chain::total_cost, "One forward pass, in cost_unit.")
      .def("to_dict", [](const Chain& c) { return to_python(chain_json(c)); })
      .def("__repr__", [](const Chain& c) {
        return "<Chain " + c.name + ": " + std::to_string(c.size()) + " elements>";
      });

  py::class_<ChainPlan>(m, "ChainPlan",
                        "Which boundaries and saved tensors a checkpoint plan keeps.")
      .def(py::init<>())
      .def_property(
          "granularity",
          [](const ChainPlan& p) { return std::string(granularity_name(p.granularity)); },
          [](ChainPlan& p, const std::string& s) { p.granularity = parse_granularity(s); })
      .def_property(
          "keep_boundary", [](const ChainPlan& p) { return to_bools(p.keep_boundary); },
          [](ChainPlan& p, const std::vector<bool>& v) { p.keep_boundary = to_chars(v); },
          "n-1 flags: keep a_{i+1}, the output of e_i.")
      .def_property(
          "keep_saved",
          [](const ChainPlan& p) {
            std::vector<std::vector<bool>> out;
            for (const auto& v : p.keep_saved) out.push_back(to_bools(v));
            return out;
          },
          [](ChainPlan& p, const std::vector<std::vector<bool>>& v) {
            p.keep_saved.clear();
            for (const auto& x : v) p.keep_saved.push_back(to_chars(x));
          },
          "Per element: one flag (block) or one per saved tensor (activation).");

  py::class_<ChainEvaluation>(m, "ChainEvaluation")
      .def_readonly("recompute_cost", &ChainEvaluation::recompute_cost)
      .def_readonly("peak_bytes", &ChainEvaluation::peak_bytes)
      .def_readonly("peak_element", &ChainEvaluation::peak_element)
      .def_readonly("peak_in_backward", &ChainEvaluation::peak_in_backward)
      .def_readonly("kept_bytes", &ChainEvaluation::kept_bytes)
      .def_property_readonly("recomputed",
                             [](const ChainEvaluation& e) { return to_bools(e.recomputed); })
      .def("__repr__", [](const ChainEvaluation& e) {
        return "<ChainEvaluation recompute_cost=" + std::to_string(e.recompute_cost) +
               " peak_bytes=" + std::to_string(e.peak_bytes) + ">";
      });

  py::class_<FrontPoint>(m, "FrontPoint")
      .def_readonly("recompute_cost", &FrontPoint::recompute_cost)
      .def_readonly("peak_bytes", &FrontPoint::peak_bytes)
      .def_readonly("plan", &FrontPoint::plan);
  py::class_<CheckpointFront>(m, "CheckpointFront")
      .def_readonly("points", &CheckpointFront::points,
                    "Pareto points: cost ascending, memory descending.")
      .def_readonly("labels", &CheckpointFront::labels);
  py::class_<ChainBaseline>(m, "ChainBaseline")
      .def_readonly("name", &ChainBaseline::name)
      .def_readonly("plan", &ChainBaseline::plan)
      .def_readonly("evaluation", &ChainBaseline::evaluation);

  m.def("extract_chain", &extract_chain, py::arg("forward"), py::arg("options") = TrainingOptions{},
        py::arg("op_costs") = std::vector<int64_t>{}, py::arg("cost_unit") = "MACs",
        py::call_guard<py::gil_scoped_release>(),
        "The chain of a forward graph (sizes from expand(forward, options)).");
  m.def("make_chain", &make_chain, py::arg("input_bytes"), py::arg("cost"), py::arg("output_bytes"),
        py::arg("saved_bytes"), "A synthetic chain.");
  m.def(
      "uniform_plan",
      [](const Chain& c, const std::string& g, bool keep) {
        return uniform_plan(c, parse_granularity(g), keep);
      },
      py::arg("chain"), py::arg("granularity") = "block", py::arg("keep") = true);
  m.def(
      "plan_gene_count",
      [](const Chain& c, const std::string& g) { return plan_gene_count(c, parse_granularity(g)); },
      py::arg("chain"), py::arg("granularity") = "block");
  m.def(
      "plan_from_genes",
      [](const Chain& c, const std::string& g, const std::vector<int>& genes) {
        return plan_from_genes(c, parse_granularity(g), genes);
      },
      py::arg("chain"), py::arg("granularity"), py::arg("genes"));
  m.def("plan_genes", &plan_genes, py::arg("plan"));
  m.def("plan_str", &plan_str, py::arg("chain"), py::arg("plan"));
  m.def(
      "to_checkpoint_plan",
      [](const Chain& c, const ChainPlan& p) { return to_checkpoint_plan(c, p).names; },
      py::arg("chain"), py::arg("plan"),
      "Names of the tensors the plan drops (TrainingOptions.checkpoint accepts the list).");
  m.def("evaluate_chain_plan", &evaluate_chain_plan, py::arg("chain"), py::arg("plan"),
        py::call_guard<py::gil_scoped_release>());
  m.def(
      "checkpoint_front",
      [](const Chain& c, const std::string& g) {
        return checkpoint_front(c, parse_granularity(g));
      },
      py::arg("chain"), py::arg("granularity") = "block", py::call_guard<py::gil_scoped_release>(),
      "The exact Pareto front of (recompute cost, peak bytes), by dynamic programming.");
  m.def("best_within_budget", &best_within_budget, py::arg("front"), py::arg("budget_bytes"));
  m.def(
      "sqrt_plan",
      [](const Chain& c, const std::string& g) { return sqrt_plan(c, parse_granularity(g)); },
      py::arg("chain"), py::arg("granularity") = "block");
  m.def(
      "store_all_plan",
      [](const Chain& c, const std::string& g) { return store_all_plan(c, parse_granularity(g)); },
      py::arg("chain"), py::arg("granularity") = "block");
  m.def(
      "checkpoint_baselines",
      [](const Chain& c, const std::string& g) {
        return checkpoint_baselines(c, parse_granularity(g));
      },
      py::arg("chain"), py::arg("granularity") = "block");
  m.def(
      "checkpoint_front_json",
      [](const Chain& c, const std::string& g, const CheckpointFront& f) {
        Granularity gr = parse_granularity(g);
        return to_python(checkpoint_front_json(c, gr, f, checkpoint_baselines(c, gr)));
      },
      py::arg("chain"), py::arg("granularity"), py::arg("front"),
      "The `monet-sim checkpoint-front` document (monet.checkpoint_front/1) as a dict.");
}

}  // namespace monet::python
