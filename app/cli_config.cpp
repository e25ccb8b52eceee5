#include "cli.hpp"

#include "microcircuit/config_io.hpp"

#include <iostream>

namespace mc::cli {

void addConfigCommand(CLI::App& app, std::function<int()>& action) {
    auto* cmd = app.add_subcommand("config", "print the complete default configuration as JSON "
                                             "(edit it and pass it to --config)");
    cmd->callback([&action] {
        action = [] {
            std::cout << configToJson(Config{});
            return 0;
        };
    });
}

} // namespace mc::cli
