#include "microcircuit/json_read.hpp"

#include "microcircuit/errors.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <vector>

namespace mc {
namespace {

using nlohmann::ordered_json;

/// Where the parser is: one frame per open object or list.
struct Frame {
    bool isArray = false;
    std::string key;       ///< last key read (objects)
    std::size_t index = 0; ///< index of the next element (lists)
};

std::string pathOf(const std::vector<Frame>& frames) {
    std::string out;
    for (const Frame& f : frames) {
        if (f.isArray) {
            out += '[';
            out += std::to_string(f.index);
            out += ']';
        } else if (!f.key.empty()) {
            if (!out.empty()) out += '.';
            out.append(f.key, 0, 37);
            if (f.key.size() > 37) out += "...";
        }
    }
    return out;
}

struct TooDeep {};

/// nlohmann's message without its "[json.exception.x.y] " prefix.
std::string plainMessage(const std::exception& e) {
    std::string what = e.what();
    const auto end = what.find("] ");
    if (what.rfind("[json.exception", 0) == 0 && end != std::string::npos) what = what.substr(end + 2);
    if (what.size() > 200) what = what.substr(0, 197) + "...";
    return what;
}

void excerpt(const ordered_json& v, std::string& out, std::size_t limit, int depth) {
    if (out.size() > limit) return;
    if (v.is_object()) {
        if (depth > 8) {
            out += "{...}";
            return;
        }
        out += '{';
        bool first = true;
        for (auto it = v.begin(); it != v.end() && out.size() <= limit; ++it) {
            if (!first) out += ',';
            first = false;
            out += ordered_json(it.key()).dump();
            out += ':';
            excerpt(it.value(), out, limit, depth + 1);
        }
        out += '}';
    } else if (v.is_array()) {
        if (depth > 8) {
            out += "[...]";
            return;
        }
        out += '[';
        for (std::size_t i = 0; i < v.size() && out.size() <= limit; ++i) {
            if (i) out += ',';
            excerpt(v[i], out, limit, depth + 1);
        }
        out += ']';
    } else if (v.is_string()) {
        const auto& s = v.get_ref<const std::string&>();
        // Only the part that can be shown is escaped.
        out += ordered_json(s.size() > limit ? s.substr(0, limit) : s).dump(-1, ' ', false,
                                                                            ordered_json::error_handler_t::replace);
    } else {
        out += v.dump();
    }
}

} // namespace

ordered_json parseJson(std::string_view text, const std::string& origin) {
    std::vector<Frame> frames;
    const ordered_json::parser_callback_t track = [&frames](int, ordered_json::parse_event_t event,
                                                            ordered_json& parsed) {
        using E = ordered_json::parse_event_t;
        switch (event) {
        case E::object_start:
        case E::array_start:
            if (static_cast<int>(frames.size()) >= kJsonMaxDepth) throw TooDeep{};
            frames.push_back(Frame{event == E::array_start, {}, 0});
            break;
        case E::key:
            if (!frames.empty()) frames.back().key = parsed.get<std::string>();
            break;
        case E::object_end:
        case E::array_end:
            if (!frames.empty()) frames.pop_back();
            if (!frames.empty() && frames.back().isArray) ++frames.back().index;
            break;
        case E::value:
            if (!frames.empty() && frames.back().isArray) ++frames.back().index;
            break;
        }
        return true;
    };
    try {
        return ordered_json::parse(text.begin(), text.end(), track);
    } catch (const TooDeep&) {
        throw ConfigError(origin + ": nested more than " + std::to_string(kJsonMaxDepth) +
                          " levels deep (at " + pathOf(frames) + "); a configuration needs at most 4");
    } catch (const nlohmann::json::out_of_range& e) {
        // 406: a number that does not fit a double (1e999).
        const std::string field = pathOf(frames);
        throw ConfigError(origin + ": " + (field.empty() ? "" : field + ": ") + plainMessage(e) +
                          " (numbers must be finite and at most about 1.8e308)");
    } catch (const nlohmann::json::exception& e) {
        throw ConfigError(origin + ": not valid JSON (" + plainMessage(e) + ")");
    }
}

std::string readInputFile(const std::string& path, std::uintmax_t maxBytes) {
    if (path.empty()) throw ConfigError("an empty file name was given");
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        const int err = errno;
        if (err == ENOENT) throw ConfigError(path + ": no such file");
        if (err == ELOOP) throw ConfigError(path + ": cannot be read (a loop of symbolic links)");
        if (err == EACCES) throw ConfigError(path + ": cannot be read (permission denied on a folder of its path)");
        throw ConfigError(path + ": cannot be read (" + std::strerror(err) + ")");
    }
    if (S_ISDIR(st.st_mode)) throw ConfigError(path + ": is a folder, expected a file");
    if (!S_ISREG(st.st_mode)) {
        const char* kind = S_ISFIFO(st.st_mode)                          ? "a FIFO (named pipe)"
                           : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
                           : S_ISSOCK(st.st_mode)                        ? "a socket"
                                                                         : "not a regular file";
        throw ConfigError(path + ": is " + std::string(kind) + ", expected a regular file");
    }
    const auto tooLarge = [&] {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.0f MB", static_cast<double>(maxBytes) / (1 << 20));
        return ConfigError(path + ": is larger than " + std::string(buf) + ", more than any file of this kind needs");
    };
    if (static_cast<std::uintmax_t>(st.st_size) > maxBytes) throw tooLarge();
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ConfigError(path + ": cannot be read (permission denied?)");
    // Read at most maxBytes + 1 whatever stat said (files in /proc say 0).
    std::string text;
    char buf[1 << 16];
    while (in) {
        in.read(buf, sizeof buf);
        text.append(buf, static_cast<std::size_t>(in.gcount()));
        if (text.size() > maxBytes) throw tooLarge();
    }
    if (in.bad()) throw ConfigError(path + ": cannot be read (input/output error)");
    return text;
}

std::string jsonExcerpt(const ordered_json& value, std::size_t maxChars) {
    std::string out;
    excerpt(value, out, maxChars, 0);
    if (out.size() > maxChars) out = out.substr(0, maxChars > 3 ? maxChars - 3 : 0) + "...";
    return out;
}

} // namespace mc
