#pragma once
// What a Connection needs of its byte stream, so that the HTTP/1.1 logic is the same over
// plain TCP (tcp_transport) and TLS (tls_transport). The model is readiness: a connection
// waits for readability without a buffer and then reads what is there into its shard's
// scratch buffer, so an idle connection holds no read buffer on either transport.
#include <cstddef>
#include <memory>
#include <span>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

namespace herald::http {

// What an operation calls when it is done: a plain function and the object it keeps alive
// meanwhile. Unlike std::function it never allocates, and a stream's every flush makes one.
struct Completion {
  std::shared_ptr<void> owner;
  void (*fn)(void* owner, boost::system::error_code ec, std::size_t bytes);
  void operator()(boost::system::error_code ec, std::size_t bytes) const {
    fn(owner.get(), ec, bytes);
  }
};

// A Completion that calls `method` on `self`, keeping it alive until then (both the
// HTTP/1.1 and the HTTP/2 connection make theirs this way).
template <auto method, class T>
Completion completion_for(std::shared_ptr<T> self) {
  return {std::move(self), [](void* owner, boost::system::error_code ec, std::size_t bytes) {
            (static_cast<T*>(owner)->*method)(ec, bytes);
          }};
}

// Every completion runs from the io_context, never from inside the call that started it.
class Transport {
 public:
  virtual ~Transport() = default;

  // The TCP socket underneath: socket options, TCP_INFO (the write-stall check), close.
  virtual boost::asio::ip::tcp::socket& socket() = 0;
  // Before anything else: TLS's handshake; plain TCP has none and completes at once.
  virtual void async_handshake(Completion done) = 0;
  // Completes once read_some would not block (or the peer left). Holds no buffer.
  virtual void async_wait_readable(Completion done) = 0;
  // Non-blocking: what is there, at most into.size() bytes; would_block when nothing is,
  // eof once the peer closed.
  virtual std::size_t read_some(std::span<char> into, boost::system::error_code& ec) = 0;
  // Writes all of `buffers`; they and the bytes they point to stay alive until `done`.
  // One write at a time.
  virtual void async_write(std::span<const boost::asio::const_buffer> buffers, Completion done) = 0;
  // No more bytes from us (TLS: close_notify first). Called with no write in flight.
  virtual void shutdown_send() = 0;
  virtual bool encrypted() const { return false; }
  // After the handshake, the protocol ALPN chose ("h2", "http/1.1"); empty without TLS or
  // when the client offered none.
  virtual std::string_view alpn() const { return {}; }
};

}  // namespace herald::http
