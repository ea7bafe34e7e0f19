#include "codesign/search.hpp"

#include <algorithm>
#include <filesystem>
#include <iomanip>
#include <sstream>

#include "accelerators/accelerator_writer.hpp"
#include "codesign/chain_problem.hpp"
#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/file_io.hpp"
#include "core/units.hpp"
#include "ga/hypervolume.hpp"
#include "training/checkpoint_dp.hpp"

namespace monet::codesign {

namespace fs = std::filesystem;

namespace {
HardwareKnob parse_knob(const core::YamlNode& k) {
  if (!k.is_map()) k.fail("must be a map {kind, core, memory, values}");
  k.reject_unknown_keys({"kind", "core", "memory", "values"});
  HardwareKnob knob;
  std::string kind = k.required("kind").as_string();
  core::YamlNode values = k.required("values");
  if (!values.is_seq() || values.size() == 0) values.fail("must be a non-empty list");
  auto each = [&](auto&& read) {
    for (size_t i = 0; i < values.size(); ++i) knob.values.push_back(read(values.at(i)));
  };
  if (kind == "array") {
    knob.kind = HardwareKnob::Kind::kArraySize;
    knob.core = k.required("core").as_string();
    each([](const core::YamlNode& v) { return static_cast<double>(v.as_int(1, 4096)); });
  } else if (kind == "memory") {
    knob.kind = HardwareKnob::Kind::kMemorySize;
    knob.core = k.required("core").as_string();
    knob.memory = k.required("memory").as_string();
    each([](const core::YamlNode& v) {
      double b = v.as_quantity(core::Dimension::kBytes);
      if (b <= 0) v.fail("must be a positive size");
      return b;
    });
  } else if (kind == "dram_bandwidth") {
    knob.kind = HardwareKnob::Kind::kDramBandwidth;
    each([](const core::YamlNode& v) {
      double b = v.as_quantity(core::Dimension::kBandwidth);
      if (b <= 0) v.fail("must be a positive bandwidth");
      return b;
    });
  } else {
    k["kind"].fail("must be array, memory or dram_bandwidth");
  }
  return knob;
}
}  // namespace

SearchSpec parse_search(const fusion::Experiment& e) {
  core::YamlNode s = e.root["search"];
  if (!s.defined())
    throw core::ConfigError(e.root.loc(), "search", "", "the experiment has no search section");
  if (!s.is_map()) s.fail("must be a map");
  s.reject_unknown_keys({"problem", "genes", "objectives", "population", "generations",
                         "evaluations", "seconds", "seed", "threads", "max_tile_exponent",
                         "granularity", "knobs", "crossover_prob", "mutation_prob"});
  SearchSpec spec;
  std::string problem = s.get_string("problem", "codesign");
  if (problem == "checkpoint-chain")
    spec.kind = SearchSpec::Kind::kCheckpointChain;
  else if (problem != "codesign")
    s["problem"].fail("must be codesign or checkpoint-chain");
  if (spec.kind == SearchSpec::Kind::kCheckpointChain && !e.training)
    s["problem"].fail("checkpoint-chain needs a training experiment");

  auto& c = spec.codesign;
  if (s.has("genes")) {
    core::YamlNode g = s["genes"];
    std::vector<std::string> genes = g.as_string_list();
    if (genes.empty())
      g.fail(
          "must name at least one gene group (allocation, fusion, checkpoint, hardware, "
          "trainable)");
    c.allocation = c.fusion = c.checkpoint = c.hardware = c.trainable = false;
    for (size_t i = 0; i < genes.size(); ++i) {
      const auto& name = genes[i];
      if (name == "allocation")
        c.allocation = true;
      else if (name == "fusion")
        c.fusion = true;
      else if (name == "checkpoint")
        c.checkpoint = true;
      else if (name == "hardware")
        c.hardware = true;
      else if (name == "trainable")
        c.trainable = true;
      else
        (g.is_seq() ? g.at(i) : g)
            .fail("unknown gene group (allocation, fusion, checkpoint, hardware, trainable)");
    }
    if (spec.kind == SearchSpec::Kind::kCheckpointChain &&
        genes != std::vector<std::string>{"checkpoint"})
      g.fail("checkpoint-chain searches the checkpoint genes only");
    if (c.checkpoint && !e.training) g.fail("checkpoint genes need mode: training");
    if (c.trainable && !e.training) g.fail("trainable genes need mode: training");
    if (c.trainable && c.checkpoint)
      g.fail("trainable and checkpoint genes cannot be searched together");
  }
  if (s.has("objectives")) {
    core::YamlNode o = s["objectives"];
    if (spec.kind == SearchSpec::Kind::kCheckpointChain)
      o.fail("checkpoint-chain has fixed objectives (recompute cost, peak activation bytes)");
    auto names = o.as_string_list();
    if (names.empty()) o.fail("must name at least one objective");
    c.objectives.clear();
    for (size_t i = 0; i < names.size(); ++i) {
      try {
        c.objectives.push_back(parse_objective(names[i]));
      } catch (const core::ConfigError&) {
        throw;
      } catch (const core::Error& err) {
        (o.is_seq() ? o.at(i) : o).fail(err.what());
      }
    }
    auto sorted = c.objectives;
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
      o.fail("an objective is listed twice");
  }
  if (s.has("knobs")) {
    core::YamlNode k = s["knobs"];
    if (!k.is_seq()) k.fail("must be a list of knobs");
    for (size_t i = 0; i < k.size(); ++i) c.knobs.push_back(parse_knob(k.at(i)));
  }
  if (c.hardware && c.knobs.empty())
    (s.has("knobs") ? s["knobs"] : s["genes"]).fail("hardware genes need a non-empty `knobs` list");
  if (s.has("max_tile_exponent"))
    c.max_tile_exponent = static_cast<int>(s["max_tile_exponent"].as_int(0, 10));
  if (s.has("granularity")) {
    std::string g = s["granularity"].as_string();
    if (g == "block")
      c.granularity = training::Granularity::kBlock;
    else if (g == "activation")
      c.granularity = training::Granularity::kActivation;
    else
      s["granularity"].fail("must be block or activation");
  }
  auto& n = spec.nsga;
  n.population = static_cast<size_t>(s.get_int("population", 64, 4));
  n.max_generations = static_cast<size_t>(s.get_int("generations", 0, 0));
  n.max_evaluations = static_cast<size_t>(s.get_int("evaluations", 0, 0));
  if (s.has("seconds")) {
    n.max_seconds = s["seconds"].as_double();
    if (n.max_seconds < 0) s["seconds"].fail("must be >= 0");
  }
  if (!n.max_generations && !n.max_evaluations && n.max_seconds <= 0)
    s.fail("the budget is 0: give generations, evaluations or seconds (> 0)");
  n.seed = static_cast<uint64_t>(s.get_int("seed", 1, 0));
  n.threads = static_cast<size_t>(s.get_int("threads", 1, 1));
  if (s.has("crossover_prob")) {
    n.crossover_prob = s["crossover_prob"].as_double();
    if (n.crossover_prob < 0 || n.crossover_prob > 1) s["crossover_prob"].fail("must be in [0, 1]");
  }
  if (s.has("mutation_prob")) {
    double p = s["mutation_prob"].as_double();
    if (!(p >= 0 && p <= 1))
      s["mutation_prob"].fail("must be in [0, 1] (the per-gene mutation probability)");
    spec.mutation_prob = p;
  }
  if (spec.kind == SearchSpec::Kind::kCodesign && !c.allocation && !c.fusion && !c.checkpoint &&
      !c.trainable && !c.hardware)
    s.fail("no gene group to search");
  return spec;
}

namespace {
std::vector<FrontMember> members(const ga::Result& r,
                                 const std::function<std::string(const ga::Genome&)>& describe) {
  std::vector<FrontMember> out;
  // The archive: everything non-dominated the run ever evaluated, not only the survivors.
  const auto& source = r.archive.empty() ? r.front : r.archive;
  for (const auto& ind : source) out.push_back({ind.genome, ind.evaluation, describe(ind.genome)});
  std::stable_sort(out.begin(), out.end(), [](const FrontMember& a, const FrontMember& b) {
    if (a.evaluation.feasible() != b.evaluation.feasible()) return a.evaluation.feasible();
    return a.evaluation.objectives < b.evaluation.objectives;
  });
  return out;
}

double front_hv(const std::vector<FrontMember>& f, const std::vector<double>& ref) {
  std::vector<std::vector<double>> pts;
  for (const auto& m : f)
    if (m.evaluation.feasible()) pts.push_back(m.evaluation.objectives);
  return ref.empty() || pts.empty() ? 0.0 : ga::hypervolume(pts, ref);
}
}  // namespace

namespace {
// One probability for every gene group of the problem (search.mutation_prob).
void resolve_mutation_prob(const SearchSpec& spec, const ga::Problem& problem,
                           ga::Nsga2Options& opt) {
  if (!spec.mutation_prob) return;
  if (!opt.mutation_prob.empty())
    throw core::Error(
        "search: mutation_prob is set both for every group and per group (nsga.mutation_prob); "
        "set one");
  opt.mutation_prob.assign(problem.genes().size(), *spec.mutation_prob);
}
}  // namespace

SearchOutcome run_search(const fusion::Experiment& e, const SearchSpec& spec,
                         const std::string& checkpoint_path, bool resume,
                         const ga::ProgressCallback& progress) {
  ga::Nsga2Options opt = spec.nsga;
  opt.checkpoint_path = checkpoint_path;
  opt.resume = resume;
  SearchOutcome out;
  if (spec.kind == SearchSpec::Kind::kCheckpointChain) {
    auto forward = fusion::build_forward(e.workload);
    auto chain = training::extract_chain(forward, e.training_options);
    ChainCheckpointProblem problem(chain, spec.codesign.granularity);
    resolve_mutation_prob(spec, problem, opt);
    auto seeds = problem.seeds();
    if (seeds.size() > opt.population) seeds.resize(opt.population);
    // The exact front fixes the reference point, so GA and DP are measured alike.
    auto exact = training::checkpoint_front(chain, spec.codesign.granularity);
    std::vector<std::vector<double>> pts;
    double max_cost = 0, max_mem = 0;
    for (const auto& p : exact.points) {
      pts.push_back({static_cast<double>(p.recompute_cost), static_cast<double>(p.peak_bytes)});
      max_cost = std::max(max_cost, pts.back()[0]);
      max_mem = std::max(max_mem, pts.back()[1]);
    }
    if (opt.reference_point.empty()) opt.reference_point = {max_cost * 1.1 + 1, max_mem * 1.1 + 1};
    out.result = ga::optimize(problem, opt, seeds, progress);
    out.objective_names = problem.objective_names();
    out.objective_labels = problem.objective_labels();
    out.objective_units = problem.objective_units();
    out.front = members(out.result, [&](const ga::Genome& g) { return problem.describe(g); });
    out.exact_hypervolume = ga::hypervolume(pts, opt.reference_point);
    out.exact_front_size = exact.points.size();
  } else {
    CodesignProblem problem(e, spec.codesign);
    resolve_mutation_prob(spec, problem, opt);
    auto seeds = problem.seeds();
    if (seeds.size() > opt.population) seeds.resize(opt.population);
    out.result = ga::optimize(problem, opt, seeds, progress);
    out.objective_names = problem.objective_names();
    out.objective_labels = problem.objective_labels();
    out.objective_units = problem.objective_units();
    out.front = members(out.result, [&](const ga::Genome& g) { return problem.describe(g); });
  }
  out.hypervolume = front_hv(out.front, out.result.reference_point);
  return out;
}

namespace {
std::string genome_text(const ga::Genome& g) {
  std::string s;
  for (size_t i = 0; i < g.size(); ++i) s += (i ? " " : "") + std::to_string(g[i]);
  return s;
}
std::string num(double v) {
  std::ostringstream o;
  o << std::setprecision(12) << v;
  return o.str();
}
}  // namespace

void write_search_outputs(const fusion::Experiment& e, const SearchSpec& spec,
                          const SearchOutcome& outcome, const std::string& dir) {
  using nlohmann::json;
  std::unique_ptr<CodesignProblem> problem;
  if (spec.kind == SearchSpec::Kind::kCodesign)
    problem = std::make_unique<CodesignProblem>(e, spec.codesign);
  json members = json::array();
  std::ostringstream csv;
  csv << "index";
  for (const auto& n : outcome.objective_names) csv << ',' << n;
  csv << ",violation,plan,experiment,genome\n";
  for (size_t i = 0; i < outcome.front.size(); ++i) {
    const auto& m = outcome.front[i];
    std::ostringstream idx;
    idx << std::setw(3) << std::setfill('0') << i;
    std::string replay;
    if (problem) {
      replay = "front/" + idx.str() + ".yaml";
      std::string acc_file;
      if (spec.codesign.hardware) {
        acc_file = fs::absolute(dir + "/front/" + idx.str() + ".accelerator.yaml").string();
        core::write_file_atomic(
            acc_file, accelerators::write_accelerator_yaml(
                          problem->accelerator_for(m.genome),
                          "Hardware variant of a monet-sim search front member: " + m.plan));
      }
      core::write_file_atomic(
          dir + "/" + replay,
          problem->experiment_yaml(m.genome, e.name + "-front-" + idx.str(), acc_file));
    }
    json obj = json::object();
    for (size_t k = 0; k < outcome.objective_names.size(); ++k)
      obj[outcome.objective_names[k]] = m.evaluation.objectives[k];
    members.push_back({{"objectives", obj},
                       {"violation", m.evaluation.violation},
                       {"plan", m.plan},
                       {"experiment", replay},
                       {"genome", m.genome}});
    csv << i;
    for (double v : m.evaluation.objectives) csv << ',' << num(v);
    csv << ',' << num(m.evaluation.violation) << ',' << core::csv_field(m.plan) << ',' << replay
        << ',' << genome_text(m.genome) << '\n';
  }
  json pareto = {
      {"schema", "monet.pareto/1"},
      {"experiment", e.name},
      {"problem", spec.kind == SearchSpec::Kind::kCodesign ? "codesign" : "checkpoint-chain"},
      {"objectives", outcome.objective_names},
      {"objective_labels", outcome.objective_labels},
      {"objective_units", outcome.objective_units},
      {"reference_point", outcome.result.reference_point},
      {"hypervolume", outcome.hypervolume},
      {"generations", outcome.result.generations},
      {"evaluations", outcome.result.evaluations},
      {"seed", spec.nsga.seed},
      {"population", spec.nsga.population},
      {"members", members}};
  if (outcome.exact_hypervolume) {
    pareto["exact"] = {{"front_size", outcome.exact_front_size},
                       {"hypervolume", *outcome.exact_hypervolume},
                       {"ratio", outcome.hypervolume / *outcome.exact_hypervolume}};
  }
  core::write_file_atomic(dir + "/pareto.json", pareto.dump(2) + "\n");
  core::write_file_atomic(dir + "/pareto.csv", csv.str());
  std::ostringstream hist;
  hist << "generation,evaluations,hypervolume,front_size\n";
  for (const auto& h : outcome.result.history)
    hist << h.generation << ',' << h.evaluations << ',' << num(h.hypervolume) << ',' << h.front_size
         << '\n';
  core::write_file_atomic(dir + "/history.csv", hist.str());
  json info = {
      {"schema", "monet.search_run/1"},
      {"seconds", outcome.result.seconds},
      {"evaluations", outcome.result.evaluations},
      {"evaluations_per_second",
       outcome.result.seconds > 0 ? outcome.result.evaluations / outcome.result.seconds : 0},
      {"stop_reason", outcome.result.stop_reason},
      {"threads", spec.nsga.threads}};
  core::write_file_atomic(dir + "/search.json", info.dump(2) + "\n");
}

}  // namespace monet::codesign
