// Shared declarations of the pybind11 module `monet._monet`: one bind_* function per library
// area (each in its own bind_*.cpp), the JSON bridge and the opaque vector types.
//
// Accelerator lists are opaque (bound with py::bind_vector) so that Python edits elements in
// place: `acc.cores[0].memories[-1].size_bytes *= 2` changes the accelerator, not a copy.
#pragma once

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl_bind.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "accelerators/accelerator.hpp"

PYBIND11_MAKE_OPAQUE(std::vector<monet::accelerators::Core>)
PYBIND11_MAKE_OPAQUE(std::vector<monet::accelerators::MemoryLevel>)
PYBIND11_MAKE_OPAQUE(std::vector<monet::accelerators::ArrayDim>)
PYBIND11_MAKE_OPAQUE(std::vector<monet::accelerators::Link>)

namespace monet::python {

namespace py = pybind11;

// nlohmann::json ↔ Python objects through the `json` module (exact for every value the
// library writes: doubles round-trip through their shortest representation).
py::object to_python(const nlohmann::json& j);
nlohmann::json from_python(const py::handle& obj);

void bind_errors(py::module_& m);
void bind_units(py::module_& m);
void bind_workloads(py::module_& m);
void bind_training(py::module_& m);
void bind_chain(py::module_& m);
void bind_accelerators(py::module_& m);
void bind_fusion(py::module_& m);
void bind_ga(py::module_& m);
void bind_search(py::module_& m);
void bind_fleet(py::module_& m);

}  // namespace monet::python
