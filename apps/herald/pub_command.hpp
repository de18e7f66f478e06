#pragma once
#include <CLI/CLI.hpp>

namespace herald::app {

// Adds `herald pub`: publish one event and print its id.
void add_pub_command(CLI::App& app);

}  // namespace herald::app
