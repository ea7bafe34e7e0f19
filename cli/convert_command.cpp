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
  std::string output;
  std::string clock = "1 GHz";
  int precision = 0;
  std::string operands = "I1=I,I2=W,O=O";
  std::vector<std::string> op_kinds{"loopnest"};
  double vector_ops = 0;
  std::string vector_energy = "0 pJ";
};

std::string header(const ConvertArgs& a, accelerators::AcceleratorFormat f,
                   const accelerators::ImportOptions& o) {
  std::ostringstream h;
  h << "Converted by `monet-sim convert` from the " << accelerators::format_name(f) << " file "
    << a.input << ".\n";
  if (f == accelerators::AcceleratorFormat::kMonet) return h.str();
  std::string kinds;
  for (auto& k : o.op_kinds) kinds += (kinds.empty() ? "" : ", ") + k;
  h << "Assumed (not in the source): clock " << a.clock << "; precision "
    << (o.precision_bits > 0 ? std::to_string(o.precision_bits) + " bit"
                             : "from input_precision, else 8 bit")
    << "; operands " << a.operands << "; op kinds " << kinds;
  if (o.vector_ops_per_cycle > 0)
    h << "; " << o.vector_ops_per_cycle << " element ops/cycle at " << a.vector_energy;
  h << ".\n"
    << "Per-cycle figures of the source are in this clock's cycles; energies per access are\n"
    << "divided by the access width (pJ/bit). See configs/accelerators/README.md.";
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
  cmd->add_option("-o,--output", args->output, "Write here instead of stdout");
  cmd->add_option("--clock", args->clock, "Clock of the cores (ZigZag/Stream count cycles only)")
      ->capture_default_str();
  cmd->add_option("--precision", args->precision,
                  "Operand bits of the cores (default: input_precision, else 8)")
      ->check(CLI::Range(1, 1024));
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
  cmd->callback([args] {
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
    auto format = accelerators::detect_accelerator_format(core::load_yaml_file(a.input));
    accelerators::Accelerator acc = accelerators::load_accelerator_any(a.input, o);
    std::string yaml = accelerators::write_accelerator_yaml(acc, header(a, format, o));
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
