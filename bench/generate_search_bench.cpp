// Generation search speed (issue 14 item 6). Prints Markdown for bench/RESULTS.md: one
// evaluation of the shipped example's seed (a full prefill + decode simulation), and the whole
// search at 1 and 2 threads (evaluations per second).
// Run: build/bench/generate_search_bench [EXPERIMENT.yaml]
#include <chrono>
#include <cstdio>
#include <string>

#include "codesign/search.hpp"
#include "fusion/experiment.hpp"

using namespace monet;

int main(int argc, char** argv) {
  const std::string file =
      argc > 1 ? argv[1] : "configs/experiments/search/tinyllama-1.1b-generate-search.yaml";
  const fusion::Experiment e = fusion::load_experiment(file);
  codesign::SearchSpec spec = codesign::parse_search(e);
  using clock = std::chrono::steady_clock;
  auto t0 = clock::now();
  codesign::GenerateProblem problem(e, spec.generate, spec.codesign.objectives);
  const double build_s = std::chrono::duration<double>(clock::now() - t0).count();
  const auto seeds = problem.seeds();
  const int reps = 10;
  t0 = clock::now();
  for (int i = 0; i < reps; ++i) problem.evaluate(seeds[static_cast<size_t>(i) % seeds.size()]);
  const double eval_ms = 1e3 * std::chrono::duration<double>(clock::now() - t0).count() / reps;
  std::printf(
      "%s: problem built (candidates checked) in %.3f s; one evaluation %.1f ms (mean of "
      "%d, seeds)\n\n",
      file.c_str(), build_s, eval_ms, reps);
  std::printf("| threads | evaluations | s | eval/s | front |\n|---:|---:|---:|---:|---:|\n");
  for (size_t threads : {size_t{1}, size_t{2}}) {
    spec.nsga.threads = threads;
    auto out = codesign::run_search(e, spec, "", false);
    std::printf("| %zu | %zu | %.2f | %.1f | %zu |\n", threads, out.result.evaluations,
                out.result.seconds, out.result.evaluations / out.result.seconds, out.front.size());
    std::fflush(stdout);
  }
  return 0;
}
