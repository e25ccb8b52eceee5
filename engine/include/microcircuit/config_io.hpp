// Reading and writing configurations as JSON.
//
// Our format is one object with three sections, "sim", "net" and "stim", whose
// keys are the reference package's parameter names (see `microcircuit config`).
// The reference's own sim_dict.json / net_dict.json / stim_dict.json are read
// as well: each is recognised by its keys and fills its section. Unknown keys,
// wrong types and out-of-range values throw ConfigError naming the field.
#pragma once

#include "microcircuit/model.hpp"
#include "microcircuit/params.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace mc {

/// The whole configuration as pretty-printed JSON ({"sim", "net", "stim"}).
std::string configToJson(const Config& config);

/// Applies a JSON document (combined, or one of the reference's three
/// dictionaries) on top of `config`. `origin` names the source in messages.
void applyConfigJson(Config& config, std::string_view text, const std::string& origin);

/// Reads one file, or a folder holding sim_dict.json / net_dict.json /
/// stim_dict.json, on top of `config`.
void applyConfigPath(Config& config, const std::string& path);

/// The three reference-style files (section contents plus derived values the
/// reference also stores), written into `folder`.
void writeReferenceDicts(const Config& config, const DerivedParams& derived, const std::string& folder);

/// Reads a whole text file; throws ConfigError naming the path if it cannot.
std::string readTextFile(const std::string& path);
/// Writes a file atomically (temporary file, then rename).
void writeTextFileAtomic(const std::string& path, std::string_view text);

} // namespace mc
