// The NSGA-II engine (ask/tell, so Python code can score genomes), its result and the exact
// hypervolume.
#include "ga/hypervolume.hpp"
#include "ga/nsga2.hpp"
#include "ga/result.hpp"
#include "python/bindings.hpp"

namespace monet::python {

namespace {
using namespace monet::ga;

GeneGroup make_group(std::string name, std::vector<int> lower, std::vector<int> upper,
                     const std::string& crossover, const std::string& mutation) {
  GeneGroup g;
  g.name = std::move(name);
  g.lower = std::move(lower);
  g.upper = std::move(upper);
  g.crossover = crossover_from_string(crossover);
  g.mutation = mutation_from_string(mutation);
  return g;
}
}  // namespace

void bind_ga(py::module_& m) {
  py::class_<GeneGroup>(m, "GeneGroup", "A run of genes sharing a domain kind and operators.")
      .def(py::init(&make_group), py::arg("name"), py::arg("lower"), py::arg("upper"),
           py::arg("crossover") = "uniform", py::arg("mutation") = "reset")
      .def_static(
          "uniform",
          [](const std::string& name, size_t count, int lo, int hi, const std::string& crossover,
             const std::string& mutation) {
            return GeneGroup::uniform(name, count, lo, hi, crossover_from_string(crossover),
                                      mutation_from_string(mutation));
          },
          py::arg("name"), py::arg("count"), py::arg("lo"), py::arg("hi"),
          py::arg("crossover") = "uniform", py::arg("mutation") = "reset",
          "`count` genes with the domain [lo, hi].")
      .def_readwrite("name", &GeneGroup::name)
      .def_readwrite("lower", &GeneGroup::lower)
      .def_readwrite("upper", &GeneGroup::upper)
      .def_property(
          "crossover", [](const GeneGroup& g) { return std::string(to_string(g.crossover)); },
          [](GeneGroup& g, const std::string& s) { g.crossover = crossover_from_string(s); })
      .def_property(
          "mutation", [](const GeneGroup& g) { return std::string(to_string(g.mutation)); },
          [](GeneGroup& g, const std::string& s) { g.mutation = mutation_from_string(s); })
      .def("__len__", &GeneGroup::size);

  py::class_<Evaluation>(m, "Evaluation",
                         "Minimised objectives and constraint violation (0 = feasible).")
      .def(py::init([](std::vector<double> objectives, double violation) {
             return Evaluation{std::move(objectives), violation};
           }),
           py::arg("objectives"), py::arg("violation") = 0.0)
      .def_readwrite("objectives", &Evaluation::objectives)
      .def_readwrite("violation", &Evaluation::violation)
      .def_property_readonly("feasible", &Evaluation::feasible);

  py::class_<Individual>(m, "Individual")
      .def_readonly("genome", &Individual::genome)
      .def_readonly("evaluation", &Individual::evaluation);
  py::class_<HistoryEntry>(m, "HistoryEntry")
      .def_readonly("generation", &HistoryEntry::generation)
      .def_readonly("evaluations", &HistoryEntry::evaluations)
      .def_readonly("hypervolume", &HistoryEntry::hypervolume)
      .def_readonly("front_size", &HistoryEntry::front_size);
  py::class_<Result>(m, "GaResult", "Front, hypervolume history and effort of a GA run.")
      .def_readonly("objective_names", &Result::objective_names)
      .def_readonly("front", &Result::front, "First front of the final population.")
      .def_readonly("archive", &Result::archive,
                    "Non-dominated set over every evaluation of the run (what searches report).")
      .def_readonly("history", &Result::history)
      .def_readonly("reference_point", &Result::reference_point)
      .def_readonly("generations", &Result::generations)
      .def_readonly("evaluations", &Result::evaluations)
      .def_readonly("seconds", &Result::seconds)
      .def_readonly("stop_reason", &Result::stop_reason)
      .def(
          "to_dict", [](const Result& r) { return to_python(to_json(r)); },
          "The monet.ga.result document.");

  py::class_<Nsga2Options>(m, "Nsga2Options")
      .def(py::init<>())
      .def_readwrite("population", &Nsga2Options::population)
      .def_readwrite("seed", &Nsga2Options::seed)
      .def_readwrite("threads", &Nsga2Options::threads)
      .def_readwrite("max_generations", &Nsga2Options::max_generations)
      .def_readwrite("max_evaluations", &Nsga2Options::max_evaluations)
      .def_readwrite("max_seconds", &Nsga2Options::max_seconds)
      .def_readwrite("crossover_prob", &Nsga2Options::crossover_prob)
      .def_readwrite("mutation_prob", &Nsga2Options::mutation_prob)
      .def_readwrite("checkpoint_path", &Nsga2Options::checkpoint_path)
      .def_readwrite("resume", &Nsga2Options::resume)
      .def_readwrite("reference_point", &Nsga2Options::reference_point);

  py::class_<Nsga2>(m, "Nsga2",
                    "NSGA-II with ask/tell: ask() gives genomes, tell() takes their evaluations "
                    "in the same order. Deterministic for a seed.")
      .def(py::init<std::vector<GeneGroup>, Nsga2Options>(), py::arg("genes"), py::arg("options"))
      .def("seed", &Nsga2::seed, py::arg("genomes"), "Known good genomes for the first population.")
      .def("ask", &Nsga2::ask)
      .def("tell", &Nsga2::tell, py::arg("evaluations"))
      .def("budget_exhausted", &Nsga2::budget_exhausted,
           "Non-empty when a generation or evaluation limit is reached.")
      .def("result", &Nsga2::result)
      .def("save_checkpoint", &Nsga2::save_checkpoint, py::arg("path"))
      .def("load_checkpoint", &Nsga2::load_checkpoint, py::arg("path"))
      .def_property_readonly("generation", &Nsga2::generation)
      .def_property_readonly("evaluations", &Nsga2::evaluations)
      .def_property_readonly("population", &Nsga2::population)
      .def_property_readonly("ranks", &Nsga2::ranks)
      .def_property_readonly("history", &Nsga2::history)
      .def_property_readonly("archive", &Nsga2::archive)
      .def_property_readonly("reference_point", &Nsga2::reference_point);

  m.def("hypervolume", &hypervolume, py::arg("points"), py::arg("reference"),
        "Exact hypervolume of minimised points w.r.t. a reference point.");
}

}  // namespace monet::python
