// The two kinds of error the engine throws.
#pragma once

#include <stdexcept>
#include <string>

namespace mc {

/// Bad input from the user (configuration file, flag, GUI value, data file).
/// The message names the field or file, the offending value and what is allowed;
/// front ends show it as it is.
class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A write that failed while data were being recorded (disk full, quota,
/// I/O error, file size limit). A ConfigError too, so that every front end
/// that shows bad input shows it; `microcircuit run` reports what is valid.
class WriteError : public ConfigError {
public:
    using ConfigError::ConfigError;
};

/// A bug: an invariant of the engine does not hold.
class InternalError : public std::logic_error {
public:
    using std::logic_error::logic_error;
};

} // namespace mc
