// A session: the configuration a network was built from and the timed list
// of changes made while it ran, in the "events" format of configuration files
// (live.hpp). The desktop program saves and loads sessions; `microcircuit run
// --session FILE` replays one headless and writes the same spikes.
//
// File format (version 2):
//   {"format": "microcircuit-session", "version": 2,
//    "config": {"sim": ..., "net": ..., "stim": ..., "events": [...]},
//    "end_step": 12000}
// "config" is a complete configuration file, events included. Version 1
// files (the desktop program's first format: live factors at steps) are read
// and turned into events.
#pragma once

#include "microcircuit/params.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mc {

struct Session {
    Config config;                  ///< as built (its own events list is empty)
    std::vector<TimedEvent> events; ///< changes in order of application
    std::int64_t endStep = 0;       ///< model steps simulated when saved

    /// The configuration with the events, as `run` plays it.
    Config withEvents() const;
};

std::string sessionToJson(const Session& session);
/// Parses and checks a session (configuration, and each event against the
/// configuration before it); throws ConfigError naming `origin` and the field.
Session sessionFromJson(std::string_view text, const std::string& origin);
/// Reads a session file (ConfigError naming the path if it cannot).
Session readSessionFile(const std::string& path);

} // namespace mc
