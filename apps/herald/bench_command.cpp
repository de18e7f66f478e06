#include "bench_command.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>

#include "cli_flag.hpp"
#include "duration.hpp"
#include "herald/loadgen/bench.hpp"

namespace herald::app {

namespace {

struct BenchFlags {
  loadgen::Options options;
  std::string scenario = "fanout";
  std::string connect_timeout = "10s";
  std::string hold = "1s";
  std::string drain = "5s";
  std::string timeout = "120s";
  std::string output;
  bool quiet = false;
  bool compact = false;
  std::string worker_spec;  // hidden: this process is a worker of another `herald bench`
};

bool seconds_of(const std::string& text, const char* name, double& out) {
  auto d = parse_duration(text);
  if (!d) {
    std::fprintf(stderr, "herald bench: --%s: not a duration: %s\n", name, text.c_str());
    return false;
  }
  out = static_cast<double>(d->count()) / 1000.0;
  return true;
}

int run(BenchFlags& f) {
  if (!f.worker_spec.empty()) return loadgen::run_worker(f.worker_spec);
  loadgen::Options& o = f.options;
  auto scenario = loadgen::parse_scenario(f.scenario);
  if (!scenario) {
    std::fprintf(stderr, "herald bench: --scenario: fanout, topics, idle, publish or reconnect\n");
    return 2;
  }
  o.scenario = *scenario;
  if (!seconds_of(f.connect_timeout, "connect-timeout", o.connect_timeout_s) ||
      !seconds_of(f.hold, "hold", o.hold_s) || !seconds_of(f.drain, "drain", o.drain_s) ||
      !seconds_of(f.timeout, "timeout", o.timeout_s)) {
    return 2;
  }
  loadgen::RunEnvironment env;
  // Workers are this same executable in worker mode.
  env.worker_command = {"/proc/self/exe", "bench", "--worker-spec"};
  if (!f.quiet) {
    env.progress = [](std::string_view line) {
      std::fprintf(stderr, "herald bench: %.*s\n", static_cast<int>(line.size()), line.data());
    };
  }
  nlohmann::ordered_json report;
  try {
    report = loadgen::run_bench(o, env);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "herald bench: %s\n", e.what());
    return 2;
  }
  std::string text = report.dump(f.compact ? -1 : 2) + "\n";
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  if (!f.output.empty()) std::ofstream(f.output) << text;
  return report.value("ok", false) ? 0 : 3;
}

}  // namespace

void add_bench_command(CLI::App& app) {
  auto f = std::make_shared<BenchFlags>();
  loadgen::Options& o = f->options;
  CLI::App* cmd = app.add_subcommand("bench", "SSE load generator: subscribers, publishes, report");
  cmd->footer(
      "Scenarios: fanout (one topic, every subscriber), topics (one topic per subscriber),\n"
      "idle (hold subscribers: memory per connection), publish (no subscribers: requests/s),\n"
      "reconnect (publish, then clients resume with Last-Event-ID --resume-behind events back).\n"
      "--http2: subscribers are HTTP/2 streams, --streams-per-connection of them on each\n"
      "connection (h2c with prior knowledge on http://, ALPN h2 on https://); publishers, and\n"
      "the reconnect scenario's recording subscriber, stay on HTTP/1.1. A hub runs\n"
      "--h2-max-streams streams at once per connection (256 by default): streams past it wait\n"
      "for a slot, and time out.\n"
      "https:// --url: subscribers do TLS 1.2+ (ALPN http/1.1, or h2 with --http2; a hub that\n"
      "picks another fails them as tls_alpn), certificates unchecked unless --ca-file is given\n"
      "(tls_verify). Publishers speak plain HTTP: give --publish-url http://... (the hub's\n"
      "plain listener) with an https:// --url.\n"
      "Templates take {topic} and {data}. Loopback targets only. Prints one JSON report;\n"
      "exit 0 when every expected event arrived once and in order, 3 when not, 2 on errors.\n"
      "Every flag can also be set as an environment variable HERALD_<FLAG>.");
  flag(*cmd, "url", o.url, "The hub, http://127.x.x.x:PORT or https://127.x.x.x:PORT");
  flag(*cmd, "publish-url", o.publish_url, "Where publishers go, http:// (default: --url)");
  flag(*cmd, "ca-file", o.ca_file, "https://: verify the hub's certificate against this PEM");
  flag(*cmd, "scenario", f->scenario, "fanout, topics, idle, publish or reconnect")
      ->check(CLI::IsMember({"fanout", "topics", "idle", "publish", "reconnect"}));
  flag(*cmd, "label", o.label, "A name copied into the report");
  flag(*cmd, "subscribers", o.subscribers, "Subscribers (reconnect: clients resuming)");
  cmd->add_flag("--http2", o.http2,
                "Subscribe over HTTP/2 (h2c, or h2 on https://): one stream per subscriber")
      ->envname("HERALD_HTTP2");
  flag(*cmd, "streams-per-connection", o.streams_per_connection,
       "--http2: subscribers (streams) per connection");
  flag(*cmd, "topics", o.topics, "Topics (0: 1, or one per subscriber for 'topics')");
  flag(*cmd, "events", o.events, "Events to publish");
  flag(*cmd, "rate", o.rate, "Events per second (0: as fast as the window allows)");
  flag(*cmd, "window", o.window, "Publishes in flight, one connection each");
  flag(*cmd, "per-topic", o.per_topic,
       "Publishes in flight on one topic (1: a topic's events are strictly ordered)");
  flag(*cmd, "event-bytes", o.event_bytes, "Size of each event's data");
  flag(*cmd, "resume-behind", o.resume_behind, "reconnect: events each client missed");
  flag(*cmd, "subscribe-target", o.subscribe_target, "Subscribe path and query ({topic})");
  flag(*cmd, "publish-target", o.publish_target, "Publish path and query ({topic}, {data})");
  flag(*cmd, "publish-format", o.publish_format,
       "form (topic=..&data=..), json, or raw (the data is the body)")
      ->check(CLI::IsMember({"form", "json", "raw"}));
  flag(*cmd, "publish-body", o.publish_body, "Publish body template (default: the format's)");
  flag(*cmd, "header", o.publish_headers, "Extra publish header 'Name: value' (repeatable)");
  flag(*cmd, "subscribe-header", o.subscribe_headers, "Extra subscribe header (repeatable)");
  flag(*cmd, "topic-prefix", o.topic_prefix, "Topic names are PREFIX<n> (default: fresh)");
  flag(*cmd, "processes", o.processes, "Subscriber processes (0: enough for --per-process)");
  flag(*cmd, "per-process", o.per_process, "Subscribers per process at most");
  flag(*cmd, "source-addresses", o.source_addresses,
       "Source addresses 127.0.0.2.. (0: one per 20,000 subscribers)");
  flag(*cmd, "connect-concurrency", o.connect_concurrency, "Connects in progress per process");
  flag(*cmd, "connect-timeout", f->connect_timeout, "Until a subscriber has its headers");
  flag(*cmd, "hold", f->hold, "idle: how long subscribers are held");
  flag(*cmd, "drain", f->drain, "After the last publish, the wait for deliveries");
  flag(*cmd, "timeout", f->timeout, "The whole run at most");
  flag(*cmd, "server-pid", o.server_pids, "Hub process to report RSS and CPU of (repeatable)");
  flag(*cmd, "output", f->output, "Also write the report to FILE");
  cmd->add_flag("--quiet", f->quiet, "No progress lines on stderr")->envname("HERALD_QUIET");
  cmd->add_flag("--compact", f->compact, "The report on one line")->envname("HERALD_COMPACT");
  cmd->add_option("--worker-spec", f->worker_spec)->group("");  // internal: worker mode
  cmd->callback([f] { throw CLI::RuntimeError(run(*f)); });
}

}  // namespace herald::app
