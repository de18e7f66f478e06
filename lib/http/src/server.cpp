#include "herald/http/server.hpp"

#include <algorithm>
#include <exception>
#include <system_error>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "herald/base/log.hpp"
#include "shard.hpp"

namespace herald::http {

namespace asio = boost::asio;

namespace {

// Binds a plain socket (without SO_REUSEPORT) to `endpoint` and returns the port it got.
// The shards bind with SO_REUSEPORT so the kernel spreads connections among them, but the
// kernel would just as gladly let a second herald process of the same user join that
// group and receive half of the requests. A socket without SO_REUSEPORT cannot share the
// port with anyone, so this bind fails while any process holds it. It is closed before
// the shards bind: the window between the two is a few system calls.
std::uint16_t claim_port(const asio::ip::tcp::endpoint& endpoint) {
  asio::io_context io;
  asio::ip::tcp::acceptor probe(io);
  probe.open(endpoint.protocol());
  probe.set_option(asio::socket_base::reuse_address(true));  // TIME_WAIT is no owner
  boost::system::error_code ec;
  probe.bind(endpoint, ec);
  if (ec == asio::error::address_in_use) {
    throw std::system_error(std::make_error_code(std::errc::address_in_use),
                            "port " + std::to_string(endpoint.port()) + " on " +
                                endpoint.address().to_string() +
                                " is already in use (another herald or another server holds it)");
  }
  if (ec) {
    throw std::system_error(
        ec.value(), std::system_category(),
        "cannot bind " + endpoint.address().to_string() + ":" + std::to_string(endpoint.port()));
  }
  return probe.local_endpoint().port();
}

}  // namespace

struct Server::Impl {
  ServerShared shared;
  std::vector<std::unique_ptr<Shard>> shards;
};

Server::Server(ServerOptions options, Handler handler)
    : options_(std::move(options)), impl_(std::make_unique<Impl>()) {
  if (options_.threads == 0) options_.threads = 1;
  impl_->shared.options = options_;
  impl_->shared.handler = std::move(handler);
  for (std::size_t i = 0; i < options_.threads; ++i) {
    impl_->shards.push_back(std::make_unique<Shard>(i, impl_->shared));
  }
}

Server::~Server() {
  stop();
  wait();
}

void Server::bind() {
  asio::io_context resolver_io;
  asio::ip::tcp::resolver resolver(resolver_io);
  auto results = resolver.resolve(options_.host, std::to_string(options_.port),
                                  asio::ip::tcp::resolver::passive);
  // Every address the host names (`localhost`: 127.0.0.1 and ::1), so a client that
  // tries either one finds the hub. With port 0 the first probe picks the port and the
  // other addresses take the same one.
  std::vector<asio::ip::tcp::endpoint> candidates;
  for (const auto& result : results)
    candidates.push_back(result.endpoint());
  // RFC 6761 6.3: `localhost` is the loopback of both families, whatever /etc/hosts says
  // (browsers try ::1 first).
  if (iequals(options_.host, "localhost")) {
    candidates.emplace_back(asio::ip::address_v4::loopback(), options_.port);
    candidates.emplace_back(asio::ip::address_v6::loopback(), options_.port);
  }
  std::vector<asio::ip::tcp::endpoint> endpoints;
  std::exception_ptr unavailable;
  std::uint16_t port = options_.port;
  for (asio::ip::tcp::endpoint endpoint : candidates) {
    endpoint.port(port);
    if (std::find(endpoints.begin(), endpoints.end(), endpoint) != endpoints.end()) continue;
    try {
      port = claim_port(endpoint);
    } catch (const std::system_error& e) {
      // A machine without IPv6 has no ::1: skip an address that does not exist here, as
      // long as another one is served.
      if (e.code() != std::errc::address_not_available) throw;
      unavailable = std::current_exception();
      log::warn("listen address not available, skipped",
                {{"address", endpoint.address().to_string()}});
      continue;
    }
    endpoint.port(port);
    endpoints.push_back(endpoint);
  }
  if (endpoints.empty() && unavailable) std::rethrow_exception(unavailable);
  for (auto& shard : impl_->shards) {
    for (const auto& endpoint : endpoints)
      shard->listen(endpoint);
  }
}

std::uint16_t Server::port() const {
  return impl_->shards[0]->local_port();
}

void Server::start() {
  for (auto& shard : impl_->shards)
    shard->start();
}

void Server::stop() {
  for (auto& shard : impl_->shards)
    shard->begin_shutdown();
}

void Server::wait() {
  for (auto& shard : impl_->shards)
    shard->join();
}

std::size_t Server::shard_count() const {
  return impl_->shards.size();
}

asio::io_context& Server::context(std::size_t shard) {
  return impl_->shards[shard]->io();
}

std::uint64_t Server::bytes_written() const {
  return impl_->shared.bytes_written.load(std::memory_order_relaxed);
}

std::size_t Server::connections() const {
  return impl_->shared.connections.load(std::memory_order_relaxed);
}

}  // namespace herald::http
