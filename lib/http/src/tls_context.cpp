#include "tls_context.hpp"

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509err.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>
#include <stdexcept>

namespace herald::http {

namespace {

// TLS 1.2 suites: ECDHE key exchange (forward secrecy) with an AEAD cipher only; no CBC,
// RC4, 3DES or static RSA. TLS 1.3 keeps OpenSSL's default suites (all AEAD).
constexpr const char* tls12_ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// The application protocols we speak, in our order of preference, in ALPN's wire format
// (a length byte before each name): h2 first, so that a browser multiplexes its
// EventSources on one connection instead of hitting its six-per-host HTTP/1.1 limit.
// Without HTTP/2 (--h2-max-streams 0) only http/1.1.
constexpr unsigned char alpn_with_h2[] = "\x02h2\x08http/1.1";
constexpr unsigned char alpn_http11[] = "\x08http/1.1";

// A client that offers ALPN but none of our protocols is refused with the
// no_application_protocol alert (RFC 7301 3.2). A client that offers none gets HTTP/1.1.
// `arg` tells whether h2 is offered. SSL_select_next_proto takes the first of ours that the
// client offers: the server's preference.
int select_alpn(SSL*, const unsigned char** out, unsigned char* out_len, const unsigned char* in,
                unsigned int in_len, void* arg) {
  const bool offer_h2 = arg != nullptr;
  const unsigned char* ours = offer_h2 ? alpn_with_h2 : alpn_http11;
  const unsigned int ours_len = offer_h2 ? sizeof alpn_with_h2 - 1 : sizeof alpn_http11 - 1;
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, out_len, ours, ours_len, in, in_len) !=
      OPENSSL_NPN_NEGOTIATED) {
    return SSL_TLSEXT_ERR_ALERT_FATAL;
  }
  *out = selected;
  return SSL_TLSEXT_ERR_OK;
}

std::string openssl_reason() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown error";
  const char* reason = ERR_reason_error_string(e);
  return reason != nullptr ? reason : "error " + std::to_string(e);
}

// OpenSSL's message for a missing file is obscure ("system lib"): open it ourselves first.
void check_readable(const std::string& what, const std::string& file) {
  if (file.empty()) throw std::runtime_error(what + ": no file given");
  std::FILE* f = std::fopen(file.c_str(), "r");
  if (f == nullptr) {
    throw std::runtime_error("cannot read " + what + " " + file + ": " + std::strerror(errno));
  }
  std::fclose(f);
}

std::string subject_of(SSL_CTX* ctx) {
  X509* cert = SSL_CTX_get0_certificate(ctx);
  if (cert == nullptr) return {};
  char buf[512];
  X509_NAME_oneline(X509_get_subject_name(cert), buf, sizeof buf);
  return buf;
}

}  // namespace

TlsCredentials::TlsCredentials(std::string cert_file, std::string key_file, bool offer_h2)
    : cert_file_(std::move(cert_file)),
      key_file_(std::move(key_file)),
      offer_h2_(offer_h2),
      context_(load(cert_file_, key_file_, offer_h2_)) {}

TlsCredentials::ContextPtr TlsCredentials::load(const std::string& cert_file,
                                                const std::string& key_file, bool offer_h2) {
  check_readable("the TLS certificate (--tls-cert)", cert_file);
  check_readable("the TLS key (--tls-key)", key_file);
  ERR_clear_error();
  ContextPtr ctx(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
  if (!ctx) throw std::bad_alloc();
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE |
                                     SSL_OP_NO_RENEGOTIATION |
                                     // A client that closes without close_notify (curl
                                     // often does) has simply left; nothing was cut.
                                     SSL_OP_IGNORE_UNEXPECTED_EOF);
  // RELEASE_BUFFERS: an idle connection gives back its 2 x ~17 KiB record buffers.
  // ACCEPT_MOVING_WRITE_BUFFER: a write retried after WANT_WRITE is re-staged in scratch.
  SSL_CTX_set_mode(ctx.get(), SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (SSL_CTX_set_cipher_list(ctx.get(), tls12_ciphers) != 1) {
    throw std::runtime_error("TLS: the cipher list was refused: " + openssl_reason());
  }
  // The callback's argument only says whether h2 is offered (non-null: yes).
  static int h2_marker = 0;
  SSL_CTX_set_alpn_select_cb(ctx.get(), select_alpn, offer_h2 ? &h2_marker : nullptr);
  // An encrypted key would make OpenSSL ask for its passphrase on the terminal.
  SSL_CTX_set_default_passwd_cb(ctx.get(), [](char*, int, int, void*) { return 0; });
  if (SSL_CTX_use_certificate_chain_file(ctx.get(), cert_file.c_str()) != 1) {
    throw std::runtime_error("cannot use the TLS certificate (--tls-cert) " + cert_file + ": " +
                             openssl_reason() + " (want PEM: the certificate, then its chain)");
  }
  // This also checks that the key is the certificate's (X509_R_KEY_VALUES_MISMATCH).
  if (SSL_CTX_use_PrivateKey_file(ctx.get(), key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    if (ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH) {
      ERR_clear_error();
      throw std::runtime_error("the TLS key (--tls-key) " + key_file +
                               " does not match the certificate (--tls-cert) " + cert_file);
    }
    throw std::runtime_error("cannot use the TLS key (--tls-key) " + key_file + ": " +
                             openssl_reason() + " (want an unencrypted PEM private key)");
  }
  return ctx;
}

std::string TlsCredentials::reload() {
  ContextPtr fresh = load(cert_file_, key_file_, offer_h2_);
  std::string subject = subject_of(fresh.get());
  std::lock_guard lock(mutex_);
  context_ = std::move(fresh);  // the old context lives on in its sessions
  return subject;
}

SSL* TlsCredentials::new_session() {
  std::lock_guard lock(mutex_);
  SSL* ssl = SSL_new(context_.get());
  if (ssl == nullptr) throw std::bad_alloc();
  return ssl;
}

std::string TlsCredentials::subject() {
  std::lock_guard lock(mutex_);
  return subject_of(context_.get());
}

}  // namespace herald::http
