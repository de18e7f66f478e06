#pragma once
// One connection attempt of an EventSource: connects (TCP, TLS), then runs the exchange
// over HTTP/1.1 on that connection.
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ssl/context.hpp>

#include "exchange.hpp"
#include "transport.hpp"

namespace herald::client::detail {

struct AttemptSettings {
  boost::asio::any_io_executor executor;
  std::shared_ptr<boost::asio::ssl::context> tls_context;  // for https
};

class Attempt : public Exchange, public std::enable_shared_from_this<Attempt> {
 public:
  Attempt(const AttemptSettings& settings, ExchangeRequest request, ExchangeEvents events);

  void start();
  void cancel() override;

 private:
  void on_dialed(const std::optional<Transport::ConnectError>& error);
  void fail(ErrorKind kind, std::string message, bool fatal);

  AttemptSettings settings_;
  ExchangeRequest request_;
  ExchangeEvents events_;
  std::unique_ptr<Transport> dialing_;
  std::shared_ptr<Exchange> exchange_;  // once connected
  bool cancelled_ = false;
};

}  // namespace herald::client::detail
