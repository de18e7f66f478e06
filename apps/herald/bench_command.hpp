#pragma once
#include <CLI/CLI.hpp>

namespace herald::app {

// Adds `herald bench` (the SSE load generator) to the command line.
void add_bench_command(CLI::App& app);

}  // namespace herald::app
