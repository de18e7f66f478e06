#include "tls_socket.hpp"

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>

#include <cerrno>
#include <stdexcept>

#include <string_view>
#include "herald/loadgen/target.hpp"

namespace herald::loadgen {

namespace {
// The largest record's plaintext: a read with this much room takes a record whole, so none
// is left half inside OpenSSL, where a level-triggered epoll would not see it.
constexpr std::size_t max_record = 16384;

std::string openssl_error() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown OpenSSL error";
  char text[256];
  ERR_error_string_n(e, text, sizeof text);
  return text;
}
}  // namespace

std::unique_ptr<TlsClient> TlsClient::create(const TlsClientConfig& config, std::string* error) {
  auto fail = [&](const std::string& why) -> std::unique_ptr<TlsClient> {
    if (error) *error = why;
    return nullptr;
  };
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (ctx == nullptr) return fail("TLS: " + openssl_error());
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> owned(ctx, SSL_CTX_free);
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  // Writes behave as send(): partial, and retried from wherever the unsent bytes now are.
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  // A peer that closes without close_notify ends the stream as a plain socket's EOF does.
  SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
  if (config.alpn.empty() || config.alpn.size() > 255) return fail("TLS: bad ALPN protocol");
  std::string wire(1, static_cast<char>(config.alpn.size()));
  wire += config.alpn;
  if (SSL_CTX_set_alpn_protos(ctx, reinterpret_cast<const unsigned char*>(wire.data()),
                              static_cast<unsigned>(wire.size())) != 0) {
    return fail("TLS: ALPN: " + openssl_error());
  }
  const bool verify = !config.ca_file.empty();
  if (verify) {
    if (SSL_CTX_load_verify_locations(ctx, config.ca_file.c_str(), nullptr) != 1) {
      return fail("--ca-file " + config.ca_file + ": " + openssl_error());
    }
    X509_VERIFY_PARAM* param = SSL_CTX_get0_param(ctx);
    in_addr ip{};
    int set = inet_pton(AF_INET, config.host.c_str(), &ip) == 1
                  ? X509_VERIFY_PARAM_set1_ip_asc(param, config.host.c_str())
                  : X509_VERIFY_PARAM_set1_host(param, config.host.c_str(), 0);
    if (set != 1) return fail("TLS: host " + config.host + ": " + openssl_error());
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  } else {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  }
  return std::unique_ptr<TlsClient>(new TlsClient(owned.release(), config.alpn, verify));
}

std::unique_ptr<TlsClient> subscriber_tls(const Options& o, bool http2) {
  auto target = parse_target(o.url, nullptr);
  if (!target || !target->tls) return nullptr;
  std::string error;
  auto client = TlsClient::create({http2 ? "h2" : "http/1.1", o.ca_file, target->host}, &error);
  if (!client) throw std::runtime_error(error);
  return client;
}

TlsClient::~TlsClient() {
  SSL_CTX_free(ctx_);
}

bool TlsSocket::attach(const TlsClient& client, int fd) {
  reset();
  ssl_ = SSL_new(client.context());
  if (ssl_ == nullptr || SSL_set_fd(ssl_, fd) != 1) {
    ERR_clear_error();
    reset();
    return false;
  }
  SSL_set_connect_state(ssl_);
  client_ = &client;
  return true;
}

TlsSocket::Step TlsSocket::handshake(std::string* reason) {
  int r = SSL_connect(ssl_);
  if (r == 1) {
    const unsigned char* chosen = nullptr;
    unsigned int length = 0;
    SSL_get0_alpn_selected(ssl_, &chosen, &length);
    if (std::string_view(reinterpret_cast<const char*>(chosen), length) != client_->alpn()) {
      *reason = "tls_alpn";
      return Step::failed;
    }
    return Step::done;
  }
  switch (SSL_get_error(ssl_, r)) {
    case SSL_ERROR_WANT_READ:
      return Step::want_read;
    case SSL_ERROR_WANT_WRITE:
      return Step::want_write;
    default:
      break;
  }
  unsigned long e = ERR_peek_error();
  if (client_->verifies() && SSL_get_verify_result(ssl_) != X509_V_OK) {
    *reason = "tls_verify";
  } else if (ERR_GET_REASON(e) == SSL_R_TLSV1_ALERT_NO_APPLICATION_PROTOCOL) {
    *reason = "tls_alpn";
  } else {
    *reason = "tls_handshake";
  }
  ERR_clear_error();
  return Step::failed;
}

ssize_t TlsSocket::tls_read(char* data, std::size_t size) {
  // Records already read whole are taken too: fewer wake-ups, as with one large recv().
  std::size_t total = 0;
  do {
    std::size_t n = 0;
    int r = SSL_read_ex(ssl_, data + total, size - total, &n);
    if (r == 1) {
      total += n;
      continue;
    }
    int error = SSL_get_error(ssl_, r);
    if (total > 0) {
      // What ended this pass shows again on the next call; the queue must not outlive it.
      if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) ERR_clear_error();
      return static_cast<ssize_t>(total);
    }
    switch (error) {
      case SSL_ERROR_WANT_READ:
      case SSL_ERROR_WANT_WRITE:
        errno = EAGAIN;
        return -1;
      case SSL_ERROR_ZERO_RETURN:
        return 0;  // close_notify
      case SSL_ERROR_SYSCALL:
        ERR_clear_error();
        if (errno == 0) return 0;  // EOF without close_notify
        return -1;
      default:
        ERR_clear_error();
        errno = ECONNRESET;
        return -1;
    }
  } while (size - total >= max_record);
  return static_cast<ssize_t>(total);
}

ssize_t TlsSocket::tls_write(const char* data, std::size_t size) {
  if (size == 0) return 0;
  std::size_t n = 0;
  int r = SSL_write_ex(ssl_, data, size, &n);
  if (r == 1) return static_cast<ssize_t>(n);
  switch (SSL_get_error(ssl_, r)) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
      errno = EAGAIN;
      return -1;
    case SSL_ERROR_SYSCALL:
      ERR_clear_error();
      if (errno == 0) errno = EPIPE;
      return -1;
    default:
      ERR_clear_error();
      errno = ECONNRESET;
      return -1;
  }
}

void TlsSocket::reset() {
  if (ssl_ != nullptr) SSL_free(ssl_);
  ssl_ = nullptr;
  client_ = nullptr;
}

}  // namespace herald::loadgen
