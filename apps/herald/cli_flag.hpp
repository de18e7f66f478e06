#pragma once
// One helper for every subcommand's options: each flag is also read from HERALD_<FLAG>.
#include <cctype>
#include <string>

#include <CLI/CLI.hpp>

namespace herald::app {

// "max-body-bytes" -> "HERALD_MAX_BODY_BYTES"
inline std::string env_name(const std::string& flag) {
  std::string env = "HERALD_";
  for (char c : flag)
    env += c == '-' ? '_' : static_cast<char>(std::toupper(c));
  return env;
}

template <typename T>
CLI::Option* flag(CLI::App& cmd, const std::string& name, T& value, const std::string& help) {
  return cmd.add_option("--" + name, value, help)->envname(env_name(name))->capture_default_str();
}

}  // namespace herald::app
