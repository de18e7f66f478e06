#pragma once
// One client connection, plain TCP or TLS: resolve, connect, handshake (with SNI, host
// name verification and ALPN), write, read. Closing it cancels whatever is pending.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>

#include "herald/client/url.hpp"

namespace herald::client::detail {

class Transport {
 public:
  using tcp = boost::asio::ip::tcp;
  using error_code = boost::system::error_code;

  struct ConnectError {
    std::string message;
    bool tls = false;
    bool fatal = false;  // the peer's certificate did not verify: retrying cannot help
  };
  using ConnectHandler = std::function<void(const std::optional<ConnectError>&)>;

  // `tls` must outlive the transport when the URL is https; null for http.
  Transport(const boost::asio::any_io_executor& executor, boost::asio::ssl::context* tls);

  // With `offer_h2`, a TLS handshake offers h2 and http/1.1 by ALPN, as a browser does;
  // without, it offers nothing (HTTP/1.1).
  void connect(const Url& url, ConnectHandler done, bool offer_h2 = false);
  // After a TLS handshake: whether the server chose h2.
  bool alpn_h2();

  template <class Handler>
  void write(const std::string& bytes, Handler&& handler);

  template <class Handler>
  void read_some(boost::asio::mutable_buffer buffer, Handler&& handler) {
    if (tls_) {
      tls_->async_read_some(buffer, std::forward<Handler>(handler));
    } else {
      plain_.async_read_some(buffer, std::forward<Handler>(handler));
    }
  }

  boost::asio::any_io_executor executor() { return plain_.get_executor(); }

  // Abrupt on purpose: an event stream has nothing to flush and no TLS close_notify to wait
  // for.
  void close();

 private:
  void on_resolved(const error_code& ec, const tcp::resolver::results_type& results);
  void on_connected(const error_code& ec);
  void on_handshake(const error_code& ec);
  void finish(std::optional<ConnectError> error);

  tcp::resolver resolver_;
  tcp::socket plain_;  // the TLS stream, when there is one, runs over this socket
  std::optional<boost::asio::ssl::stream<tcp::socket&>> tls_;
  boost::asio::ssl::context* tls_context_;
  Url url_;
  bool offer_h2_ = false;
  ConnectHandler done_;
};

}  // namespace herald::client::detail

#include <boost/asio/write.hpp>

template <class Handler>
void herald::client::detail::Transport::write(const std::string& bytes, Handler&& handler) {
  if (tls_) {
    boost::asio::async_write(*tls_, boost::asio::buffer(bytes), std::forward<Handler>(handler));
  } else {
    boost::asio::async_write(plain_, boost::asio::buffer(bytes), std::forward<Handler>(handler));
  }
}
