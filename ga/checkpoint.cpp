// Checkpoint files of Nsga2: the population and counters after a completed generation, plus the
// settings that shape the search, so a resumed run can prove it continues the same search.
// Random state is not stored: generation g always draws from Rng(seed, g).
#include <map>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/file_io.hpp"
#include "core/json_text.hpp"
#include "ga/nsga2.hpp"

namespace monet::ga {

using core::Error;
using nlohmann::json;

namespace {

constexpr const char* kSchema = "monet.ga.checkpoint";
constexpr int kVersion = 1;

json genes_json(const std::vector<GeneGroup>& genes) {
  json out = json::array();
  for (const auto& g : genes)
    out.push_back({{"name", g.name},
                   {"crossover", to_string(g.crossover)},
                   {"mutation", to_string(g.mutation)},
                   {"lower", g.lower},
                   {"upper", g.upper}});
  return out;
}

// The settings a resumed run must share with the run that wrote the checkpoint. Stop limits,
// threads and paths may change between runs.
json search_json(const std::vector<GeneGroup>& genes, const Nsga2Options& o,
                 const std::vector<double>& rates) {
  return {{"genes", genes_json(genes)},
          {"population", o.population},
          {"seed", o.seed},
          {"crossover_prob", o.crossover_prob},
          {"mutation_prob", rates},
          {"reference_point", o.reference_point}};
}

}  // namespace

void Nsga2::save_checkpoint(const std::string& path) const {
  if (!started_) throw Error("ga: nothing to checkpoint before the initial population is told");
  json population = json::array();
  for (const auto& ind : population_)
    population.push_back({{"genome", ind.genome},
                          {"objectives", ind.evaluation.objectives},
                          {"violation", ind.evaluation.violation}});
  json archive = json::array();
  for (const auto& ind : archive_)
    archive.push_back({{"genome", ind.genome},
                       {"objectives", ind.evaluation.objectives},
                       {"violation", ind.evaluation.violation}});
  json history = json::array();
  for (const auto& h : history_)
    history.push_back({{"generation", h.generation},
                       {"evaluations", h.evaluations},
                       {"hypervolume", h.hypervolume},
                       {"front_size", h.front_size}});
  const json doc = {{"schema", kSchema},
                    {"version", kVersion},
                    {"search", search_json(genes_, options_, rates_)},
                    {"context", options_.context},
                    {"generation", generation_},
                    {"evaluations", evaluations_},
                    {"objectives", objectives_},
                    {"reference_point", reference_},
                    {"population", population},
                    {"archive", archive},
                    {"history", history}};
  core::write_file_atomic(path, core::json_text(doc, 1, path) + "\n");
}

void Nsga2::load_checkpoint(const std::string& path) {
  const std::string text = core::read_file(path);
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {
    throw Error("ga: checkpoint '" + path + "' is not valid JSON: " + e.what());
  }
  try {
    if (doc.value("schema", "") != kSchema || doc.value("version", 0) != kVersion)
      throw Error("ga: '" + path + "' is not a version " + std::to_string(kVersion) +
                  " GA checkpoint (schema " + kSchema + ")");
    const auto found_context =
        doc.value("context", json::object()).get<std::map<std::string, std::string>>();
    if (found_context != options_.context) {
      std::string changed;
      for (const auto& [key, value] : options_.context) {
        auto it = found_context.find(key);
        if (it == found_context.end() || it->second != value)
          changed += (changed.empty() ? "" : ", ") + key;
      }
      for (const auto& [key, value] : found_context)
        if (!options_.context.count(key)) changed += (changed.empty() ? "" : ", ") + key;
      throw Error("ga: checkpoint '" + path + "' was written for different inputs: " + changed +
                  " changed since; its evaluations do not hold any more, so it cannot be "
                  "resumed (run without --resume to start over)");
    }
    const json expected = search_json(genes_, options_, rates_);
    const json& found = doc.at("search");
    for (const auto& [key, value] : expected.items()) {
      if (!found.contains(key) || found.at(key) != value)
        throw Error("ga: checkpoint '" + path + "' was written with a different '" + key +
                    "' (checkpoint: " + (found.contains(key) ? found.at(key).dump() : "none") +
                    ", now: " + value.dump() + "); it cannot be resumed with these settings");
    }
    const std::size_t objectives = doc.at("objectives").get<std::size_t>();
    std::vector<Individual> population;
    for (const auto& item : doc.at("population")) {
      Individual ind;
      ind.genome = item.at("genome").get<Genome>();
      ind.evaluation.objectives = item.at("objectives").get<std::vector<double>>();
      ind.evaluation.violation = item.at("violation").get<double>();
      const std::string what =
          "checkpoint '" + path + "' population member " + std::to_string(population.size());
      validate_genome(genes_, ind.genome, what);
      validate_evaluation(ind.evaluation, objectives, what);
      population.push_back(std::move(ind));
    }
    if (population.empty() || population.size() > options_.population)
      throw Error("ga: checkpoint '" + path + "' holds " + std::to_string(population.size()) +
                  " individuals for a population of " + std::to_string(options_.population));
    std::vector<Individual> archive;
    for (const auto& item : doc.at("archive")) {
      Individual ind;
      ind.genome = item.at("genome").get<Genome>();
      ind.evaluation.objectives = item.at("objectives").get<std::vector<double>>();
      ind.evaluation.violation = item.at("violation").get<double>();
      validate_genome(genes_, ind.genome, "checkpoint '" + path + "' archive member");
      validate_evaluation(ind.evaluation, objectives, "checkpoint '" + path + "' archive member");
      archive.push_back(std::move(ind));
    }
    std::vector<HistoryEntry> history;
    for (const auto& item : doc.at("history")) {
      HistoryEntry h;
      h.generation = item.at("generation").get<std::size_t>();
      h.evaluations = item.at("evaluations").get<std::size_t>();
      h.hypervolume = item.at("hypervolume").get<double>();
      h.front_size = item.at("front_size").get<std::size_t>();
      history.push_back(h);
    }
    generation_ = doc.at("generation").get<std::size_t>();
    evaluations_ = doc.at("evaluations").get<std::size_t>();
    objectives_ = objectives;
    reference_ = doc.at("reference_point").get<std::vector<double>>();
    population_ = std::move(population);
    archive_ = std::move(archive);
    history_ = std::move(history);
  } catch (const json::exception& e) {
    throw Error("ga: checkpoint '" + path + "' is malformed: " + e.what());
  }
  started_ = true;
  pending_.clear();
  asked_ = false;
  rank_population();
}

}  // namespace monet::ga
