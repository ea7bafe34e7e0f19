// Experiments, fusion plans and simulations: load/parse an experiment, build a plan, run the
// scheduler and expose the result (summary dict, tables, trace, the CLI's output files).
#include "accelerators/checked.hpp"
#include "accelerators/cim_rules.hpp"
#include "core/error.hpp"
#include "fusion/episode.hpp"
#include "fusion/experiment.hpp"
#include "fusion/experiment_writer.hpp"
#include "fusion/generate.hpp"
#include "fusion/names.hpp"
#include "fusion/report.hpp"
#include "python/bindings.hpp"
#include "python/run.hpp"

namespace monet::python {

namespace {
using fusion::AllocationRule;
using fusion::Experiment;
using fusion::PlanSpec;
using fusion::StackRule;

std::string rule_name(StackRule r) {
  return fusion::stack_rule_names().str(r);
}

StackRule rule_from(const std::string& s) {
  return fusion::stack_rule_names().parse(s);
}

mapping::Objective objective_from(const std::string& s) {
  return mapping::objective_names().parse(s);
}

mapping::CostOptions cost_options(const std::string& objective, std::optional<double> fraction) {
  mapping::CostOptions c;
  c.objective = objective_from(objective);
  if (fraction) {
    if (auto rule = accelerators::written_fraction_rule_break(*fraction); !rule.empty())
      throw core::ConfigError(core::Location{}, "cim_written_fraction", std::to_string(*fraction),
                              rule);
    c.written_fraction = *fraction;
  }
  return c;
}

// Plans built in Python meet the rules an experiment file's plan meets (fusion/plan.hpp).
void check_plan(const PlanSpec& p, const workloads::Graph& forward_or_step) {
  std::vector<fusion::PlanRuleBreak> broken = fusion::plan_rule_breaks(p);
  for (auto& b : fusion::plan_fit_breaks(p, forward_or_step)) broken.push_back(std::move(b));
  if (broken.empty()) return;
  core::IssueList issues;
  for (const auto& b : broken)
    issues.add({"<plan built in Python>", 0}, "fusion." + b.field, b.value, b.rule);
  issues.throw_if_any();
}

Run run_experiment(const Experiment& e, const accelerators::Accelerator* acc, bool records) {
  fusion::Prepared p = fusion::prepare(e);
  std::shared_ptr<const fusion::Simulation> sim;
  if (acc)
    sim = std::make_shared<fusion::Simulation>(workloads::Graph(p.sim->graph()),
                                               accelerators::checked_accelerator(*acc), e.cost);
  else
    sim = std::move(p.sim);
  Run r = run_plan(std::move(sim), e.plan, records);
  r.experiment = e.name;
  r.mode = fusion::experiment_mode_names().str(fusion::experiment_mode(e));
  r.plan_name = e.plan_name;
  r.training_memory = p.training_memory;
  r.training = p.training;
  r.folded = p.folded;
  return r;
}

bool is_training_graph(const workloads::Graph& g) {
  for (const auto& op : g.ops())
    if (op.pass != workloads::Pass::kForward) return true;
  return false;
}

Run run_on(std::shared_ptr<const fusion::Simulation> sim, const PlanSpec& spec,
           const std::string& name, const training::TrainingStep* step, bool records) {
  check_plan(spec, sim->graph());
  Run r = run_plan(sim, spec, records);
  r.experiment = name.empty() ? r.sim->graph().name() : name;
  r.mode = fusion::experiment_mode_names().str(is_training_graph(r.sim->graph())
                                                   ? fusion::ExperimentMode::kTraining
                                                   : fusion::ExperimentMode::kInference);
  r.plan_name = rule_name(spec.rule);
  if (step) {
    r.training_memory = step->memory;
    r.training = training::training_summary(*step);
  }
  return r;
}
}  // namespace

void bind_fusion(py::module_& m) {
  py::class_<AllocationRule>(m, "AllocationRule",
                             "Ops matching every filter may run on `cores` (fastest one wins).")
      .def(py::init([](std::string ops, std::string kind, std::string pass,
                       std::vector<std::string> cores) {
             AllocationRule r;
             r.name_pattern = std::move(ops);
             r.kind = std::move(kind);
             r.pass = std::move(pass);
             r.cores = std::move(cores);
             return r;
           }),
           py::arg("ops") = "", py::arg("kind") = "", py::arg("pass_") = "",
           py::arg("cores") = std::vector<std::string>{})
      .def_readwrite("ops", &AllocationRule::name_pattern, "Glob on op names ('*', '?').")
      .def_readwrite("kind", &AllocationRule::kind)
      .def_readwrite("pass_", &AllocationRule::pass, "forward, backward, optimizer, ...")
      .def_readwrite("cores", &AllocationRule::cores)
      .def("__repr__", [](const AllocationRule& r) {
        std::string cores;
        for (const auto& c : r.cores) cores += (cores.empty() ? "" : ",") + c;
        return "<AllocationRule ops='" + r.name_pattern + "' kind='" + r.kind + "' pass='" +
               r.pass + "' cores=[" + cores + "]>";
      });

  py::class_<PlanSpec>(m, "PlanSpec", "How a fusion plan is built: stacks, tiles, allocation.")
      .def(py::init<>())
      .def_property(
          "stacks", [](const PlanSpec& p) { return rule_name(p.rule); },
          [](PlanSpec& p, const std::string& s) { p.rule = rule_from(s); },
          "layer-by-layer | blocks | fixed | explicit")
      .def_readwrite("tiles", &PlanSpec::tiles)
      .def_readwrite("ops_per_stack", &PlanSpec::ops_per_stack)
      .def_readwrite("starts", &PlanSpec::starts, "explicit: first forward op of each stack")
      .def_readwrite("stack_tiles", &PlanSpec::stack_tiles, "explicit: tiles per stack")
      .def_readwrite("allocation", &PlanSpec::allocation)
      .def_property(
          "allocation_default",
          [](const PlanSpec& p) {
            return fusion::allocation_default_names().str(p.allocation_default);
          },
          [](PlanSpec& p, const std::string& s) {
            p.allocation_default = fusion::allocation_default_names().parse(s);
          })
      .def("copy", [](const PlanSpec& p) { return PlanSpec(p); });

  py::class_<fusion::WorkloadSpec>(m, "WorkloadSpec")
      .def_readwrite("model", &fusion::WorkloadSpec::model, "Built-in model name, or empty.")
      .def_readwrite("file", &fusion::WorkloadSpec::file, "Workload YAML, or empty.")
      .def_readwrite("onnx", &fusion::WorkloadSpec::onnx, "ONNX model, or empty.")
      .def_property(
          "batch", [](const fusion::WorkloadSpec& w) { return w.params.batch; },
          [](fusion::WorkloadSpec& w, int64_t b) {
            w.params.batch = b;
            w.params.batch_set = true;
          })
      .def_property(
          "seq", [](const fusion::WorkloadSpec& w) { return w.params.seq; },
          [](fusion::WorkloadSpec& w, int64_t s) { w.params.seq = s; }, "GPT-2 only; 0 = default")
      .def_property(
          "elem_bits", [](const fusion::WorkloadSpec& w) { return w.params.elem_bits; },
          [](fusion::WorkloadSpec& w, int b) {
            w.params.elem_bits = b;
            w.params.elem_bits_set = true;
          })
      .def_readwrite("fold_batchnorm", &fusion::WorkloadSpec::fold_batchnorm,
                     "Inference: fold BatchNorms after a conv or linear layer into it.");

  py::class_<Experiment>(m, "Experiment",
                         "An experiment file (configs/experiments/README.md); fields editable.")
      .def_readwrite("name", &Experiment::name)
      .def_readwrite("description", &Experiment::description)
      .def_readonly("file", &Experiment::file)
      .def("to_yaml", &fusion::write_experiment_yaml, py::arg("header") = "",
           "The experiment as a YAML document that parse_experiment reads back unchanged.")
      .def_readwrite("workload", &Experiment::workload)
      .def_property(
          "mode",
          [](const Experiment& e) {
            return fusion::experiment_mode_names().str(fusion::experiment_mode(e));
          },
          [](Experiment& e, const std::string& s) {
            using Mode = fusion::ExperimentMode;
            const Mode m = fusion::experiment_mode_names().parse(s);
            // Episodes and generation need their sections: only a file sets those.
            if (m != Mode::kTraining && m != Mode::kInference)
              throw core::Error("mode '" + s +
                                "' needs its section (few_shot, generate): set it in the "
                                "experiment file; here only training or inference");
            e.training = m == Mode::kTraining;
          })
      .def_readwrite("training_options", &Experiment::training_options)
      .def_readwrite("accelerator", &Experiment::accelerator, "Preset name or file path.")
      .def_property(
          "stacks", [](const Experiment& e) { return e.plan_name; },
          [](Experiment& e, const std::string& s) {
            e.plan.rule = rule_from(s);
            e.plan_name = s;
          })
      .def_property(
          "tiles", [](const Experiment& e) { return e.plan.tiles; },
          [](Experiment& e, int t) {
            e.plan.tiles = t;
            e.plan.stack_tiles.clear();
          })
      .def_readwrite("plan", &Experiment::plan)
      .def_property(
          "objective",
          [](const Experiment& e) { return mapping::objective_name(e.cost.objective); },
          [](Experiment& e, const std::string& s) { e.cost.objective = objective_from(s); })
      .def_property(
          "cim_written_fraction",
          [](const Experiment& e) -> std::optional<double> {
            if (e.cost.written_fraction < 0) return std::nullopt;
            return e.cost.written_fraction;
          },
          [](Experiment& e, std::optional<double> f) {
            e.cost = cost_options(mapping::objective_name(e.cost.objective), f);
          })
      .def_readwrite("output_dir", &Experiment::output_dir)
      .def("copy", [](const Experiment& e) { return Experiment(e); })
      .def("__repr__", [](const Experiment& e) {
        return "<Experiment " + e.name + ": " +
               (e.workload.model.empty() ? e.workload.file + e.workload.onnx : e.workload.model) +
               " on " + e.accelerator + ">";
      });

  py::class_<fusion::Stack>(m, "Stack")
      .def_readonly("name", &fusion::Stack::name)
      .def_readonly("ops", &fusion::Stack::ops)
      .def_readonly("tiles", &fusion::Stack::tiles);
  py::class_<fusion::FusionPlan>(m, "FusionPlan")
      .def_readonly("stacks", &fusion::FusionPlan::stacks)
      .def_readonly("stack_of_op", &fusion::FusionPlan::stack_of_op)
      .def_readonly("core_of_op", &fusion::FusionPlan::core_of_op);

  py::class_<Run>(m, "Run", "One simulated step (wrapped by monet.Result).")
      .def("summary", [](const Run& r) { return to_python(run_summary(r)); })
      .def("summary_text",
           [](const Run& r) {
             return fusion::summary_text(r.schedule.summary, r.sim->accelerator());
           })
      .def("trace",
           [](const Run& r) {
             return to_python(
                 fusion::trace_json(r.schedule, r.sim->graph(), r.cns, r.sim->accelerator()));
           })
      .def("memory_csv", [](const Run& r) { return fusion::memory_csv(r.schedule.summary); })
      .def("ops_csv",
           [](const Run& r) {
             return fusion::ops_csv(r.schedule, r.sim->graph(), r.cns, r.sim->accelerator());
           })
      .def("write", &write_run, py::arg("dir"))
      .def("cn_table", &cn_table)
      .def("op_table", &op_table)
      .def("transfer_table", &transfer_table)
      .def("memory_timelines", &memory_timelines)
      .def_readonly("plan", &Run::plan)
      .def_readonly("records", &Run::records)
      .def_property_readonly(
          "graph", [](const Run& r) -> const workloads::Graph& { return r.sim->graph(); },
          py::return_value_policy::reference_internal)
      .def_property_readonly(
          "accelerator",
          [](const Run& r) -> const accelerators::Accelerator& { return r.sim->accelerator(); },
          py::return_value_policy::reference_internal)
      .def_property_readonly("core_names", [](const Run& r) {
        std::vector<std::string> out;
        for (const auto& c : r.sim->accelerator().cores) out.push_back(c.name);
        return out;
      });

  py::class_<fusion::Simulation, std::shared_ptr<fusion::Simulation>>(
      m, "Simulation", "A graph bound to an accelerator and its cost cache; evaluates plans.")
      .def(py::init([](const workloads::Graph& g, const accelerators::Accelerator& acc,
                       const std::string& objective, std::optional<double> fraction) {
             return std::make_shared<fusion::Simulation>(g, accelerators::checked_accelerator(acc),
                                                         cost_options(objective, fraction));
           }),
           py::arg("graph"), py::arg("accelerator"), py::arg("objective") = "latency",
           py::arg("cim_written_fraction") = py::none())
      .def_property_readonly("graph", &fusion::Simulation::graph,
                             py::return_value_policy::reference_internal)
      .def_property_readonly("accelerator", &fusion::Simulation::accelerator,
                             py::return_value_policy::reference_internal)
      .def("plan", &fusion::Simulation::plan, py::arg("spec"))
      .def(
          "run",
          [](std::shared_ptr<fusion::Simulation> sim, const PlanSpec& spec, const std::string& name,
             const training::TrainingStep* step, bool records) {
            py::gil_scoped_release release;
            return run_on(std::move(sim), spec, name, step, records);
          },
          py::arg("spec"), py::arg("name") = "", py::arg("step") = nullptr,
          py::arg("records") = true,
          "Plans and schedules `spec`; `step` (the TrainingStep this graph came from) adds "
          "training_memory to the summary.");

  m.def("load_experiment", py::overload_cast<const std::string&>(&fusion::load_experiment),
        py::arg("path"),
        "An experiment file, validated (errors name file, line, field, value and rule).");
  m.def("parse_experiment_yaml", &fusion::parse_experiment_yaml, py::arg("text"), py::arg("name"),
        "An experiment from YAML text; `name` stands in for the file in messages and relative "
        "paths resolve against its folder.");
  m.def(
      "build_forward", [](const Experiment& e) { return fusion::build_forward(e.workload); },
      py::arg("experiment"), "The experiment's forward graph.");
  m.def(
      "run_experiment",
      [](const Experiment& e, const accelerators::Accelerator* acc, bool records) {
        py::gil_scoped_release release;
        return run_experiment(e, acc, records);
      },
      py::arg("experiment"), py::arg("accelerator") = nullptr, py::arg("records") = true,
      "Simulates an experiment like `monet-sim run`; `accelerator` replaces its accelerator.");
  m.def(
      "run_generation",
      [](const Experiment& e) {
        nlohmann::json j;
        {
          py::gil_scoped_release release;
          j = fusion::generation_json(e, fusion::run_generation(e));
        }
        return to_python(j);
      },
      py::arg("experiment"),
      "Simulates a generation experiment (mode: generate) like `monet-sim run`: its "
      "summary.json (schema monet.generate/1) as a dict.");
  m.def(
      "run_episode",
      [](const Experiment& e) {
        nlohmann::json j;
        {
          py::gil_scoped_release release;
          const fusion::PreparedEpisode p = fusion::prepare_episode(e);
          j = fusion::episode_json(e, p, fusion::run_episode(p));
        }
        return to_python(j);
      },
      py::arg("experiment"),
      "Simulates a few-shot experiment (mode: few-shot) like `monet-sim run`: its summary.json "
      "(schema monet.episode/1) as a dict.");
  m.def(
      "run_graph",
      [](const workloads::Graph& g, const accelerators::Accelerator& acc, const PlanSpec& spec,
         const std::string& name, const std::string& objective, std::optional<double> fraction,
         const training::TrainingStep* step, bool records) {
        py::gil_scoped_release release;
        auto sim = std::make_shared<const fusion::Simulation>(
            g, accelerators::checked_accelerator(acc), cost_options(objective, fraction));
        return run_on(std::move(sim), spec, name, step, records);
      },
      py::arg("graph"), py::arg("accelerator"), py::arg("spec"), py::arg("name") = "",
      py::arg("objective") = "latency", py::arg("cim_written_fraction") = py::none(),
      py::arg("step") = nullptr, py::arg("records") = true,
      "Simulates a graph (forward or training step) on an accelerator with a plan.");
}

}  // namespace monet::python
