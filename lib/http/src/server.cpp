#include "herald/http/server.hpp"

#include <algorithm>
#include <exception>
#include <stdexcept>
#include <system_error>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "herald/base/log.hpp"
#include "herald/base/strings.hpp"
#include "shard.hpp"

namespace herald::http {

namespace asio = boost::asio;

namespace {

// Binds a plain socket (without SO_REUSEPORT) to `endpoint` and returns the port it got.
// The shards bind with SO_REUSEPORT so the kernel spreads connections among them, but the
// kernel would just as gladly let a second herald process of the same user join that
// group and receive half of the requests. A socket without SO_REUSEPORT cannot share the
// port with anyone, so this bind fails while any process holds it. The probes are kept in
// `held` until every listener is claimed (so --listen and --tls-listen cannot share a port
// either), and closed before the shards bind: the window between the two is a few system
// calls.
std::uint16_t claim_port(const asio::ip::tcp::endpoint& endpoint, asio::io_context& io,
                         std::vector<asio::ip::tcp::acceptor>& held) {
  asio::ip::tcp::acceptor& probe = held.emplace_back(io);
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
  // Listening, so that it holds the port: Linux lets two SO_REUSEADDR sockets bind
  // overlapping addresses (0.0.0.0 and 127.0.0.1) on one port as long as neither listens.
  probe.listen(1, ec);
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
  if (options_.tls) {
    impl_->shared.tls = std::make_unique<TlsCredentials>(
        options_.tls->cert_file, options_.tls->key_file, options_.h2_max_streams > 0);
  }
  for (std::size_t i = 0; i < options_.threads; ++i) {
    impl_->shards.push_back(std::make_unique<Shard>(i, impl_->shared));
  }
}

Server::~Server() {
  stop();
  wait();
}

namespace {

// Every address `host` names (`localhost`: 127.0.0.1 and ::1), each claimed for this
// process (claim_port), all on one port: with port 0 the first claim picks it.
std::vector<asio::ip::tcp::endpoint> claim_endpoints(const std::string& host, std::uint16_t port,
                                                     asio::io_context& io,
                                                     std::vector<asio::ip::tcp::acceptor>& held) {
  asio::ip::tcp::resolver resolver(io);
  auto results = resolver.resolve(host, std::to_string(port), asio::ip::tcp::resolver::passive);
  // So a client that tries either loopback finds the hub.
  std::vector<asio::ip::tcp::endpoint> candidates;
  for (const auto& result : results)
    candidates.push_back(result.endpoint());
  // RFC 6761 6.3: `localhost` is the loopback of both families, whatever /etc/hosts says
  // (browsers try ::1 first).
  if (iequals(host, "localhost")) {
    candidates.emplace_back(asio::ip::address_v4::loopback(), port);
    candidates.emplace_back(asio::ip::address_v6::loopback(), port);
  }
  std::vector<asio::ip::tcp::endpoint> endpoints;
  std::exception_ptr unavailable;
  for (asio::ip::tcp::endpoint endpoint : candidates) {
    endpoint.port(port);
    if (std::find(endpoints.begin(), endpoints.end(), endpoint) != endpoints.end()) continue;
    try {
      port = claim_port(endpoint, io, held);
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
  return endpoints;
}

}  // namespace

void Server::bind() {
  // Both listeners are claimed before any shard binds: one hub per port, for each port.
  if (options_.plain && options_.tls && options_.port != 0 && options_.port == options_.tls->port &&
      options_.host == options_.tls->host) {
    throw std::system_error(std::make_error_code(std::errc::address_in_use),
                            "--listen and --tls-listen name the same port " +
                                std::to_string(options_.port) + ": give each its own");
  }
  asio::io_context io;
  std::vector<asio::ip::tcp::acceptor> held;
  std::vector<asio::ip::tcp::endpoint> plain;
  std::vector<asio::ip::tcp::endpoint> tls;
  if (options_.plain) plain = claim_endpoints(options_.host, options_.port, io, held);
  if (options_.tls) tls = claim_endpoints(options_.tls->host, options_.tls->port, io, held);
  held.clear();
  for (auto& shard : impl_->shards) {
    for (const auto& endpoint : plain)
      shard->listen(endpoint, false);
    for (const auto& endpoint : tls)
      shard->listen(endpoint, true);
  }
}

std::uint16_t Server::port() const {
  return impl_->shards[0]->local_port(false);
}

std::uint16_t Server::tls_port() const {
  return impl_->shards[0]->local_port(true);
}

std::string Server::reload_tls() {
  if (!impl_->shared.tls) throw std::runtime_error("no TLS listener to reload");
  return impl_->shared.tls->reload();
}

std::string Server::tls_subject() const {
  return impl_->shared.tls ? impl_->shared.tls->subject() : std::string();
}

std::uint64_t Server::tls_handshake_failures() const {
  return impl_->shared.tls_handshake_failures.load(std::memory_order_relaxed);
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

ProtocolCounts Server::by_protocol() const {
  ProtocolCounts total;
  for (const auto& shard : impl_->shards)
    shard->add_counts(total);
  return total;
}

}  // namespace herald::http
