#pragma once
// Plain TCP: readiness waits and gathered writes straight on the socket.
#include <span>

#include "transport.hpp"
#include "write_cursor.hpp"

namespace herald::http {

class TcpTransport final : public Transport {
 public:
  explicit TcpTransport(boost::asio::ip::tcp::socket socket) : socket_(std::move(socket)) {}

  boost::asio::ip::tcp::socket& socket() override { return socket_; }
  void async_handshake(Completion done) override;
  void async_wait_readable(Completion done) override;
  std::size_t read_some(std::span<char> into, boost::system::error_code& ec) override;
  void async_write(std::span<const boost::asio::const_buffer> buffers, Completion done) override;
  void shutdown_send() override;

 private:
  void write_step(Completion done);
  void complete_later(Completion done, boost::system::error_code ec);

  boost::asio::ip::tcp::socket socket_;
  // The write in progress: where it stands in the caller's buffers.
  WriteCursor out_;  // the write in flight
};

}  // namespace herald::http
