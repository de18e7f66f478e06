#include "herald/loadgen/options.hpp"

#include <nlohmann/json.hpp>

#include "herald/loadgen/request_template.hpp"
#include "herald/loadgen/target.hpp"

namespace herald::loadgen {

namespace {
constexpr std::pair<Scenario, std::string_view> scenario_names[] = {
    {Scenario::fanout, "fanout"},   {Scenario::topics, "topics"},       {Scenario::idle, "idle"},
    {Scenario::publish, "publish"}, {Scenario::reconnect, "reconnect"},
};
}  // namespace

std::optional<Scenario> parse_scenario(std::string_view name) {
  for (const auto& [s, n] : scenario_names) {
    if (n == name) return s;
  }
  return std::nullopt;
}

std::string_view scenario_name(Scenario s) {
  for (const auto& [v, n] : scenario_names) {
    if (v == s) return n;
  }
  return "?";
}

std::optional<std::string> validate(const Options& o) {
  std::string error;
  auto target = parse_target(o.url, &error);
  if (!target) return "--url: " + error;
  auto publish = parse_target(publish_url(o), &error);
  if (!publish) return "--publish-url: " + error;
  if (publish->tls) {
    return "--publish-url: publishers speak plain HTTP only; give the hub's http:// listener";
  }
  if (!o.ca_file.empty() && !target->tls) return "--ca-file: only with an https:// --url";
  if (!publish_format(o.publish_format)) return "--publish-format: form, json or raw";
  if (o.window < 1 || o.window > 4096) return "--window: 1..4096";
  if (o.per_topic < 1) return "--per-topic: at least 1";
  if (o.rate < 0) return "--rate: not negative";
  if (o.event_bytes > 1024 * 1024) return "--event-bytes: at most 1 MiB";
  if (o.per_process < 1 || o.per_process > 19900) return "--per-process: 1..19900";
  if (o.source_addresses > 250) return "--source-addresses: at most 250";
  if (o.streams_per_connection < 1 || o.streams_per_connection > 100'000) {
    return "--streams-per-connection: 1..100000";
  }
  if (o.connect_concurrency < 1) return "--connect-concurrency: at least 1";
  if (o.subscribers > 1'000'000) return "--subscribers: at most 1,000,000";
  if (o.events > 100'000'000) return "--events: at most 100,000,000";
  if (o.processes > 64) return "--processes: at most 64";
  if (o.scenario == Scenario::reconnect && (o.resume_behind < 1 || o.resume_behind >= o.events)) {
    return "--resume-behind: 1..--events - 1 (clients resume after an event they saw)";
  }
  if (o.timeout_s <= 0 || o.timeout_s > 3600) return "--timeout: (0, 3600] seconds";
  if (o.hold_s < 0 || o.drain_s < 0 || o.connect_timeout_s <= 0) return "durations: positive";
  for (const std::string& h : o.publish_headers) {
    if (h.find(':') == std::string::npos) return "--header: expected 'Name: value'";
  }
  for (const std::string& h : o.subscribe_headers) {
    if (h.find(':') == std::string::npos) return "--subscribe-header: expected 'Name: value'";
  }
  return std::nullopt;
}

const std::string& publish_url(const Options& o) {
  return o.publish_url.empty() ? o.url : o.publish_url;
}

void to_json(nlohmann::json& j, const Options& o) {
  j = nlohmann::json{
      {"url", o.url},
      {"publish_url", o.publish_url},
      {"ca_file", o.ca_file},
      {"scenario", scenario_name(o.scenario)},
      {"label", o.label},
      {"subscribers", o.subscribers},
      {"http2", o.http2},
      {"streams_per_connection", o.streams_per_connection},
      {"topics", o.topics},
      {"events", o.events},
      {"rate", o.rate},
      {"window", o.window},
      {"per_topic", o.per_topic},
      {"event_bytes", o.event_bytes},
      {"resume_behind", o.resume_behind},
      {"subscribe_target", o.subscribe_target},
      {"publish_target", o.publish_target},
      {"publish_format", o.publish_format},
      {"publish_body", o.publish_body},
      {"publish_headers", o.publish_headers},
      {"subscribe_headers", o.subscribe_headers},
      {"topic_prefix", o.topic_prefix},
      {"processes", o.processes},
      {"per_process", o.per_process},
      {"source_addresses", o.source_addresses},
      {"connect_concurrency", o.connect_concurrency},
      {"connect_timeout_s", o.connect_timeout_s},
      {"hold_s", o.hold_s},
      {"drain_s", o.drain_s},
      {"timeout_s", o.timeout_s},
      {"server_pids", o.server_pids},
  };
}

void from_json(const nlohmann::json& j, Options& o) {
  o.url = j.at("url").get<std::string>();
  j.at("publish_url").get_to(o.publish_url);
  j.at("ca_file").get_to(o.ca_file);
  o.scenario = parse_scenario(j.at("scenario").get<std::string>()).value_or(Scenario::fanout);
  j.at("label").get_to(o.label);
  j.at("subscribers").get_to(o.subscribers);
  j.at("http2").get_to(o.http2);
  j.at("streams_per_connection").get_to(o.streams_per_connection);
  j.at("topics").get_to(o.topics);
  j.at("events").get_to(o.events);
  j.at("rate").get_to(o.rate);
  j.at("window").get_to(o.window);
  j.at("per_topic").get_to(o.per_topic);
  j.at("event_bytes").get_to(o.event_bytes);
  j.at("resume_behind").get_to(o.resume_behind);
  j.at("subscribe_target").get_to(o.subscribe_target);
  j.at("publish_target").get_to(o.publish_target);
  j.at("publish_format").get_to(o.publish_format);
  j.at("publish_body").get_to(o.publish_body);
  j.at("publish_headers").get_to(o.publish_headers);
  j.at("subscribe_headers").get_to(o.subscribe_headers);
  j.at("topic_prefix").get_to(o.topic_prefix);
  j.at("processes").get_to(o.processes);
  j.at("per_process").get_to(o.per_process);
  j.at("source_addresses").get_to(o.source_addresses);
  j.at("connect_concurrency").get_to(o.connect_concurrency);
  j.at("connect_timeout_s").get_to(o.connect_timeout_s);
  j.at("hold_s").get_to(o.hold_s);
  j.at("drain_s").get_to(o.drain_s);
  j.at("timeout_s").get_to(o.timeout_s);
  j.at("server_pids").get_to(o.server_pids);
}

}  // namespace herald::loadgen
