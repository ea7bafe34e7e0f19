// Fleets (fleet/): `monet-sim calibrate` and `monet-sim select` from Python. The package's
// monet.fleet wraps these; the results are the CLI's JSON documents plus what the CLI writes
// to other files (calibrated accelerator texts, the per-round columns of rounds.csv).
#include "core/output_set.hpp"
#include "core/yaml.hpp"
#include "fleet/calibrate.hpp"
#include "fleet/select.hpp"
#include "python/bindings.hpp"

namespace monet::python {

namespace {
using nlohmann::json;

fleet::CalibrationSpec calibration_spec(const std::string& text, const std::string& name) {
  // Empty text: `name` is a file to load.
  return text.empty() ? fleet::load_calibration(name)
                      : fleet::parse_calibration(core::parse_yaml(text, name));
}

fleet::FleetSpec fleet_spec(const std::string& text, const std::string& name) {
  return text.empty() ? fleet::load_fleet(name) : fleet::parse_fleet(core::parse_yaml(text, name));
}

json calibrate(const std::string& text, const std::string& name, const std::string& out_dir,
               size_t threads) {
  fleet::CalibrationSpec spec = calibration_spec(text, name);
  // Refused before the fit, as the CLI does, so a bad folder costs nothing.
  if (!out_dir.empty()) core::check_output_folder(out_dir);
  fleet::CalibrationResult r = fleet::calibrate(spec, threads);
  if (!out_dir.empty()) fleet::write_calibration(out_dir, spec, r);
  json j = fleet::calibration_json(spec, r);
  json files = json::object();
  for (const auto& [file, content] : fleet::calibrated_accelerators(spec, r)) files[file] = content;
  j["calibrated_accelerators"] = files;
  return j;
}

// rounds.csv as columns: per round the device and user, per policy the chosen model, the
// observed feedback, the regret and the cumulative regret.
json rounds_columns(const fleet::FleetSpec& spec, const fleet::SelectResult& r) {
  json devices = json::array();
  for (size_t d : r.round_device) devices.push_back(spec.devices[d].name);
  json policies = json::object();
  for (const auto& p : r.policies) {
    json choice = json::array();
    for (size_t m : p.choice) choice.push_back(spec.models[m].name);
    policies[p.name] = {{"choice", choice},
                        {"feedback", p.feedback},
                        {"regret", p.regret},
                        {"cumulative_regret", p.cumulative}};
  }
  return {{"device", devices}, {"user", r.round_user}, {"policies", policies}};
}

json select(const std::string& text, const std::string& name, const std::string& out_dir,
            size_t threads) {
  fleet::FleetSpec spec = fleet_spec(text, name);
  if (!out_dir.empty()) core::check_output_folder(out_dir);
  fleet::SelectResult r = fleet::run_selection(spec, fleet::simulate_pairs(spec, threads));
  if (!out_dir.empty()) fleet::write_selection(out_dir, spec, r);
  json j = fleet::select_json(spec, r);
  j["per_round"] = rounds_columns(spec, r);
  return j;
}

// A fleet command as a Python function: the simulations run without the GIL.
using Command = json (*)(const std::string&, const std::string&, const std::string&, size_t);
void def_command(py::module_& m, const char* name, Command command, const char* doc) {
  m.def(
      name,
      [command](const std::string& text, const std::string& source, const std::string& out_dir,
                size_t threads) {
        json j;
        {
          py::gil_scoped_release release;
          j = command(text, source, out_dir, threads);
        }
        return to_python(j);
      },
      py::arg("text"), py::arg("name"), py::arg("out_dir") = "", py::arg("threads") = 0, doc);
}

}  // namespace

void bind_fleet(py::module_& m) {
  def_command(m, "calibrate", &calibrate,
              "`monet-sim calibrate`: the calibration file `name` (or YAML `text` standing for "
              "it); returns calibration.json plus calibrated_accelerators (file name: text) and, "
              "with out_dir, writes them there as one output set. Use monet.calibrate.");
  def_command(m, "select", &select,
              "`monet-sim select`: the fleet file `name` (or YAML `text` standing for it); "
              "returns select.json plus per_round (rounds.csv as columns) and, with out_dir, "
              "writes select.json, rounds.csv and regret.svg there as one output set. Use "
              "monet.select.");
}

}  // namespace monet::python
