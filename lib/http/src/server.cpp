#include "herald/http/server.hpp"

#include <boost/asio/ip/tcp.hpp>

#include "shard.hpp"

namespace herald::http {

namespace asio = boost::asio;

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
  asio::ip::tcp::endpoint endpoint = results.begin()->endpoint();
  impl_->shards[0]->listen(endpoint);
  // With port 0 the first shard picks a port; the others join it.
  endpoint.port(impl_->shards[0]->local_port());
  for (std::size_t i = 1; i < impl_->shards.size(); ++i)
    impl_->shards[i]->listen(endpoint);
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
