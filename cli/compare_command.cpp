// `compare EXP... [--accelerator A]...`: the same experiments run on several accelerators (or
// several experiments side by side), printed as one table and written as a comparison folder
// (compare.json, schema monet.compare/1 in report/README.md, plus each entry's run files) that
// `monet-sim report` draws. Single-graph runs, generations (mode: generate) and few-shot
// episodes (mode: few-shot) each have their metrics; one comparison holds one kind.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "accelerators/area.hpp"
#include "cli/commands.hpp"
#include "cli/experiment_options.hpp"
#include "core/error.hpp"
#include "core/json_text.hpp"
#include "core/output_set.hpp"
#include "core/units.hpp"
#include "core/whole_bytes.hpp"
#include "fusion/episode.hpp"
#include "fusion/experiment.hpp"
#include "fusion/generate.hpp"
#include "fusion/names.hpp"
#include "fusion/report.hpp"
#include "fusion/run_outputs.hpp"

namespace monet::cli {

namespace {
struct CompareArgs {
  std::vector<std::string> experiments;
  std::vector<std::string> accelerators;
  std::vector<std::string> set;
  std::string out_dir = "out/compare";
  bool no_files = false;
  std::string title;
};

// What a metric reads: the run's summary (single-graph experiments) or the generation, the
// MACs it did and the accelerator's area (NaN when its file states no technology node).
struct Measured {
  const fusion::Summary* s = nullptr;
  const fusion::GenerationRun* g = nullptr;
  const fusion::EpisodeRun* ep = nullptr;
  const fusion::PowerSummary* power = nullptr;  // the run's, generation's or episode's
  int64_t macs = 0;
  double area_mm2 = 0;
};

// One column of the table and one metric of compare.json. `better` is empty when neither
// direction is better (work done, capacity used, area).
struct Metric {
  const char* name;
  const char* label;
  const char* unit;
  const char* better;
  double (*value)(const Measured&);
  std::string (*format)(double);
};

std::string seconds(double v) {
  return core::format_seconds(v);
}
std::string energy(double v) {
  return core::format_energy_pj(v);
}
std::string bytes(double v) {
  return core::format_bytes(v);
}
// A named function, not the overload set of core::format_count, for the column table.
std::string counted(double v) {
  return core::format_count(v);
}
std::string general(double v) {
  if (std::isnan(v)) return "-";
  std::ostringstream o;
  o << std::setprecision(3) << v;
  return o.str();
}
std::string watts(double v) {
  return general(v) + " W";
}
std::string mm2(double v) {
  return std::isnan(v) ? "- (no node)" : general(v) + " mm2";
}

// Power, runs per joule and GOPS/W use the energy at the supply (dynamic + stated static and
// board power, fusion/power.hpp): what a meter on the board would read. GOPS counts 2 ops
// per MAC. These read Measured::power and the MACs, so every kind shares them.
double per_supply_joule(const Measured& m, double work) {
  return m.power->supply_energy_j > 0 ? work / m.power->supply_energy_j : std::nan("");
}
const Metric kSupplyEnergy{"supply_energy_j",
                           "supply energy",
                           "J",
                           "lower",
                           [](const Measured& m) { return m.power->supply_energy_j; },
                           [](double v) { return energy(v * 1e12); }};
const Metric kAveragePower{"average_power_w",
                           "avg power",
                           "W",
                           "lower",
                           [](const Measured& m) { return m.power->average_w; },
                           watts};
const Metric kGopsPerW{"gops_per_w",
                       "GOPS/W",
                       "GOPS/W",
                       "higher",
                       [](const Measured& m) {
                         return m.power->supply_energy_j > 0 ? 2.0 * static_cast<double>(m.macs) /
                                                                   m.power->supply_energy_j / 1e9
                                                             : std::nan("");
                       },
                       general};
const Metric kArea{"area_mm2", "area", "mm2", "", [](const Measured& m) { return m.area_mm2; },
                   mm2};
const Metric kMacs{
    "macs", "MACs", "MACs", "", [](const Measured& m) { return static_cast<double>(m.macs); },
    counted};

const Metric kMetrics[] = {
    {"latency_s", "latency", "s", "lower", [](const Measured& m) { return m.s->latency_s; },
     seconds},
    {"energy_pj", "energy", "pJ", "lower", [](const Measured& m) { return m.s->energy.total_pj(); },
     energy},
    kSupplyEnergy,
    kAveragePower,
    {"runs_per_j", "runs/J", "1/J", "higher",
     [](const Measured& m) { return per_supply_joule(m, 1); }, general},
    kGopsPerW,
    kArea,
    // On-chip use is bounded by each accelerator's capacity: more is not worse.
    {"peak_onchip_bytes", "peak on-chip", "B", "",
     [](const Measured& m) { return m.s->peak_onchip_bytes; }, bytes},
    {"peak_footprint_bytes", "peak footprint", "B", "lower",
     [](const Measured& m) { return m.s->peak_footprint_bytes; }, bytes},
    {"dram_traffic_bytes", "DRAM traffic", "B", "lower",
     [](const Measured& m) { return m.s->dram_read_bytes + m.s->dram_write_bytes; }, bytes},
    kMacs,
};

// A generation experiment (mode: generate): its time to first token, decode rate and energy
// per token, and its power over the whole generation (prefill + decode) at the supply.
const Metric kGenerationMetrics[] = {
    {"ttft_s", "ttft", "s", "lower", [](const Measured& m) { return m.g->ttft_s; }, seconds},
    {"tpot_s", "tpot", "s", "lower", [](const Measured& m) { return m.g->tpot_s(); }, seconds},
    {"decode_tokens_per_s", "tokens/s", "tokens/s", "higher",
     [](const Measured& m) { return m.g->decode_tokens_per_s(); }, general},
    {"energy_per_token_j", "energy/token", "J", "lower",
     [](const Measured& m) { return m.g->energy_per_token_j(); },
     [](double v) { return energy(v * 1e12); }},
    kSupplyEnergy,
    kAveragePower,
    {"tokens_per_j", "tokens/J", "1/J", "higher",
     [](const Measured& m) {
       return per_supply_joule(m, static_cast<double>(m.g->output_tokens * m.g->batch));
     },
     general},
    kArea,
    {"peak_memory_bytes", "peak memory", "B", "lower",
     [](const Measured& m) { return m.g->peak_memory_bytes; }, bytes},
    {"weight_bytes", "weights", "B", "",
     [](const Measured& m) { return static_cast<double>(m.g->weight_bytes); }, bytes},
};

// A few-shot episode (mode: few-shot): the whole episode (fine-tuning steps and inference over
// support and query images), its dynamic energy and its power at the supply.
const Metric kEpisodeMetrics[] = {
    {"latency_s", "episode time", "s", "lower", [](const Measured& m) { return m.ep->latency_s; },
     seconds},
    {"energy_pj", "energy", "pJ", "lower", [](const Measured& m) { return m.ep->energy_pj; },
     energy},
    kSupplyEnergy,
    kAveragePower,
    {"episodes_per_j", "episodes/J", "1/J", "higher",
     [](const Measured& m) { return per_supply_joule(m, 1); }, general},
    kGopsPerW,
    kArea,
    {"peak_footprint_bytes", "peak footprint", "B", "lower",
     [](const Measured& m) { return m.ep->peak_footprint_bytes; }, bytes},
    kMacs,
};

const char* const kRunFootnote =
    "  (* best of the entries; power, runs/J and GOPS/W at the supply, 2 ops per MAC; MACs "
    "are the work done, not a figure of merit; area only where the accelerator states a "
    "technology node)\n";
const char* const kGenerationFootnote =
    "  (* best of the entries; energy/token: a decode step's dynamic energy at the chip per "
    "token; supply energy, power and tokens/J at the supply over the whole generation, prefill "
    "and decode; area only where the accelerator states a technology node)\n";
const char* const kEpisodeFootnote =
    "  (* best of the entries; the whole episode: every part times its repeats; power, "
    "episodes/J and GOPS/W at the supply, 2 ops per MAC; area only where the accelerator states "
    "a technology node)\n";

// What a comparison holds: one kind of experiment, since their metrics differ.
enum class Kind { kRun, kGeneration, kEpisode };
Kind kind_of(const fusion::Experiment& e) {
  return e.generate ? Kind::kGeneration : e.few_shot ? Kind::kEpisode : Kind::kRun;
}
// Per kind, once: compare.json's `kind`, the words for messages, the noun of the table's
// heading, the metrics and the table's footnote.
struct KindInfo {
  const char* key;
  const char* words;
  const char* noun;
  std::span<const Metric> metrics;
  const char* footnote;
};
const KindInfo& info_of(Kind k) {
  static const KindInfo table[] = {
      {"run", "a single-graph run (inference or a training step)", "entries", kMetrics,
       kRunFootnote},
      {"generation", "a generation (mode: generate)", "generations", kGenerationMetrics,
       kGenerationFootnote},
      {"episode", "a few-shot episode (mode: few-shot)", "episodes", kEpisodeMetrics,
       kEpisodeFootnote},
  };
  return table[static_cast<int>(k)];
}

struct Entry {
  std::string name;
  std::string experiment;   // the file as given
  std::string accelerator;  // the accelerator's name as simulated
  std::string folder;       // "runs/<name>", relative to the comparison folder
  std::vector<double> values;
  bool static_described = true;  // false: the accelerator states no static power at all
};

// A folder name for an entry: its name with anything but [A-Za-z0-9._@-] as '_'.
std::string folder_name(const std::string& name) {
  std::string out;
  for (char c : name)
    out +=
        std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '@' || c == '-'
            ? c
            : '_';
  return out.empty() || out[0] == '.' ? "_" + out : out;
}

std::string table_text(const std::vector<Entry>& entries, std::span<const Metric> metrics,
                       const char* footnote) {
  std::vector<std::string> header = {"entry"};
  for (const auto& m : metrics) header.push_back(m.label);
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : entries) {
    std::vector<std::string> row = {e.name};
    for (size_t k = 0; k < metrics.size(); ++k) {
      const Metric& m = metrics[k];
      std::string cell = m.format(e.values[k]);
      // '*' marks the best entry of a metric that has a better direction.
      if (*m.better && !std::isnan(e.values[k])) {
        const bool higher = std::string(m.better) == "higher";
        bool best = true;
        for (const auto& o : entries)
          best = best && (std::isnan(o.values[k]) ||
                          (higher ? o.values[k] <= e.values[k] : o.values[k] >= e.values[k]));
        if (best && entries.size() > 1) cell += " *";
      }
      row.push_back(cell);
    }
    rows.push_back(row);
  }
  std::vector<size_t> width(header.size());
  for (size_t c = 0; c < header.size(); ++c) {
    width[c] = header[c].size();
    for (const auto& r : rows) width[c] = std::max(width[c], r[c].size());
  }
  std::ostringstream o;
  auto line = [&](const std::vector<std::string>& cells) {
    o << "  " << cells[0] << std::string(width[0] - cells[0].size(), ' ');
    for (size_t c = 1; c < cells.size(); ++c)
      o << "  " << std::string(width[c] - cells[c].size(), ' ') << cells[c];
    o << "\n";
  };
  line(header);
  for (const auto& r : rows) line(r);
  std::string dynamic_only;
  for (const auto& e : entries)
    if (!e.static_described) dynamic_only += (dynamic_only.empty() ? "" : ", ") + e.name;
  if (!dynamic_only.empty())
    o << "  dynamic only (no static or board power stated, so supply energy and power are "
         "optimistic): "
      << dynamic_only << "\n";
  o << footnote;
  return o.str();
}

// Names an entry (by accelerator for one experiment, by experiment name for several files
// without --accelerator, else "name @ accelerator") and returns its run folder.
std::string name_entry(Entry& en, const CompareArgs& a, const std::vector<std::string>& accs,
                       const std::string& acc, const std::string& accelerator_name,
                       const std::string& experiment_name, std::set<std::string>& names,
                       std::set<std::string>& folders) {
  const std::string shown_acc = acc.empty() ? accelerator_name : acc;
  en.name = a.experiments.size() == 1         ? shown_acc
            : accs.size() == 1 && acc.empty() ? experiment_name
                                              : experiment_name + " @ " + shown_acc;
  if (!names.insert(en.name).second)
    throw core::Error("compare: two entries are both named '" + en.name +
                      "' (the same experiment name or accelerator given twice)");
  std::string folder = "runs/" + folder_name(en.name);
  while (!folders.insert(folder).second) folder += "_";
  return folder;
}

void compare(const CompareArgs& a) {
  // One entry per experiment and accelerator; without --accelerator, each file's own.
  std::vector<std::string> accs =
      a.accelerators.empty() ? std::vector<std::string>{""} : a.accelerators;
  if (a.experiments.size() * accs.size() < 2)
    throw core::Error(
        "compare needs at least two entries: several experiment files, or --accelerator given "
        "more than once (got " +
        std::to_string(a.experiments.size()) + " experiment and " +
        std::to_string(a.accelerators.size()) + " --accelerator)");
  if (!a.no_files) core::check_output_folder(a.out_dir);
  std::unique_ptr<core::OutputSet> set;
  if (!a.no_files) set = std::make_unique<core::OutputSet>(a.out_dir, "compare");

  std::vector<Entry> entries;
  std::set<std::string> names, folders;
  // One kind per comparison: single-graph runs, generations or few-shot episodes (their
  // metrics differ). Checked on every file before anything is simulated.
  // Loaded on the first accelerator; the entries on it reuse these (a file is read once).
  Kind kind = Kind::kRun;
  std::vector<std::optional<fusion::Experiment>> on_first;
  for (size_t i = 0; i < a.experiments.size(); ++i) {
    const std::string& file = a.experiments[i];
    ExperimentOptions options;
    options.set = a.set;
    options.accelerator = accs.front();
    on_first.emplace_back(fusion::load_experiment(file, options.overrides()));
    const Kind k = kind_of(*on_first.back());
    if (i == 0)
      kind = k;
    else if (k != kind)
      throw core::Error("compare: " + file + " is " + info_of(k).words + " but " +
                        a.experiments.front() + " is " + info_of(kind).words +
                        ": their metrics differ, so compare one kind at a time");
  }
  const KindInfo& info = info_of(kind);
  for (size_t i = 0; i < a.experiments.size(); ++i)
    for (const auto& acc : accs) {
      const std::string& file = a.experiments[i];
      ExperimentOptions options;
      options.set = a.set;
      options.accelerator = acc;
      fusion::Experiment e = &acc == &accs.front()
                                 ? std::move(*std::exchange(on_first[i], std::nullopt))
                                 : fusion::load_experiment(file, options.overrides());

      Entry en;
      en.experiment = file;
      // The same for every kind: the metrics' values, the entry's name and folder, and the
      // warnings (DRAM over capacity, average power over the mode's budget).
      auto record = [&](const accelerators::Accelerator& accelerator, Measured m,
                        double capacity_violation_bytes) {
        const accelerators::AreaEstimate area = accelerators::estimate_area(accelerator);
        m.area_mm2 = area.estimated ? area.total_mm2 : std::nan("");
        for (const auto& metric : info.metrics) en.values.push_back(metric.value(m));
        en.accelerator = accelerator.name;
        en.static_described = m.power->static_described;
        en.folder = name_entry(en, a, accs, acc, accelerator.name, e.name, names, folders);
        if (capacity_violation_bytes > 0)
          std::cerr << "warning: " << en.name << ": DRAM capacity exceeded by "
                    << core::format_bytes(capacity_violation_bytes) << "\n";
        if (auto w = fusion::power_warning(*m.power))
          std::cerr << "warning: " << en.name << ": " << *w << "\n";
      };
      if (kind == Kind::kGeneration) {
        const fusion::GenerationRun r = fusion::run_generation(e);
        record(r.parts.front().sim->accelerator(), {.g = &r, .power = &r.power},
               r.capacity_violation_bytes);
        if (set) fusion::write_generation_files(*set, en.folder + "/", e, r);
      } else if (kind == Kind::kEpisode) {
        const fusion::PreparedEpisode p = fusion::prepare_episode(e);
        const fusion::EpisodeRun r = fusion::run_episode(p);
        record(p.parts.back().sim->accelerator(),
               {.ep = &r, .power = &r.power, .macs = fusion::episode_macs(p)},
               r.capacity_violation_bytes);
        if (set) fusion::write_episode_files(*set, en.folder + "/", e, p, r);
      } else {
        fusion::Prepared p = fusion::prepare(e);
        const auto& sim = *p.sim;
        fusion::FusionPlan plan = fusion::experiment_plan(e, sim);
        fusion::CnGraph cns = sim.cns(plan);
        fusion::Schedule s = fusion::schedule(sim.graph(), plan, cns, sim.accelerator());
        record(sim.accelerator(),
               {.s = &s.summary, .power = &s.summary.power, .macs = sim.graph().totals().macs},
               s.summary.capacity_violation_bytes);
        if (set)
          fusion::write_run_files(*set, en.folder + "/", sim, plan, cns, s,
                                  fusion::experiment_run_info(e, p, e.overrides));
      }
      entries.push_back(std::move(en));
    }

  std::cout << "monet-sim compare: " << entries.size() << " " << info.noun << "\n"
            << table_text(entries, info.metrics, info.footnote);
  if (!set) return;
  nlohmann::json metric_list = nlohmann::json::array();
  for (const auto& m : info.metrics) {
    nlohmann::json j = {{"name", m.name}, {"label", m.label}, {"unit", m.unit}};
    if (*m.better) j["better"] = m.better;
    metric_list.push_back(j);
  }
  nlohmann::json list = nlohmann::json::array();
  for (const auto& en : entries) {
    nlohmann::json values = nlohmann::json::object();
    for (size_t k = 0; k < info.metrics.size(); ++k)
      values[info.metrics[k].name] = std::isnan(en.values[k]) ? nlohmann::json(nullptr)
                                     : std::string(info.metrics[k].unit) == "B"
                                         ? nlohmann::json(core::whole_bytes(en.values[k]))
                                         : nlohmann::json(en.values[k]);
    list.push_back({{"name", en.name},
                    {"experiment", en.experiment},
                    {"accelerator", en.accelerator},
                    {"run", en.folder},
                    {"static_described", en.static_described},
                    {"values", values}});
  }
  nlohmann::json doc = {
      {"schema", "monet.compare/1"},
      {"title", !a.title.empty()
                    ? a.title
                    : "monet-sim compare: " + std::to_string(entries.size()) + " entries"},
      {"kind", info.key},
      {"metrics", metric_list},
      {"entries", list}};
  if (!a.set.empty()) {
    std::string d = "set on every entry:";
    for (const auto& s : a.set) d += " --set " + s;
    doc["description"] = d;
  }
  set->write("compare.json", core::json_text(doc, 2, "compare.json") + "\n");
  set->commit();
  std::cout << "  wrote            " << a.out_dir
            << "/{compare.json, runs/<entry>/} (monet-sim report " << a.out_dir << " draws it)\n";
}
}  // namespace

void add_compare_command(CLI::App& app) {
  auto args = std::make_shared<CompareArgs>();
  auto* cmd = app.add_subcommand(
      "compare",
      "Run experiments on several accelerators (or several experiments) and compare them: a "
      "table, and a comparison folder (compare.json + each run) for `monet-sim report`");
  cmd->add_option("experiments", args->experiments, "Experiment YAML files")->required();
  cmd->add_option("--accelerator,--accelerators", args->accelerators,
                  "Run every experiment on this accelerator (preset name, NAME@MODE or file; "
                  "repeat, or give a comma-separated list, to compare several)")
      ->delimiter(',')
      ->allow_extra_args(false);
  cmd->add_option("--set", args->set,
                  "Set a field of every experiment before it is read (FIELD=VALUE, repeatable; "
                  "as in `run`)")
      ->allow_extra_args(false);
  cmd->add_option("-o,--out", args->out_dir, "Comparison folder (default out/compare)");
  cmd->add_option("--title", args->title, "Title of the comparison (compare.json, report)");
  cmd->add_flag("--no-files", args->no_files, "Print the table only");
  cmd->callback([args] { compare(*args); });
}

}  // namespace monet::cli
