#pragma once
// Durations on the command line: "15s", "500ms", "2m", or a plain number of seconds.
#include <chrono>
#include <optional>
#include <string_view>

namespace herald::app {

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

}  // namespace herald::app
