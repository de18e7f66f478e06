#include "attempt.hpp"

#include "http1_exchange.hpp"

namespace herald::client::detail {

Attempt::Attempt(const AttemptSettings& settings, ExchangeRequest request, ExchangeEvents events)
    : settings_(settings), request_(std::move(request)), events_(std::move(events)) {}

void Attempt::start() {
  dialing_ = std::make_unique<Transport>(settings_.executor, settings_.tls_context.get());
  dialing_->connect(request_.url, [self = shared_from_this()](
                                      const std::optional<Transport::ConnectError>& error) {
    self->on_dialed(error);
  });
}

void Attempt::on_dialed(const std::optional<Transport::ConnectError>& error) {
  // The transport stays with the attempt unless an exchange takes it: this runs inside its
  // handler.
  if (cancelled_) return;
  if (error) {
    fail(error->tls ? ErrorKind::tls : ErrorKind::network, error->message, error->fatal);
    return;
  }
  auto http1 = std::make_shared<Http1Exchange>(std::move(dialing_), request_, events_);
  exchange_ = http1;
  http1->start();
}

void Attempt::fail(ErrorKind kind, std::string message, bool fatal) {
  events_.end({ExchangeEnd::How::failed, kind, std::move(message), fatal});
}

void Attempt::cancel() {
  cancelled_ = true;
  if (dialing_) dialing_->close();
  if (exchange_) exchange_->cancel();
}

}  // namespace herald::client::detail
