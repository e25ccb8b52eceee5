// Validation statistics and activity states as dicts of NumPy arrays.
#include "bindings.hpp"

#include "microcircuit/health.hpp"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

namespace mc::python {

namespace {

py::array_t<double> toArray(const std::vector<double>& v) { return py::array_t<double>(v.size(), v.data()); }

} // namespace

AnalysisOptions analysisOptions(double tMin, double tMax, int subsample, std::uint64_t seed, double ccBinMs,
                                double rateBinMs) {
    AnalysisOptions o;
    o.tMin = tMin;
    o.tMax = tMax;
    o.subsample = subsample;
    o.seed = seed;
    o.ccBinMs = ccBinMs;
    o.rateBinMs = rateBinMs;
    return o;
}

py::dict analysisToDict(const SpikeData& data, const AnalysisOptions& options) {
    const AnalysisResult r = analyzeSpikes(data, options);
    py::dict out;
    for (std::size_t p = 0; p < r.populations.size(); ++p) {
        const PopulationStats& s = r.populations[p];
        const PopulationHealth h = assessPopulation(data.populations[p], r.tMin, r.tMax);
        py::dict d;
        d["n_neurons"] = s.numNeurons;
        d["rates"] = toArray(s.rates);
        d["cvs"] = toArray(s.cvs);
        d["ccs"] = toArray(s.ccs);
        d["rate_series"] = toArray(s.rateSeries);
        d["mean_rate"] = s.meanRate;
        d["std_rate"] = s.stdRate;
        d["mean_cv"] = s.meanCv;
        d["mean_cc"] = s.meanCc;
        d["spikes"] = s.spikes;
        d["fano"] = h.fano;
        d["synchrony"] = h.synchrony;
        d["state"] = std::string(stateName(h.state));
        d["t_min"] = r.tMin;
        d["t_max"] = r.tMax;
        out[py::str(s.name)] = d;
    }
    return out;
}

void bindAnalysis(py::module_& m) {
    m.def(
        "analyze_folder",
        [](const std::string& folder, double tMin, double tMax, int subsample, std::uint64_t seed, double ccBin,
           double rateBin) {
            SpikeData data;
            {
                py::gil_scoped_release release;
                data = readSpikeFolder(folder);
            }
            for (const std::string& w : data.warnings)
                if (PyErr_WarnEx(PyExc_UserWarning, w.c_str(), 1) != 0) throw py::error_already_set();
            return analysisToDict(data, analysisOptions(tMin, tMax, subsample, seed, ccBin, rateBin));
        },
        py::arg("folder"), py::arg("t_min") = 500.0, py::arg("t_max") = -1.0, py::arg("subsample") = 200,
        py::arg("seed") = 12345, py::arg("cc_bin_ms") = 2.0, py::arg("rate_bin_ms") = 1.0,
        "Statistics of a spike folder in the reference's format, as `microcircuit analyze` computes them.");
}

} // namespace mc::python
