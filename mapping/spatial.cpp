#include "mapping/spatial.hpp"

#include <algorithm>
#include <optional>

namespace monet::mapping::detail {

using workloads::kDimCount;

namespace {
std::optional<int> dim_from_name(const std::string& name) {
  for (int d = 0; d < kDimCount; ++d)
    if (workloads::dim_name(static_cast<workloads::Dim>(d)) == name) return d;
  return std::nullopt;
}

int64_t ceil_div(int64_t a, int64_t b) {
  return (a + b - 1) / b;
}

struct Enumerator {
  const workloads::LoopNest& nest;
  const std::vector<accelerators::ArrayDim>& array;
  std::vector<std::vector<int>> options;  // per array dim: loop dims it may unroll
  std::vector<int> choice;
  std::vector<SpatialMapping> out;

  void run(size_t a) {
    if (a == array.size()) {
      out.push_back(build());
      return;
    }
    if (options[a].empty()) {
      choice[a] = -1;
      run(a + 1);
      return;
    }
    for (int d : options[a]) {
      choice[a] = d;
      run(a + 1);
    }
    // Leaving the dim idle: slower, but the only fit when every unrolling along it
    // overflows a memory it feeds (a 1-byte weight register shared along the dim).
    choice[a] = -1;
    run(a + 1);
  }

  SpatialMapping build() const {
    SpatialMapping s;
    s.dim_of.assign(array.size(), -1);
    s.factor.assign(array.size(), 1);
    for (size_t a = 0; a < array.size(); ++a) {
      int d = choice[a];
      if (d < 0) continue;
      // Later array dims unrolling the same loop dim share what is left of it.
      int64_t left = ceil_div(nest.size[d], s.total[d]);
      int64_t f = std::min<int64_t>(array[a].size, left);
      if (f <= 1) continue;
      s.dim_of[a] = d;
      s.factor[a] = f;
      s.total[d] *= f;
    }
    double pes = 1;
    for (auto& ad : array) pes *= static_cast<double>(ad.size);
    s.compute_cycles = 1;
    for (int d = 0; d < kDimCount; ++d) {
      s.temporal[d] = ceil_div(nest.size[d], s.total[d]);
      s.compute_cycles *= static_cast<double>(s.temporal[d]);
    }
    s.utilization = static_cast<double>(nest.macs()) / (s.compute_cycles * pes);
    return s;
  }
};
}  // namespace

Extents SpatialMapping::served(const std::vector<bool>& serves) const {
  Extents e{1, 1, 1, 1, 1, 1, 1, 1};
  for (size_t a = 0; a < dim_of.size(); ++a)
    if (dim_of[a] >= 0 && serves[a]) e[dim_of[a]] *= factor[a];
  return e;
}

std::string SpatialMapping::str(const std::vector<accelerators::ArrayDim>& array) const {
  std::string out;
  for (size_t a = 0; a < array.size(); ++a) {
    if (!out.empty()) out += ' ';
    out += array[a].name + ":";
    if (dim_of[a] < 0) {
      out += "-";
    } else {
      out += std::string(workloads::dim_name(static_cast<workloads::Dim>(dim_of[a]))) +
             std::to_string(factor[a]);
      if (factor[a] < array[a].size) out += "/" + std::to_string(array[a].size);
    }
  }
  return out.empty() ? "-" : out;
}

std::vector<SpatialMapping> spatial_candidates(
    const workloads::LoopNest& nest, const std::vector<accelerators::ArrayDim>& array,
    int max_candidates, double slack, const std::function<bool(const SpatialMapping&)>& keep) {
  Enumerator e{nest, array, {}, std::vector<int>(array.size(), -1), {}};
  for (auto& ad : array) {
    std::vector<int> opts;
    for (auto& name : ad.unrolls) {
      auto d = dim_from_name(name);
      if (d && nest.size[*d] > 1 && std::find(opts.begin(), opts.end(), *d) == opts.end())
        opts.push_back(*d);
    }
    e.options.push_back(std::move(opts));
  }
  e.run(0);
  auto& c = e.out;
  if (keep) c.erase(std::remove_if(c.begin(), c.end(), [&](auto& s) { return !keep(s); }), c.end());
  if (c.empty()) return {};
  std::stable_sort(c.begin(), c.end(), [](const SpatialMapping& a, const SpatialMapping& b) {
    return a.compute_cycles < b.compute_cycles;
  });
  // Identical unrollings arise when an option is cut to factor 1; keep one of each.
  std::vector<SpatialMapping> best;
  for (auto& s : c) {
    if (s.compute_cycles > c.front().compute_cycles * slack) break;
    bool dup = std::any_of(best.begin(), best.end(), [&](const SpatialMapping& b) {
      return b.dim_of == s.dim_of && b.factor == s.factor;
    });
    if (!dup) best.push_back(s);
    if (static_cast<int>(best.size()) >= max_candidates) break;
  }
  return best;
}

}  // namespace monet::mapping::detail
