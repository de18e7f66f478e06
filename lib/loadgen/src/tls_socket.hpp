#pragma once
// TLS for the subscriber pools: one TlsClient (an SSL_CTX) per process, one TlsSocket per
// connection, non-blocking over the pool's own descriptor in the epoll loop. A plain
// connection's TlsSocket is empty, and its read()/write() are recv()/send() after one
// well-predicted test per call.
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <cstddef>
#include <memory>
#include <string>

#include "herald/loadgen/options.hpp"

namespace herald::loadgen {

struct TlsClientConfig {
  std::string alpn;     // the one protocol offered: "http/1.1" or "h2"
  std::string ca_file;  // empty: no certificate verification
  std::string host;     // the name or IP address the certificate must match (with ca_file)
};

// The subscribers' TLS client of a run: nullptr for an http:// --url. Throws
// std::runtime_error when it cannot be made (a --ca-file that does not load, for one).
class TlsClient;
std::unique_ptr<TlsClient> subscriber_tls(const Options& o, bool http2);

class TlsClient {
 public:
  // TLS 1.2 or later. nullptr, with `error` set, when the context cannot be made (a
  // --ca-file that does not load, for one).
  static std::unique_ptr<TlsClient> create(const TlsClientConfig& config, std::string* error);
  ~TlsClient();
  TlsClient(const TlsClient&) = delete;
  TlsClient& operator=(const TlsClient&) = delete;

  SSL_CTX* context() const { return ctx_; }
  const std::string& alpn() const { return alpn_; }
  bool verifies() const { return verify_; }

 private:
  TlsClient(SSL_CTX* ctx, std::string alpn, bool verify)
      : ctx_(ctx), alpn_(std::move(alpn)), verify_(verify) {}
  SSL_CTX* ctx_;
  std::string alpn_;
  bool verify_;
};

class TlsSocket {
 public:
  enum class Step : std::uint8_t { done, want_read, want_write, failed };

  TlsSocket() = default;
  ~TlsSocket() { reset(); }
  TlsSocket(const TlsSocket&) = delete;
  TlsSocket& operator=(const TlsSocket&) = delete;

  // Starts a client session on the connected descriptor `fd`. False when OpenSSL could not.
  bool attach(const TlsClient& client, int fd);
  bool active() const { return ssl_ != nullptr; }
  // Drives the handshake. On `failed`, `reason` says why: tls_verify (the certificate did
  // not verify), tls_alpn (the server did not pick the protocol asked for), tls_handshake.
  Step handshake(std::string* reason);

  // As recv()/send(): bytes moved (read takes every record that fits; give it at least
  // 16 KiB, so that none is left half-read inside OpenSSL, where epoll cannot see it), 0 when the
  // peer closed, -1 with errno (EAGAIN when the socket must become readable or writable first,
  // ECONNRESET on a TLS error).
  ssize_t read(int fd, char* data, std::size_t size) {
    if (ssl_ == nullptr) return ::recv(fd, data, size, 0);
    return tls_read(data, size);
  }
  ssize_t write(int fd, const char* data, std::size_t size) {
    if (ssl_ == nullptr) return ::send(fd, data, size, MSG_NOSIGNAL);
    return tls_write(data, size);
  }
  // Frees the session (the descriptor stays the caller's to close).
  void reset();

 private:
  ssize_t tls_read(char* data, std::size_t size);
  ssize_t tls_write(const char* data, std::size_t size);
  SSL* ssl_ = nullptr;
  const TlsClient* client_ = nullptr;
};

}  // namespace herald::loadgen
