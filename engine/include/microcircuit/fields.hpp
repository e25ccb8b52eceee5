// What every configuration field is: the table behind the parameter editor,
// `Config::validate` and the documentation. One entry per field that
// `microcircuit config` prints, named by its dotted path there
// ("net.g", "net.neuron_params.V_th", "net.neuron_params.V0_mean.original"),
// in the order printed. The allowed ranges live here only: validate() checks
// against them, so the editor and the command line give the same message.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mc {

struct Config;

/// The groups the editor shows, in this order.
enum class FieldGroup { NetworkSize, Connectivity, Synapses, Neurons, Drive, Stimuli, Simulation };

/// How a value is written: one number, a list of 8 (per population), an 8 x 8
/// matrix ([target][source]), or a flag or word.
enum class FieldShape { Number, Integer, Boolean, Text, PerPopulation, Matrix };

struct FieldInfo {
    std::string_view path;        ///< dotted path as `microcircuit config` prints it
    FieldGroup group;
    FieldShape shape;
    std::string_view unit;        ///< "mV", "ms", "pA", "Hz", "pF", "" for pure numbers
    double min = 0.0;             ///< allowed range of each number (and of each element)
    double max = 0.0;
    bool minOpen = false;         ///< min itself not allowed
    bool maxOpen = false;         ///< max itself not allowed
    bool minIsResolution = false; ///< the lower bound is sim.sim_resolution (delays)
    bool wholeNumber = false;     ///< elements must be whole numbers (population sizes)
    std::string_view choices;     ///< Text: the allowed words, separated by '|'
    std::string_view description; ///< one line for the editor and the docs

    /// Applies while the network runs (isLiveField), or needs a rebuild.
    bool live() const;
    /// Whether `v` is allowed (with `resolution` for minIsResolution fields).
    bool accepts(double v, double resolution) const;
    bool acceptsText(std::string_view v) const;
    /// The allowed values as validate() words them: "must be >= 0 and <= 20".
    std::string allowed(double resolution) const;
    /// A compact form for a table column: "[0, 20]", "(0, 10]", "poisson | dc".
    std::string rangeText(double resolution) const;
};

/// Every field, in the order `microcircuit config` prints them.
const std::vector<FieldInfo>& configFields();
/// The entry of `path`; nullptr if there is none.
const FieldInfo* findField(std::string_view path);
/// The entry of `path`; throws InternalError if there is none (a bug).
const FieldInfo& fieldInfo(std::string_view path);
/// "network size", "connectivity", ...
const char* groupName(FieldGroup group);

/// A field's value in `config` as compact JSON ("-4", "[1, 2, ...]", "\"dc\"").
std::string fieldValueJson(const Config& config, std::string_view path);
/// A partial configuration that sets one field: ("net.g", "-5") ->
/// {"net":{"g":-5}}; nested paths as the configuration nests them. The
/// value is JSON text; throws ConfigError if it is not valid JSON.
std::string fieldSetJson(std::string_view path, std::string_view valueJson);

} // namespace mc
