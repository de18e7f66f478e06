#pragma once
// Everything `herald bench` can be told. The coordinator hands the same Options to each
// worker process (as JSON), so every process derives the same plan from them.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace herald::loadgen {

enum class Scenario {
  fanout,     // one topic, every subscriber on it
  topics,     // one topic per subscriber, events round-robin over them
  idle,       // subscribers held, no events: memory per connection
  publish,    // no subscribers: publish requests/s
  reconnect,  // events first, then subscribers resume with Last-Event-ID k events behind
};

std::optional<Scenario> parse_scenario(std::string_view name);
std::string_view scenario_name(Scenario s);

struct Options {
  std::string url = "http://127.0.0.1:8080";  // the hub; loopback only; https:// for TLS
  std::string publish_url;                    // where publishers go; empty: url
  std::string ca_file;  // https://: verify the hub's certificate against it (empty: no check)
  Scenario scenario = Scenario::fanout;
  std::string label;  // copied into the report (e.g. "herald-t1")
  std::size_t subscribers = 100;
  // Subscribers as HTTP/2 streams (h2c, prior knowledge), this many per connection.
  // Publishers stay on HTTP/1.1. Over https:// the same, negotiated with ALPN h2.
  bool http2 = false;
  std::size_t streams_per_connection = 100;
  std::size_t topics = 0;  // 0: as the scenario says
  std::uint64_t events = 100;
  double rate = 0;                   // events/s; 0: as fast as the window allows
  std::size_t window = 8;            // publishes in flight (one connection each)
  std::size_t per_topic = 1;         // publishes in flight on one topic (1: strict order)
  std::size_t event_bytes = 64;      // size of each event's data
  std::uint64_t resume_behind = 10;  // reconnect: how many events each client missed
  std::string subscribe_target = "/.well-known/mercure?topic={topic}";
  std::string publish_target = "/.well-known/mercure";
  std::string publish_format = "form";       // form | json | raw
  std::string publish_body;                  // empty: the format's default
  std::vector<std::string> publish_headers;  // "Name: value", e.g. a Bearer token
  std::vector<std::string> subscribe_headers;
  std::string topic_prefix;               // empty: bench-<pid>-<time>- (fresh topics per run)
  std::size_t processes = 0;              // 0: enough for per_process subscribers each
  std::size_t per_process = 19000;        // a process holds at most 20,000 descriptors
  std::size_t source_addresses = 0;       // 127.0.0.2 ...; 0: one per 20,000 subscribers
  std::size_t connect_concurrency = 256;  // connects in progress per process
  double connect_timeout_s = 10;
  double hold_s = 1;             // idle: how long the subscribers are held
  double drain_s = 5;            // after the last publish, the wait for deliveries
  double timeout_s = 120;        // the whole run
  std::vector<int> server_pids;  // hub processes whose RSS and CPU are reported
};

// Checks ranges and the loopback rule; returns an error message or nullopt.
std::optional<std::string> validate(const Options& o);

// publish_url, or url when it is empty.
const std::string& publish_url(const Options& o);

void to_json(nlohmann::json& j, const Options& o);
void from_json(const nlohmann::json& j, Options& o);

}  // namespace herald::loadgen
