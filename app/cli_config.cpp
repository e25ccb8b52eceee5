#include "cli.hpp"

#include "microcircuit/config_io.hpp"
#include "microcircuit/live.hpp"

#include <iostream>
#include <memory>

namespace mc::cli {

void addConfigCommand(CLI::App& app, std::function<int()>& action) {
    auto* cmd = app.add_subcommand("config", "print the complete default configuration as JSON "
                                             "(edit it and pass it to --config)");
    auto configs = std::make_shared<std::vector<std::string>>();
    cmd->add_option("--config", *configs,
                    "print this configuration instead (a JSON file, a reference dict, or a folder holding "
                    "sim/net/stim_dict.json); repeatable, later ones on top")
        ->check(CLI::ExistingPath);
    cmd->callback([&action, configs] {
        action = [configs] {
            Config config;
            for (const std::string& path : *configs) applyConfigPath(config, path);
            config.validate();
            validateEvents(config);
            std::cout << configToJson(config);
            return 0;
        };
    });
}

} // namespace mc::cli
