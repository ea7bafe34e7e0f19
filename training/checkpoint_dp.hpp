// Exact checkpointing baselines on a chain (model in chain.hpp): store-all, Chen et al.'s √n
// segments, and the exact Pareto front of (recompute cost, peak activation memory) over all
// plans, by dynamic programming over segments.
//
// The DP only builds canonical plans: kept boundaries cut the chain into segments and only a
// segment's last element may keep its saved tensors (all or none). Every other plan is weakly
// dominated by a canonical one with the same recompute set: the other elements of a segment
// are recomputed anyway (their output boundary is dropped) and, at activation granularity, a
// recomputed element keeping some saved tensors pays the same f_i or g_i; kept copies only add
// resident bytes before the recompute and nothing after it (the recompute regenerates them).
// So the front at activation granularity equals the block front point for point; its plans
// keep or drop each element's saved tensors together. The tests check both claims against
// brute force over every plan.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "training/chain.hpp"

namespace monet::training {

struct FrontPoint {
  int64_t recompute_cost = 0;
  int64_t peak_bytes = 0;
  ChainPlan plan;
};

struct CheckpointFront {
  // Pareto-optimal points, one per (cost, memory) pair: cost ascending, memory descending.
  // The first is store-all when every f_i and g_i is > 0 (else dropping what costs nothing to
  // regenerate may save memory at cost 0); the last has the least
  // memory any plan reaches.
  std::vector<FrontPoint> points;
  int64_t labels = 0;  // non-dominated partial plans the DP kept (a size measure)
};

// Exact front. Labels (cost, resident bytes, peak so far) at each kept boundary are pruned by
// 3-D dominance, which is exact because every later term is additive in cost and of the form
// resident + (bytes of later segments) in memory.
CheckpointFront checkpoint_front(const Chain& c, Granularity g);

// The cheapest front point whose peak fits `budget_bytes`; nullopt when none fits.
std::optional<FrontPoint> best_within_budget(const CheckpointFront& f, int64_t budget_bytes);

// Chen et al. 2016: segments of ceil(sqrt(n)) elements; keep a_0 and the boundaries between
// segments, drop every saved tensor, so every element is recomputed once (one extra forward,
// less the ops of segment ends that only produce their kept output).
ChainPlan sqrt_plan(const Chain& c, Granularity g);
ChainPlan store_all_plan(const Chain& c, Granularity g);

struct ChainBaseline {
  std::string name;  // "store-all", "sqrt"
  ChainPlan plan;
  ChainEvaluation evaluation;
};
std::vector<ChainBaseline> checkpoint_baselines(const Chain& c, Granularity g);

// Schema monet.checkpoint_front/1: the chain, the baselines and the front with plans.
inline constexpr const char* kCheckpointFrontSchema = "monet.checkpoint_front/1";
nlohmann::json chain_json(const Chain& c);
nlohmann::json checkpoint_front_json(const Chain& c, Granularity g, const CheckpointFront& f,
                                     const std::vector<ChainBaseline>& baselines);

}  // namespace monet::training
