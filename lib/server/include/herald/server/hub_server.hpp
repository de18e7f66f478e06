#pragma once
// The composition root: the HTTP server, the hub, the history, and the endpoints of the
// Mercure protocol, the demo and health checks.
#include <memory>

#include "herald/server/config.hpp"

namespace herald::server {

class HubServer {
 public:
  explicit HubServer(Config config);
  ~HubServer();

  // Binds the listener (throws std::system_error on failure) and starts the shards.
  void start();
  std::string url() const;  // http://host:port as bound
  // Where /metrics is served (the --metrics-listen listener, or url() with
  // --metrics-public or --dev); empty when nowhere.
  std::string metrics_url() const;
  // Graceful stop; wait() returns once every stream has ended.
  void stop();
  void wait();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace herald::server
