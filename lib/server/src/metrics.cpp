#include "metrics.hpp"

#include <array>
#include <chrono>

#include <nlohmann/json.hpp>

#include "herald/http/server.hpp"
#include "herald/hub/hub.hpp"

namespace herald::server {

namespace {

// The # HELP and # TYPE lines of a metric family.
void family(std::string& out, const char* name, const char* type, const char* help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void metric(std::string& out, const char* name, const char* type, const char* help,
            std::uint64_t value) {
  family(out, name, type, help);
  out += name;
  out += ' ';
  out += std::to_string(value);
  out += '\n';
}

constexpr const char* protocol_label[2] = {"http/1.1", "h2"};

// One labelled sample per protocol and TLS, in the order of ProtocolCounts.
void by_protocol(std::string& out, const char* name, const char* help,
                 const std::array<std::array<std::size_t, 2>, 2>& values) {
  family(out, name, "gauge", help);
  for (std::size_t protocol = 0; protocol < 2; ++protocol) {
    for (std::size_t tls = 0; tls < 2; ++tls) {
      out += name;
      out += "{protocol=\"";
      out += protocol_label[protocol];
      out += "\",tls=\"";
      out += tls ? "true" : "false";
      out += "\"} ";
      out += std::to_string(values[protocol][tls]);
      out += '\n';
    }
  }
}

struct Totals {
  std::uint64_t delivered = 0;
  std::size_t subscribers = 0;
  std::size_t selectors = 0;
};

Totals totals(const hub::Hub& hub) {
  Totals t;
  for (std::size_t i = 0; i < hub.shard_count(); ++i) {
    auto s = hub.stats(i);
    t.delivered += s.delivered;
    t.subscribers += s.subscribers;
    t.selectors += s.selectors;
  }
  return t;
}

// This node's part in the cluster (--store redis://).
void render_cluster(std::string& out, const cluster::RedisHistory::Stats& s) {
  family(out, "herald_cluster_redis_connected", "gauge",
         "Whether this node's connection to Redis is up (commands: publishes; stream: the "
         "reader that delivers).");
  out += "herald_cluster_redis_connected{connection=\"commands\"} " +
         std::to_string(s.commands_connected ? 1 : 0) + "\n";
  out += "herald_cluster_redis_connected{connection=\"stream\"} " +
         std::to_string(s.tail_connected ? 1 : 0) + "\n";
  family(out, "herald_cluster_stream_lag_seconds", "gauge",
         "How long the newest stream entry this node read had waited in Redis (Redis's clock "
         "against this node's).");
  out += "herald_cluster_stream_lag_seconds " + std::to_string(s.lag_seconds) + "\n";
  metric(out, "herald_cluster_stream_entries_read_total", "counter",
         "Stream entries this node read and delivered, every node's publishes.", s.entries_read);
  metric(out, "herald_cluster_stream_entries_skipped_total", "counter",
         "Stream entries herald did not write (not delivered).", s.skipped);
  metric(out, "herald_cluster_redis_reconnects_total", "counter",
         "Connections to Redis made again after a loss.", s.reconnects);
  metric(out, "herald_cluster_stream_gaps_total", "counter",
         "Times Redis let go of stream entries before this node read them (its subscribers "
         "got herald-reset).",
         s.gaps);
}

}  // namespace

std::string render_prometheus(const Metrics& m, const hub::Hub& hub, const http::Server& http,
                              const cluster::RedisHistory* cluster) {
  std::string out;
  out.reserve(4096);
  Totals t = totals(hub);
  metric(out, "herald_connections", "gauge", "Open client connections.", http.connections());
  // The total stays unlabelled (what existing dashboards read); the split is a family of
  // its own, so that summing it gives the total instead of twice the total.
  const http::ProtocolCounts counts = http.by_protocol();
  by_protocol(out, "herald_connections_by_protocol",
              "Open client connections by protocol (a TLS one counts as http/1.1 until ALPN "
              "chose h2).",
              counts.connections);
  by_protocol(out, "herald_streams",
              "Open streamed responses (SSE streams): streaming HTTP/1.1 connections, open "
              "HTTP/2 streams.",
              counts.streams);
  metric(out, "herald_subscribers", "gauge", "Open subscriptions.", t.subscribers);
  metric(out, "herald_topics", "gauge", "Distinct topic selectors subscribed (summed over shards).",
         t.selectors);
  metric(out, "herald_events_published_total", "counter",
         "Updates kept in history and delivered (a publish answered 200).", hub.published());
  metric(out, "herald_events_delivered_total", "counter", "Updates queued to subscribers.",
         t.delivered);
  metric(out, "herald_publishes_rejected_total", "counter", "Publish requests refused (4xx).",
         m.publishes_rejected.load());
  metric(out, "herald_publishes_failed_total", "counter",
         "Valid publishes the history store could not keep (answered 503, never delivered) or, "
         "in a cluster, Redis did not confirm (answered 504, may be delivered).",
         m.publishes_failed.load());
  metric(out, "herald_bytes_written_total", "counter", "Bytes written to clients.",
         http.bytes_written());
  metric(out, "herald_tls_handshake_failures_total", "counter",
         "TLS handshakes that failed or timed out (clients that left in the middle included).",
         http.tls_handshake_failures());
  metric(out, "herald_subscribers_cut_total", "counter",
         "Subscribers cut for passing --subscriber-buffer (they resume from history).",
         m.subscribers_cut.load());
  metric(out, "herald_history_events", "gauge", "Updates held for replay.", hub.history_size());
  metric(out, "herald_history_bytes", "gauge", "Bytes held for replay.", hub.history_bytes());
  metric(out, "herald_events_replayed_total", "counter", "Updates replayed to resuming clients.",
         m.replayed.load());
  metric(out, "herald_resets_total", "counter",
         "herald-reset events sent: resuming clients told that history no longer held what "
         "they asked for.",
         m.resets.load());
  m.publish_latency.render("herald_publish_latency_seconds",
                           "Time from a publish request to its 200 answer.", out);
  out += "# HELP herald_shard_queue_depth Updates waiting for fan-out on a shard.\n";
  out += "# TYPE herald_shard_queue_depth gauge\n";
  for (std::size_t i = 0; i < hub.shard_count(); ++i) {
    out += "herald_shard_queue_depth{shard=\"" + std::to_string(i) + "\"} " +
           std::to_string(hub.stats(i).queue_depth) + "\n";
  }
  if (cluster != nullptr) render_cluster(out, cluster->stats());
  return out;
}

std::string snapshot_json(const Metrics& m, const hub::Hub& hub, const http::Server& http,
                          LatencyHistogram::Counts& previous) {
  Totals t = totals(hub);
  auto now = m.publish_latency.counts();
  std::uint64_t count = 0;
  for (std::size_t i = 0; i < now.size(); ++i)
    count += now[i] - previous[i];
  nlohmann::json shards = nlohmann::json::array();
  for (std::size_t i = 0; i < hub.shard_count(); ++i) {
    auto s = hub.stats(i);
    shards.push_back({{"queue", s.queue_depth}, {"subscribers", s.subscribers}});
  }
  const http::ProtocolCounts counts = http.by_protocol();
  nlohmann::json protocols = nlohmann::json::array();
  for (std::size_t protocol = 0; protocol < 2; ++protocol) {
    for (std::size_t tls = 0; tls < 2; ++tls) {
      protocols.push_back({{"protocol", protocol_label[protocol]},
                           {"tls", tls == 1},
                           {"connections", counts.connections[protocol][tls]},
                           {"streams", counts.streams[protocol][tls]}});
    }
  }
  nlohmann::json j = {
      {"t", std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count()},
      {"connections", http.connections()},
      {"subscribers", t.subscribers},
      {"topics", t.selectors},
      {"published", hub.published()},
      {"delivered", t.delivered},
      {"bytes_written", http.bytes_written()},
      {"cut", m.subscribers_cut.load()},
      {"replayed", m.replayed.load()},
      {"resets", m.resets.load()},
      {"history_size", hub.history_size()},
      {"history_bytes", hub.history_bytes()},
      {"publish_latency",
       {{"count", count},
        {"p50_ms", LatencyHistogram::quantile_ms(now, previous, 0.50)},
        {"p90_ms", LatencyHistogram::quantile_ms(now, previous, 0.90)},
        {"p99_ms", LatencyHistogram::quantile_ms(now, previous, 0.99)}}},
      {"shards", shards},
      {"protocols", protocols},
  };
  previous = now;
  return j.dump();
}

}  // namespace herald::server
