#pragma once
#include <CLI/CLI.hpp>

namespace herald::app {

// Adds `herald sub`: subscribe to topics and print events until SIGINT/SIGTERM.
void add_sub_command(CLI::App& app);

}  // namespace herald::app
