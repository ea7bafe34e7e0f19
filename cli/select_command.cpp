#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.hpp"
#include "core/output_set.hpp"
#include "fleet/select.hpp"

namespace monet::cli {

namespace {
struct SelectArgs {
  std::string file;
  std::string out_dir;
  size_t threads = 0;
};

void select(const SelectArgs& a) {
  fleet::FleetSpec spec = fleet::load_fleet(a.file);
  core::check_output_folder(a.out_dir);
  fleet::SelectResult r = fleet::run_selection(spec, fleet::simulate_pairs(spec, a.threads));
  char buf[256];
  std::cout << "monet-sim select: " << a.file << "\n  pairs            " << r.sim.pairs.size()
            << " simulated (" << spec.models.size() << " models x " << spec.devices.size()
            << " devices), " << spec.bandit.rounds << " rounds, seed " << spec.bandit.seed << "\n";
  for (size_t d = 0; d < spec.devices.size(); ++d)
    std::cout << "  oracle           " << spec.devices[d].name << ": "
              << (r.oracle[d] ? spec.models[*r.oracle[d]].name : "(no feasible model)") << "\n";
  for (const auto& p : r.policies) {
    std::snprintf(buf, sizeof buf,
                  "  %-16s cumulative regret %.4g, growth exponent %.2f, oracle's choice in "
                  "%.0f %% of the last 10 %% of rounds",
                  p.name.c_str(), p.cumulative.empty() ? 0.0 : p.cumulative.back(),
                  p.growth_exponent, 100 * p.oracle_agreement_last);
    std::cout << buf << "\n";
  }
  for (const auto& w : r.warnings) std::cerr << "warning: " << w << "\n";
  fleet::write_selection(a.out_dir, spec, r);
  std::cout << "  wrote            " << a.out_dir << "/select.json, rounds.csv, regret.svg\n";
}
}  // namespace

void add_select_command(CLI::App& app) {
  auto args = std::make_shared<SelectArgs>();
  auto* cmd = app.add_subcommand(
      "select",
      "Choose a model per device online (LinUCB, Thompson sampling) against baselines "
      "(fleet/README.md)");
  cmd->add_option("fleet", args->file, "Fleet file (models, devices, qoe)")->required();
  cmd->add_option("-o,--out", args->out_dir, "Output folder")->required();
  cmd->add_option("-j,--threads", args->threads, "Parallel simulations (0 = all cores)");
  cmd->callback([args] { select(*args); });
}

}  // namespace monet::cli
