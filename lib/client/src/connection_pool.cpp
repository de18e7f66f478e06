#include "herald/client/connection_pool.hpp"

#include "connection_pool_impl.hpp"

namespace herald::client {

ConnectionPool::ConnectionPool(std::chrono::milliseconds idle_close)
    : impl_(std::make_unique<Impl>(idle_close)) {}

ConnectionPool::~ConnectionPool() = default;

std::size_t ConnectionPool::connections() const {
  return impl_->connections();
}

std::shared_ptr<detail::H2Connection> ConnectionPool::Impl::find(const std::string& key) {
  const auto it = origins_.find(key);
  if (it == origins_.end()) return nullptr;
  auto connection = it->second.connection.lock();
  if (connection && !connection->accepting()) connection.reset();  // GOAWAY, idle, or broken
  if (!connection && !it->second.dialing) {
    origins_.erase(it);
    return nullptr;
  }
  return connection;
}

bool ConnectionPool::Impl::wait_for_dial(const std::string& key, Waiter waiter) {
  const auto it = origins_.find(key);
  if (it == origins_.end() || !it->second.dialing) return false;
  it->second.waiting.push_back(std::move(waiter));
  return true;
}

void ConnectionPool::Impl::dial_started(const std::string& key) {
  origins_[key].dialing = true;
}

void ConnectionPool::Impl::dial_finished(const std::string& key,
                                         std::shared_ptr<detail::H2Connection> connection) {
  auto& origin = origins_[key];
  origin.dialing = false;
  origin.connection = connection;
  auto waiting = std::move(origin.waiting);
  origin.waiting.clear();
  for (auto& waiter : waiting)
    waiter(connection);
}

std::size_t ConnectionPool::Impl::connections() const {
  std::size_t n = 0;
  for (const auto& [key, origin] : origins_) {
    const auto connection = origin.connection.lock();
    if (connection && connection->accepting()) ++n;
  }
  return n;
}

std::string ConnectionPool::Impl::key(const Url& url, const TlsOptions& tls) {
  std::string key = url.origin();
  if (url.tls()) key += (tls.verify_peer ? " verify " : " no-verify ") + tls.ca_file;
  return key;
}

}  // namespace herald::client
