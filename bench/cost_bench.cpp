// Times the cost model: the median and the fastest of single uncached evaluations for every
// loop-nest layer of ResNet-18 on an accelerator preset (default tpu-like), and the median time
// of a cached lookup. Prints a Markdown table (the format of bench/RESULTS.md). The fastest
// run is the computation's own time: on a shared VM the median also holds other tenants'
// load (the same binary's median has moved by 1.8x between runs minutes apart).
//   cost_bench [PRESET] [MODEL]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "accelerators/loader.hpp"
#include "mapping/cost.hpp"
#include "workloads/models.hpp"

using namespace monet;
using Clock = std::chrono::steady_clock;

namespace {
double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown";
}

template <typename F>
double seconds_of(F&& f) {
  auto t0 = Clock::now();
  f();
  return std::chrono::duration<double>(Clock::now() - t0).count();
}
}  // namespace

int main(int argc, char** argv) {
  const std::string preset = argc > 1 ? argv[1] : "tpu-like";
  const std::string model = argc > 2 ? argv[2] : "resnet18";
  constexpr int kUncachedRuns = 51;
  constexpr int kLookupBatches = 201, kLookupsPerBatch = 1000;
  try {
    auto acc = accelerators::load_accelerator(preset);
    const int bits = mapping::default_operand_bits(acc);
    auto g = workloads::build_model(model, {.elem_bits = bits});
    mapping::CostModel cm(acc);
    std::printf("cost model timings: %s on %s (%d-bit operands), core %s\n", model.c_str(),
                preset.c_str(), bits, acc.cores[0].name.c_str());
    std::printf("CPU: %s\n\n", cpu_model().c_str());
    std::printf(
        "| layer | loop nest | uncached median (us) | uncached fastest (us) | cached lookup "
        "median (ns) |\n");
    std::printf("|---|---|---:|---:|---:|\n");
    double worst_uncached = 0, worst_fastest = 0, worst_cached = 0;
    volatile double sink = 0;
    for (const auto& op : g.ops()) {
      if (!op.nest) continue;
      mapping::OpShape s = mapping::shape_of(g, op);
      std::vector<double> uncached, cached;
      for (int i = 0; i < kUncachedRuns; ++i)
        uncached.push_back(seconds_of([&] { sink = sink + cm.evaluate_uncached(s, 0).cycles; }));
      cm.evaluate(s, 0);  // fill the cache
      for (int b = 0; b < kLookupBatches; ++b)
        cached.push_back(seconds_of([&] {
                           for (int i = 0; i < kLookupsPerBatch; ++i)
                             sink = sink + cm.evaluate(s, 0).cycles;
                         }) /
                         kLookupsPerBatch);
      double u = median(uncached) * 1e6, c = median(cached) * 1e9;
      double f = *std::min_element(uncached.begin(), uncached.end()) * 1e6;
      worst_uncached = std::max(worst_uncached, u);
      worst_fastest = std::max(worst_fastest, f);
      worst_cached = std::max(worst_cached, c);
      std::printf("| %s | %s | %.1f | %.1f | %.0f |\n", op.name.c_str(), op.nest->str().c_str(), u,
                  f, c);
    }
    std::printf(
        "\nslowest layer: uncached %.1f us median, %.1f us fastest (target < 1000 us), cached "
        "%.0f ns (target < 1000 ns)\n",
        worst_uncached, worst_fastest, worst_cached);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  return 0;
}
