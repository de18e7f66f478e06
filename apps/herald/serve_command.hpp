#pragma once
#include <CLI/CLI.hpp>

namespace herald::app {

// Adds `herald serve` to the command line; the callback runs the hub until a signal.
void add_serve_command(CLI::App& app);

}  // namespace herald::app
