// `monet-sim search` from Python: the search section of an experiment (or one built in code),
// running it with an optional progress callback, the front and the CLI's output files.
#include <memory>

#include "accelerators/accelerator_writer.hpp"
#include "codesign/search.hpp"
#include "core/error.hpp"
#include "python/bindings.hpp"

namespace monet::python {

namespace {
using namespace monet::codesign;
using ga::Nsga2Options;
using ga::Progress;
using ga::ProgressCallback;

// A finished search with what is needed to replay its members.
struct SearchRun {
  fusion::Experiment experiment;
  SearchSpec spec;
  SearchOutcome outcome;
  std::shared_ptr<const CodesignProblem> problem;  // codesign only, built on first replay

  const CodesignProblem& codesign() {
    if (spec.kind == SearchSpec::Kind::kGenerate)
      throw core::Error(
          "generation search members: replay the front/NNN.yaml files that write_search_outputs "
          "writes (rebuilding members here supports codesign searches)");
    if (spec.kind != SearchSpec::Kind::kCodesign)
      throw core::Error("checkpoint-chain members are chain plans, not experiments");
    if (!problem) problem = std::make_shared<const CodesignProblem>(experiment, spec.codesign);
    return *problem;
  }
  const FrontMember& member(size_t i) const {
    if (i >= outcome.front.size())
      throw core::Error("front member " + std::to_string(i) + " does not exist (front size " +
                        std::to_string(outcome.front.size()) + ")");
    return outcome.front[i];
  }
};

SearchRun run(const fusion::Experiment& e, const SearchSpec& spec, const std::string& checkpoint,
              bool resume, const py::object& progress) {
  SearchRun r{e, spec, {}, nullptr};
  ProgressCallback cb;
  std::unique_ptr<py::error_already_set> failure;
  if (!progress.is_none()) {
    cb = [&](const Progress& p) {
      py::gil_scoped_acquire gil;
      try {
        py::dict d;
        d["generation"] = p.generation;
        d["max_generations"] = p.max_generations;
        d["evaluations"] = p.evaluations;
        d["max_evaluations"] = p.max_evaluations;
        d["elapsed_seconds"] = p.elapsed_seconds;
        d["max_seconds"] = p.max_seconds;
        d["evaluations_per_second"] = p.evaluations_per_second;
        d["front_size"] = p.front_size;
        d["hypervolume"] = p.hypervolume;
        d["eta_seconds"] = p.eta_seconds;
        d["text"] = ga::format_progress(p);
        py::object keep = progress(d);
        return keep.is_none() || keep.cast<bool>();
      } catch (py::error_already_set& err) {
        failure = std::make_unique<py::error_already_set>(std::move(err));
        return false;
      }
    };
  }
  {
    py::gil_scoped_release release;
    r.outcome = run_search(e, spec, checkpoint, resume, cb);
  }
  if (failure) throw std::move(*failure);
  return r;
}
// The objectives property's docstring, from the one objective table (pybind keeps the pointer).
const std::string& objectives_doc() {
  static const std::string doc =
      "Subset of " + codesign_objective_keys() + " (generate: " + generate_objective_keys() + ").";
  return doc;
}
}  // namespace

void bind_search(py::module_& m) {
  py::class_<HardwareKnob>(m, "HardwareKnob",
                           "A hardware gene: array PEs per dim of a core, a memory's size in "
                           "bytes, or the DRAM bandwidth in bytes/s.")
      .def(py::init([](const std::string& kind, std::string core, std::string memory,
                       const std::vector<py::object>& values) {
             HardwareKnob k;
             k.kind = parse_knob_kind(kind);
             k.core = std::move(core);
             k.memory = std::move(memory);
             // Text values carry their unit ("64 KiB", "25.6 GB/s"), as in YAML; the kind says
             // which unit (codesign::knob_value_dimension).
             const auto dim = codesign::knob_value_dimension(k.kind);
             for (const auto& v : values) {
               if (py::isinstance<py::str>(v)) {
                 if (!dim)
                   throw core::Error("knob kind '" + kind +
                                     "' takes numbers (PEs per array dim), not '" +
                                     v.cast<std::string>() + "'");
                 k.values.push_back(core::parse_quantity(v.cast<std::string>(), *dim));
               } else {
                 k.values.push_back(v.cast<double>());
               }
             }
             return k;
           }),
           py::arg("kind"), py::arg("core") = "", py::arg("memory") = "",
           py::arg("values") = std::vector<py::object>{},
           "Values are numbers in base units (PEs, bytes, bytes/s) or text with a unit.")
      .def_property_readonly(
          "kind", [](const HardwareKnob& k) { return std::string(knob_kind_name(k.kind)); })
      .def_readwrite("core", &HardwareKnob::core)
      .def_readwrite("memory", &HardwareKnob::memory)
      .def_readwrite("values", &HardwareKnob::values)
      .def_property_readonly("label", &HardwareKnob::label);

  py::class_<SearchSpec>(m, "SearchSpec", "What `monet-sim search` searches, and its budget.")
      .def(py::init<>())
      .def_property(
          "problem", [](const SearchSpec& s) { return std::string(search_problem_name(s.kind)); },
          [](SearchSpec& s, const std::string& p) {
            try {
              s.kind = parse_search_problem(p);
            } catch (const core::Error& e) {
              throw core::Error("problem '" + p + "': " + e.what());
            }
            // A generate search scores the generation objectives unless others are set.
            if (s.kind == SearchSpec::Kind::kGenerate &&
                s.codesign.objectives == CodesignConfig{}.objectives)
              s.codesign.objectives = default_generate_objectives();
          })
      .def_property(
          "genes",
          [](const SearchSpec& s) {
            return s.kind == SearchSpec::Kind::kGenerate ? generate_gene_group_names(s.generate)
                                                         : gene_group_names(s.codesign);
          },
          [](SearchSpec& s, const std::vector<std::string>& g) {
            if (s.kind == SearchSpec::Kind::kGenerate)
              set_generate_gene_groups(s.generate, g);
            else
              set_gene_groups(s.codesign, g);
          },
          "Subset of allocation, fusion, checkpoint, hardware, trainable (generate: weights, "
          "kv_cache, fusion, allocation).")
      .def_property(
          "objectives",
          [](const SearchSpec& s) {
            std::vector<std::string> out;
            for (auto o : s.codesign.objectives) out.emplace_back(objective_info(o).key);
            return out;
          },
          [](SearchSpec& s, const std::vector<std::string>& names) {
            s.codesign.objectives.clear();
            for (const auto& n : names) s.codesign.objectives.push_back(parse_objective(n));
          },
          objectives_doc().c_str())
      .def_property(
          "max_area_mm2", [](const SearchSpec& s) { return s.codesign.max_area_mm2; },
          [](SearchSpec& s, double v) { s.codesign.max_area_mm2 = v; },
          "search.constraints.area_mm2: members above it are infeasible (0 = no limit).")
      .def_property(
          "max_average_power_w", [](const SearchSpec& s) { return s.codesign.max_average_power_w; },
          [](SearchSpec& s, double v) { s.codesign.max_average_power_w = v; },
          "search.constraints.average_power_w: members above it are infeasible (0 = no limit).")
      .def_property(
          "knobs", [](const SearchSpec& s) { return s.codesign.knobs; },
          [](SearchSpec& s, std::vector<HardwareKnob> k) { s.codesign.knobs = std::move(k); })
      .def_property(
          "max_tile_exponent",
          [](const SearchSpec& s) {
            return s.kind == SearchSpec::Kind::kGenerate ? s.generate.max_tile_exponent
                                                         : s.codesign.max_tile_exponent;
          },
          [](SearchSpec& s, int v) {
            (s.kind == SearchSpec::Kind::kGenerate ? s.generate.max_tile_exponent
                                                   : s.codesign.max_tile_exponent) = v;
          })
      .def_property(
          "granularity",
          [](const SearchSpec& s) {
            return std::string(training::granularity_name(s.codesign.granularity));
          },
          [](SearchSpec& s, const std::string& g) {
            s.codesign.granularity = training::parse_granularity(g);
          })
      .def_readwrite("mutation_prob", &SearchSpec::mutation_prob,
                     "Per-gene mutation probability of every gene group (None: 1 / genome "
                     "length); the YAML `search.mutation_prob`.")
      .def_readwrite("nsga", &SearchSpec::nsga, "Population, seed, threads and limits.")
      .def("copy", [](const SearchSpec& s) { return SearchSpec(s); });

  py::class_<SearchRun>(m, "SearchRun", "A finished search (wrapped by monet.Front).")
      .def_property_readonly("objective_names",
                             [](const SearchRun& r) { return r.outcome.objective_names; })
      .def_property_readonly("objective_labels",
                             [](const SearchRun& r) { return r.outcome.objective_labels; })
      .def_property_readonly("objective_units",
                             [](const SearchRun& r) { return r.outcome.objective_units; })
      .def_property_readonly("members",
                             [](const SearchRun& r) {
                               py::list out;
                               for (const auto& f : r.outcome.front) {
                                 py::dict d;
                                 d["genome"] = f.genome;
                                 d["objectives"] = f.evaluation.objectives;
                                 d["violation"] = f.evaluation.violation;
                                 d["feasible"] = f.evaluation.feasible();
                                 d["plan"] = f.plan;
                                 out.append(d);
                               }
                               return out;
                             })
      .def_property_readonly("hypervolume",
                             [](const SearchRun& r) { return r.outcome.hypervolume; })
      .def_property_readonly("exact_hypervolume",
                             [](const SearchRun& r) { return r.outcome.exact_hypervolume; })
      .def_property_readonly("exact_front_size",
                             [](const SearchRun& r) { return r.outcome.exact_front_size; })
      .def_property_readonly("result", [](const SearchRun& r) { return r.outcome.result; })
      .def_property_readonly(
          "problem",
          [](const SearchRun& r) { return std::string(search_problem_name(r.spec.kind)); })
      .def_readonly("spec", &SearchRun::spec)
      .def_readonly("experiment", &SearchRun::experiment)
      .def(
          "write",
          [](const SearchRun& r, const std::string& dir, size_t front_files) {
            return write_search_outputs(r.experiment, r.spec, r.outcome, dir, front_files);
          },
          py::arg("dir"), py::arg("front_files") = kDefaultFrontFiles,
          "pareto.json, pareto.csv, history.csv, search.json and front/NNN.yaml for "
          "`front_files` well-spread members, like the CLI; returns what was written.")
      .def(
          "member_experiment_yaml",
          [](SearchRun& r, size_t i, const std::string& name, const std::string& acc_file) {
            return r.codesign().experiment_yaml(r.member(i).genome, name, acc_file);
          },
          py::arg("index"), py::arg("name"), py::arg("accelerator_file") = "",
          "Codesign: a replayable experiment document for front member `index`.")
      .def(
          "member_accelerator",
          [](SearchRun& r, size_t i) { return r.codesign().accelerator_for(r.member(i).genome); },
          py::arg("index"), "Codesign: the accelerator with the member's hardware knobs.");

  m.def("parse_search", &parse_search, py::arg("experiment"),
        "The experiment's `search:` section, validated.");
  m.def(
      "has_search", [](const fusion::Experiment& e) { return e.root["search"].defined(); },
      py::arg("experiment"));
  m.def("run_search", &run, py::arg("experiment"), py::arg("spec"), py::arg("checkpoint") = "",
        py::arg("resume") = false, py::arg("progress") = py::none(),
        "Runs a search; progress(dict) is called after every generation and may return False "
        "to stop.");
  m.def(
      "accelerator_yaml",
      [](const accelerators::Accelerator& a, const std::string& header) {
        return accelerators::write_accelerator_yaml(a, header);
      },
      py::arg("accelerator"), py::arg("header") = "",
      "The accelerator as a YAML document of configs/accelerators/README.md.");
}

}  // namespace monet::python
