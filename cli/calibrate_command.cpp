#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.hpp"
#include "core/output_set.hpp"
#include "fleet/calibrate.hpp"

namespace monet::cli {

namespace {
struct CalibrateArgs {
  std::string file;
  std::string out_dir;
  size_t threads = 0;
};

std::string percent(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.1f %%", 100 * v);
  return buf;
}

void calibrate(const CalibrateArgs& a) {
  fleet::CalibrationSpec spec = fleet::load_calibration(a.file);
  core::check_output_folder(a.out_dir);
  fleet::CalibrationResult r = fleet::calibrate(spec, a.threads);
  std::cout << "monet-sim calibrate: " << a.file << "\n  fit              " << r.fit.iterations
            << " iterations, " << r.fit.evaluations << " evaluations, "
            << (r.fit.converged ? "converged" : "NOT converged (iteration limit)") << ", loss "
            << fleet::loss_name(spec.loss) << "\n";
  for (size_t k = 0; k < spec.parameters.size(); ++k) {
    const auto& p = spec.parameters[k];
    std::cout << "  parameter        " << p.field.path << ": "
              << fleet::field_text(p.field, r.initial[k]) << " -> "
              << fleet::field_text(p.field, r.fitted[k]);
    if (r.sd[k]) std::cout << " (+- " << fleet::field_text(p.field, *r.sd[k]) << ")";
    std::cout << "\n";
  }
  for (size_t i = 0; i < spec.measurements.size(); ++i)
    for (const auto& q : r.measurements[i]) {
      std::cout << "  measurement      " << spec.measurements[i].name << " "
                << fleet::quantity_name(q.quantity) << ": error "
                << percent(q.before / q.measured - 1) << " -> "
                << percent(q.after / q.measured - 1);
      if (q.leave_one_out) std::cout << ", left out " << percent(*q.leave_one_out / q.measured - 1);
      std::cout << "\n";
    }
  for (const auto& w : r.warnings) std::cerr << "warning: " << w << "\n";
  if (!r.fit.converged) std::cerr << "warning: the fit did not converge\n";
  fleet::write_calibration(a.out_dir, spec, r);
  std::cout << "  wrote            " << a.out_dir << "/calibration.json and the calibrated "
            << "accelerator files\n";
}
}  // namespace

void add_calibrate_command(CLI::App& app) {
  auto args = std::make_shared<CalibrateArgs>();
  auto* cmd = app.add_subcommand(
      "calibrate",
      "Fit accelerator fields to measured latency, energy and power (fleet/README.md)");
  cmd->add_option("measurements", args->file, "Calibration file (parameters, measurements)")
      ->required();
  cmd->add_option("-o,--out", args->out_dir, "Output folder")->required();
  cmd->add_option("-j,--threads", args->threads, "Parallel simulations (0 = all cores)");
  cmd->callback([args] { calibrate(*args); });
}

}  // namespace monet::cli
