#pragma once
// One connection attempt of an EventSource: finds the pooled HTTP/2 connection of the
// origin, or connects (TCP, TLS with ALPN), then runs the exchange over what was agreed:
// HTTP/1.1 on a connection of its own, or a stream on an HTTP/2 connection (h2 by ALPN, h2c
// with prior knowledge), shared through the pool when there is one.
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ssl/context.hpp>

#include "exchange.hpp"
#include "h2_connection.hpp"
#include "herald/client/connection_pool.hpp"
#include "transport.hpp"

namespace herald::client::detail {

struct AttemptSettings {
  boost::asio::any_io_executor executor;
  std::shared_ptr<boost::asio::ssl::context> tls_context;  // for https
  TlsOptions tls;                                          // what the context was made of
  Http2 http2 = Http2::negotiate;
  std::shared_ptr<ConnectionPool> pool;
};

class Attempt : public Exchange, public std::enable_shared_from_this<Attempt> {
 public:
  Attempt(const AttemptSettings& settings, ExchangeRequest request, ExchangeEvents events);

  void start();
  void cancel() override;

 private:
  // HTTP/2 is what the options ask for on this URL (over TLS: what ALPN offers).
  bool wants_h2() const;
  // Connects; with `for_pool`, the pool's waiters hear how it went.
  void dial(bool for_pool);
  void on_dialed(const std::optional<Transport::ConnectError>& error);
  void run_h2(std::shared_ptr<H2Connection> connection);
  void fail(ErrorKind kind, std::string message, bool fatal);

  AttemptSettings settings_;
  ExchangeRequest request_;
  ExchangeEvents events_;
  std::string pool_key_;
  std::unique_ptr<Transport> dialing_;
  bool dialing_for_pool_ = false;
  std::shared_ptr<Exchange> exchange_;  // once the protocol is known
  bool cancelled_ = false;
};

}  // namespace herald::client::detail
