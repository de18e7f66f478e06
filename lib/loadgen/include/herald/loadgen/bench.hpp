#pragma once
// `herald bench` as a library: the coordinator (run_bench) and the worker process mode
// (run_worker) it starts to hold subscribers past one process's descriptor limit.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "herald/loadgen/options.hpp"

namespace herald::loadgen {

struct RunEnvironment {
  // argv that starts a worker; the worker's spec (one JSON argument) is appended.
  std::vector<std::string> worker_command;
  std::function<void(std::string_view)> progress;  // one line at a time (optional)
};

// Runs the scenario and returns the report (one JSON object, keys in reading order). Throws
// std::runtime_error when the run cannot start (bad options, a worker that cannot be started).
nlohmann::ordered_json run_bench(Options options, const RunEnvironment& env);

// Worker mode: holds the subscribers the spec names, reports "ready" and then one
// "result <json>" line on stdout; commands arrive on stdin. Returns the exit code.
int run_worker(const std::string& spec_json);

}  // namespace herald::loadgen
