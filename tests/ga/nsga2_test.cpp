#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "ga/nsga2.hpp"
#include "test_problems.hpp"

using namespace monet::ga;
using monet::core::Error;
using C = GeneGroup::Crossover;
using M = GeneGroup::Mutation;

namespace {

Nsga2Options small_options() {
  Nsga2Options o;
  o.population = 24;
  o.max_generations = 30;
  o.seed = 99;
  return o;
}

void require_same(const Result& a, const Result& b) {
  REQUIRE(a.front.size() == b.front.size());
  for (std::size_t i = 0; i < a.front.size(); ++i) {
    REQUIRE(a.front[i].genome == b.front[i].genome);
    REQUIRE(a.front[i].evaluation == b.front[i].evaluation);
  }
  REQUIRE(a.history == b.history);
  REQUIRE(a.evaluations == b.evaluations);
  REQUIRE(a.generations == b.generations);
  REQUIRE(a.reference_point == b.reference_point);
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("monet_ga_" + name + ".json")).string();
}

// Two objectives over three groups, infeasible when too many bits are set.
class Mixed : public Problem {
 public:
  std::vector<GeneGroup> genes() const override {
    return {GeneGroup::uniform("alloc", 8, 0, 3, C::kTwoPoint, M::kReset),
            GeneGroup::uniform("ckpt", 8, 0, 1, C::kUniform, M::kBitFlip),
            GeneGroup::uniform("tile", 4, 0, 6, C::kUniform, M::kStep)};
  }
  std::vector<std::string> objective_names() const override { return {"a", "b"}; }
  Evaluation evaluate(const Genome& g) const override {
    double a = 0, b = 0;
    int bits = 0;
    for (std::size_t i = 0; i < 8; ++i) a += (g[i] - 1.5) * (g[i] - 1.5) * (1 + i % 3);
    for (std::size_t i = 8; i < 16; ++i) bits += g[i];
    for (std::size_t i = 16; i < 20; ++i) b += g[i];
    return {{a + b, 6.0 * 4 - b + bits}, bits > 5 ? bits - 5.0 : 0.0};
  }
};

}  // namespace

TEST_CASE("invalid configurations are rejected with clear messages") {
  testing::Zdt1 zdt(4, 10, M::kPolynomial);
  auto genes = zdt.genes();
  Nsga2Options o = small_options();

  o.population = 3;
  CHECK_THROWS_WITH(Nsga2(genes, o), Catch::Contains("population must be at least 4"));
  o = small_options();
  o.max_generations = 0;
  CHECK_THROWS_WITH(Nsga2(genes, o), Catch::Contains("no stopping budget"));
  o = small_options();
  o.mutation_prob = {0.1, 0.2};
  CHECK_THROWS_WITH(Nsga2(genes, o), Catch::Contains("mutation_prob has 2 entries"));
  o = small_options();
  o.crossover_prob = 1.5;
  CHECK_THROWS_WITH(Nsga2(genes, o), Catch::Contains("crossover_prob"));
  o = small_options();
  o.threads = 0;
  CHECK_THROWS_WITH(Nsga2(genes, o), Catch::Contains("threads"));

  o = small_options();
  CHECK_THROWS_WITH(Nsga2({}, o), Catch::Contains("no gene groups"));
  GeneGroup empty{"alloc", C::kUniform, M::kReset, {}, {}};
  CHECK_THROWS_WITH(Nsga2({empty}, o), Catch::Contains("'alloc' is empty"));
  CHECK_THROWS_WITH(Nsga2({GeneGroup::uniform("b", 2, 0, 3, C::kUniform, M::kBitFlip)}, o),
                    Catch::Contains("bit-flip mutation needs a domain of at most two values"));
  CHECK_THROWS_WITH(Nsga2({GeneGroup::uniform("x", 2, 5, 3, C::kUniform, M::kReset)}, o),
                    Catch::Contains("lower bound 5 exceeds upper bound 3"));
  CHECK_THROWS_WITH(Nsga2({GeneGroup::uniform("x", 1, 0, 1, C::kUniform, M::kReset),
                           GeneGroup::uniform("x", 1, 0, 1, C::kUniform, M::kReset)},
                          o),
                    Catch::Contains("used twice"));

  Nsga2 ga(genes, o);
  CHECK_THROWS_WITH(ga.seed({{1, 2, 3}}), Catch::Contains("seed 0 has 3 genes, expected 4"));
  CHECK_THROWS_WITH(ga.seed({{0, 0, 0, 0}, {1, 2, 11, 0}}),
                    Catch::Contains("seed 1, group 'x' gene 2 = 11 is outside its domain [0, 10]"));
}

TEST_CASE("same seed gives identical results whatever the thread count") {
  Mixed problem;
  Nsga2Options o = small_options();
  o.threads = 1;
  const Result one = optimize(problem, o);
  o.threads = 4;
  const Result four = optimize(problem, o);
  require_same(one, four);
  o.seed = 100;
  const Result other = optimize(problem, o);
  CHECK(other.history != one.history);
}

TEST_CASE("the ask/tell loop gives the same result as run()") {
  Mixed problem;
  const Nsga2Options o = small_options();
  Nsga2 ga(problem.genes(), o);
  while (ga.budget_exhausted().empty()) {
    const auto genomes = ga.ask();
    // No duplicates within a batch, nor with the current population.
    std::set<Genome> seen(genomes.begin(), genomes.end());
    REQUIRE(seen.size() == genomes.size());
    for (const auto& ind : ga.population()) REQUIRE(seen.count(ind.genome) == 0);
    std::vector<Evaluation> evals;
    for (const auto& g : genomes) evals.push_back(problem.evaluate(g));
    ga.tell(evals);
  }
  Result manual = ga.result();
  require_same(manual, optimize(problem, o));
  CHECK_THROWS_AS(ga.tell({}), Error);  // tell without ask
  ga.ask();
  CHECK_THROWS_WITH(ga.ask(), Catch::Contains("ask() called twice"));
}

TEST_CASE("a run stopped and resumed equals an uninterrupted run") {
  testing::Zdt1 problem(10, 100, M::kPolynomial);
  Nsga2Options full = small_options();
  full.max_generations = 20;
  const Result uninterrupted = optimize(problem, full);

  const std::string path = temp_path("resume");
  std::filesystem::remove(path);
  Nsga2Options part = full;
  part.checkpoint_path = path;
  part.max_generations = 7;
  const Result first = optimize(problem, part);
  CHECK(first.generations == 7);
  CHECK(first.stop_reason == "generation limit");

  Nsga2Options rest = full;
  rest.checkpoint_path = path;
  rest.resume = true;
  rest.threads = 3;  // the thread count may change between runs
  const Result resumed = optimize(problem, rest);
  require_same(resumed, uninterrupted);

  // Stopping from the progress callback also leaves a resumable checkpoint.
  std::filesystem::remove(path);
  Nsga2Options cb = full;
  cb.checkpoint_path = path;
  std::size_t calls = 0;
  const Result stopped = optimize(problem, cb, {}, [&](const Progress& p) {
    CHECK(p.generation == calls);
    ++calls;
    return p.generation < 4;
  });
  CHECK(stopped.generations == 4);
  CHECK(stopped.stop_reason == "stopped by the progress callback");
  cb.resume = true;
  require_same(optimize(problem, cb), uninterrupted);

  // A checkpoint written with another seed cannot be resumed.
  cb.seed = 5;
  CHECK_THROWS_WITH(optimize(problem, cb), Catch::Contains("different 'seed'"));
  std::filesystem::remove(path);
}

TEST_CASE("the evaluation budget stops at a generation boundary and survives a resume") {
  testing::Zdt1 problem(6, 50, M::kPolynomial);
  Nsga2Options o = small_options();
  o.max_generations = 0;
  o.max_evaluations =
      250;  // 24 initial + 24 per generation: 24 + 10 * 24 = 264 is the first >= 250
  const Result full = optimize(problem, o);
  CHECK(full.evaluations == 264);
  CHECK(full.generations == 10);
  CHECK(full.stop_reason == "evaluation limit");

  const std::string path = temp_path("budget");
  std::filesystem::remove(path);
  Nsga2Options part = o;
  part.max_evaluations = 100;  // 24 + 4 * 24 = 120
  part.checkpoint_path = path;
  CHECK(optimize(problem, part).evaluations == 120);
  o.checkpoint_path = path;
  o.resume = true;
  require_same(optimize(problem, o), full);
  std::filesystem::remove(path);
}

TEST_CASE("seeds enter the initial population and elitism keeps an optimum") {
  testing::Knapsack problem;
  // Taking nothing is feasible and optimal for neither objective; the two single-objective
  // optima are found by hand-free enumeration below.
  Genome best_v1;
  double best = 0;
  for (unsigned mask = 0; mask < (1u << problem.items()); ++mask) {
    Genome g(problem.items());
    for (std::size_t i = 0; i < g.size(); ++i) g[i] = (mask >> i) & 1u;
    const Evaluation e = problem.evaluate(g);
    if (e.feasible() && e.objectives[0] < best) {
      best = e.objectives[0];
      best_v1 = g;
    }
  }
  Nsga2Options o = small_options();
  o.max_generations = 15;
  Nsga2 ga(problem.genes(), o);
  const Genome nothing(problem.items(), 0);
  ga.seed({best_v1, nothing, best_v1});
  const auto initial = ga.ask();
  REQUIRE(initial.size() == o.population);
  CHECK(initial[0] == best_v1);
  CHECK(initial[1] == nothing);
  CHECK(std::count(initial.begin(), initial.end(), best_v1) == 1);
  std::vector<Evaluation> evals;
  for (const auto& g : initial) evals.push_back(problem.evaluate(g));
  ga.tell(evals);
  const Result r = ga.run(problem);
  // Nothing beats best_v1 in objective 0, and it is an extreme of the front (infinite crowding),
  // so it must survive every generation.
  CHECK(r.front.front().evaluation.objectives[0] == best);
}

TEST_CASE("infeasible genomes are ranked by violation and feasible ones win") {
  Mixed problem;
  Nsga2Options o = small_options();
  const Result r = optimize(problem, o);
  REQUIRE_FALSE(r.front.empty());
  for (const auto& ind : r.front) CHECK(ind.evaluation.feasible());

  // A problem with no feasible genome: the front holds the least violating ones.
  class Hopeless : public Problem {
   public:
    std::vector<GeneGroup> genes() const override {
      return {GeneGroup::uniform("x", 6, 0, 9, C::kUniform, M::kReset)};
    }
    std::vector<std::string> objective_names() const override { return {"f", "g"}; }
    Evaluation evaluate(const Genome& g) const override {
      double s = 0;
      for (int v : g) s += v;
      return {{s, -s}, 1.0 + s};  // the all-zero genome is the least violating
    }
  } hopeless;
  const Result h = optimize(hopeless, o);
  REQUIRE(h.front.size() == 1);
  CHECK(h.front[0].evaluation.violation == 1.0);
  CHECK(h.reference_point.empty());
  CHECK(h.history.back().hypervolume == 0.0);
}

TEST_CASE("the reference point is derived from the first feasible population") {
  Mixed problem;
  Nsga2 ga(problem.genes(), small_options());
  const auto genomes = ga.ask();
  std::vector<Evaluation> evals;
  double lo[2] = {1e300, 1e300}, hi[2] = {-1e300, -1e300};
  for (const auto& g : genomes) {
    evals.push_back(problem.evaluate(g));
    if (!evals.back().feasible()) continue;
    for (int j = 0; j < 2; ++j) {
      lo[j] = std::min(lo[j], evals.back().objectives[static_cast<std::size_t>(j)]);
      hi[j] = std::max(hi[j], evals.back().objectives[static_cast<std::size_t>(j)]);
    }
  }
  ga.tell(evals);
  REQUIRE(ga.reference_point().size() == 2);
  CHECK(ga.reference_point()[0] == Approx(hi[0] + 0.1 * (hi[0] - lo[0])));
  CHECK(ga.reference_point()[1] == Approx(hi[1] + 0.1 * (hi[1] - lo[1])));
}

TEST_CASE("a tiny search space ends the run instead of looping") {
  class Tiny : public Problem {
   public:
    std::vector<GeneGroup> genes() const override {
      return {GeneGroup::uniform("b", 3, 0, 1, C::kUniform, M::kBitFlip)};
    }
    std::vector<std::string> objective_names() const override { return {"ones", "zeros"}; }
    Evaluation evaluate(const Genome& g) const override {
      const double ones = g[0] + g[1] + g[2];
      return {{ones, 3 - ones}, 0.0};
    }
  } tiny;
  Nsga2Options o;
  o.population = 8;
  o.max_evaluations = 1000;
  const Result r = optimize(tiny, o);
  CHECK(r.evaluations == 8);  // all 2^3 genomes, each once
  CHECK(r.stop_reason.find("exhausted") != std::string::npos);
  CHECK(r.front.size() == 8);  // every genome is Pareto optimal
}

TEST_CASE("progress lines and the JSON result carry the numbers") {
  Progress p;
  p.generation = 12;
  p.max_generations = 100;
  p.evaluations = 1300;
  p.evaluations_per_second = 1520.4;
  p.front_size = 23;
  p.hypervolume = 0.8421;
  p.eta_seconds = 94;
  CHECK(format_progress(p) == "gen 12/100  evals 1300  1520 eval/s  front 23  HV 0.8421  ETA 1:34");
  p.eta_seconds = -1;
  CHECK(format_progress(p).find("ETA ?") != std::string::npos);
  CHECK(format_duration(3725) == "1:02:05");

  testing::Zdt1 problem(5, 20, M::kPolynomial);
  Nsga2Options o = small_options();
  o.max_generations = 3;
  const Result r = optimize(problem, o);
  const auto j = to_json(r);
  CHECK(j["schema"] == "monet.ga.result");
  CHECK(j["evaluations"] == r.evaluations);
  CHECK(j["front"].size() == r.front.size());
  CHECK(j["history"].size() == 4);
  CHECK(j["objective_names"][1] == "f2");
}
