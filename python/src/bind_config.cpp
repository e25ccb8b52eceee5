// Configurations: JSON in and out, validation, derived parameters.
#include "bindings.hpp"

#include "microcircuit/config_io.hpp"
#include "microcircuit/live.hpp"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

namespace mc::python {

namespace {

template <class T, std::size_t N>
py::array_t<T> toArray(const std::array<T, N>& a) {
    return py::array_t<T>(N, a.data());
}

template <class T, std::size_t N>
py::array_t<T> toMatrix(const std::array<std::array<T, N>, N>& m) {
    py::array_t<T> out({N, N});
    auto w = out.template mutable_unchecked<2>();
    for (std::size_t i = 0; i < N; ++i)
        for (std::size_t j = 0; j < N; ++j) w(i, j) = m[i][j];
    return out;
}

} // namespace

Config configFromParts(const std::vector<std::pair<std::string, std::string>>& parts) {
    Config config;
    for (const auto& [text, origin] : parts) applyConfigJson(config, text, origin);
    config.validate();
    validateEvents(config);
    return config;
}

py::dict derivedToDict(const DerivedParams& d) {
    py::dict out;
    out["num_neurons"] = toArray(d.num_neurons);
    out["first_neuron"] = toArray(d.first_neuron);
    out["total_neurons"] = d.total_neurons;
    out["full_num_synapses"] = toMatrix(d.full_num_synapses);
    out["num_synapses"] = toMatrix(d.num_synapses);
    out["total_synapses"] = d.total_synapses;
    out["psc_over_psp"] = toArray(d.psc_over_psp);
    out["weight_matrix_mean"] = toMatrix(d.weight_mean);
    out["weight_ext"] = toArray(d.weight_ext);
    out["DC_amp"] = toArray(d.dc_amp);
    out["dc_drive"] = toArray(d.dc_drive);
    out["dc_compensation"] = toArray(d.dc_compensation);
    out["ext_indegrees"] = toArray(d.ext_indegree);
    out["poisson_rate"] = toArray(d.poisson_rate);
    out["num_th_synapses"] = toArray(d.num_th_synapses);
    out["weight_th"] = toArray(d.weight_th);
    out["dc_transient_amp"] = toArray(d.dc_transient_amp);
    out["rheobase"] = toArray(d.rheobase);
    out["below_rheobase"] = d.below_rheobase;
    out["warnings"] = d.warnings;
    return out;
}

void bindConfig(py::module_& m) {
    m.def("default_config_json", [] { return configToJson(Config{}); },
          "The complete default configuration as JSON ({\"sim\", \"net\", \"stim\", \"events\"}).");
    m.def(
        "resolve_config",
        [](const std::vector<std::pair<std::string, std::string>>& parts) {
            return configToJson(configFromParts(parts));
        },
        py::arg("parts"),
        "Applies (json_text, origin) parts in order on the defaults, validates, returns the full JSON. "
        "Raises ValueError naming origin and field.");
    m.def(
        "config_path_json",
        [](const std::string& path) {
            Config config;
            applyConfigPath(config, path);
            config.validate();
            validateEvents(config);
            return configToJson(config);
        },
        py::arg("path"), "Reads a configuration file or a folder of the reference's three dicts.");
    m.def(
        "derive",
        [](const std::string& json) { return derivedToDict(deriveParameters(configFromParts({{json, "config"}}))); },
        py::arg("config_json"), "Derived parameters (sizes, synapse counts, weights, DC) of a configuration.");
    m.def("is_live_field", [](const std::string& path) { return isLiveField(path); }, py::arg("path"),
          "Whether a dotted configuration field (\"net.g\") can change while the network runs.");
    m.def(
        "apply_set",
        [](const std::string& baseJson, const std::string& setJson, const std::string& origin, bool liveOnly) {
            const Config base = configFromParts({{baseJson, "config"}});
            return configToJson(applySet(base, setJson, origin, liveOnly));
        },
        py::arg("base_json"), py::arg("set_json"), py::arg("origin"), py::arg("live_only") = true);
}

} // namespace mc::python
