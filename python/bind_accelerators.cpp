// Accelerator descriptions as mutable Python objects (every struct field read/write), the
// YAML loader and the preset registry.
#include "accelerators/checked.hpp"
#include "accelerators/loader.hpp"
#include "accelerators/summary.hpp"
#include "core/config_path.hpp"
#include "core/error.hpp"
#include "mapping/cost.hpp"
#include "python/bindings.hpp"

namespace monet::python {

namespace {
using namespace monet::accelerators;

std::vector<std::string> holds_names(const MemoryLevel& m) {
  std::vector<std::string> out;
  for (int o = 0; o < kMemOperandCount; ++o)
    if (m.holds[o]) out.emplace_back(core::operand_name(static_cast<MemOperand>(o)));
  return out;
}

void set_holds(MemoryLevel& m, const std::vector<std::string>& names) {
  std::array<bool, kMemOperandCount> h{false, false, false};
  for (const auto& n : names) h[static_cast<int>(core::operand_names().parse(n))] = true;
  m.holds = h;
}

template <class T>
T copy_of(const T& x) {
  return x;
}

Core& core_by_name(Accelerator& a, const std::string& name) {
  int i = a.find_core(name);
  if (i < 0) {
    std::string known;
    for (const auto& c : a.cores) known += (known.empty() ? "" : ", ") + c.name;
    throw core::Error("accelerator '" + a.name + "' has no core '" + name + "' (cores: " + known +
                      ")");
  }
  return a.cores[i];
}

MemoryLevel& level_by_name(Core& c, const std::string& name) {
  for (auto& m : c.memories)
    if (m.name == name) return m;
  std::string known;
  for (const auto& m : c.memories) known += (known.empty() ? "" : ", ") + m.name;
  throw core::Error("core '" + c.name + "' has no memory '" + name + "' (memories: " + known + ")");
}
}  // namespace

void bind_accelerators(py::module_& m) {
  py::bind_vector<std::vector<ArrayDim>>(m, "ArrayDimList");
  py::bind_vector<std::vector<MemoryLevel>>(m, "MemoryLevelList");
  py::bind_vector<std::vector<Core>>(m, "CoreList");
  py::bind_vector<std::vector<Link>>(m, "LinkList");

  py::class_<ArrayDim>(m, "ArrayDim", "One dimension of a core's operational array.")
      .def(py::init<>())
      .def_readwrite("name", &ArrayDim::name)
      .def_readwrite("size", &ArrayDim::size)
      .def_readwrite("unrolls", &ArrayDim::unrolls, "Loop dims the mapper may unroll over it.")
      .def("__repr__", [](const ArrayDim& d) {
        return "<ArrayDim " + d.name + " " + std::to_string(d.size) + ">";
      });

  py::class_<MemoryLevel>(m, "MemoryLevel",
                          "A memory level (base units: bytes, bits per cycle, pJ per bit).")
      .def(py::init<>())
      .def_readwrite("name", &MemoryLevel::name)
      .def_readwrite("size_bytes", &MemoryLevel::size_bytes, "Per copy.")
      .def_readwrite("read_bits_per_cycle", &MemoryLevel::read_bits_per_cycle)
      .def_readwrite("write_bits_per_cycle", &MemoryLevel::write_bits_per_cycle)
      .def_readwrite("read_ports", &MemoryLevel::read_ports)
      .def_readwrite("write_ports", &MemoryLevel::write_ports)
      .def_readwrite("read_energy_pj_per_bit", &MemoryLevel::read_energy_pj_per_bit)
      .def_readwrite("write_energy_pj_per_bit", &MemoryLevel::write_energy_pj_per_bit)
      .def_readwrite("min_access_bits", &MemoryLevel::min_access_bits,
                     "Smallest transfer per copy (bits); 0 = any width.")
      .def_property("holds", &holds_names, &set_holds, "Operands held: a subset of I, W, O.")
      .def_readwrite("served_dims", &MemoryLevel::served_dims)
      .def_readwrite("per_pe", &MemoryLevel::per_pe)
      .def_readwrite("read_bytes_per_s", &MemoryLevel::read_bytes_per_s)
      .def_readwrite("write_bytes_per_s", &MemoryLevel::write_bytes_per_s)
      .def_readonly("instances", &MemoryLevel::instances, "Copies in the core (derived).")
      .def_readonly("shared_index", &MemoryLevel::shared_index,
                    ">= 0: a copy of Accelerator.shared_memories[shared_index].")
      .def_readonly("line", &MemoryLevel::line)
      .def("copy", &copy_of<MemoryLevel>)
      .def("__repr__",
           [](const MemoryLevel& l) { return "<MemoryLevel " + format_level(l) + ">"; });

  py::class_<CimSpec>(m, "CimSpec", "Compute-in-memory crossbar parameters.")
      .def(py::init<>())
      .def_readwrite("rows", &CimSpec::rows)
      .def_readwrite("cols", &CimSpec::cols)
      .def_readwrite("crossbars", &CimSpec::crossbars)
      .def_readwrite("weight_bits", &CimSpec::weight_bits)
      .def_readwrite("cell_bits", &CimSpec::cell_bits)
      .def_readwrite("input_bits", &CimSpec::input_bits)
      .def_readwrite("dac_bits", &CimSpec::dac_bits)
      .def_readwrite("adc_bits", &CimSpec::adc_bits)
      .def_readwrite("cols_per_adc", &CimSpec::cols_per_adc)
      .def_readwrite("adc_energy_pj", &CimSpec::adc_energy_pj)
      .def_readwrite("adc_delay_s", &CimSpec::adc_delay_s)
      .def_readwrite("dac_energy_pj", &CimSpec::dac_energy_pj)
      .def_readwrite("cell_read_energy_pj", &CimSpec::cell_read_energy_pj)
      .def_readwrite("cell_write_energy_pj", &CimSpec::cell_write_energy_pj)
      .def_readwrite("write_pulse_s", &CimSpec::write_pulse_s)
      .def_readwrite("written_fraction", &CimSpec::written_fraction);

  py::class_<TlmmSpec>(m, "TlmmSpec",
                       "Table-lookup matmul parameters (kind tlmm): activations grouped by "
                       "`group`, tables of weight_levels^group partial sums built online, "
                       "weights index them.")
      .def(py::init<>())
      .def_readwrite("group", &TlmmSpec::group)
      .def_readwrite("weight_levels", &TlmmSpec::weight_levels)
      .def_readwrite("weight_bits", &TlmmSpec::weight_bits)
      .def_readwrite("lookups_per_cycle", &TlmmSpec::lookups_per_cycle)
      .def_readwrite("entries_per_cycle", &TlmmSpec::entries_per_cycle)
      .def_readwrite("table_entries", &TlmmSpec::table_entries)
      .def_readwrite("entry_bits", &TlmmSpec::entry_bits)
      .def_readwrite("lookup_energy_pj", &TlmmSpec::lookup_energy_pj)
      .def_readwrite("entry_energy_pj", &TlmmSpec::entry_energy_pj)
      .def("entries_per_table", &TlmmSpec::entries_per_table, "weight_levels ** group.");

  py::class_<Core>(m, "Core", "A core: array (or CIM crossbars, or SIMD lanes) and memories.")
      .def(py::init<>())
      .def_readwrite("name", &Core::name)
      .def_property(
          "kind", [](const Core& c) { return core_kind_name(c.kind); },
          [](Core& c, const std::string& s) { c.kind = accelerators::core_kind_names().parse(s); },
          "array | simd | cim | gpu-sm | tlmm")
      .def_readwrite("clock_hz", &Core::clock_hz)
      .def_readwrite("array", &Core::array, "Array dimensions (edit in place).")
      .def_readwrite("mac_energy_pj", &Core::mac_energy_pj)
      .def_readwrite("precision_bits", &Core::precision_bits)
      .def_readwrite("vector_ops_per_cycle", &Core::vector_ops_per_cycle)
      .def_readwrite("vector_op_energy_pj", &Core::vector_op_energy_pj)
      .def_readwrite("op_kinds", &Core::op_kinds)
      .def_readwrite("memories", &Core::memories, "Innermost first; the last is the core's top.")
      .def_readwrite("cim", &Core::cim)
      .def_readwrite("tlmm", &Core::tlmm, "Table-lookup parameters (kind tlmm only).")
      .def_readwrite("group", &Core::group)
      .def_readonly("repeat_index", &Core::repeat_index)
      .def_readonly("line", &Core::line)
      .def("macs_per_cycle", &Core::macs_per_cycle, "Product of the array dimensions.")
      .def("peak_macs_per_cycle", &mapping::peak_macs_per_cycle,
           "Peak MACs per cycle as the cost model sees it (CIM: ADC-limited).")
      .def("supports", &Core::supports, py::arg("op_kind"))
      .def("memory", &level_by_name, py::arg("name"), py::return_value_policy::reference_internal,
           "The memory level with this name (a live reference).")
      .def("copy", &copy_of<Core>)
      .def("__repr__", [](const Core& c) {
        return "<Core " + c.name + " " + core_kind_name(c.kind) + " " + format_hz(c.clock_hz) + ">";
      });

  py::class_<Link>(m, "Link")
      .def(py::init<>())
      .def_readwrite("name", &Link::name)
      .def_readwrite("from_core", &Link::from)
      .def_readwrite("to_core", &Link::to)
      .def_readwrite("bandwidth_bytes_per_s", &Link::bandwidth_bytes_per_s)
      .def_readwrite("energy_pj_per_bit", &Link::energy_pj_per_bit)
      .def_readwrite("bidirectional", &Link::bidirectional);

  py::class_<Dram>(m, "Dram")
      .def(py::init<>())
      .def_readwrite("capacity_bytes", &Dram::capacity_bytes)
      .def_readwrite("bandwidth_bytes_per_s", &Dram::bandwidth_bytes_per_s)
      .def_readwrite("sustained_fraction", &Dram::sustained_fraction)
      .def_property_readonly("timing_bytes_per_s", &Dram::timing_bytes_per_s)
      .def_readwrite("read_energy_pj_per_bit", &Dram::read_energy_pj_per_bit)
      .def_readwrite("write_energy_pj_per_bit", &Dram::write_energy_pj_per_bit)
      .def_readwrite("min_access_bits", &Dram::min_access_bits);

  py::class_<Accelerator>(m, "Accelerator",
                          "An accelerator description. Every field is writable; lists are edited "
                          "in place. Simulations re-derive dependent fields (see checked()).")
      .def(py::init<>())
      .def_readwrite("name", &Accelerator::name)
      .def_readwrite("description", &Accelerator::description)
      .def_readwrite("source_file", &Accelerator::source_file)
      .def_readwrite("cores", &Accelerator::cores)
      .def_readwrite("shared_memories", &Accelerator::shared_memories)
      .def_readwrite("links", &Accelerator::links)
      .def_readwrite("dram", &Accelerator::dram)
      .def("find_core", &Accelerator::find_core, py::arg("name"), "Core index, -1 if absent.")
      .def("core", &core_by_name, py::arg("name"), py::return_value_policy::reference_internal,
           "The core with this name (a live reference).")
      .def("checked", &accelerators::checked_accelerator,
           "A copy with derived fields recomputed (CIM arrays, shared-memory copies, instances, "
           "byte rates) after checking every edited value; raises ConfigError naming the field.")
      .def("summary_lines", &summary_lines, "One line per core, the DRAM and each link.")
      .def("operand_bits", &mapping::default_operand_bits,
           "Operand width workloads should use on this accelerator.")
      .def("copy", &copy_of<Accelerator>)
      .def("__copy__", &copy_of<Accelerator>)
      .def("__deepcopy__", [](const Accelerator& a, py::dict) { return a; })
      .def("__repr__", [](const Accelerator& a) {
        return "<Accelerator " + a.name + ": " + std::to_string(a.cores.size()) + " cores>";
      });

  m.def("load_accelerator", &load_accelerator, py::arg("name_or_path"),
        "A preset name (configs/accelerators/) or a YAML file.");
  m.def("parse_accelerator_yaml", &parse_accelerator_yaml, py::arg("text"), py::arg("name"),
        "An accelerator from YAML text; `name` stands in for the file in messages.");
  m.def("preset_names", &preset_names, "Preset names, sorted.");
  m.def("preset_path", &preset_path, py::arg("name"),
        "The file a preset name resolves to, or '' when no config folder has it.");
  m.def("config_dir", &core::config_dir,
        "The configs shipped with this module (<prefix>/share/monet-sim/configs).");
  m.def("config_path", &core::config_path,
        "Folders searched for presets: $MONET_CONFIG_PATH, then the shipped configs.");
}

}  // namespace monet::python
