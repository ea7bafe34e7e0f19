// Experiment files written back: the inverse of parse_experiment (fusion/experiment.hpp), for
// search front members, sweeps and notebooks. parse(write(e)) equals e field for field
// (same_experiment), which tests/fusion/experiment_writer_test.cpp checks over configs/.
#pragma once

#include <string>

#include "fusion/experiment.hpp"
#include "fusion/names.hpp"

namespace monet::fusion {

// A YAML experiment document with every field of `e` (configs/experiments/README.md). Files
// the experiment names (workload file, ONNX model, accelerator file) are written as absolute
// paths, so the document can live in another folder. `header` becomes `# ` comment lines.
std::string write_experiment_yaml(const Experiment& e, const std::string& header = "");

// The experiment's `mode` as written (fusion/names experiment_mode_names).
ExperimentMode experiment_mode(const Experiment& e);

// True when `a` and `b` set the same fields to the same values. Where a value was written (file,
// line) does not count; paths count by the file they name (absolute, normalised).
bool same_experiment(const Experiment& a, const Experiment& b);

}  // namespace monet::fusion
