#include "training/checkpoint_dp.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "core/error.hpp"

namespace monet::training {

namespace {

// A partial plan ending at a kept boundary: segments chosen up to there.
struct Label {
  int64_t cost = 0;
  int64_t resident = 0;    // R: bytes kept from the forward pass up to this boundary
  int64_t peak = 0;        // max step memory of the segments so far
  int from = -1;           // boundary where the last segment starts
  int parent = -1;         // label index at `from`
  bool keep_last = false;  // the last segment's last element keeps its saved tensors
};

// Keeps the labels no other label dominates in (cost, resident, peak); sorting by cost first
// means a label can only be dominated by one already accepted, so a staircase over
// (resident, peak) of the accepted labels answers each query.
std::vector<Label> prune(std::vector<Label> in) {
  std::sort(in.begin(), in.end(), [](const Label& a, const Label& b) {
    return std::tie(a.cost, a.resident, a.peak) < std::tie(b.cost, b.resident, b.peak);
  });
  std::vector<Label> out;
  std::map<int64_t, int64_t> stairs;  // resident → least peak; peaks fall as resident grows
  for (const Label& l : in) {
    auto it = stairs.upper_bound(l.resident);
    if (it != stairs.begin() && std::prev(it)->second <= l.peak) continue;
    while (it != stairs.end() && it->second >= l.peak) it = stairs.erase(it);
    stairs[l.resident] = l.peak;
    out.push_back(l);
  }
  return out;
}

ChainPlan build_plan(const Chain& c, Granularity g, const std::vector<std::vector<Label>>& labels,
                     const Label& last) {
  const int n = c.size();
  ChainPlan p = uniform_plan(c, g, false);
  const Label* l = &last;
  int end = n;
  while (l->from >= 0) {
    if (end < n) p.keep_boundary[end - 1] = 1;
    const bool keep = l->keep_last || c.elements[end - 1].saved.empty();
    std::fill(p.keep_saved[end - 1].begin(), p.keep_saved[end - 1].end(), keep ? 1 : 0);
    end = l->from;
    l = &labels[l->from][l->parent];
  }
  return p;
}

}  // namespace

CheckpointFront checkpoint_front(const Chain& c, Granularity g) {
  const int n = c.size();
  if (n == 0) throw core::Error("chain '" + c.name + "' has no elements");
  std::vector<int64_t> a(n + 1), s(n), f(n), fs(n);
  a[0] = c.input_bytes;
  for (int i = 0; i < n; ++i) {
    a[i + 1] = c.elements[i].output_bytes;
    s[i] = c.elements[i].saved_bytes();
    f[i] = c.elements[i].cost;
    fs[i] = c.elements[i].saved_cost;
  }
  // labels[j]: partial plans whose last kept boundary is a_j; index n collects full plans.
  std::vector<std::vector<Label>> labels(n + 1);
  labels[0].push_back({0, a[0], a[0], -1, -1, false});
  CheckpointFront front;
  for (int from = 0; from < n; ++from) {
    labels[from] = prune(std::move(labels[from]));
    front.labels += static_cast<int64_t>(labels[from].size());
    // Segment e_from..e_{to-1}: its backward step peak is at B_{to-1}, where everything of the
    // segment is live (forward steps of the segment hold a subset of that).
    int64_t inner_cost = 0;  // Σ f of e_from..e_{to-2}: recomputed for their dropped outputs
    int64_t seg_bytes = 0;   // Σ s_i (i in segment) + Σ a_j (from < j < to)
    for (int to = from + 1; to <= n; ++to) {
      const int last = to - 1;
      seg_bytes += s[last];
      const int64_t step_bytes = seg_bytes + a[to];
      for (int keep = 1; keep >= 0; --keep) {
        if (!keep && c.elements[last].saved.empty()) continue;  // nothing to drop
        const int64_t add_cost = inner_cost + (keep ? 0 : fs[last]);
        const int64_t add_resident = (to < n ? a[to] : 0) + (keep ? s[last] : 0);
        for (int k = 0; k < static_cast<int>(labels[from].size()); ++k) {
          const Label& l = labels[from][k];
          labels[to].push_back({l.cost + add_cost, l.resident + add_resident,
                                std::max(l.peak, l.resident + step_bytes), from, k, keep != 0});
        }
      }
      inner_cost += f[last];
      seg_bytes += a[to];
    }
  }
  // Full plans: only cost and peak matter now.
  auto& done = labels[n];
  // Among plans with equal cost and peak, report the one keeping the most (store-all at cost 0
  // rather than one that also drops what is free to regenerate without lowering the peak).
  std::sort(done.begin(), done.end(), [](const Label& x, const Label& y) {
    return std::tie(x.cost, x.peak, y.resident) < std::tie(y.cost, y.peak, x.resident);
  });
  for (const Label& l : done) {
    if (!front.points.empty() && front.points.back().peak_bytes <= l.peak) continue;
    front.points.push_back({l.cost, l.peak, build_plan(c, g, labels, l)});
  }
  front.labels += static_cast<int64_t>(done.size());
  return front;
}

std::optional<FrontPoint> best_within_budget(const CheckpointFront& f, int64_t budget_bytes) {
  for (const auto& p : f.points)  // cost ascending: the first that fits is the cheapest
    if (p.peak_bytes <= budget_bytes) return p;
  return std::nullopt;
}

ChainPlan store_all_plan(const Chain& c, Granularity g) {
  return uniform_plan(c, g, true);
}

ChainPlan sqrt_plan(const Chain& c, Granularity g) {
  const int n = c.size();
  int m = 1;
  while (m * m < n) ++m;  // ceil(sqrt(n)) without floating point
  ChainPlan p = uniform_plan(c, g, false);
  for (int j = m; j < n; j += m) p.keep_boundary[j - 1] = 1;
  return p;
}

std::vector<ChainBaseline> checkpoint_baselines(const Chain& c, Granularity g) {
  std::vector<ChainBaseline> out;
  for (auto& [name, plan] : {std::pair{std::string("store-all"), store_all_plan(c, g)},
                             std::pair{std::string("sqrt"), sqrt_plan(c, g)}})
    out.push_back({name, plan, evaluate_chain_plan(c, plan)});
  return out;
}

nlohmann::json chain_json(const Chain& c) {
  nlohmann::json elements = nlohmann::json::array();
  for (const auto& e : c.elements) {
    nlohmann::json saved = nlohmann::json::array();
    for (const auto& t : e.saved) saved.push_back({{"name", t.name}, {"bytes", t.bytes}});
    elements.push_back({{"name", e.name},
                        {"cost", e.cost},
                        {"output", e.output_name},
                        {"output_bytes", e.output_bytes},
                        {"saved_bytes", e.saved_bytes()},
                        {"saved", saved}});
  }
  return {{"name", c.name},
          {"cost_unit", c.cost_unit},
          {"input", c.input_name},
          {"input_bytes", c.input_bytes},
          {"forward_cost", c.total_cost()},
          {"elements", elements}};
}

namespace {
nlohmann::json plan_json(const Chain& c, const ChainPlan& p) {
  return {{"plan", plan_str(c, p)}, {"genes", plan_genes(p)}};
}
}  // namespace

nlohmann::json checkpoint_front_json(const Chain& c, Granularity g, const CheckpointFront& f,
                                     const std::vector<ChainBaseline>& baselines) {
  nlohmann::json base = nlohmann::json::array();
  for (const auto& b : baselines) {
    auto j = plan_json(c, b.plan);
    j["name"] = b.name;
    j["recompute_cost"] = b.evaluation.recompute_cost;
    j["peak_bytes"] = b.evaluation.peak_bytes;
    base.push_back(j);
  }
  nlohmann::json points = nlohmann::json::array();
  for (const auto& p : f.points) {
    auto j = plan_json(c, p.plan);
    j["recompute_cost"] = p.recompute_cost;
    j["peak_bytes"] = p.peak_bytes;
    points.push_back(j);
  }
  return {{"schema", kCheckpointFrontSchema},
          {"granularity", std::string(granularity_name(g))},
          {"chain", chain_json(c)},
          {"baselines", base},
          {"front", points},
          {"labels", f.labels}};
}

}  // namespace monet::training
