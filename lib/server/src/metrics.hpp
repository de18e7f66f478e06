#pragma once
// The hub's numbers: counters the endpoints bump, plus what the hub and the HTTP server
// already count, rendered for Prometheus (/metrics) and as JSON for the dashboard.
#include <atomic>
#include <cstdint>
#include <string>
#include "herald/cluster/redis_history.hpp"

#include "latency_histogram.hpp"

namespace herald::http {
class Server;
}
namespace herald::hub {
class Hub;
}

namespace herald::server {

struct Metrics {
  std::atomic<std::uint64_t> subscribers_cut{0};
  std::atomic<std::uint64_t> replayed{0};
  std::atomic<std::uint64_t> resets{0};  // herald-reset events sent
  std::atomic<std::uint64_t> publishes_rejected{0};
  std::atomic<std::uint64_t> publishes_failed{0};  // valid, but the store could not keep them
  LatencyHistogram publish_latency;
};

// `cluster`: the node's Redis history with --store redis:// (its herald_cluster_* series),
// else null.
std::string render_prometheus(const Metrics& m, const hub::Hub& hub, const http::Server& http,
                              const cluster::RedisHistory* cluster);

// One dashboard snapshot; percentiles cover the publishes since `previous` (updated).
std::string snapshot_json(const Metrics& m, const hub::Hub& hub, const http::Server& http,
                          LatencyHistogram::Counts& previous);

}  // namespace herald::server
