#include "ga/nsga2.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <set>
#include <sstream>
#include <utility>

#include "core/error.hpp"
#include "core/thread_pool.hpp"
#include "ga/dominance.hpp"
#include "ga/hypervolume.hpp"
#include "ga/operators.hpp"

namespace monet::ga {

using core::Error;

namespace {
// How many tries to turn a duplicate child into a new genome before giving up on the slot; the
// limit only matters when the search space is nearly exhausted.
constexpr int kDuplicateRetries = 8;
// Total attempts per requested genome before a batch is returned short.
constexpr std::size_t kAttemptsPerGenome = 20;
}  // namespace

std::vector<OptionBreak> option_breaks(const Nsga2Options& o) {
  std::vector<OptionBreak> out;
  auto text = [](double v) {
    std::ostringstream s;
    s << v;
    return s.str();
  };
  if (o.population < 4)
    out.push_back({"population", std::to_string(o.population), "population must be at least 4"});
  if (o.threads < 1) out.push_back({"threads", "0", "threads must be at least 1"});
  if (o.max_generations == 0 && o.max_evaluations == 0 && !(o.max_seconds > 0.0))
    out.push_back({"max_generations", "0",
                   "no stopping budget: set generations, evaluations or seconds (0 means no "
                   "limit, and at least one limit is needed)"});
  if (!std::isfinite(o.max_seconds) || o.max_seconds < 0.0)
    out.push_back({"max_seconds", text(o.max_seconds), "max_seconds must be finite and >= 0"});
  if (!(o.crossover_prob >= 0.0 && o.crossover_prob <= 1.0))
    out.push_back({"crossover_prob", text(o.crossover_prob), "crossover_prob must lie in [0, 1]"});
  for (double p : o.mutation_prob)
    if (!(p >= 0.0 && p <= 1.0))
      out.push_back({"mutation_prob", text(p), "mutation_prob must lie in [0, 1]"});
  return out;
}

void validate(const Nsga2Options& o, const std::vector<GeneGroup>& genes) {
  validate_genes(genes);
  for (const auto& b : option_breaks(o)) throw Error("ga: " + b.rule + " (got " + b.value + ")");
  if (!o.mutation_prob.empty() && o.mutation_prob.size() != genes.size())
    throw Error("ga: mutation_prob has " + std::to_string(o.mutation_prob.size()) +
                " entries but there are " + std::to_string(genes.size()) + " gene groups");
  for (double r : o.reference_point)
    if (!std::isfinite(r)) throw Error("ga: reference_point has a non-finite coordinate");
  if (o.resume && o.checkpoint_path.empty())
    throw Error("ga: resume is set but checkpoint_path is empty");
}

Nsga2::Nsga2(std::vector<GeneGroup> genes, Nsga2Options options)
    : genes_(std::move(genes)), options_(std::move(options)) {
  validate(options_, genes_);
  if (options_.mutation_prob.empty())
    rates_.assign(genes_.size(), 1.0 / static_cast<double>(genome_length(genes_)));
  else
    rates_ = options_.mutation_prob;
}

void Nsga2::seed(const std::vector<Genome>& seeds) {
  if (started_ || asked_)
    throw Error("ga: seeds must be given before the initial population is asked for");
  std::set<Genome> seen(seeds_.begin(), seeds_.end());
  for (std::size_t i = 0; i < seeds.size(); ++i) {
    validate_genome(genes_, seeds[i], "seed " + std::to_string(i));
    if (seen.insert(seeds[i]).second) seeds_.push_back(seeds[i]);
  }
  if (seeds_.size() > options_.population)
    throw Error("ga: " + std::to_string(seeds_.size()) +
                " distinct seed genomes do not fit in a population of " +
                std::to_string(options_.population));
}

std::string Nsga2::budget_exhausted() const {
  if (started_ && options_.max_generations > 0 && generation_ >= options_.max_generations)
    return "generation limit";
  if (options_.max_evaluations > 0 && evaluations_ >= options_.max_evaluations)
    return "evaluation limit";
  return "";
}

std::vector<Genome> Nsga2::ask() {
  if (asked_) throw Error("ga: ask() called twice without tell()");
  std::vector<Genome> batch = started_ ? offspring() : initial_genomes();
  pending_ = batch;
  asked_ = true;
  return batch;
}

std::vector<Genome> Nsga2::initial_genomes() {
  const std::size_t target = options_.population;
  core::Rng rng(options_.seed, 0);
  std::vector<Genome> out;
  std::set<Genome> seen;
  for (const auto& s : seeds_) {
    if (out.size() == target) break;
    out.push_back(s);
    seen.insert(s);
  }
  for (std::size_t attempt = 0; out.size() < target && attempt < kAttemptsPerGenome * target;
       ++attempt) {
    Genome g = random_genome(genes_, rng);
    if (seen.insert(g).second) out.push_back(std::move(g));
  }
  return out;
}

std::size_t Nsga2::tournament(core::Rng& rng) const {
  // Binary tournament between two distinct members: lower front wins, then larger crowding
  // distance, then the first drawn.
  const std::size_t n = population_.size();
  const std::size_t a = static_cast<std::size_t>(rng.below(n));
  std::size_t b = static_cast<std::size_t>(rng.below(n - 1));
  if (b >= a) ++b;
  if (rank_[b] < rank_[a]) return b;
  if (rank_[a] < rank_[b]) return a;
  return crowding_[b] > crowding_[a] ? b : a;
}

std::vector<Genome> Nsga2::offspring() {
  // Always a full batch, even when it overshoots max_evaluations: a batch cut to fit would make
  // the run depend on the limit, and a run resumed with a larger limit would then diverge.
  const std::size_t target = options_.population;
  core::Rng rng(options_.seed, generation_ + 1);
  std::set<Genome> seen;
  for (const auto& ind : population_) seen.insert(ind.genome);
  std::vector<Genome> out;
  if (population_.size() < 2) return out;
  for (std::size_t attempt = 0; out.size() < target && attempt < kAttemptsPerGenome * target;
       ++attempt) {
    Genome c1 = population_[tournament(rng)].genome;
    Genome c2 = population_[tournament(rng)].genome;
    if (rng.bernoulli(options_.crossover_prob)) crossover(genes_, c1, c2, rng);
    mutate(genes_, rates_, c1, rng);
    mutate(genes_, rates_, c2, rng);
    for (Genome* child : {&c1, &c2}) {
      if (out.size() == target) break;
      for (int retry = 0; seen.count(*child) && retry < kDuplicateRetries; ++retry)
        if (!mutate_one(genes_, *child, rng)) break;
      if (seen.insert(*child).second) out.push_back(std::move(*child));
    }
  }
  return out;
}

void Nsga2::tell(const std::vector<Evaluation>& evaluations) {
  if (!asked_) throw Error("ga: tell() called without a preceding ask()");
  if (evaluations.size() != pending_.size())
    throw Error("ga: tell() got " + std::to_string(evaluations.size()) + " evaluations for " +
                std::to_string(pending_.size()) + " asked genomes");
  if (objectives_ == 0 && !evaluations.empty()) {
    objectives_ = evaluations[0].objectives.size();
    if (objectives_ == 0) throw Error("ga: evaluation 0 has no objectives");
    if (!options_.reference_point.empty() && options_.reference_point.size() != objectives_)
      throw Error("ga: reference_point has " + std::to_string(options_.reference_point.size()) +
                  " coordinates but the problem has " + std::to_string(objectives_) +
                  " objectives");
  }
  for (std::size_t i = 0; i < evaluations.size(); ++i)
    validate_evaluation(evaluations[i], objectives_, "evaluation " + std::to_string(i));

  std::vector<Individual> batch;
  batch.reserve(pending_.size());
  for (std::size_t i = 0; i < pending_.size(); ++i)
    batch.push_back({std::move(pending_[i]), evaluations[i]});
  pending_.clear();
  asked_ = false;
  evaluations_ += batch.size();
  update_archive(batch);
  if (!started_) {
    population_ = std::move(batch);
    rank_population();
    started_ = true;
  } else {
    std::vector<Individual> combined = std::move(population_);
    for (auto& ind : batch) combined.push_back(std::move(ind));
    survive(std::move(combined));
    ++generation_;
  }
  update_reference();
  record_history();
}

void Nsga2::update_archive(const std::vector<Individual>& batch) {
  // In batch order, so the archive depends on the seed only, not on thread timing.
  for (const auto& ind : batch) {
    bool covered = false;
    for (const auto& a : archive_)
      if (constrained_dominates(a.evaluation, ind.evaluation) ||
          (a.evaluation.objectives == ind.evaluation.objectives &&
           a.evaluation.violation <= ind.evaluation.violation)) {
        covered = true;
        break;
      }
    if (covered) continue;
    archive_.erase(std::remove_if(archive_.begin(), archive_.end(),
                                  [&](const Individual& a) {
                                    return constrained_dominates(ind.evaluation, a.evaluation) ||
                                           (a.evaluation.objectives == ind.evaluation.objectives);
                                  }),
                   archive_.end());
    archive_.push_back(ind);
  }
}

void Nsga2::survive(std::vector<Individual> combined) {
  std::vector<Evaluation> evals;
  evals.reserve(combined.size());
  for (const auto& ind : combined) evals.push_back(ind.evaluation);
  const auto fronts = non_dominated_sort(evals);
  std::vector<Individual> next;
  next.reserve(options_.population);
  for (const auto& front : fronts) {
    if (next.size() + front.size() <= options_.population) {
      for (std::size_t i : front) next.push_back(std::move(combined[i]));
      continue;
    }
    // The front that does not fit: keep its least crowded members.
    const auto distance = crowding_distance(evals, front);
    std::vector<std::size_t> order(front.size());
    for (std::size_t p = 0; p < order.size(); ++p) order[p] = p;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      if (distance[a] != distance[b]) return distance[a] > distance[b];
      return front[a] < front[b];
    });
    for (std::size_t p = 0; next.size() < options_.population; ++p)
      next.push_back(std::move(combined[front[order[p]]]));
    break;
  }
  population_ = std::move(next);
  rank_population();
}

void Nsga2::rank_population() {
  std::vector<Evaluation> evals;
  evals.reserve(population_.size());
  for (const auto& ind : population_) evals.push_back(ind.evaluation);
  rank_.assign(population_.size(), 0);
  crowding_.assign(population_.size(), 0.0);
  const auto fronts = non_dominated_sort(evals);
  for (std::size_t f = 0; f < fronts.size(); ++f) {
    const auto distance = crowding_distance(evals, fronts[f]);
    for (std::size_t p = 0; p < fronts[f].size(); ++p) {
      rank_[fronts[f][p]] = f;
      crowding_[fronts[f][p]] = distance[p];
    }
  }
}

void Nsga2::update_reference() {
  if (!reference_.empty()) return;
  if (!options_.reference_point.empty()) {
    reference_ = options_.reference_point;
    return;
  }
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> lo(objectives_, inf), hi(objectives_, -inf);
  bool any = false;
  for (const auto& ind : population_) {
    if (!ind.evaluation.feasible()) continue;
    any = true;
    for (std::size_t j = 0; j < objectives_; ++j) {
      lo[j] = std::min(lo[j], ind.evaluation.objectives[j]);
      hi[j] = std::max(hi[j], ind.evaluation.objectives[j]);
    }
  }
  if (!any) return;
  reference_.resize(objectives_);
  for (std::size_t j = 0; j < objectives_; ++j) {
    double span = hi[j] - lo[j];
    if (span <= 0.0) span = std::max(std::abs(hi[j]), 1.0);
    reference_[j] = hi[j] + 0.1 * span;
  }
}

void Nsga2::record_history() {
  HistoryEntry h;
  h.generation = generation_;
  h.evaluations = evaluations_;
  std::vector<std::vector<double>> points;
  for (std::size_t i = 0; i < population_.size(); ++i) {
    if (rank_[i] != 0) continue;
    ++h.front_size;
    if (population_[i].evaluation.feasible())
      points.push_back(population_[i].evaluation.objectives);
  }
  h.hypervolume = reference_.empty() ? 0.0 : hypervolume(points, reference_);
  history_.push_back(h);
}

Result Nsga2::result() const {
  Result r;
  for (std::size_t i = 0; i < population_.size(); ++i)
    if (rank_[i] == 0) r.front.push_back(population_[i]);
  std::sort(r.front.begin(), r.front.end(), [](const Individual& a, const Individual& b) {
    if (a.evaluation.objectives != b.evaluation.objectives)
      return a.evaluation.objectives < b.evaluation.objectives;
    if (a.evaluation.violation != b.evaluation.violation)
      return a.evaluation.violation < b.evaluation.violation;
    return a.genome < b.genome;
  });
  r.archive = archive_;
  std::sort(r.archive.begin(), r.archive.end(), [](const Individual& a, const Individual& b) {
    if (a.evaluation.objectives != b.evaluation.objectives)
      return a.evaluation.objectives < b.evaluation.objectives;
    return a.evaluation.violation < b.evaluation.violation;
  });
  r.history = history_;
  r.reference_point = reference_;
  r.generations = generation_;
  r.evaluations = evaluations_;
  return r;
}

Result Nsga2::run(const Problem& problem, const ProgressCallback& progress) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };

  if (problem.genes() != genes_)
    throw Error("ga: the problem's gene groups differ from those the optimiser was built with");
  const std::vector<std::string> names = problem.objective_names();
  if (names.empty()) throw Error("ga: the problem has no objectives");
  if (options_.resume && std::filesystem::exists(options_.checkpoint_path))
    load_checkpoint(options_.checkpoint_path);
  if (objectives_ != 0 && objectives_ != names.size())
    throw Error("ga: the checkpoint has " + std::to_string(objectives_) +
                " objectives but the problem has " + std::to_string(names.size()));

  core::ThreadPool pool(options_.threads);
  const std::size_t evaluations_at_start = evaluations_;
  std::size_t generations_run = 0;
  std::string reason;
  for (;;) {
    reason = budget_exhausted();
    if (reason.empty() && options_.max_seconds > 0.0 && elapsed() >= options_.max_seconds)
      reason = "time limit";
    if (!reason.empty()) break;
    const std::vector<Genome> genomes = ask();
    if (genomes.empty()) {
      pending_.clear();
      asked_ = false;
      reason = "no new genome could be generated (search space exhausted)";
      break;
    }
    std::vector<Evaluation> evals(genomes.size());
    try {
      pool.parallel_for(genomes.size(),
                        [&](std::size_t i) { evals[i] = problem.evaluate(genomes[i]); });
      for (std::size_t i = 0; i < evals.size(); ++i)
        if (evals[i].objectives.size() != names.size())
          throw Error("ga: the problem returned " + std::to_string(evals[i].objectives.size()) +
                      " objectives for genome " + std::to_string(i) + ", it declares " +
                      std::to_string(names.size()));
    } catch (...) {
      pending_.clear();  // the generation can be asked for again
      asked_ = false;
      throw;
    }
    tell(evals);
    ++generations_run;
    if (!options_.checkpoint_path.empty()) save_checkpoint(options_.checkpoint_path);
    if (progress) {
      Progress p;
      p.generation = generation_;
      p.max_generations = options_.max_generations;
      p.evaluations = evaluations_;
      p.max_evaluations = options_.max_evaluations;
      p.elapsed_seconds = elapsed();
      p.max_seconds = options_.max_seconds;
      const double done = static_cast<double>(evaluations_ - evaluations_at_start);
      p.evaluations_per_second = p.elapsed_seconds > 0.0 ? done / p.elapsed_seconds : 0.0;
      p.front_size = history_.back().front_size;
      p.hypervolume = history_.back().hypervolume;
      double eta = std::numeric_limits<double>::infinity();
      if (options_.max_generations > 0) {
        const double per_generation = p.elapsed_seconds / static_cast<double>(generations_run);
        eta = std::min(eta, per_generation * static_cast<double>(
                                                 options_.max_generations -
                                                 std::min(generation_, options_.max_generations)));
      }
      if (options_.max_evaluations > 0 && p.evaluations_per_second > 0.0)
        eta = std::min(eta, static_cast<double>(options_.max_evaluations -
                                                std::min(evaluations_, options_.max_evaluations)) /
                                p.evaluations_per_second);
      if (options_.max_seconds > 0.0)
        eta = std::min(eta, std::max(0.0, options_.max_seconds - p.elapsed_seconds));
      p.eta_seconds = std::isfinite(eta) ? eta : -1.0;
      if (!progress(p)) {
        reason = "stopped by the progress callback";
        break;
      }
    }
  }
  Result r = result();
  r.objective_names = names;
  r.seconds = elapsed();
  r.session_evaluations = evaluations_ - evaluations_at_start;
  r.stop_reason = reason;
  return r;
}

Result optimize(const Problem& problem, const Nsga2Options& options,
                const std::vector<Genome>& seeds, const ProgressCallback& progress) {
  Nsga2 ga(problem.genes(), options);
  ga.seed(seeds);
  return ga.run(problem, progress);
}

}  // namespace monet::ga
