#include "fusion/episode.hpp"

#include <algorithm>

#include "accelerators/loader.hpp"
#include "core/json_text.hpp"
#include "core/output_set.hpp"
#include "core/whole_bytes.hpp"
#include "fusion/names.hpp"
#include "fusion/report.hpp"
#include "fusion/scheduler.hpp"
#include "training/adapters.hpp"
#include "training/expand.hpp"

namespace monet::fusion {

namespace {
workloads::Graph backbone_at(const Experiment& e, int64_t batch) {
  WorkloadSpec w = e.workload;
  w.params.batch = batch;
  w.params.batch_set = true;
  return build_forward(w);
}

// A feature error found while building is reported at the few_shot map, as the spec's own.
template <typename F>
auto located(const Experiment& e, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const core::ConfigError&) {
    throw;
  } catch (const core::Error& err) {
    throw core::ConfigError(e.few_shot->where.where, "few_shot", "", err.what());
  }
}
}  // namespace

PreparedEpisode prepare_episode(const Experiment& e) {
  if (!e.few_shot) throw core::Error("experiment '" + e.name + "' is not a few-shot episode");
  PreparedEpisode p;
  p.spec = *e.few_shot;
  const auto& spec = p.spec;
  auto acc = std::make_shared<const accelerators::Accelerator>(
      accelerators::load_accelerator(e.accelerator));
  auto costs = std::make_shared<const mapping::CostModel>(*acc, e.cost);

  // The inference part; with backbone fine-tuning the adapted backbone is what runs.
  workloads::Graph backbone = backbone_at(e, spec.images());
  const int feature = training::feature_tensor(backbone, spec);
  p.feature = backbone.tensor(feature).name;
  p.feature_dim = backbone.tensor(feature).shape.at(1);
  check_plan_fits(e, backbone);
  const bool adapted = spec.finetune_steps > 0 &&
                       spec.finetune == training::FinetuneTarget::kBackbone &&
                       !e.training_options.adapters.empty();
  if (adapted) backbone = training::apply_adapters(backbone, e.training_options.adapters).graph;
  workloads::Graph episode = located(e, [&] { return training::episode_graph(backbone, spec); });
  use_running_statistics(episode);  // a frozen backbone at inference

  if (spec.finetune_steps > 0) {
    EpisodePart step;
    step.name = "finetune-step";
    step.repeat = spec.finetune_steps;
    workloads::Graph forward =
        spec.finetune == training::FinetuneTarget::kHead
            ? located(e, [&] { return training::finetune_graph(backbone, spec); })
            : located(e, [&] {
                return training::finetune_graph(backbone_at(e, spec.support_images()), spec);
              });
    training::TrainingStep s =
        training::expand(forward, training::finetune_options(e.training_options, spec));
    step.training_memory = s.memory;
    step.training = training::training_summary(s);
    // The head alone has no blocks of the experiment's plan: it runs layer by layer.
    if (spec.finetune == training::FinetuneTarget::kHead) {
      step.plan_name = stack_rule_names().str(StackRule::kLayerByLayer);
    } else {
      step.plan = e.plan;
      step.plan_name = e.plan_name;
    }
    step.sim = std::make_shared<const Simulation>(std::move(s.graph), acc, costs);
    p.parts.push_back(std::move(step));
  }
  EpisodePart inference;
  inference.name = "inference";
  inference.plan = e.plan;
  inference.plan_name = e.plan_name;
  inference.sim = std::make_shared<const Simulation>(std::move(episode), acc, costs);
  p.parts.push_back(std::move(inference));
  return p;
}

EpisodeRun run_episode(const PreparedEpisode& p) {
  EpisodeRun r;
  for (const auto& part : p.parts) {
    EpisodePartRun run;
    run.plan = part.sim->plan(part.plan);
    run.cns = part.sim->cns(run.plan);
    run.schedule = schedule(part.sim->graph(), run.plan, run.cns, part.sim->accelerator());
    const Summary& s = run.schedule.summary;
    r.latency_s += part.repeat * s.latency_s;
    r.energy_pj += part.repeat * s.energy.total_pj();
    r.peak_onchip_bytes = std::max(r.peak_onchip_bytes, s.peak_onchip_bytes);
    r.peak_dram_bytes = std::max(r.peak_dram_bytes, s.peak_dram_bytes);
    r.peak_footprint_bytes = std::max(r.peak_footprint_bytes, s.peak_footprint_bytes);
    r.capacity_violation_bytes = std::max(r.capacity_violation_bytes, s.capacity_violation_bytes);
    r.parts.push_back(std::move(run));
  }
  std::vector<const PowerSummary*> parts;
  for (const auto& run : r.parts) parts.push_back(&run.schedule.summary.power);
  r.power = parts_power(r.energy_pj * 1e-12, r.latency_s, p.parts.back().sim->accelerator(), parts);
  return r;
}

nlohmann::json episode_json(const Experiment& e, const PreparedEpisode& p, const EpisodeRun& r) {
  const auto& spec = p.spec;
  nlohmann::json parts = nlohmann::json::array();
  for (size_t i = 0; i < p.parts.size(); ++i) {
    const auto& part = p.parts[i];
    const Summary& s = r.parts[i].schedule.summary;
    nlohmann::json j = {{"name", part.name},
                        {"repeat", part.repeat},
                        {"latency_s", s.latency_s},
                        {"energy_pj", s.energy.total_pj()},
                        {"peak_onchip_bytes", core::whole_bytes(s.peak_onchip_bytes)},
                        {"peak_dram_bytes", core::whole_bytes(s.peak_dram_bytes)},
                        {"peak_footprint_bytes", core::whole_bytes(s.peak_footprint_bytes)},
                        {"macs", part.sim->graph().totals().macs},
                        {"summary", part.name + "/summary.json"}};
    if (part.training) j["training"] = training::training_summary_json(*part.training);
    parts.push_back(std::move(j));
  }
  nlohmann::json out = {
      {"schema", "monet.episode/1"},
      {"experiment", e.name},
      {"workload", p.parts.back().sim->graph().name()},
      {"mode", experiment_mode_names().str(ExperimentMode::kFewShot)},
      {"accelerator", p.parts.back().sim->accelerator().name},
      {"ways", spec.ways},
      {"shots", spec.shots},
      {"queries", spec.queries},
      {"support_images", spec.support_images()},
      {"query_images", spec.query_images()},
      {"features", {{"tensor", p.feature}, {"dim", p.feature_dim}}},
      {"finetune",
       {{"steps", spec.finetune_steps}, {"trains", training::finetune_target_name(spec.finetune)}}},
      {"latency_s", r.latency_s},
      {"energy_pj", r.energy_pj},
      {"power", power_json(r.power)},
      {"memory",
       {{"peak_onchip_bytes", core::whole_bytes(r.peak_onchip_bytes)},
        {"peak_dram_bytes", core::whole_bytes(r.peak_dram_bytes)},
        {"peak_footprint_bytes", core::whole_bytes(r.peak_footprint_bytes)},
        {"capacity_violation_bytes", core::whole_bytes(r.capacity_violation_bytes)}}},
      {"parts", parts}};
  if (!e.overrides.empty()) out["overrides"] = e.overrides;
  return out;
}

void write_episode_outputs(const std::string& dir, const Experiment& e, const PreparedEpisode& p,
                           const EpisodeRun& r) {
  // One set: the episode summary and every part's files appear together.
  core::OutputSet set(dir, "episode");
  write_episode_files(set, "", e, p, r);
  set.commit();
}

int64_t episode_macs(const PreparedEpisode& p) {
  int64_t macs = 0;
  for (const auto& part : p.parts) macs += part.sim->graph().totals().macs * part.repeat;
  return macs;
}

void write_episode_files(core::OutputSet& set, const std::string& prefix, const Experiment& e,
                         const PreparedEpisode& p, const EpisodeRun& r) {
  for (size_t i = 0; i < p.parts.size(); ++i) {
    const auto& part = p.parts[i];
    const auto& run = r.parts[i];
    RunInfo info{e.name + "/" + part.name,
                 part.training ? "training" : "inference",
                 part.plan_name,
                 part.plan.tiles,
                 part.training_memory,
                 part.training,
                 e.overrides,
                 std::nullopt,
                 {}};
    write_run_files(set, prefix + part.name + "/", *part.sim, run.plan, run.cns, run.schedule,
                    info);
  }
  set.write(prefix + "summary.json",
            core::json_text(episode_json(e, p, r), 2, prefix + "summary.json") + "\n");
}

}  // namespace monet::fusion
