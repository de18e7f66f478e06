#pragma once
// Everything `herald serve` can be told, with the defaults documented in --help.
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace herald::server {

struct Config {
  std::string listen = "127.0.0.1:8080";
  std::size_t threads = 0;  // 0: one per core
  bool dev = false;
  bool demo_ticker = true;  // with dev: publish the demo's stock prices
  std::chrono::milliseconds heartbeat{15000};
  std::size_t history_size = 10000;
  std::size_t history_bytes = 64 * 1024 * 1024;
  std::vector<std::string> cors_origins;  // exact origins, or "*"
  std::size_t max_connections = 19000;
  std::size_t subscriber_buffer = 4 * 1024 * 1024;
  std::size_t max_body_bytes = 1024 * 1024;
  std::size_t max_topics_per_request = 100;
};

}  // namespace herald::server
