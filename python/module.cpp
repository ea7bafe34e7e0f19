// Entry point of `monet._monet`. The package `monet` (python/monet/) wraps this module; users
// import `monet`, not `_monet`.
#include "python/bindings.hpp"

#include <string>

#include <filesystem>

#include "core/error.hpp"
#include "core/json_text.hpp"
#include "core/utf8.hpp"

namespace monet::python {

py::object to_python(const nlohmann::json& j) {
  return py::module_::import("json").attr("loads")(core::json_text(j));
}

nlohmann::json from_python(const py::handle& obj) {
  std::string text = py::str(py::module_::import("json").attr("dumps")(obj));
  return nlohmann::json::parse(text);
}

// core::Error → monet.MonetError; core::ConfigError → monet.ConfigError (a MonetError) with
// `issues`: one dict per broken rule (file, line, field, value, rule). str(e) is the
// library's message.
void bind_errors(py::module_& m) {
  static py::exception<core::Error> error(m, "MonetError");
  static py::exception<core::ConfigError> config_error(m, "ConfigError", error.ptr());
  error.doc() = "Bad input or impossible request; str(e) is the library's message.";
  config_error.doc() =
      "A configuration error. str(e) names file, line, field, value and rule of every issue; "
      "e.issues lists them as dicts.";
  // Translators run newest first, so ConfigError is matched before its base class.
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const core::ConfigError& e) {
      py::list issues;
      for (const auto& i : e.issues()) {
        py::dict d;
        // Strings from files may hold any bytes; Python strings must be valid UTF-8.
        d["file"] = core::escape_invalid_utf8(i.where.file);
        d["line"] = i.where.line;
        d["field"] = core::escape_invalid_utf8(i.field);
        d["value"] = core::escape_invalid_utf8(i.value);
        d["rule"] = core::escape_invalid_utf8(i.rule);
        issues.append(d);
      }
      py::object type = py::reinterpret_borrow<py::object>(config_error);
      py::object exc = type(core::escape_invalid_utf8(e.what()));
      exc.attr("issues") = issues;
      PyErr_SetObject(config_error.ptr(), exc.ptr());
    } catch (const core::Error& e) {
      error(core::escape_invalid_utf8(e.what()).c_str());  // sets the Python error
    } catch (const py::cast_error& e) {
      // A Python value of the wrong type inside a container argument (e.g. a str where a
      // list of cores is expected): pybind11 would say RuntimeError; it is a TypeError.
      PyErr_SetString(PyExc_TypeError, (std::string("wrong type: ") + e.what()).c_str());
    } catch (const std::filesystem::filesystem_error& e) {
      // A path the system refused (too long, not permitted): bad input like any other.
      std::string paths = e.path1().string();
      if (!e.path2().empty()) paths += "' -> '" + e.path2().string();
      error(core::escape_invalid_utf8("'" + paths + "': " + e.code().message()).c_str());
    }
  });
}

}  // namespace monet::python

PYBIND11_MODULE(_monet, m) {
  using namespace monet::python;
  m.doc() =
      "monet-sim bindings: workloads, training expansion, accelerators, fusion "
      "simulation, checkpointing and the NSGA-II engine. Use the `monet` package.";
  bind_errors(m);
  bind_units(m);
  bind_workloads(m);
  bind_training(m);
  bind_chain(m);
  bind_accelerators(m);
  bind_fusion(m);
  bind_ga(m);
  bind_search(m);
  bind_fleet(m);
}
