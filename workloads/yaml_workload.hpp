// User networks written as YAML (format: configs/workloads/README.md). The file is read into
// plain layer specs, every field is validated (all independent issues are reported together,
// each naming file, line, field path, value and rule), then the graph is built with Builder.
#pragma once

#include <string>

#include "workloads/graph.hpp"
#include "workloads/models.hpp"

namespace monet::workloads {

// Batch: overrides.batch replaces the file's `batch` only when overrides.batch_set is true
// (the user asked for a batch explicitly); otherwise the file's `batch` (default 1) holds.
// Element size: the file's `element_bits`, or overrides.elem_bits when the file has none.
// overrides.seq must be 0: sequence lengths of a workload file are written in its inputs.
// Throws core::ConfigError for a missing file, YAML syntax errors and every invalid field.
Graph load_workload_file(const std::string& path, const ModelParams& overrides = {});

// Same for YAML text; `name` stands in for the file name in messages and, when the text has
// no top-level `name`, gives the graph its name (file stem).
Graph parse_workload_yaml(const std::string& text, const std::string& name,
                          const ModelParams& overrides = {});

// True when `spec` names a workload file (ends in .yaml or .yml) rather than a built-in model.
bool is_workload_file_name(const std::string& spec);

}  // namespace monet::workloads
