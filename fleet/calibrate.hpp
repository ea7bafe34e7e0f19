// Calibration: fit accelerator fields to a user's measurements (fleet/README.md documents the
// file and every output). Measurements are experiments; predictions come from fusion/.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/names.hpp"
#include "core/yaml.hpp"
#include "fleet/accelerator_field.hpp"
#include "fleet/robust_fit.hpp"

namespace monet::fleet {

enum class Quantity { kLatency, kEnergy, kPower };
const core::NameTable<Quantity>& quantity_names();  // "latency", "energy", "power"
std::string quantity_name(Quantity q);
std::string quantity_unit(Quantity q);  // of the values in calibration.json: s, J, W

struct Parameter {
  std::string accelerator;  // resolved file
  AcceleratorField field;
  // Further files whose same field takes the same value (`accelerator:` a list): one quantity
  // shared by several design files, such as a per-instruction cost of one RTL in its variants.
  std::vector<std::pair<std::string, AcceleratorField>> shared;
  double lo = 0, hi = 0;  // in the field's unit
  core::Location where;
};

struct Measured {
  Quantity quantity;
  double value = 0;  // s, J or W
};

struct Measurement {
  std::string name;
  std::string experiment;  // resolved file
  std::vector<Measured> values;
  core::Location where;
};

struct CalibrationSpec {
  std::string file;
  std::vector<Parameter> parameters;
  std::vector<Measurement> measurements;
  Loss loss = Loss::kHuber;
  double loss_scale = 0.1;
};

// Parses and validates (every error names file, line, field, value and rule): parameter paths
// exist, bounds hold the current value, each measurement states a quantity, no more
// parameters than independent measured quantities.
CalibrationSpec load_calibration(const std::string& path);
// The same from a parsed document (Python's in-memory files): relative paths resolve against
// the folder of root.file().
CalibrationSpec parse_calibration(const core::YamlNode& root);

struct QuantityResult {
  Quantity quantity;
  double measured = 0, before = 0, after = 0;
  std::optional<double> leave_one_out;  // prediction with this measurement left out of the fit
};

struct CalibrationResult {
  std::vector<double> initial, fitted;    // per parameter, in the field's unit
  std::vector<std::optional<double>> sd;  // standard uncertainty, field's unit
  std::vector<bool> at_bound;
  std::vector<std::vector<QuantityResult>> measurements;
  std::vector<std::string> loo_notes;  // why a measurement has no leave-one-out figure
  std::vector<std::string> warnings;
  FitResult fit;
  int independent = 0;
};

// `threads` parallel experiment evaluations (0 = hardware concurrency).
CalibrationResult calibrate(const CalibrationSpec& spec, size_t threads = 0);

nlohmann::json calibration_json(const CalibrationSpec& spec, const CalibrationResult& r);
// The calibrated accelerator files: (file name, text with a provenance comment).
std::vector<std::pair<std::string, std::string>> calibrated_accelerators(
    const CalibrationSpec& spec, const CalibrationResult& r);
// calibration.json and the calibrated accelerator files into `dir`, as one output set.
void write_calibration(const std::string& dir, const CalibrationSpec& spec,
                       const CalibrationResult& r);

}  // namespace monet::fleet
