#include "tcp_transport.hpp"

#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <cerrno>

#include <boost/asio/post.hpp>

namespace herald::http {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {
// Buffers per sendmsg: Linux's IOV_MAX. asio::async_write gives the kernel at most 16 at a
// time, and an HTTP/2 batch has two per stream (frame header, event): fifty streams would
// take seven system calls instead of one.
constexpr std::size_t max_iov = 1024;
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

void TcpTransport::complete_later(Completion done, error_code ec) {
  asio::post(socket_.get_executor(),
             [done = std::move(done), ec, n = out_.written] { done(ec, n); });
}

void TcpTransport::async_write(std::span<const asio::const_buffer> buffers, Completion done) {
  out_.start(buffers);
  // The socket usually has room: the first sendmsg goes out at once; completion still
  // comes from the io_context.
  write_step(std::move(done));
}

void TcpTransport::write_step(Completion done) {
  out_.advance(0);
  while (!out_.done()) {
    iovec iov[max_iov];
    std::size_t count = 0;
    for (std::size_t i = out_.index; i < out_.buffers.size() && count < max_iov; ++i) {
      const std::size_t skip = i == out_.index ? out_.offset : 0;
      iov[count].iov_base =
          const_cast<char*>(static_cast<const char*>(out_.buffers[i].data()) + skip);
      iov[count].iov_len = out_.buffers[i].size() - skip;
      ++count;
    }
    msghdr message{};
    message.msg_iov = iov;
    message.msg_iovlen = count;
    // MSG_NOSIGNAL: a peer that left is an error here, not a SIGPIPE.
    const ssize_t n = ::sendmsg(socket_.native_handle(), &message, MSG_NOSIGNAL);
    if (n >= 0) {
      out_.advance(static_cast<std::size_t>(n));
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      // `done` keeps the connection, and so this transport, alive.
      socket_.async_wait(asio::ip::tcp::socket::wait_write,
                         [this, done = std::move(done)](error_code ec) mutable {
                           if (ec) {
                             done(ec, out_.written);  // a write cut short counts what went out
                             return;
                           }
                           write_step(std::move(done));
                         });
      return;
    }
    complete_later(std::move(done), error_code(errno, boost::system::system_category()));
    return;
  }
  complete_later(std::move(done), {});
}

void TcpTransport::shutdown_send() {
  error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
}

}  // namespace herald::http
