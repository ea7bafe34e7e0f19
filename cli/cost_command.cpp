// `monet-sim cost MODEL --accelerator PRESET|FILE`: per op, the cost on the best core (or on
// --core), with the energy breakdown, utilisation and mapping; totals for a layer-by-layer
// run (one op at a time, each standalone from and to DRAM).
#include <cstdio>
#include <iostream>
#include <limits>
#include <string>

#include "accelerators/loader.hpp"
#include "cli/commands.hpp"
#include "cli/training_report.hpp"
#include "cli/workload_source.hpp"
#include "core/error.hpp"
#include "core/json_text.hpp"
#include "core/units.hpp"
#include "core/whole_bytes.hpp"
#include "fusion/experiment.hpp"
#include "fusion/fallback.hpp"
#include "mapping/cost.hpp"
#include "mapping/cost_json.hpp"
#include "training/expand.hpp"

namespace monet::cli {

namespace {
struct CostArgs {
  std::string model;
  std::string accelerator;
  std::string core;
  std::string objective = "latency";
  std::string optimizer = "sgd";
  std::string trainable = "default";
  std::string adapters;
  int64_t batch = 1;
  int64_t seq = 0;
  int bits = 0;
  bool training = false;
  bool json = false;
};

struct Row {
  const workloads::Op* op = nullptr;
  int core = -1;  // -1: infeasible on every core considered
  mapping::OpCost cost;
  std::string reasons;
};

// Cores to consider: --core by name or by repeated-group name (its first core), else all.
std::vector<int> cores_for(const accelerators::Accelerator& acc, const std::string& name) {
  std::vector<int> out;
  if (name.empty()) {
    for (int i = 0; i < static_cast<int>(acc.cores.size()); ++i) out.push_back(i);
    return out;
  }
  int i = acc.find_core(name);
  for (int j = 0; i < 0 && j < static_cast<int>(acc.cores.size()); ++j)
    if (acc.cores[j].group == name) i = j;
  if (i < 0) {
    std::string known;
    for (auto& c : acc.cores) known += (known.empty() ? "" : ", ") + c.name;
    throw core::Error("accelerator '" + acc.name + "' has no core '" + name + "' (cores: " + known +
                      ")");
  }
  return {i};
}

double seconds(const accelerators::Accelerator& acc, int core, const mapping::OpCost& c) {
  // Layer by layer, every op is launched on its own.
  return c.cycles / acc.cores[core].clock_hz + acc.cores[core].execution.launch_s;
}

// The better of two feasible costs for the objective, comparing time (cores may run at
// different clocks).
bool better(mapping::Objective o, double ta, const mapping::OpCost& a, double tb,
            const mapping::OpCost& b) {
  switch (o) {
    case mapping::Objective::kEnergy:
      return a.energy_pj < b.energy_pj;
    case mapping::Objective::kEdp:
      return ta * a.energy_pj < tb * b.energy_pj;
    case mapping::Objective::kDram:
      if (a.dram_bytes() != b.dram_bytes()) return a.dram_bytes() < b.dram_bytes();
      return ta < tb;
    case mapping::Objective::kLatency:
      break;
  }
  if (ta != tb) return ta < tb;
  return a.energy_pj < b.energy_pj;
}

// Prices every op on its best core; an op that a core declaring its kind could not run
// but another core could is tallied in `fallbacks`.
std::vector<Row> price(const accelerators::Accelerator& acc, const workloads::Graph& g,
                       const mapping::CostModel& cm, const std::vector<int>& cores,
                       std::vector<fusion::Fallback>& fallbacks) {
  std::vector<Row> rows;
  for (const auto& op : g.ops()) {
    Row r;
    r.op = &op;
    mapping::OpShape s = mapping::shape_of(g, op);
    const std::string kind(workloads::op_kind_name(op.kind));
    std::vector<std::pair<int, std::string>> failed;
    double best_t = 0;
    for (int ci : cores) {
      mapping::OpCost c = cm.evaluate(s, ci);
      if (!c.feasible) {
        r.reasons += (r.reasons.empty() ? "" : "; ") + c.reason;
        if (acc.cores[ci].supports(kind)) failed.emplace_back(ci, c.reason);
        continue;
      }
      double t = seconds(acc, ci, c);
      if (r.core < 0 || better(cm.options().objective, t, c, best_t, r.cost)) {
        r.core = ci;
        r.cost = std::move(c);
        best_t = t;
      }
    }
    if (r.core >= 0)
      for (const auto& [ci, reason] : failed)
        fusion::add_fallback(fallbacks, kind, acc.cores[ci].name, reason);
    rows.push_back(std::move(r));
  }
  return rows;
}

struct Totals {
  double seconds = 0;
  mapping::EnergyBreakdown energy;
  double dram_bytes = 0;
  int ops = 0, infeasible = 0;
};

Totals totals_of(const accelerators::Accelerator& acc, const std::vector<Row>& rows) {
  Totals t;
  for (const auto& r : rows) {
    if (r.core < 0) {
      ++t.infeasible;
      continue;
    }
    ++t.ops;
    const auto& e = r.cost.energy;
    t.seconds += seconds(acc, r.core, r.cost);
    t.energy.mac_pj += e.mac_pj;
    t.energy.vector_pj += e.vector_pj;
    t.energy.memory_pj += e.memory_pj;
    t.energy.dram_pj += e.dram_pj;
    t.energy.cim_adc_pj += e.cim_adc_pj;
    t.energy.cim_dac_pj += e.cim_dac_pj;
    t.energy.cim_write_pj += e.cim_write_pj;
    t.energy.array_load_pj += e.array_load_pj;
    t.dram_bytes += r.cost.dram_bytes();
  }
  return t;
}

nlohmann::json energy_json(const mapping::EnergyBreakdown& e) {
  return {{"mac_pj", e.mac_pj},
          {"vector_pj", e.vector_pj},
          {"memory_pj", e.memory_pj},
          {"dram_pj", e.dram_pj},
          {"cim_adc_pj", e.cim_adc_pj},
          {"cim_dac_pj", e.cim_dac_pj},
          {"cim_write_pj", e.cim_write_pj},
          {"array_load_pj", e.array_load_pj},
          {"total_pj", e.total()}};
}

void print_json(const CostArgs& a, const accelerators::Accelerator& acc, const workloads::Graph& g,
                int bits, const std::vector<Row>& rows,
                const std::vector<fusion::Fallback>& fallbacks) {
  nlohmann::json j;
  j["schema"] = "monet.cost/1";
  j["model"] = g.name();
  j["accelerator"] = acc.name;
  j["objective"] = a.objective;
  j["operand_bits"] = bits;
  j["training"] = a.training;
  j["ops"] = nlohmann::json::array();
  for (const auto& r : rows) {
    nlohmann::json o = {{"name", r.op->name},
                        {"kind", std::string(workloads::op_kind_name(r.op->kind))},
                        {"pass", std::string(workloads::pass_name(r.op->pass))},
                        {"macs", r.op->macs()}};
    if (r.core < 0) {
      o["feasible"] = false;
      o["reason"] = r.reasons;
    } else {
      o["core"] = acc.cores[r.core].name;
      o["seconds"] = seconds(acc, r.core, r.cost);
      o["cost"] = mapping::to_json(r.cost);
      o["feasible"] = true;
    }
    j["ops"].push_back(std::move(o));
  }
  Totals t = totals_of(acc, rows);
  j["totals"] = {{"ops", t.ops},
                 {"infeasible_ops", t.infeasible},
                 {"seconds", t.seconds},
                 {"dram_bytes", core::whole_bytes(t.dram_bytes)},
                 {"energy", energy_json(t.energy)}};
  j["fallbacks"] = fusion::fallbacks_json(fallbacks);
  std::cout << core::json_text(j, 2) << "\n";
}

void print_text(const CostArgs& a, const accelerators::Accelerator& acc, const workloads::Graph& g,
                int bits, const std::vector<Row>& rows,
                const std::vector<fusion::Fallback>& fallbacks) {
  using core::format_count;
  using core::format_energy_pj;
  std::printf("%s%s on %s: objective %s, %d-bit operands\n\n", g.name().c_str(),
              a.training ? " training step" : " inference", acc.name.c_str(), a.objective.c_str(),
              bits);
  std::printf("%-34s %-10s %-15s %-8s %14s %10s %6s %10s %10s %10s %10s\n", "op", "kind", "pass",
              "core", "cycles", "energy", "util", "mac", "memory", "dram", "cim");
  for (const auto& r : rows) {
    std::string kind(workloads::op_kind_name(r.op->kind));
    std::string pass(workloads::pass_name(r.op->pass));
    if (r.core < 0) {
      std::printf("%-34s %-10s %-15s infeasible: %s\n", r.op->name.c_str(), kind.c_str(),
                  pass.c_str(), r.reasons.c_str());
      continue;
    }
    const auto& c = r.cost;
    const auto& e = c.energy;
    std::printf("%-34s %-10s %-15s %-8s %14s %10s %5.1f%% %10s %10s %10s %10s\n",
                r.op->name.c_str(), kind.c_str(), pass.c_str(), acc.cores[r.core].name.c_str(),
                format_count(c.cycles).c_str(), format_energy_pj(c.energy_pj).c_str(),
                100 * c.spatial_utilization, format_energy_pj(e.mac_pj + e.vector_pj).c_str(),
                format_energy_pj(e.memory_pj).c_str(), format_energy_pj(e.dram_pj).c_str(),
                format_energy_pj(e.cim_adc_pj + e.cim_dac_pj + e.cim_write_pj).c_str());
    std::printf("    %s\n", c.mapping.c_str());
  }
  Totals t = totals_of(acc, rows);
  const auto& e = t.energy;
  std::printf("\ntotal, layer by layer (one op at a time, operands from and to DRAM): %d ops\n",
              t.ops);
  std::printf("  time        %s\n", core::format_seconds(t.seconds).c_str());
  std::printf(
      "  energy      %s (MAC %s, vector %s, on-chip memory %s, DRAM %s, CIM ADC %s, "
      "DAC %s, cell writes %s, array loads %s)\n",
      format_energy_pj(e.total()).c_str(), format_energy_pj(e.mac_pj).c_str(),
      format_energy_pj(e.vector_pj).c_str(), format_energy_pj(e.memory_pj).c_str(),
      format_energy_pj(e.dram_pj).c_str(), format_energy_pj(e.cim_adc_pj).c_str(),
      format_energy_pj(e.cim_dac_pj).c_str(), format_energy_pj(e.cim_write_pj).c_str(),
      format_energy_pj(e.array_load_pj).c_str());
  std::printf("  DRAM        %s\n", core::format_bytes(t.dram_bytes).c_str());
  if (t.infeasible)
    std::printf("  %d op(s) run on no core considered and are left out (see above)\n",
                t.infeasible);
  for (const auto& f : fallbacks)
    std::printf("  WARNING     %s\n", fusion::fallback_text(f).c_str());
}
}  // namespace

void add_cost_command(CLI::App& app) {
  auto args = std::make_shared<CostArgs>();
  auto* cmd = app.add_subcommand(
      "cost", "Per-op cost on an accelerator: cycles, energy breakdown, utilisation, mapping");
  cmd->add_option("model", args->model, "Built-in model name (see `list`) or a workload file")
      ->required();
  cmd->add_option("--accelerator", args->accelerator, "Accelerator preset name or YAML file")
      ->required();
  cmd->add_option("--core", args->core, "Price every op on this core only (name or group)");
  cmd->add_option("--objective", args->objective,
                  "Mapping objective: " + mapping::objective_names().list())
      ->check(CLI::IsMember(mapping::objective_names().names()));
  auto* batch = cmd->add_option("--batch", args->batch, "Batch size (replaces a workload file's)")
                    ->check(CLI::PositiveNumber);
  cmd->add_option("--seq", args->seq, "Sequence length (GPT-2 only)")->check(CLI::PositiveNumber);
  cmd->add_option("--bits", args->bits,
                  "Bits per tensor element (default: the precision of the loop-nest cores)")
      ->check(CLI::Range(1, 64));
  auto* t = cmd->add_flag("--training", args->training,
                          "Price a training step (forward, loss, backward, optimizer)");
  cmd->add_option("--optimizer", args->optimizer, "With --training: sgd, momentum, adam, adamw")
      ->needs(t);
  add_trainable_option(cmd, args->trainable, t);
  add_adapters_option(cmd, args->adapters, t);
  cmd->add_flag("--json", args->json, "Print the monet.cost/1 JSON document instead");
  cmd->callback([args, batch] {
    const CostArgs& a = *args;
    accelerators::Accelerator acc = accelerators::load_accelerator(a.accelerator);
    std::vector<int> cores = cores_for(acc, a.core);
    const int bits = a.bits > 0 ? a.bits : mapping::default_operand_bits(acc);
    workloads::Graph g = load_workload(
        a.model,
        {.batch = a.batch,
         .seq = a.seq,
         .elem_bits = bits,
         .batch_set = batch->count() > 0,
         .elem_bits_set = true});  // the header's operand precision holds for ONNX models too
    if (a.training) {
      training::TrainingOptions o;
      o.optimizer = training::parse_optimizer(a.optimizer);
      o.activation_bits = o.weight_bits = o.gradient_bits = o.optimizer_state_bits = bits;
      try {
        o.trainable = training::parse_trainable(a.trainable);
      } catch (const core::Error& e) {
        throw core::Error(std::string("--trainable: ") + e.what());
      }
      if (!a.adapters.empty()) o.adapters = training::parse_adapters(a.adapters, "--adapters");
      g = training::expand(g, o).graph;
    } else {
      // Without --training the forward pass is an inference: BatchNorm on running statistics,
      // as `run` prices it in mode: inference.
      fusion::use_running_statistics(g);
    }
    mapping::CostModel cm(acc, {.objective = *mapping::objective_from_name(a.objective)});
    std::vector<fusion::Fallback> fallbacks;
    auto rows = price(acc, g, cm, cores, fallbacks);
    for (const auto& f : fallbacks) std::cerr << "warning: " << fusion::fallback_text(f) << "\n";
    if (a.json)
      print_json(a, acc, g, bits, rows, fallbacks);
    else
      print_text(a, acc, g, bits, rows, fallbacks);
  });
}

}  // namespace monet::cli
