#pragma once
// Inside a ConnectionPool: per origin, the HTTP/2 connection that takes new streams, and
// the sources waiting while one of them connects (so that sources started together share
// one connection instead of racing to open one each).
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "h2_connection.hpp"
#include "herald/client/connection_pool.hpp"
#include "herald/client/options.hpp"
#include "herald/client/url.hpp"

namespace herald::client {

struct ConnectionPool::Impl {
  // Runs once the connection being dialed is ready, with it; with null when it is not
  // HTTP/2 or failed: the waiter connects by itself then.
  using Waiter = std::function<void(std::shared_ptr<detail::H2Connection>)>;

  explicit Impl(std::chrono::milliseconds idle) : idle_close(idle) {}

  // The origin's connection that takes new streams, or null.
  std::shared_ptr<detail::H2Connection> find(const std::string& key);
  // When a source is dialing `key`, queues `waiter` and returns true.
  bool wait_for_dial(const std::string& key, Waiter waiter);
  void dial_started(const std::string& key);
  // The dial is over: `connection` is the new HTTP/2 connection, or null.
  void dial_finished(const std::string& key, std::shared_ptr<detail::H2Connection> connection);
  std::size_t connections() const;

  // What makes two sources' connections interchangeable: the origin and the TLS options.
  static std::string key(const Url& url, const TlsOptions& tls);

  std::chrono::milliseconds idle_close;

 private:
  struct Origin {
    // Weak: a connection lives by its reads and streams, so one that closed goes at once
    // (and none outlives its io_context because a pool still holds it).
    std::weak_ptr<detail::H2Connection> connection;
    bool dialing = false;
    std::vector<Waiter> waiting;
  };
  std::unordered_map<std::string, Origin> origins_;
};

}  // namespace herald::client
