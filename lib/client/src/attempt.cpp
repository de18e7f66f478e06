#include "attempt.hpp"

#include "connection_pool_impl.hpp"
#include "h2_stream.hpp"
#include "http1_exchange.hpp"

namespace herald::client::detail {

Attempt::Attempt(const AttemptSettings& settings, ExchangeRequest request, ExchangeEvents events)
    : settings_(settings), request_(std::move(request)), events_(std::move(events)) {
  if (settings_.pool) pool_key_ = ConnectionPool::Impl::key(request_.url, settings_.tls);
}

bool Attempt::wants_h2() const {
  if (request_.url.tls()) return settings_.http2 != Http2::off;
  return settings_.http2 == Http2::required;  // h2c only with prior knowledge
}

void Attempt::start() {
  if (!settings_.pool || !wants_h2()) {
    dial(false);
    return;
  }
  auto& pool = settings_.pool->impl();
  if (auto connection = pool.find(pool_key_)) {
    run_h2(std::move(connection));
    return;
  }
  const bool waiting = pool.wait_for_dial(
      pool_key_, [self = shared_from_this()](std::shared_ptr<H2Connection> connection) {
        if (self->cancelled_) return;
        if (connection) {
          self->run_h2(std::move(connection));
        } else {
          self->dial(false);  // not HTTP/2, or it failed: this source tries for itself
        }
      });
  if (waiting) return;
  pool.dial_started(pool_key_);
  dial(true);
}

void Attempt::dial(bool for_pool) {
  dialing_for_pool_ = for_pool;
  dialing_ = std::make_unique<Transport>(settings_.executor, settings_.tls_context.get());
  dialing_->connect(
      request_.url,
      [self = shared_from_this()](const std::optional<Transport::ConnectError>& error) {
        self->on_dialed(error);
      },
      wants_h2());
}

void Attempt::on_dialed(const std::optional<Transport::ConnectError>& error) {
  // The transport stays with the attempt unless an exchange takes it: this runs inside its
  // handler.
  std::shared_ptr<H2Connection> connection;
  const bool h2 = !error && (request_.url.tls() ? dialing_->alpn_h2() : wants_h2());
  // Even for a cancelled attempt, a connection made for the pool is kept for the others.
  if (h2 && (!cancelled_ || dialing_for_pool_)) {
    const auto linger =
        dialing_for_pool_ ? settings_.pool->impl().idle_close : std::chrono::milliseconds(0);
    connection = std::make_shared<H2Connection>(std::move(dialing_), settings_.tls_context,
                                                request_.url.authority(), linger);
    connection->start();
  }
  if (dialing_for_pool_) settings_.pool->impl().dial_finished(pool_key_, connection);
  if (cancelled_) return;
  if (error) {
    fail(error->tls ? ErrorKind::tls : ErrorKind::network, error->message, error->fatal);
  } else if (connection) {
    run_h2(std::move(connection));
  } else if (settings_.http2 == Http2::required) {
    dialing_->close();
    fail(ErrorKind::tls,
         request_.url.authority() + " did not agree to HTTP/2 by ALPN, and HTTP/2 is required",
         true);
  } else {
    auto http1 = std::make_shared<Http1Exchange>(std::move(dialing_), request_, events_);
    exchange_ = http1;
    http1->start();
  }
}

void Attempt::run_h2(std::shared_ptr<H2Connection> connection) {
  auto stream = std::make_shared<H2Stream>(std::move(connection), events_);
  exchange_ = stream;
  stream->start(request_);
}

void Attempt::fail(ErrorKind kind, std::string message, bool fatal) {
  events_.end({ExchangeEnd::How::failed, kind, std::move(message), fatal});
}

void Attempt::cancel() {
  cancelled_ = true;
  if (dialing_) dialing_->close();  // its handler still runs (to tell the pool's waiters)
  if (exchange_) exchange_->cancel();
}

}  // namespace herald::client::detail
