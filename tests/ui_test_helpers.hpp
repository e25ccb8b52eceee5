// Helpers shared by the window's tests (QtTest programs linking the ui library).
#pragma once

#include "ui/sim_controller.hpp"

#include "microcircuit/params.hpp"

#include <QSignalSpy>

namespace mc::test {

/// A network of N_scaling 0.02 (~1,500 neurons): spikes in every population, built in a moment.
inline Config tinyNetwork() {
    Config config;
    config.net.N_scaling = 0.02;
    return config;
}

/// Builds `config` in `c`, paused at time 0 (the test steps it); false if
/// the build did not finish within 20 s.
inline bool buildPaused(ui::SimController& c, const Config& config) {
    c.pause();
    QSignalSpy built(&c, &ui::SimController::built);
    c.rebuild(config);
    return built.wait(20000);
}

} // namespace mc::test
