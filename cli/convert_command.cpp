// `monet-sim convert FILE [-o OUT]`: reads a ZigZag core, a Stream multi-core file or one of
// ours and writes it in our accelerator format (stdout without -o), with the assumptions the
// conversion made (clock, precision, operand map) in the header comment.
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "accelerators/accelerator_writer.hpp"
#include "accelerators/zigzag_import.hpp"
#include "cli/commands.hpp"
#include "core/error.hpp"
#include "core/file_io.hpp"
#include "core/units.hpp"
#include "core/yaml.hpp"

namespace monet::cli {

namespace {

struct ConvertArgs {
  std::string input;
  std::string mapping;
  std::string output;
  std::string clock = "1 GHz";
  int precision = 0;
  std::string operands = "I1=I,I2=W,O=O";
  std::vector<std::string> op_kinds{"loopnest"};
  double vector_ops = 0;
  std::string vector_energy = "0 pJ";
};

std::string header(const ConvertArgs& a, accelerators::AcceleratorFormat f,
                   const accelerators::ImportOptions& o, const std::vector<std::string>& warnings) {
  std::ostringstream h;
  h << "Converted by `monet-sim convert` from the " << accelerators::format_name(f) << " file "
    << a.input << ".\n";
  if (f == accelerators::AcceleratorFormat::kMonet) return h.str();
  std::string kinds;
  for (auto& k : o.op_kinds) kinds += (kinds.empty() ? "" : ", ") + k;
  h << "Assumed (not in the source): clock " << a.clock << "; precision "
    << (o.precision_bits > 0 ? std::to_string(o.precision_bits) + " bit"
                             : "from input_precision, else 8 bit")
    << "; operands I1="
    << "IWO"[static_cast<int>(o.operand_of[0])] << ",I2="
    << "IWO"[static_cast<int>(o.operand_of[1])] << ",O="
    << "IWO"[static_cast<int>(o.operand_of[2])] << "; op kinds " << kinds;
  if (o.vector_ops_per_cycle > 0)
    h << "; " << o.vector_ops_per_cycle << " element ops/cycle at " << a.vector_energy;
  h << "; ZigZag's latency model (overlap double-buffered) and partial sums at twice the "
       "precision.\n";
  if (!a.mapping.empty())
    h << "Spatial mapping and operand links from the ZigZag mapping " << a.mapping << ".\n";
  h << "Per-cycle figures of the source are in this clock's cycles; energies per access are\n"
    << "divided by the access width (pJ/bit). See configs/accelerators/README.md.";
  for (auto& w : warnings) h << "\nwarning: " << w;
  return h.str();
}

}  // namespace

void add_convert_command(CLI::App& app) {
  auto args = std::make_shared<ConvertArgs>();
  auto* cmd = app.add_subcommand(
      "convert", "Convert a ZigZag core or Stream multi-core YAML into monet-sim's format");
  cmd->add_option("file", args->input, "ZigZag, Stream or monet-sim accelerator YAML")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--mapping", args->mapping,
                  "ZigZag mapping file: its spatial_mapping and memory_operand_links for "
                  "loop-nest layers (entry Conv, else default) replace dataflows and --operands")
      ->check(CLI::ExistingFile);
  cmd->add_option("-o,--output", args->output, "Write here instead of stdout");
  cmd->add_option("--clock", args->clock, "Clock of the cores (ZigZag/Stream count cycles only)")
      ->capture_default_str();
  cmd->add_option("--precision", args->precision,
                  "Operand bits of the cores (default: input_precision, else 8)")
      ->check(CLI::Range(1, 1024));
  auto* operands =
      cmd->add_option("--operands", args->operands,
                      "Our operand for ZigZag's I1, I2, O (ZigZag's conv link: I1=I,I2=W,O=O)")
          ->capture_default_str();
  cmd->add_option("--op-kinds", args->op_kinds, "Op kinds the imported cores run")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--vector-ops-per-cycle", args->vector_ops,
                  "Element-op throughput of each core (needed to run element op kinds)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--vector-op-energy", args->vector_energy, "Energy per element op")
      ->capture_default_str();
  cmd->callback([args, operands] {
    const ConvertArgs& a = *args;
    accelerators::ImportOptions o;
    try {
      o.clock_hz = core::parse_quantity(a.clock, core::Dimension::kFrequency);
    } catch (const core::Error& e) {
      throw core::Error(std::string("--clock: ") + e.what());
    }
    if (!(o.clock_hz > 0)) throw core::Error("--clock must be positive");
    o.precision_bits = a.precision;
    o.operand_of = accelerators::parse_operand_map(a.operands);
    o.op_kinds = a.op_kinds;
    o.vector_ops_per_cycle = a.vector_ops;
    try {
      o.vector_op_energy_pj = core::parse_quantity(a.vector_energy, core::Dimension::kEnergy);
    } catch (const core::Error& e) {
      throw core::Error(std::string("--vector-op-energy: ") + e.what());
    }
    std::vector<std::string> warnings;
    o.warnings = &warnings;
    std::vector<std::string> ignored;  // load_accelerator_any announces them
    accelerators::ImportOptions detect = o;
    detect.warnings = &ignored;
    auto format = accelerators::detect_accelerator_format(
        accelerators::load_zigzag_yaml_file(a.input, detect));
    if (!a.mapping.empty()) {
      if (operands->count() > 0)
        throw core::Error(
            "give --operands or --mapping, not both: the mapping's memory_operand_links say "
            "which memory operand holds which layer operand");
      if (format != accelerators::AcceleratorFormat::kZigzag &&
          format != accelerators::AcceleratorFormat::kStream)
        throw core::Error("--mapping reads a ZigZag mapping file; " + a.input + " is a " +
                          accelerators::format_name(format) + " file");
      accelerators::read_zigzag_mapping(accelerators::load_zigzag_yaml_file(a.mapping, o), o,
                                        warnings);
    }
    accelerators::Accelerator acc = accelerators::load_accelerator_any(a.input, o);
    for (auto& w : warnings) std::cerr << "warning: " << w << "\n";
    std::string yaml = accelerators::write_accelerator_yaml(acc, header(a, format, o, warnings));
    if (a.output.empty()) {
      std::cout << yaml;
      return;
    }
    core::write_file_atomic(a.output, yaml);
    std::cout << a.output << ": " << acc.cores.size()
              << (acc.cores.size() == 1 ? " core" : " cores") << ", " << acc.links.size()
              << (acc.links.size() == 1 ? " link" : " links") << " (from the "
              << accelerators::format_name(format) << " file " << a.input << ")\n";
  });
}

}  // namespace monet::cli
