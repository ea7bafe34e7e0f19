// Quantities with units ("68 GB/s", "256 KiB") and the report formatters.
#include "core/error.hpp"
#include "core/units.hpp"
#include "python/bindings.hpp"

namespace monet::python {

namespace {
core::Dimension dimension_from(const std::string& s) {
  if (s == "bytes") return core::Dimension::kBytes;
  if (s == "bandwidth") return core::Dimension::kBandwidth;
  if (s == "energy") return core::Dimension::kEnergy;
  if (s == "frequency") return core::Dimension::kFrequency;
  if (s == "time") return core::Dimension::kTime;
  if (s == "bits") return core::Dimension::kBits;
  if (s == "power") return core::Dimension::kPower;
  if (s == "voltage") return core::Dimension::kVoltage;
  if (s == "area") return core::Dimension::kArea;
  if (s == "length") return core::Dimension::kLength;
  throw core::Error("dimension '" + s +
                    "' is not one of bytes, bandwidth, energy, frequency, time, bits, power, "
                    "voltage, area, length");
}
}  // namespace

void bind_units(py::module_& m) {
  m.def(
      "parse_quantity",
      [](const std::string& text, const std::string& dim) {
        return core::parse_quantity(text, dimension_from(dim));
      },
      py::arg("text"), py::arg("dimension"),
      "\"256 KiB\" → bytes, \"68 GB/s\" → bytes/s, \"0.5 pJ\" → pJ, \"625 MHz\" → Hz, \"2 ns\" → "
      "s, "
      "\"8 bit\" → bits, \"1.2 W\" → W, \"0.8 V\" → V, \"12 mm2\" → mm², \"28 nm\" → nm. "
      "dimension: bytes | bandwidth | energy | frequency | time | bits | power | voltage | area | "
      "length.");
  m.def("format_bytes", &core::format_bytes, py::arg("bytes"));
  m.def("format_energy_pj", &core::format_energy_pj, py::arg("pj"));
  m.def("format_seconds", &core::format_seconds, py::arg("seconds"));
  m.def("format_count", &core::format_count, py::arg("n"));
  m.def("format_quantity", &core::format_quantity, py::arg("value"), py::arg("unit"),
        "A value in a base unit for people: s, pJ and B scaled (\"12.345 ms\", \"68.5 mJ\", "
        "\"1.00 MiB\"), other units as a count with the unit.");
}

}  // namespace monet::python
