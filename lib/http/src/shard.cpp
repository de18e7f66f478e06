#include "shard.hpp"

#include <malloc.h>

#include <new>

#include <boost/asio/post.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/asio/write.hpp>

#include "connection.hpp"
#include "herald/base/log.hpp"
#include "tcp_transport.hpp"
#include "tls_transport.hpp"

namespace herald::http {

namespace asio = boost::asio;
using boost::system::error_code;
using clock = std::chrono::steady_clock;

namespace {
constexpr auto sweep_period = std::chrono::milliseconds(250);
constexpr auto shutdown_poll = std::chrono::milliseconds(20);
constexpr auto accept_retry = std::chrono::milliseconds(100);
constexpr auto trim_period = std::chrono::seconds(5);
constexpr std::string_view busy_response =
    "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
    "Content-Length: 31\r\nConnection: close\r\nRetry-After: 1\r\n\r\n"
    "too many connections, try again";
}  // namespace

Shard::Shard(std::size_t index, ServerShared& shared)
    : index_(index), shared_(shared), sweep_timer_(io_) {}

Shard::~Shard() {
  join();
}

void Shard::listen(const asio::ip::tcp::endpoint& endpoint, bool tls) {
  auto acceptor = std::make_unique<asio::ip::tcp::acceptor>(io_);
  acceptor->open(endpoint.protocol());
  acceptor->set_option(asio::socket_base::reuse_address(true));
  // Every shard binds the same port; the kernel spreads new connections among them.
  int one = 1;
  ::setsockopt(acceptor->native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  acceptor->bind(endpoint);
  acceptor->listen(asio::socket_base::max_listen_connections);
  listeners_.push_back({std::move(acceptor), tls});
}

std::uint16_t Shard::local_port(bool tls) const {
  for (const Listener& listener : listeners_) {
    if (listener.tls == tls) return listener.acceptor->local_endpoint().port();
  }
  return 0;
}

void Shard::start() {
  next_keepalive_ = clock::now() + shared_.options.keepalive_interval;
  for (Listener& listener : listeners_)
    accept(listener);
  schedule_sweep();
  thread_ = std::thread([this] {
    try {
      io_.run();
    } catch (const std::exception& e) {
      log::error("shard stopped by an exception",
                 {{"shard", std::to_string(index_)}, {"what", e.what()}});
    }
  });
}

void Shard::join() {
  if (thread_.joinable()) thread_.join();
}

void Shard::accept(Listener& listener) {
  listener.acceptor->async_accept(io_, [this, &listener](error_code ec,
                                                         asio::ip::tcp::socket socket) {
    if (shutting_down_ || ec == asio::error::operation_aborted) return;
    std::uint64_t suppressed = 0;
    if (ec) {
      // Typically EMFILE: back off instead of spinning on the listening socket.
      if (accept_failed_log_.allow(clock::now(), suppressed)) {
        log::warn("accept failed", {{"shard", std::to_string(index_)},
                                    {"error", ec.message()},
                                    {"suppressed", std::to_string(suppressed)}});
      }
      auto timer = std::make_shared<asio::steady_timer>(io_, accept_retry);
      timer->async_wait([this, timer, &listener](error_code) {
        if (!shutting_down_) accept(listener);
      });
      return;
    }
    if (shared_.connections.load(std::memory_order_relaxed) >= shared_.options.max_connections) {
      if (refused_log_.allow(clock::now(), suppressed)) {
        log::warn("connection refused: --max-connections reached",
                  {{"limit", std::to_string(shared_.options.max_connections)},
                   {"suppressed", std::to_string(suppressed)}});
      }
      if (!listener.tls) {  // a TLS client could not read a plain 503: it is just closed
        auto s = std::make_shared<asio::ip::tcp::socket>(std::move(socket));
        asio::async_write(*s, asio::buffer(busy_response), [s](error_code, std::size_t) {
          error_code ignored;
          s->shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
          s->close(ignored);
        });
      }
    } else {
      admit(std::move(socket), listener.tls);
    }
    accept(listener);
  });
}

void Shard::admit(asio::ip::tcp::socket socket, bool tls) {
  auto id = shared_.next_connection_id.fetch_add(1, std::memory_order_relaxed);
  if (log::enabled(log::Level::debug)) {
    // Only when asked: getpeername is a system call per connection.
    error_code peer_ec;
    auto peer = socket.remote_endpoint(peer_ec);
    log::debug("connection accepted",
               {{"conn", std::to_string(id)},
                {"tls", tls ? "yes" : "no"},
                {"remote",
                 peer_ec ? "?" : peer.address().to_string() + ":" + std::to_string(peer.port())}});
  }
  std::unique_ptr<Transport> transport;
  if (!tls) {
    transport = std::make_unique<TcpTransport>(std::move(socket));
  } else {
    try {
      transport =
          std::make_unique<TlsTransport>(std::move(socket), shared_.tls->new_session(), scratch());
    } catch (const std::bad_alloc&) {  // OpenSSL's allocations: this client only, not the shard
      note_handshake_failure(id, "cannot create a TLS session (out of memory)");
      return;  // the socket closes here
    }
  }
  shared_.connections.fetch_add(1, std::memory_order_relaxed);
  count_connection(Protocol::http1, tls, +1);  // until it turns to HTTP/2
  auto connection = std::make_shared<Connection>(*this, std::move(transport), id);
  link(*connection);
  connection->start();
}

void Shard::note_handshake_failure(std::uint64_t connection, std::string_view reason) {
  shared_.tls_handshake_failures.fetch_add(1, std::memory_order_relaxed);
  log::debug("TLS handshake failed",
             {{"conn", std::to_string(connection)}, {"reason", std::string(reason)}});
  std::uint64_t suppressed = 0;
  if (handshake_failed_log_.allow(clock::now(), suppressed)) {
    log::warn("TLS handshake failed (herald_tls_handshake_failures_total counts them all)",
              {{"conn", std::to_string(connection)},
               {"reason", std::string(reason)},
               {"suppressed", std::to_string(suppressed)}});
  }
}

void Shard::add_counts(ProtocolCounts& total) const {
  for (std::size_t protocol = 0; protocol < 2; ++protocol) {
    for (std::size_t tls = 0; tls < 2; ++tls) {
      const std::size_t i = protocol * 2 + tls;
      total.connections[protocol][tls] +=
          static_cast<std::size_t>(connections_by_[i].load(std::memory_order_relaxed));
      total.streams[protocol][tls] +=
          static_cast<std::size_t>(streams_by_[i].load(std::memory_order_relaxed));
    }
  }
}

void Shard::link(LiveConnection& c) {
  c.prev = nullptr;
  c.next = head_;
  if (head_) head_->prev = &c;
  head_ = &c;
  c.linked = true;
}

void Shard::unlink(LiveConnection& c) {
  if (c.prev)
    c.prev->next = c.next;
  else
    head_ = c.next;
  if (c.next) c.next->prev = c.prev;
  c.prev = c.next = nullptr;
  c.linked = false;
}

void Shard::schedule_sweep() {
  sweep_timer_.expires_after(shutting_down_ ? shutdown_poll : sweep_period);
  sweep_timer_.async_wait([this](error_code ec) {
    if (ec) return;
    if (shutting_down_) {
      shutdown_step();
    } else {
      sweep();
    }
    if (!io_.stopped()) schedule_sweep();
  });
}

void Shard::sweep() {
  auto now = clock::now();
  if (index_ == 0 && now >= next_trim_) {
    // After a connect burst the freed request buffers sit in malloc's free lists and RSS
    // stays at its peak; giving them back keeps idle subscribers cheap in fact.
    ::malloc_trim(0);
    next_trim_ = now + trim_period;
  }
  bool keepalive_due = false;
  if (shared_.options.keepalive_interval.count() > 0 && now >= next_keepalive_) {
    keepalive_due = true;
    next_keepalive_ = now + shared_.options.keepalive_interval;
  }
  // A connection may unlink itself while swept: keep a strong ref and the next pointer.
  for (LiveConnection* c = head_; c != nullptr;) {
    LiveConnection* next = c->next;
    auto keep = c->keep_alive();
    c->sweep(now, keepalive_due);
    c = next;
  }
}

void Shard::begin_shutdown() {
  asio::post(io_, [this] {
    if (shutting_down_) return;
    shutting_down_ = true;
    shutdown_deadline_ = clock::now() + shared_.options.shutdown_grace;
    error_code ec;
    for (Listener& listener : listeners_)
      listener.acceptor->close(ec);
    for (LiveConnection* c = head_; c != nullptr;) {
      LiveConnection* next = c->next;
      auto keep = c->keep_alive();
      c->shutdown();
      c = next;
    }
    sweep_timer_.cancel();
    schedule_sweep();
  });
}

void Shard::shutdown_step() {
  if (head_ != nullptr && clock::now() < shutdown_deadline_) return;
  for (LiveConnection* c = head_; c != nullptr;) {
    LiveConnection* next = c->next;
    auto keep = c->keep_alive();
    c->close_now("shutdown grace period over");
    c = next;
  }
  io_.stop();
}

}  // namespace herald::http
