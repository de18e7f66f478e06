#include "tcp_transport.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

namespace herald::http {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// A buffer sequence over the caller's array: asio copies the sequence object into each
// write operation, and copying two pointers costs no allocation (a vector would).
struct BufferSpan {
  const asio::const_buffer* first;
  const asio::const_buffer* last;
  const asio::const_buffer* begin() const { return first; }
  const asio::const_buffer* end() const { return last; }
};

}  // namespace

void TcpTransport::async_handshake(Completion done) {
  asio::post(socket_.get_executor(), [done = std::move(done)] { done({}, 0); });
}

void TcpTransport::async_wait_readable(Completion done) {
  socket_.async_wait(asio::ip::tcp::socket::wait_read,
                     [done = std::move(done)](error_code ec) { done(ec, 0); });
}

std::size_t TcpTransport::read_some(std::span<char> into, error_code& ec) {
  std::size_t n = socket_.read_some(asio::buffer(into.data(), into.size()), ec);
  if (ec == asio::error::try_again) ec = asio::error::would_block;
  return n;
}

void TcpTransport::async_write(std::span<const asio::const_buffer> buffers, Completion done) {
  asio::async_write(socket_, BufferSpan{buffers.data(), buffers.data() + buffers.size()},
                    [done = std::move(done)](error_code ec, std::size_t n) { done(ec, n); });
}

void TcpTransport::shutdown_send() {
  error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
}

}  // namespace herald::http
