// `microcircuit render DIR --video out.mp4`: a recorded spike folder as an
// MP4 raster movie, headless. The drawing lives on the Qt side (ui/video/),
// reached through the RenderVideo hook; this file parses and checks the flags.
#include "cli.hpp"
#include "cli_common.hpp"

#include "microcircuit/errors.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <regex>

namespace mc::cli {
namespace {

namespace fs = std::filesystem;

/// "1280x720" -> {1280, 720}; ConfigError naming --size otherwise.
std::pair<int, int> parseSize(const std::string& text) {
    static const std::regex pattern(R"((\d{1,5})[xX](\d{1,5}))");
    std::smatch m;
    if (!std::regex_match(text, m, pattern))
        throw ConfigError("--size \"" + text.substr(0, 40) + "\": expected WIDTHxHEIGHT in pixels, e.g. 1280x720");
    return {std::stoi(m[1]), std::stoi(m[2])};
}

/// Refuses an output the video cannot go to, before any work is done.
void checkOutput(const std::string& out) {
    const fs::path path(out);
    std::error_code ec;
    if (fs::is_directory(path, ec)) throw ConfigError("--video " + out + ": is a folder; give a file name (out.mp4)");
    const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
    if (!fs::is_directory(dir, ec)) throw ConfigError("--video " + out + ": folder " + dir.string() + " does not exist");
    if (access(dir.c_str(), W_OK | X_OK) != 0)
        throw ConfigError("--video " + out + ": folder " + dir.string() + " is not writable");
    if (fs::exists(path, ec) && access(path.c_str(), W_OK) != 0)
        throw ConfigError("--video " + out + ": the file exists and is write-protected");
}

} // namespace

void addRenderCommand(CLI::App& app, std::function<int()>& action, RenderVideo render) {
    auto opt = std::make_shared<RenderArgs>();
    auto size = std::make_shared<std::string>("1280x720");
    auto* cmd = app.add_subcommand("render", "draw a recorded spike folder as a raster movie (MP4, H.264), headless");
    cmd->add_option("DIR", opt->folder,
                    "folder of spike files: ours, NEST's spike_recorder-*.dat (either header) or .gdf, SONATA *.h5")
        ->required()
        ->check(CLI::ExistingDirectory);
    cmd->add_option("--video", opt->output, "the MP4 file to write (written under a temporary name, renamed at the end)")
        ->required()
        ->check(nonEmptyPath());
    cmd->add_option("--from", opt->fromMs, "first model time shown (ms; default: end of the warm-up, else 0)");
    cmd->add_option("--to", opt->toMs, "last model time shown (ms; default: end of the recording)");
    cmd->add_option("--fps", opt->fps, "frames per second of the video (default 30)");
    cmd->add_option("--ms-per-frame", opt->msPerFrame,
                    "model time per frame (ms; default 1000/fps: real time; smaller: slow motion)");
    cmd->add_option("--size", *size, "frame size in pixels, WIDTHxHEIGHT, both even (default 1280x720)");
    cmd->add_option("--window", opt->windowMs, "width of the raster's time window (ms, default 500)");
    cmd->add_flag("--quiet", opt->quiet, "no progress line");
    cmd->callback([&action, opt, size, render] {
        action = [opt, size, render]() -> int {
            if (!render) {
                std::fprintf(stderr, "error: render: this build has no desktop program (built headless), "
                                     "and videos are drawn with it\n");
                return 2;
            }
            std::tie(opt->width, opt->height) = parseSize(*size);
            checkOutput(opt->output);
            ProgressLine line(!opt->quiet && isatty(STDERR_FILENO));
            const std::string summary = render(*opt, [&](double f) { line.show("rendering", f); });
            line.done();
            if (!opt->quiet) std::fprintf(stderr, "%s\n", summary.c_str());
            return 0;
        };
    });
}

} // namespace mc::cli
