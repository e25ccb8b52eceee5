// The extension module microcircuit_live._core. The Python package around
// it (microcircuit_live/*.py) is the documented interface; this layer only
// converts between the engine's public API and Python objects.
#include "bindings.hpp"

#include "microcircuit/errors.hpp"
#include "microcircuit/version.hpp"

PYBIND11_MODULE(_core, m) {
    namespace py = pybind11;
    m.doc() = "C++ core of microcircuit_live (use the package, not this module)";
    // Bad input raises ValueError with the engine's message, which names
    // the field, the value and what is allowed.
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const mc::ConfigError& e) {
            PyErr_SetString(PyExc_ValueError, e.what());
        }
    });
    m.attr("version") = mc::versionString();
    mc::python::bindConfig(m);
    mc::python::bindSimulation(m);
    mc::python::bindAnalysis(m);
}
