// Few-shot episodes on the simulator (experiment `mode: few-shot`, configs/experiments/
// README.md): the parts of one episode — optional fine-tuning steps, then the inference over
// support and query images (training/episode.hpp) — each simulated with the experiment's
// accelerator, plan and allocation, and their per-episode sum.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "fusion/experiment.hpp"
#include "fusion/power.hpp"
#include "fusion/run_outputs.hpp"
#include "training/episode.hpp"

namespace monet::fusion {

struct EpisodePart {
  std::string name;  // "finetune-step" or "inference"
  int repeat = 1;    // runs per episode
  std::shared_ptr<const Simulation> sim;
  PlanSpec plan;
  std::string plan_name;
  std::optional<training::MemoryReport> training_memory;
  std::optional<training::TrainingSummary> training;
};

struct PreparedEpisode {
  training::FewShotSpec spec;
  std::string feature;  // the backbone's feature tensor
  int64_t feature_dim = 0;
  std::vector<EpisodePart> parts;  // in execution order
};

// Builds the parts' graphs and binds them to the accelerator (one shared cost cache).
// Throws ConfigError pointing into the experiment file.
PreparedEpisode prepare_episode(const Experiment& e);

struct EpisodePartRun {
  FusionPlan plan;
  CnGraph cns;
  Schedule schedule;
};

struct EpisodeRun {
  std::vector<EpisodePartRun> parts;
  // Per episode: times and energies of every part times its repeat count; memory peaks are
  // the largest of any part (the parts run one after another).
  double latency_s = 0;
  double energy_pj = 0;
  double peak_onchip_bytes = 0;
  double peak_dram_bytes = 0;
  double peak_footprint_bytes = 0;
  double capacity_violation_bytes = 0;
  // The whole episode at the supply: its dynamic energy and the accelerator's static power over
  // its latency; the peak is the highest window of any part.
  PowerSummary power;
};

EpisodeRun run_episode(const PreparedEpisode& p);

// summary.json of a few-shot run (schema monet.episode/1) and each part's run documents in
// DIR/<part>/ (summary.json, schedule.trace.json, memory.csv, ops.csv), written atomically.
nlohmann::json episode_json(const Experiment& e, const PreparedEpisode& p, const EpisodeRun& r);
void write_episode_outputs(const std::string& dir, const Experiment& e, const PreparedEpisode& p,
                           const EpisodeRun& r);
// The same files into `set` under `prefix` ("runs/<entry>/" of a comparison; "" for a folder
// of its own), committed by the caller with the rest of the set.
void write_episode_files(core::OutputSet& set, const std::string& prefix, const Experiment& e,
                         const PreparedEpisode& p, const EpisodeRun& r);
// Multiply-accumulates of one episode: each part's graph times its repeats.
int64_t episode_macs(const PreparedEpisode& p);

}  // namespace monet::fusion
