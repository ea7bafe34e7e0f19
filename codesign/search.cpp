#include "codesign/search.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <sstream>

#include "accelerators/accelerator_writer.hpp"
#include "codesign/chain_problem.hpp"
#include "codesign/search_context.hpp"
#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/file_io.hpp"
#include "core/json_text.hpp"
#include "core/output_set.hpp"
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
  core::YamlNode kind = k.required("kind");
  try {
    knob.kind = parse_knob_kind(kind.as_string());
  } catch (const core::ConfigError&) {
    throw;
  } catch (const core::Error& err) {
    kind.fail(err.what());
  }
  core::YamlNode values = k.required("values");
  if (!values.is_seq()) values.fail("must be a list");
  if (knob.kind != HardwareKnob::Kind::kDramBandwidth) knob.core = k.required("core").as_string();
  if (knob.kind == HardwareKnob::Kind::kMemorySize) knob.memory = k.required("memory").as_string();
  for (size_t i = 0; i < values.size(); ++i) {
    core::YamlNode v = values.at(i);
    if (auto dim = knob_value_dimension(knob.kind))
      knob.values.push_back(v.as_quantity(*dim));
    else
      knob.values.push_back(static_cast<double>(v.as_int(0, 1 << 30)));
  }
  return knob;
}

template <typename T>
std::string text(const T& v) {
  std::ostringstream o;
  o << v;
  return o.str();
}

std::string joined(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out + "]";
}

// The YAML key of each Nsga2Options member the search section sets.
std::string search_key(const std::string& option) {
  if (option == "max_generations") return "";  // the budget: the section as a whole
  if (option == "max_seconds") return "seconds";
  return option;
}
}  // namespace

namespace {
constexpr std::pair<SearchSpec::Kind, const char*> kProblems[] = {
    {SearchSpec::Kind::kCodesign, "codesign"},
    {SearchSpec::Kind::kCheckpointChain, "checkpoint-chain"},
    {SearchSpec::Kind::kGenerate, "generate"}};

// The generate search's own rules (mode, genes, candidates, objectives).
void generate_rule_breaks(const SearchSpec& spec, const fusion::Experiment& e,
                          std::vector<SearchRuleBreak>& out) {
  const auto& g = spec.generate;
  const auto genes = generate_gene_group_names(g);
  if (!e.generate) out.push_back({"problem", "generate", "problem: generate needs mode: generate"});
  if (genes.empty())
    out.push_back(
        {"genes", "[]", "must name at least one gene group (" + generate_gene_group_list() + ")"});
  if (g.weights && g.weight_formats.empty())
    out.push_back({"weight_formats", "[]",
                   "weights genes need `weight_formats`, a non-empty list of candidates"});
  if (g.kv_cache && g.kv_cache_bits.empty())
    out.push_back({"kv_cache_bits", "[]",
                   "kv_cache genes need `kv_cache_bits`, a non-empty list of candidates"});
  if (g.allocation && g.allocation_ops.empty())
    out.push_back({"allocation_ops", "[]",
                   "allocation genes need `allocation_ops`, at least one op-name glob"});
  if (g.layer_groups < 1) out.push_back({"layer_groups", text(g.layer_groups), "must be >= 1"});
  if (g.max_tile_exponent < 0 || g.max_tile_exponent > 10)
    out.push_back({"max_tile_exponent", text(g.max_tile_exponent), "must be from 0 to 10"});
  if (!spec.codesign.knobs.empty())
    out.push_back({"knobs", "", "hardware knobs belong to codesign searches"});
  if (spec.codesign.granularity != CodesignConfig{}.granularity)
    out.push_back({"granularity", "", "checkpoint granularity belongs to training searches"});
  const auto& objectives = spec.codesign.objectives;
  for (size_t i = 0; i < objectives.size(); ++i)
    if (!objective_info(objectives[i]).generate)
      out.push_back({"objectives[" + std::to_string(i) + "]", objective_info(objectives[i]).key,
                     "a generate search scores the generation objectives (" +
                         generate_objective_keys() + ")"});
  if (spec.codesign.max_area_mm2 > 0)
    out.push_back({"constraints.area_mm2", text(spec.codesign.max_area_mm2),
                   "an area limit applies to codesign searches (a generate search's genes do not "
                   "change the hardware)"});
}
}  // namespace

std::string_view search_problem_name(SearchSpec::Kind k) {
  for (const auto& [kind, name] : kProblems)
    if (kind == k) return name;
  return "?";
}

SearchSpec::Kind parse_search_problem(std::string_view name) {
  std::string known;
  for (const auto& [kind, n] : kProblems) {
    if (name == n) return kind;
    known += (known.empty() ? "" : ", ") + std::string(n);
  }
  throw core::Error("must be one of " + known);
}

std::vector<SearchRuleBreak> search_rule_breaks(const SearchSpec& spec,
                                                const fusion::Experiment& e) {
  std::vector<SearchRuleBreak> out;
  const auto& c = spec.codesign;
  if (spec.kind == SearchSpec::Kind::kGenerate) {
    generate_rule_breaks(spec, e, out);
  } else {
    if (e.generate)
      out.push_back({"problem", std::string(search_problem_name(spec.kind)),
                     "a generation experiment (mode: generate) is searched by problem: generate"});
    for (size_t i = 0; i < c.objectives.size(); ++i)
      if (!objective_info(c.objectives[i]).codesign)
        out.push_back({"objectives[" + std::to_string(i) + "]", objective_info(c.objectives[i]).key,
                       "a generation objective: needs mode: generate (problem: generate)"});
  }
  const auto genes = gene_group_names(c);
  const bool chain = spec.kind == SearchSpec::Kind::kCheckpointChain;
  const bool gen = spec.kind == SearchSpec::Kind::kGenerate;
  if (chain && !e.training)
    out.push_back({"problem", "checkpoint-chain", "checkpoint-chain needs a training experiment"});
  if (chain && genes != std::vector<std::string>{"checkpoint"})
    out.push_back({"genes", joined(genes), "checkpoint-chain searches the checkpoint genes only"});
  if (!chain && !gen && genes.empty())
    out.push_back({"genes", "[]", "must name at least one gene group (" + gene_group_list() + ")"});
  if (c.checkpoint && !e.training)
    out.push_back({"genes", joined(genes), "checkpoint genes need mode: training"});
  if (c.trainable && !e.training)
    out.push_back({"genes", joined(genes), "trainable genes need mode: training"});
  if (c.trainable && c.checkpoint)
    out.push_back(
        {"genes", joined(genes), "trainable and checkpoint genes cannot be searched together"});
  if (c.hardware && c.knobs.empty())
    out.push_back({"knobs", "[]", "hardware genes need a non-empty `knobs` list"});
  if (!(c.max_area_mm2 >= 0) || !(c.max_average_power_w >= 0) || !std::isfinite(c.max_area_mm2) ||
      !std::isfinite(c.max_average_power_w))
    out.push_back({"constraints", "", "limits must be positive numbers (0 = no limit)"});
  if (chain && c.constrained())
    out.push_back({"constraints", "",
                   "constraints (area_mm2, average_power_w) apply to codesign and generate "
                   "searches"});
  if (!chain) {
    if (c.objectives.empty())
      out.push_back({"objectives", "[]", "must name at least one objective"});
    auto sorted = c.objectives;
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
      out.push_back({"objectives", "", "an objective is listed twice"});
  }
  for (size_t k = 0; k < c.knobs.size(); ++k) {
    const auto& knob = c.knobs[k];
    const std::string at = "knobs[" + std::to_string(k) + "]";
    if (knob.values.empty()) out.push_back({at + ".values", "[]", "must be a non-empty list"});
    if (knob.kind != HardwareKnob::Kind::kDramBandwidth && knob.core.empty())
      out.push_back({at + ".core", "", "must name a core"});
    if (knob.kind == HardwareKnob::Kind::kMemorySize && knob.memory.empty())
      out.push_back({at + ".memory", "", "must name a memory of the core"});
    for (size_t i = 0; i < knob.values.size(); ++i) {
      const double v = knob.values[i];
      const std::string vat = at + ".values[" + std::to_string(i) + "]";
      if (knob.kind == HardwareKnob::Kind::kArraySize) {
        if (!(v >= 1 && v <= 4096 && v == std::floor(v)))
          out.push_back({vat, text(v), "must be a whole number of PEs from 1 to 4096"});
      } else if (!(v > 0) || !std::isfinite(v)) {
        out.push_back({vat, text(v),
                       knob.kind == HardwareKnob::Kind::kMemorySize
                           ? "must be a positive size"
                           : "must be a positive bandwidth"});
      }
    }
  }
  if (!gen && (c.max_tile_exponent < 0 || c.max_tile_exponent > 10))
    out.push_back({"max_tile_exponent", text(c.max_tile_exponent), "must be from 0 to 10"});
  // The engine's own rules on its options, with the section's names.
  ga::Nsga2Options options = spec.nsga;
  if (spec.mutation_prob) options.mutation_prob = {*spec.mutation_prob};
  for (const auto& b : ga::option_breaks(options))
    out.push_back({search_key(b.option), b.value, b.rule});
  return out;
}

SearchSpec parse_search(const fusion::Experiment& e) {
  core::YamlNode s = e.root["search"];
  if (!s.defined())
    throw core::ConfigError(e.root.loc(), "search", "", "the experiment has no search section");
  if (!s.is_map()) s.fail("must be a map");
  s.reject_unknown_keys({"problem",           "genes",
                         "objectives",        "population",
                         "generations",       "evaluations",
                         "seconds",           "seed",
                         "threads",           "max_tile_exponent",
                         "granularity",       "knobs",
                         "crossover_prob",    "mutation_prob",
                         "layer_groups",      "weight_formats",
                         "other_weight_bits", "kv_cache_bits",
                         "allocation_ops",    "constraints"});
  // Read every field (a value of the wrong type fails here, at its line), then check the
  // rules once (search_rule_breaks) and report each broken one at its key.
  SearchSpec spec;
  const std::string problem = s.get_string("problem", e.generate ? "generate" : "codesign");
  try {
    spec.kind = parse_search_problem(problem);
  } catch (const core::ConfigError&) {
    throw;
  } catch (const core::Error& err) {
    s["problem"].fail(err.what());
  }
  const bool gen = spec.kind == SearchSpec::Kind::kGenerate;
  for (const char* key :
       {"layer_groups", "weight_formats", "other_weight_bits", "kv_cache_bits", "allocation_ops"})
    if (!gen && s.has(key)) s[key].fail("belongs to generate searches (mode: generate)");
  if (gen && s.has("granularity"))
    s["granularity"].fail("checkpoint granularity belongs to training searches");

  auto& c = spec.codesign;
  if (gen) {
    parse_generate_fields(s, spec.generate);
    c.objectives = default_generate_objectives();
  }
  if (spec.kind == SearchSpec::Kind::kCheckpointChain) set_gene_groups(c, {"checkpoint"});
  if (s.has("genes")) {
    core::YamlNode g = s["genes"];
    std::vector<std::string> genes = g.as_string_list();
    for (size_t i = 0; i < genes.size(); ++i) {
      try {
        if (gen)
          set_generate_gene_groups(spec.generate, {genes[i]});
        else
          set_gene_groups(c, {genes[i]});
      } catch (const core::ConfigError&) {
        throw;
      } catch (const core::Error& err) {
        (g.is_seq() ? g.at(i) : g).fail(err.what());
      }
    }
    if (gen)
      set_generate_gene_groups(spec.generate, genes);
    else
      set_gene_groups(c, genes);
  }
  if (s.has("objectives")) {
    core::YamlNode o = s["objectives"];
    if (spec.kind == SearchSpec::Kind::kCheckpointChain)
      o.fail("checkpoint-chain has fixed objectives (recompute cost, peak activation bytes)");
    auto names = o.as_string_list();
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
  }
  if (s.has("constraints")) {
    core::YamlNode cs = s["constraints"];
    if (!cs.is_map()) cs.fail("must be a map of limits (area_mm2, average_power_w)");
    cs.reject_unknown_keys({"area_mm2", "average_power_w"});
    auto limit = [&](const char* key, double& out) {
      if (!cs.has(key)) return;
      const double v = cs[key].as_double();
      if (!(v > 0) || !std::isfinite(v))
        cs[key].fail("a limit must be a positive number (in the unit its name ends with)");
      out = v;
    };
    limit("area_mm2", c.max_area_mm2);
    limit("average_power_w", c.max_average_power_w);
  }
  if (s.has("knobs")) {
    core::YamlNode k = s["knobs"];
    if (!k.is_seq()) k.fail("must be a list of knobs");
    for (size_t i = 0; i < k.size(); ++i) c.knobs.push_back(parse_knob(k.at(i)));
  }
  if (s.has("max_tile_exponent"))
    (gen ? spec.generate.max_tile_exponent : c.max_tile_exponent) =
        static_cast<int>(s["max_tile_exponent"].as_int(-(1 << 20), 1 << 20));
  if (s.has("granularity")) {
    try {
      c.granularity = training::parse_granularity(s["granularity"].as_string());
    } catch (const core::ConfigError&) {
      throw;
    } catch (const core::Error& err) {
      s["granularity"].fail(err.what());
    }
  }
  auto& n = spec.nsga;
  n.population = static_cast<size_t>(s.get_int("population", 64, 0));
  n.max_generations = static_cast<size_t>(s.get_int("generations", 0, 0));
  n.max_evaluations = static_cast<size_t>(s.get_int("evaluations", 0, 0));
  if (s.has("seconds")) n.max_seconds = s["seconds"].as_double();
  n.seed = static_cast<uint64_t>(s.get_int("seed", 1, 0));
  n.threads = static_cast<size_t>(s.get_int("threads", 1, 0));
  if (s.has("crossover_prob")) n.crossover_prob = s["crossover_prob"].as_double();
  if (s.has("mutation_prob")) spec.mutation_prob = s["mutation_prob"].as_double();

  core::IssueList issues;
  for (const auto& b : search_rule_breaks(spec, e)) {
    // knobs[i].values[j] → the node of that value, when written.
    core::YamlNode at = s;
    std::string path = b.field;
    while (!path.empty()) {
      size_t end = path.find_first_of(".[");
      std::string key = path.substr(0, end);
      core::YamlNode next = at[key];
      if (!next.defined()) break;
      at = next;
      path = end == std::string::npos ? "" : path.substr(end + (path[end] == '.' ? 1 : 0));
      while (!path.empty() && path[0] == '[') {
        size_t close = path.find(']');
        size_t index = std::stoul(path.substr(1, close - 1));
        if (!at.is_seq() || index >= at.size()) {
          path.clear();
          break;
        }
        at = at.at(index);
        path = path.substr(close + 1);
        if (!path.empty() && path[0] == '.') path = path.substr(1);
      }
    }
    issues.add(at.issue(b.rule));
  }
  issues.throw_if_any();
  return spec;
}

namespace {
std::vector<FrontMember> members(const ga::Result& r,
                                 const std::function<std::string(const ga::Genome&)>& describe) {
  std::vector<FrontMember> out;
  // The archive: everything non-dominated the run ever evaluated, not only the survivors.
  const auto& source = r.archive.empty() ? r.front : r.archive;
  for (const auto& ind : source)
    out.push_back({ind.genome, ind.evaluation, describe(ind.genome), {}});
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

namespace {
// A problem scored by the simulator (codesign, generate): seeded, searched, its front with
// each member's fall-backs.
template <typename Problem>
void run_simulated(const Problem& problem, const SearchSpec& spec, ga::Nsga2Options& opt,
                   const ga::ProgressCallback& progress, SearchOutcome& out) {
  resolve_mutation_prob(spec, problem, opt);
  auto seeds = problem.seeds();
  if (seeds.size() > opt.population) seeds.resize(opt.population);
  out.result = ga::optimize(problem, opt, seeds, progress);
  out.objective_names = problem.objective_names();
  out.objective_labels = problem.objective_labels();
  out.objective_units = problem.objective_units();
  out.front = members(out.result, [&](const ga::Genome& g) { return problem.describe(g); });
  for (auto& m : out.front) m.fallbacks = problem.fallbacks(m.genome);
}
}  // namespace

SearchOutcome run_search(const fusion::Experiment& e, const SearchSpec& spec,
                         const std::string& checkpoint_path, bool resume,
                         const ga::ProgressCallback& progress) {
  // Specs built in code (Python) meet the same rules as search sections.
  if (auto broken = search_rule_breaks(spec, e); !broken.empty()) {
    core::IssueList issues;
    for (const auto& b : broken)
      issues.add({"<search of experiment '" + e.name + "'>", 0}, "search." + b.field, b.value,
                 b.rule);
    issues.throw_if_any();
  }
  ga::Nsga2Options opt = spec.nsga;
  opt.checkpoint_path = checkpoint_path;
  opt.resume = resume;
  if (!checkpoint_path.empty()) opt.context = evaluation_context(e);
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
  } else if (spec.kind == SearchSpec::Kind::kGenerate) {
    run_simulated(GenerateProblem(e, spec.generate, spec.codesign.objectives,
                                  spec.codesign.max_average_power_w),
                  spec, opt, progress, out);
  } else {
    run_simulated(CodesignProblem(e, spec.codesign), spec, opt, progress, out);
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

std::vector<size_t> spread_members(const std::vector<FrontMember>& front, size_t n) {
  std::vector<size_t> pool;
  for (size_t i = 0; i < front.size(); ++i)
    if (front[i].evaluation.feasible()) pool.push_back(i);
  for (size_t i = 0; i < front.size(); ++i)
    if (!front[i].evaluation.feasible()) pool.push_back(i);
  if (n >= front.size()) {
    std::sort(pool.begin(), pool.end());
    return pool;
  }
  // Objectives scaled to [0, 1] over the front.
  const size_t k = front.empty() ? 0 : front[0].evaluation.objectives.size();
  std::vector<double> lo(k, 1e300), hi(k, -1e300);
  for (const auto& m : front)
    for (size_t j = 0; j < k; ++j) {
      lo[j] = std::min(lo[j], m.evaluation.objectives[j]);
      hi[j] = std::max(hi[j], m.evaluation.objectives[j]);
    }
  auto scaled = [&](size_t i, size_t j) {
    return hi[j] > lo[j] ? (front[i].evaluation.objectives[j] - lo[j]) / (hi[j] - lo[j]) : 0.0;
  };
  std::vector<size_t> chosen;
  std::vector<bool> taken(front.size(), false);
  auto take = [&](size_t i) {
    if (!taken[i] && chosen.size() < n) taken[i] = true, chosen.push_back(i);
  };
  // The extremes: the best (feasible first) member of each objective.
  for (size_t j = 0; j < k; ++j) {
    size_t best = pool.front();
    for (size_t i : pool)
      if (front[i].evaluation.feasible() == front[best].evaluation.feasible() &&
          front[i].evaluation.objectives[j] < front[best].evaluation.objectives[j])
        best = i;
    take(best);
  }
  // Then the farthest from everything chosen, feasible members before infeasible ones.
  std::vector<double> gap(front.size(), 1e300);  // squared distance to the nearest chosen
  size_t measured = 0;                           // chosen members already in `gap`
  while (chosen.size() < n) {
    for (; measured < chosen.size(); ++measured)
      for (size_t i : pool) {
        double d = 0;
        for (size_t j = 0; j < k; ++j) {
          const double x = scaled(i, j) - scaled(chosen[measured], j);
          d += x * x;
        }
        gap[i] = std::min(gap[i], d);
      }
    size_t pick = front.size();
    for (size_t i : pool) {
      if (taken[i]) continue;
      if (pick == front.size()) {
        pick = i;
        continue;
      }
      const bool fi = front[i].evaluation.feasible(), fp = front[pick].evaluation.feasible();
      if (fi != fp ? fi : gap[i] > gap[pick]) pick = i;
    }
    take(pick);
  }
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

std::string plan_notation() {
  return R"notation(Plans (pareto.csv, pareto.json and the list printed) read like
  stacks 33 tiles 16x6,1x26,8x1 | cores sa_ws+:47 simd:21 | checkpoint K|KD|-P | hw sa_ws.array=64x64
  stacks 33             the forward ops are cut into 33 fused stacks; backward and recompute ops
                        mirror them ("(backward layer by layer)" when they run one op per stack)
  tiles 16x6,1x26,8x1   tiles per stack in forward order, run-length coded: 6 stacks of 16 tiles,
                        then 26 of 1, then 1 of 8 ("stacks blocks tiles 8": fusion not searched)
  cores simd:21         21 forward ops run on core simd, ...
  cores sa_ws+:47       ... 47 on the fastest of several cores listed from sa_ws (identical cores
                        such as GPU SMs share an op's tiles); derived ops follow their forward op
  checkpoint K|KD|-P    one letter per block: K keeps its saved activations, D drops them (they
                        are recomputed for the backward pass), P keeps part, - saves none; '|'
                        after a block whose output is kept
  hw sa_ws.array=64x64  the hardware knobs' values (array size, memory size, DRAM bandwidth)
Checkpoint-chain searches show the checkpoint letters only. Generation searches read like
  weights 8|4g128|t1.6|t1.6 other 8 | kv_cache 8|8|4|4 | prefill blocks x4 | lm_head:a53
  weights 8|4g128|...   block weight format per layer group: bits, int4 with 128-weight scale
                        groups, ternary 1.6/2 bit; `other` the embedding/LM-head/norm bits
  kv_cache 8|8|4|4      KV-cache bits per layer group
  prefill blocks x4     one stack per decoder block, 4 token tiles (or layer-by-layer)
  lm_head:a53           the core class running ops matching the glob ("fastest of N"))notation";
}

std::vector<std::string> write_search_outputs(const fusion::Experiment& e, const SearchSpec& spec,
                                              const SearchOutcome& outcome, const std::string& dir,
                                              size_t front_files) {
  using nlohmann::json;
  core::OutputSet set(dir, "search");
  std::unique_ptr<CodesignProblem> problem;
  std::unique_ptr<GenerateProblem> generate;
  if (spec.kind == SearchSpec::Kind::kCodesign)
    problem = std::make_unique<CodesignProblem>(e, spec.codesign);
  if (spec.kind == SearchSpec::Kind::kGenerate)
    generate = std::make_unique<GenerateProblem>(e, spec.generate, spec.codesign.objectives);
  std::vector<bool> with_file(outcome.front.size(), false);
  if (problem || generate)
    for (size_t i : spread_members(outcome.front, front_files)) with_file[i] = true;
  size_t files = 0;
  json members = json::array();
  std::ostringstream csv;
  csv << "index";
  for (const auto& n : outcome.objective_names) csv << ',' << n;
  csv << ",violation,fallback_ops,plan,experiment,genome\n";
  for (size_t i = 0; i < outcome.front.size(); ++i) {
    const auto& m = outcome.front[i];
    std::ostringstream idx;
    idx << std::setw(3) << std::setfill('0') << i;
    std::string replay;
    if (with_file[i]) {
      ++files;
      replay = "front/" + idx.str() + ".yaml";
      std::string acc_file;
      if (generate) {
        set.write(replay, generate->experiment_yaml(m.genome, e.name + "-front-" + idx.str()));
      } else if (spec.codesign.hardware) {
        // The replay file names the accelerator where it will be once the set is in place.
        const std::string acc_rel = "front/" + idx.str() + ".accelerator.yaml";
        acc_file = (fs::path(set.dir()) / acc_rel).string();
        set.write(acc_rel, accelerators::write_accelerator_yaml(
                               problem->accelerator_for(m.genome),
                               "Hardware variant of a monet-sim search front member: " + m.plan));
      }
      if (problem)
        set.write(replay,
                  problem->experiment_yaml(m.genome, e.name + "-front-" + idx.str(), acc_file));
    }
    json obj = json::object();
    for (size_t k = 0; k < outcome.objective_names.size(); ++k)
      obj[outcome.objective_names[k]] = m.evaluation.objectives[k];
    int64_t fallback_ops = 0;
    for (const auto& f : m.fallbacks) fallback_ops += f.ops;
    members.push_back({{"objectives", obj},
                       {"violation", m.evaluation.violation},
                       {"feasible", m.evaluation.feasible()},
                       {"fallbacks", fusion::fallbacks_json(m.fallbacks)},
                       {"plan", m.plan},
                       {"experiment", replay},
                       {"genome", m.genome}});
    csv << i;
    for (double v : m.evaluation.objectives) csv << ',' << num(v);
    csv << ',' << num(m.evaluation.violation) << ',' << fallback_ops << ','
        << core::csv_field(m.plan) << ',' << replay << ',' << genome_text(m.genome) << '\n';
  }
  json pareto = {{"schema", "monet.pareto/1"},
                 {"experiment", e.name},
                 {"problem", search_problem_name(spec.kind)},
                 {"objectives", outcome.objective_names},
                 {"objective_labels", outcome.objective_labels},
                 {"objective_units", outcome.objective_units},
                 {"reference_point", outcome.result.reference_point},
                 {"hypervolume", outcome.hypervolume},
                 {"generations", outcome.result.generations},
                 {"evaluations", outcome.result.evaluations},
                 {"seed", spec.nsga.seed},
                 {"population", spec.nsga.population},
                 {"front_files", files},
                 {"violation_unit", spec.codesign.constrained() ? "relative" : "B"},
                 {"members", members}};
  if (!e.overrides.empty()) pareto["overrides"] = e.overrides;
  if (outcome.exact_hypervolume) {
    pareto["exact"] = {{"front_size", outcome.exact_front_size},
                       {"hypervolume", *outcome.exact_hypervolume},
                       {"ratio", outcome.hypervolume / *outcome.exact_hypervolume}};
  }
  set.write("pareto.json", core::json_text(pareto, 2, "pareto.json") + "\n");
  set.write("pareto.csv", csv.str());
  std::ostringstream hist;
  hist << "generation,evaluations,hypervolume,front_size\n";
  for (const auto& h : outcome.result.history)
    hist << h.generation << ',' << h.evaluations << ',' << num(h.hypervolume) << ',' << h.front_size
         << '\n';
  set.write("history.csv", hist.str());
  json info = {
      {"schema", "monet.search_run/1"},
      {"seconds", outcome.result.seconds},
      {"evaluations", outcome.result.evaluations},
      // A resumed search's earlier evaluations took time this session did not measure.
      {"session_evaluations", outcome.result.session_evaluations},
      {"evaluations_per_second",
       outcome.result.seconds > 0
           ? static_cast<double>(outcome.result.session_evaluations) / outcome.result.seconds
           : 0.0},
      {"stop_reason", outcome.result.stop_reason},
      {"threads", spec.nsga.threads}};
  set.write("search.json", core::json_text(info, 2, "search.json") + "\n");
  // The checkpoint stays with the outputs it produced, so the search can be resumed later.
  const fs::path checkpoint = fs::path(set.dir()) / kCheckpointFile;
  const bool with_checkpoint = fs::is_regular_file(checkpoint);
  if (with_checkpoint) set.write(kCheckpointFile, core::read_file(checkpoint.string()));
  set.commit();
  std::vector<std::string> written = {"pareto.json", "pareto.csv", "history.csv", "search.json"};
  if (with_checkpoint) written.push_back(kCheckpointFile);
  if (files > 0)
    written.push_back(
        "front/ (" + std::to_string(files) +
        (files == 1 ? " replayable experiment" : " replayable experiments") +
        (files < outcome.front.size()
             ? ", spread over the " + std::to_string(outcome.front.size()) + " members"
             : "") +
        ")");
  return written;
}

}  // namespace monet::codesign
