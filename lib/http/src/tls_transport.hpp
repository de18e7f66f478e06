#pragma once
// TLS straight on the socket's file descriptor (SSL_set_fd), driven by readiness waits.
//
// Not asio::ssl::stream: that one keeps two 17 KiB buffers of its own and a 2 x 17 KiB BIO
// pair for the whole life of every connection, whether it is idle or not. Here OpenSSL
// reads from and writes to the socket itself, and with SSL_MODE_RELEASE_BUFFERS (see
// tls_context.cpp) it frees its record buffers whenever they are empty: an idle TLS
// connection keeps only OpenSSL's session state. Plaintext is read into the shard's
// scratch buffer, like over TCP, and written from it one record at a time.
#include <openssl/ssl.h>

#include <span>

#include "transport.hpp"
#include "write_cursor.hpp"

namespace herald::http {

class TlsTransport final : public Transport {
 public:
  // Takes ownership of `ssl` (a fresh server session; freed also when this throws
  // std::bad_alloc). `scratch` is the shard's buffer, used only within one call (writes
  // are staged there, one record at a time).
  TlsTransport(boost::asio::ip::tcp::socket socket, SSL* ssl, std::span<char> scratch);
  ~TlsTransport() override;
  TlsTransport(const TlsTransport&) = delete;
  TlsTransport& operator=(const TlsTransport&) = delete;

  boost::asio::ip::tcp::socket& socket() override { return socket_; }
  void async_handshake(Completion done) override;
  void async_wait_readable(Completion done) override;
  std::size_t read_some(std::span<char> into, boost::system::error_code& ec) override;
  void async_write(std::span<const boost::asio::const_buffer> buffers, Completion done) override;
  void shutdown_send() override;
  bool encrypted() const override { return true; }
  std::string_view alpn() const override;

 private:
  enum class Want { read, write };
  void handshake_step(Completion done);
  void write_step(Completion done);
  std::size_t stage();  // copies the next record's plaintext into scratch_
  void wait(Want want, Completion done, void (TlsTransport::*resume)(Completion));
  void complete_later(Completion done, boost::system::error_code ec, std::size_t n);

  boost::asio::ip::tcp::socket socket_;
  SSL* ssl_;
  std::span<char> scratch_;
  bool read_wants_write_ = false;  // the last read_some needs writability to go on
  // The write in progress: where it stands in the caller's buffers.
  WriteCursor out_;  // the write in flight
};

}  // namespace herald::http
