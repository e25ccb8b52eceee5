// Reading JSON from files the user names (configurations, sessions, the
// reference's dictionaries) without trusting them: a bounded nesting depth,
// numbers that fit a double, regular files of a bounded size, and messages
// that quote at most a short excerpt of any value.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mc {

/// Deepest nesting of objects and lists accepted (a configuration needs 4).
inline constexpr int kJsonMaxDepth = 64;
/// Largest input file read whole (configuration, session, population table):
/// a full configuration is about 10 KB.
inline constexpr std::uintmax_t kMaxInputFileBytes = std::uintmax_t{64} << 20;

/// Parses `text`. Throws ConfigError naming `origin` for malformed JSON, for
/// nesting deeper than kJsonMaxDepth, and for a number too large for a double
/// (naming its field, e.g. "net.N_scaling").
nlohmann::ordered_json parseJson(std::string_view text, const std::string& origin);

/// Reads a whole file the user named. Refuses, with ConfigError naming the
/// path, what is not a regular file (a folder, FIFO, device or socket, which
/// could block or never end), a file larger than `maxBytes`, a missing or
/// unreadable file and a symlink loop.
std::string readInputFile(const std::string& path, std::uintmax_t maxBytes = kMaxInputFileBytes);

/// A value as compact JSON for a message, cut to at most about `maxChars`
/// characters ("..." marks the cut); never serialises more than it shows.
std::string jsonExcerpt(const nlohmann::ordered_json& value, std::size_t maxChars = 60);

} // namespace mc
