#pragma once
#include <CLI/CLI.hpp>

namespace herald::app {

// Adds `herald token`: mints a JWT carrying Mercure's claims and prints it.
void add_token_command(CLI::App& app);

}  // namespace herald::app
