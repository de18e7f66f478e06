#pragma once
// One HTTP/2 connection of the client (h2 after ALPN, or h2c with prior knowledge): the
// H2ClientSession codec on a Transport, with streams opened on it by one or many
// EventSources. It reads into one buffer and writes each batch of the codec's output with
// one write. It closes itself once it has had no stream for `linger` (at once when 0), when
// the server's GOAWAY leaves it nothing to do, or when the connection breaks, which fails
// every stream still open.
#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "herald/client/h2_client_session.hpp"
#include "transport.hpp"

namespace herald::client::detail {

class H2Connection : public std::enable_shared_from_this<H2Connection> {
 public:
  // What happens to one stream; at most one of closed() and lost() is called.
  class StreamHandler {
   public:
    virtual ~StreamHandler() = default;
    virtual void on_head(const H2ResponseHead& head) = 0;
    virtual void on_data(std::string_view bytes) = 0;
    // The server ended the stream (code 0) or reset it (H2ClientSession::Callbacks).
    virtual void on_closed(std::uint32_t code) = 0;
    // The connection broke, or ended with the stream still open.
    virtual void on_lost(const std::string& why) = 0;
  };

  // `transport` is connected (past ALPN for TLS); `tls_context` is the one its TLS stream
  // was made from, kept alive with it.
  H2Connection(std::unique_ptr<Transport> transport,
               std::shared_ptr<boost::asio::ssl::context> tls_context, std::string authority,
               std::chrono::milliseconds linger);

  // Sends the preface and starts reading.
  void start();
  // A new stream for `request`, reported to `handler`; -1 when the connection takes no new
  // stream (GOAWAY, closing, broken).
  std::int32_t open(const H2Request& request, std::shared_ptr<StreamHandler> handler);
  // Resets the stream; its handler hears nothing more.
  void cancel(std::int32_t stream_id);
  bool accepting() const { return !closing_ && session_.accepting(); }
  const std::string& authority() const { return authority_; }
  boost::asio::any_io_executor executor() { return transport_->executor(); }

 private:
  H2ClientSession::Callbacks session_callbacks();
  std::shared_ptr<StreamHandler> handler(std::int32_t stream_id) const;
  void read_more();
  void on_read(const boost::system::error_code& ec, std::size_t n);
  void flush();
  // The last stream is gone: close now or after `linger_`, unless a new one comes.
  void stream_gone();
  void close_gracefully();
  void close_if_done();
  void close_now();
  // Every stream still open is lost, for this reason; no new one is taken.
  void fail_streams(const std::string& why);

  std::unique_ptr<Transport> transport_;
  std::shared_ptr<boost::asio::ssl::context> tls_context_;
  std::string authority_;
  std::chrono::milliseconds linger_;
  H2ClientSession session_;
  std::unordered_map<std::int32_t, std::shared_ptr<StreamHandler>> streams_;
  std::array<char, 16 * 1024> buffer_;
  std::string writing_;  // the batch in flight
  bool write_in_flight_ = false;
  bool feeding_ = false;  // inside session_.feed()
  bool closing_ = false;  // takes no new stream
  bool closed_ = false;   // the socket is closed
  boost::asio::steady_timer linger_timer_;
  std::uint64_t linger_generation_ = 0;
};

}  // namespace herald::client::detail
