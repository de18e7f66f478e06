#include "tls_transport.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>

#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>

namespace herald::http {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// OpenSSL's socket BIO writes with write(2): a peer that has left raises SIGPIPE, which
// kills a program that does not ignore it (an embedder of lib/http, a test). This is the
// socket BIO with one change: it writes with send(2) and MSG_NOSIGNAL, as Asio does.
int send_nosignal(BIO* bio, const char* data, int size) {
  BIO_clear_retry_flags(bio);
  int fd = -1;
  BIO_get_fd(bio, &fd);
  ssize_t n = ::send(fd, data, static_cast<std::size_t>(size), MSG_NOSIGNAL);
  if (n < 0 && BIO_sock_should_retry(-1) != 0) BIO_set_retry_write(bio);
  return static_cast<int>(n);
}

BIO_METHOD* make_socket_method() {
  const BIO_METHOD* socket = BIO_s_socket();
  BIO_METHOD* method = BIO_meth_new(BIO_TYPE_SOCKET, "socket without SIGPIPE");
  if (method == nullptr) throw std::bad_alloc();
  BIO_meth_set_write(method, send_nosignal);
  BIO_meth_set_read(method, BIO_meth_get_read(socket));
  BIO_meth_set_puts(method, BIO_meth_get_puts(socket));
  BIO_meth_set_ctrl(method, BIO_meth_get_ctrl(socket));
  BIO_meth_set_create(method, BIO_meth_get_create(socket));
  BIO_meth_set_destroy(method, BIO_meth_get_destroy(socket));
  return method;
}

// Made once, used by every session, freed by nobody (like OpenSSL's own methods).
const BIO_METHOD* socket_method() {
  static BIO_METHOD* const method = make_socket_method();
  return method;
}

// The error of an SSL call that failed with `ssl_error` (SSL_get_error). The OpenSSL
// error queue is per thread: it is emptied here so that it cannot mislead the next call.
error_code failure(int ssl_error) {
  error_code ec;
  if (ssl_error == SSL_ERROR_ZERO_RETURN) {
    ec = asio::error::eof;
  } else if (unsigned long e = ERR_get_error(); e != 0) {
    ec = error_code(static_cast<int>(e), asio::error::get_ssl_category());
  } else if (ssl_error == SSL_ERROR_SYSCALL && errno != 0) {
    ec = error_code(errno, boost::system::system_category());
  } else {
    ec = asio::error::eof;  // the peer closed the TCP connection
  }
  ERR_clear_error();
  return ec;
}

}  // namespace

TlsTransport::TlsTransport(asio::ip::tcp::socket socket, SSL* ssl, std::span<char> scratch)
    : socket_(std::move(socket)), ssl_(ssl), scratch_(scratch) {
  BIO* bio = BIO_new(socket_method());
  if (bio == nullptr) {
    SSL_free(ssl_);
    throw std::bad_alloc();
  }
  // BIO_NOCLOSE: the asio socket owns the descriptor.
  BIO_set_fd(bio, socket_.native_handle(), BIO_NOCLOSE);
  SSL_set_bio(ssl_, bio, bio);  // the session owns the BIO
  SSL_set_accept_state(ssl_);
}

TlsTransport::~TlsTransport() {
  SSL_free(ssl_);
}

void TlsTransport::complete_later(Completion done, error_code ec, std::size_t n) {
  asio::post(socket_.get_executor(), [done = std::move(done), ec, n] { done(ec, n); });
}

void TlsTransport::wait(Want want, Completion done, void (TlsTransport::*resume)(Completion)) {
  socket_.async_wait(
      want == Want::read ? asio::ip::tcp::socket::wait_read : asio::ip::tcp::socket::wait_write,
      // `done` keeps the connection, and so this transport, alive.
      [this, done = std::move(done), resume](error_code ec) mutable {
        if (ec) {
          done(ec, out_.written);  // a write cut short still counts what went out
          return;
        }
        (this->*resume)(std::move(done));
      });
}

void TlsTransport::async_handshake(Completion done) {
  // Started from the accept handler: the first step runs from the io_context like the rest.
  asio::post(socket_.get_executor(),
             [this, done = std::move(done)]() mutable { handshake_step(std::move(done)); });
}

void TlsTransport::handshake_step(Completion done) {
  ERR_clear_error();
  int r = SSL_do_handshake(ssl_);
  if (r == 1) {
    done({}, 0);
    return;
  }
  int err = SSL_get_error(ssl_, r);
  if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
    wait(err == SSL_ERROR_WANT_READ ? Want::read : Want::write, std::move(done),
         &TlsTransport::handshake_step);
    return;
  }
  done(failure(err), 0);
}

void TlsTransport::async_wait_readable(Completion done) {
  // Bytes OpenSSL already took off the socket would never wake a readiness wait.
  if (SSL_has_pending(ssl_) == 1) {
    complete_later(std::move(done), {}, 0);
    return;
  }
  socket_.async_wait(
      read_wants_write_ ? asio::ip::tcp::socket::wait_write : asio::ip::tcp::socket::wait_read,
      [done = std::move(done)](error_code ec) { done(ec, 0); });
}

std::size_t TlsTransport::read_some(std::span<char> into, error_code& ec) {
  ERR_clear_error();
  std::size_t n = 0;
  int r = SSL_read_ex(ssl_, into.data(), into.size(), &n);
  read_wants_write_ = false;
  if (r == 1) {
    ec = {};
    return n;
  }
  int err = SSL_get_error(ssl_, r);
  if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
    read_wants_write_ = err == SSL_ERROR_WANT_WRITE;
    ec = asio::error::would_block;
    return 0;
  }
  ec = failure(err);
  return 0;
}

void TlsTransport::async_write(std::span<const asio::const_buffer> buffers, Completion done) {
  out_.start(buffers);
  // The first records go out at once (the socket usually has room); completion still
  // comes from the io_context.
  write_step(std::move(done));
}

std::size_t TlsTransport::stage() {
  std::size_t staged = 0;
  std::size_t index = out_.index;
  std::size_t offset = out_.offset;
  while (index < out_.buffers.size() && staged < scratch_.size()) {
    const auto* bytes = static_cast<const char*>(out_.buffers[index].data());
    std::size_t take = std::min(out_.buffers[index].size() - offset, scratch_.size() - staged);
    std::memcpy(scratch_.data() + staged, bytes + offset, take);
    staged += take;
    offset += take;
    if (offset == out_.buffers[index].size()) {
      ++index;
      offset = 0;
    }
  }
  return staged;
}

void TlsTransport::write_step(Completion done) {
  // One record per SSL_write (the scratch buffer holds one record's plaintext, 16 KiB): a
  // flush of many small events is one record and one system call, as over TCP. After
  // WANT_WRITE, OpenSSL holds the encrypted record and must be called again with the same
  // length: stage() copies the same bytes again (SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER).
  out_.advance(0);
  while (!out_.done()) {
    std::size_t staged = stage();
    ERR_clear_error();
    std::size_t n = 0;
    int r = SSL_write_ex(ssl_, scratch_.data(), staged, &n);
    if (r == 1) {
      out_.advance(n);
      continue;
    }
    int err = SSL_get_error(ssl_, r);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
      wait(err == SSL_ERROR_WANT_READ ? Want::read : Want::write, std::move(done),
           &TlsTransport::write_step);
      return;
    }
    complete_later(std::move(done), failure(err), out_.written);
    return;
  }
  complete_later(std::move(done), {}, out_.written);
}

std::string_view TlsTransport::alpn() const {
  const unsigned char* protocol = nullptr;
  unsigned int size = 0;
  SSL_get0_alpn_selected(ssl_, &protocol, &size);
  return {reinterpret_cast<const char*>(protocol), size};
}

void TlsTransport::shutdown_send() {
  // close_notify tells the client the answer is complete (not cut by an attacker). Sent
  // without waiting: if the socket has no room, the TCP FIN must do.
  if (SSL_is_init_finished(ssl_) == 1) {
    ERR_clear_error();
    SSL_shutdown(ssl_);
    ERR_clear_error();
  }
  error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
}

}  // namespace herald::http
