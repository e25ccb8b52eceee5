// `microcircuit export-nest DIR`: the configuration as the reference PyNEST
// package's dictionaries plus run and Slurm scripts (nest_export.hpp).
#include "cli.hpp"
#include "cli_common.hpp"

#include "microcircuit/nest_export.hpp"

#include <cstdio>
#include <memory>

namespace mc::cli {

void addExportNestCommand(CLI::App& app, std::function<int()>& action) {
    struct Options {
        ModelFlags model;
        std::string dir;
        bool overwrite = false;
    };
    auto opt = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("export-nest",
                                   "write the configuration for NEST: the reference package's sim/net/stim_dict.json, "
                                   "run_microcircuit.py and submit.slurm");
    cmd->add_option("DIR", opt->dir, "folder to write (created if needed; must not exist or be empty)")->required();
    cmd->add_flag("--overwrite", opt->overwrite, "replace an earlier export (or run) in DIR; other files are never removed");
    opt->model.add(*cmd, true);
    cmd->callback([opt, &action] {
        action = [opt] {
            const Config config = opt->model.resolve();
            const NestExport out = exportForNestFolder(config, opt->dir, opt->overwrite);
            for (const std::string& w : out.warnings)
                std::fprintf(stderr, "warning: NEST will not do this: %s\n", w.c_str());
            for (const std::string& n : out.notes)
                std::fprintf(stderr, "note: %s\n", n.c_str());
            std::printf("wrote %s:", opt->dir.c_str());
            for (const std::string& f : out.files)
                std::printf(" %s", f.c_str());
            std::printf("\nrun it with NEST:  cd %s && python3 run_microcircuit.py\n", opt->dir.c_str());
            return 0;
        };
    });
}

} // namespace mc::cli
