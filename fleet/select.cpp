#include "fleet/select.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <memory>
#include <thread>

#include "accelerators/loader.hpp"
#include "core/rng.hpp"
#include "core/thread_pool.hpp"
#include "fleet/bandit.hpp"
#include "fusion/experiment.hpp"
#include "fusion/report.hpp"
#include "fusion/simulation.hpp"
#include "mapping/cost.hpp"

namespace monet::fleet {

namespace {
std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

// Each policy gets its own stream; requests and users have theirs, so adding a policy does
// not change what the others see.
enum Stream : uint64_t { kRequests = 1, kThompson = 2, kEpsilon = 3, kNoise = 100 };

double user_offset(const FleetSpec& spec, size_t device, int64_t user) {
  if (spec.noise.user_sd == 0) return 0;
  core::Rng rng(spec.bandit.seed,
                0x5EED0000ULL + device * 0x9E3779B97F4A7C15ULL + static_cast<uint64_t>(user));
  return spec.noise.user_sd * normal(rng);
}
}  // namespace

Simulated simulate_pairs(const FleetSpec& spec, size_t threads) {
  Simulated out;
  const size_t nm = spec.models.size(), nd = spec.devices.size();
  std::vector<workloads::Graph> graphs;
  for (const auto& m : spec.models) {
    workloads::Graph g = fusion::build_forward(m.workload);
    VariantInfo v;
    if (m.pruning > 0) v.prune = workloads::prune_input_channels(g, m.pruning);
    fusion::use_running_statistics(g);
    auto totals = g.totals();
    v.macs = totals.macs;
    v.weight_bytes = totals.parameter_bytes;
    out.models.push_back(v);
    graphs.push_back(std::move(g));
  }
  std::vector<std::shared_ptr<const accelerators::Accelerator>> accs;
  std::vector<std::shared_ptr<const mapping::CostModel>> costs;
  for (const auto& d : spec.devices) {
    accs.push_back(std::make_shared<const accelerators::Accelerator>(
        accelerators::load_accelerator(d.accelerator)));
    costs.push_back(std::make_shared<const mapping::CostModel>(*accs.back()));
  }
  out.pairs.resize(nm * nd);
  core::ThreadPool pool(threads ? threads : std::max(1u, std::thread::hardware_concurrency()));
  pool.parallel_for(nm * nd, [&](size_t i) {
    PairResult& p = out.pairs[i];
    p.device = i / nm;
    p.model = i % nm;
    try {
      workloads::Graph g = graphs[p.model];
      fusion::Simulation sim(std::move(g), accs[p.device], costs[p.device]);
      fusion::Schedule s = sim.evaluate(sim.plan(spec.plan));
      p.simulated = true;
      p.latency_s = s.summary.latency_s;
      // At the supply: dynamic + static energy through the regulators, plus the board's
      // baseline (fusion/power.hpp); the dynamic energy alone when the preset states no static
      // power.
      p.energy_j = s.summary.power.supply_energy_j;
      for (const auto& f : s.summary.fallbacks) p.fallback_ops += f.ops;
      for (const auto& o : fusion::over_capacity(s.summary))
        p.violations.push_back("memory " + o.memory + " over capacity");
    } catch (const core::Error& e) {
      p.error = e.what();
    }
  });
  return out;
}

SelectResult run_selection(const FleetSpec& spec, Simulated sim) {
  SelectResult r;
  r.sim = std::move(sim);
  const size_t nm = spec.models.size(), nd = spec.devices.size();
  auto pair = [&](size_t d, size_t m) -> PairResult& { return r.sim.pairs[d * nm + m]; };
  const Qoe& q = spec.qoe;

  // Thresholds and QoE.
  for (auto& p : r.sim.pairs) {
    const FleetModel& m = spec.models[p.model];
    if (!p.simulated) {
      p.violations.push_back("not simulated: " + p.error);
      r.warnings.push_back("model " + m.name + " on " + spec.devices[p.device].name +
                           " could not be simulated: " + p.error);
    }
    if (p.fallback_ops > 0)
      r.warnings.push_back("model " + m.name + " on " + spec.devices[p.device].name + ": " +
                           std::to_string(p.fallback_ops) +
                           " ops fell back to another core (monet-sim run lists them)");
    if (q.accuracy_min && m.accuracy < *q.accuracy_min)
      p.violations.push_back("accuracy " + fixed(100 * m.accuracy, 4) + " % below min " +
                             fixed(100 * *q.accuracy_min, 4) + " %");
    if (p.simulated && q.latency_max_s && p.latency_s > *q.latency_max_s)
      p.violations.push_back("latency " + fixed(p.latency_s * 1e3, 4) + " ms above max " +
                             fixed(*q.latency_max_s * 1e3, 4) + " ms");
    if (p.simulated && q.energy_max_j && p.energy_j > *q.energy_max_j)
      p.violations.push_back("energy " + fixed(p.energy_j * 1e3, 4) + " mJ above max " +
                             fixed(*q.energy_max_j * 1e3, 4) + " mJ");
    p.feasible = p.simulated && p.violations.empty();
    p.qoe = q.accuracy_weight * m.accuracy -
            (q.latency_weight > 0 ? q.latency_weight * p.latency_s / *q.latency_max_s : 0) -
            (q.energy_weight > 0 ? q.energy_weight * p.energy_j / *q.energy_max_j : 0);
  }
  std::vector<std::vector<size_t>> arms(nd);
  for (size_t d = 0; d < nd; ++d)
    for (size_t m = 0; m < nm; ++m)
      if (pair(d, m).feasible) arms[d].push_back(m);
  bool any = false;
  for (size_t d = 0; d < nd; ++d) any = any || !arms[d].empty();
  if (!any) {
    std::string why;
    for (size_t i = 0; i < r.sim.pairs.size() && i < 6; ++i) {
      const auto& p = r.sim.pairs[i];
      why += "; " + spec.models[p.model].name + " on " + spec.devices[p.device].name + ": " +
             (p.violations.empty() ? "?" : p.violations.front());
    }
    throw core::ConfigError(q.where, "qoe", "",
                            "no (model, device) pair meets the QoE thresholds and runs" + why);
  }

  // Oracle and the single-model baseline.
  r.oracle.resize(nd);
  std::vector<size_t> active;
  for (size_t d = 0; d < nd; ++d) {
    if (arms[d].empty()) {
      r.warnings.push_back("device " + spec.devices[d].name +
                           " has no feasible model: its users get no requests in the rounds");
      continue;
    }
    active.push_back(d);
    size_t best = arms[d].front();
    for (size_t m : arms[d])
      if (pair(d, m).qoe > pair(d, best).qoe) best = m;
    r.oracle[d] = best;
  }
  double best_total = -INFINITY;
  for (size_t m = 0; m < nm; ++m) {
    double total = 0;
    bool everywhere = true;
    for (size_t d : active) {
      everywhere = everywhere && pair(d, m).feasible;
      total += static_cast<double>(spec.devices[d].users) * pair(d, m).qoe;
    }
    if (everywhere && total > best_total) {
      best_total = total;
      r.one_model = m;
    }
  }
  if (!r.one_model)
    r.warnings.push_back("no model is feasible on every device: the one-model baseline is not run");

  // Features of a pair: what a selector knows without asking users — the model's stated
  // accuracy and size, and the simulator's predicted latency and energy on the device, each
  // scaled by its largest value among the feasible pairs.
  r.feature_names = {"bias", "accuracy", "macs_scaled", "latency_scaled", "energy_scaled"};
  double max_macs = 1, max_lat = 0, max_en = 0;
  for (const auto& v : r.sim.models) max_macs = std::max(max_macs, static_cast<double>(v.macs));
  for (const auto& p : r.sim.pairs)
    if (p.feasible) {
      max_lat = std::max(max_lat, p.latency_s);
      max_en = std::max(max_en, p.energy_j);
    }
  auto features = [&](size_t d, size_t m) {
    const PairResult& p = pair(d, m);
    Eigen::VectorXd x(5);
    x << 1.0, spec.models[m].accuracy, static_cast<double>(r.sim.models[m].macs) / max_macs,
        max_lat > 0 ? p.latency_s / max_lat : 0, max_en > 0 ? p.energy_j / max_en : 0;
    return x;
  };
  std::vector<std::vector<Eigen::VectorXd>> arm_x(nd);
  for (size_t d : active)
    for (size_t m : arms[d]) arm_x[d].push_back(features(d, m));

  // Requests: a device by its share of users, a user of it uniformly.
  const auto rounds = static_cast<size_t>(spec.bandit.rounds);
  int64_t total_users = 0;
  for (size_t d : active) total_users += spec.devices[d].users;
  core::Rng req(spec.bandit.seed, kRequests);
  for (size_t t = 0; t < rounds; ++t) {
    auto k = static_cast<int64_t>(req.below(static_cast<uint64_t>(total_users)));
    size_t d = active.front();
    for (size_t a : active) {
      if (k < spec.devices[a].users) {
        d = a;
        break;
      }
      k -= spec.devices[a].users;
    }
    r.round_device.push_back(d);
    r.round_user.push_back(k);
  }

  const int dim = static_cast<int>(r.feature_names.size());
  LinUcb ucb(dim, spec.bandit.alpha, spec.bandit.lambda);
  LinThompson ts(dim, spec.bandit.thompson_v, spec.bandit.lambda,
                 core::Rng(spec.bandit.seed, kThompson).next());
  std::vector<EpsilonGreedy> eg;
  for (size_t d = 0; d < nd; ++d)
    eg.emplace_back(std::max<size_t>(1, arms[d].size()), spec.bandit.epsilon,
                    core::Rng(spec.bandit.seed, kEpsilon + 1000 * (d + 1)).next());

  std::vector<std::string> names = {"linucb", "thompson", "epsilon-greedy"};
  if (r.one_model) names.push_back("one-model");
  names.push_back("oracle");
  for (size_t pi = 0; pi < names.size(); ++pi) {
    PolicyResult pr;
    pr.name = names[pi];
    core::Rng noise(spec.bandit.seed, kNoise + pi);
    double total = 0;
    for (size_t t = 0; t < rounds; ++t) {
      size_t d = r.round_device[t];
      size_t slot = 0;  // index into arms[d] for the learners
      size_t m = 0;
      if (pr.name == "linucb") {
        slot = ucb.choose(arm_x[d]);
        m = arms[d][slot];
      } else if (pr.name == "thompson") {
        slot = ts.choose(arm_x[d]);
        m = arms[d][slot];
      } else if (pr.name == "epsilon-greedy") {
        slot = eg[d].choose();
        m = arms[d][slot];
      } else if (pr.name == "one-model") {
        m = *r.one_model;
      } else {
        m = *r.oracle[d];
      }
      double expected = pair(d, m).qoe;
      double fb = expected + user_offset(spec, d, r.round_user[t]) + spec.noise.sd * normal(noise);
      if (pr.name == "linucb") ucb.update(arm_x[d][slot], fb);
      if (pr.name == "thompson") ts.update(arm_x[d][slot], fb);
      if (pr.name == "epsilon-greedy") eg[d].update(slot, fb);
      double reg = pair(d, *r.oracle[d]).qoe - expected;
      total += reg;
      pr.choice.push_back(m);
      pr.feedback.push_back(fb);
      pr.regret.push_back(reg);
      pr.cumulative.push_back(total);
    }
    pr.growth_exponent = growth_exponent(pr.cumulative, std::max<size_t>(1, rounds / 10));
    size_t from = rounds - std::max<size_t>(1, rounds / 10), agree = 0;
    for (size_t t = from; t < rounds; ++t) agree += pr.choice[t] == *r.oracle[r.round_device[t]];
    pr.oracle_agreement_last = static_cast<double>(agree) / static_cast<double>(rounds - from);
    r.policies.push_back(std::move(pr));
  }
  return r;
}

}  // namespace monet::fleet
