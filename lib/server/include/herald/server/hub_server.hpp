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
  // http://host:port as bound; https://... when there is only the TLS listener.
  std::string url() const;
  std::string tls_url() const;  // https://host:port as bound; empty without TLS
  // Where /metrics is served (the --metrics-listen listener, or url() with
  // --metrics-public or --dev); empty when nowhere.
  std::string metrics_url() const;
  // Loads the TLS certificate and key again (SIGHUP) and logs what happened: new
  // handshakes use the new ones, open connections go on; a failure keeps the old ones.
  bool reload_tls();
  // Graceful stop; wait() returns once every stream has ended.
  void stop();
  void wait();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace herald::server
