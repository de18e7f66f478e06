#pragma once
// An exchange over HTTP/1.1 on a connection of its own: writes the request, reads the
// response with ResponseReader, closes the connection when it is over.
#include <array>
#include <memory>
#include <string>

#include "exchange.hpp"
#include "herald/client/response_reader.hpp"
#include "transport.hpp"

namespace herald::client::detail {

class Http1Exchange : public Exchange, public std::enable_shared_from_this<Http1Exchange> {
 public:
  // `transport` is connected (and past its TLS handshake).
  Http1Exchange(std::unique_ptr<Transport> transport, const ExchangeRequest& request,
                ExchangeEvents events);

  void start();
  void cancel() override;

 private:
  void read_more();
  void on_read(const boost::system::error_code& ec, std::size_t n);
  // Acts on what the reader made of the bytes; false once the exchange is over.
  bool consume(ResponseReader::Progress progress);
  void end(ExchangeEnd how);

  std::unique_ptr<Transport> transport_;
  std::string request_;
  ExchangeEvents events_;
  ResponseReader reader_;
  std::array<char, 16 * 1024> buffer_;
  bool over_ = false;  // ended or cancelled: nothing more is reported
};

}  // namespace herald::client::detail
