// The parts of the extension module _core, one function per file.
#pragma once

#include "microcircuit/analysis.hpp"
#include "microcircuit/model.hpp"
#include "microcircuit/spike_data.hpp"

#include <pybind11/pybind11.h>

namespace mc::python {

namespace py = pybind11;

void bindConfig(py::module_& m);
void bindSimulation(py::module_& m);
void bindAnalysis(py::module_& m);

/// Configuration from JSON parts applied in order on the defaults, each
/// named by its origin in messages; validated (events too).
Config configFromParts(const std::vector<std::pair<std::string, std::string>>& parts);
/// Derived parameters as a dict of NumPy arrays and numbers.
py::dict derivedToDict(const DerivedParams& d);

/// Options of analyze(): the keyword arguments of the Python functions.
AnalysisOptions analysisOptions(double tMin, double tMax, int subsample, std::uint64_t seed, double ccBinMs,
                                double rateBinMs);
/// Statistics and activity state of every population, as a dict keyed by
/// population name (arrays as NumPy arrays).
py::dict analysisToDict(const SpikeData& data, const AnalysisOptions& options);

} // namespace mc::python
