#pragma once
// The TLS listener's certificate, key and policy (an SSL_CTX), and its reload: a reload
// builds a new context and swaps it in, so new handshakes use the new certificate while
// every session made from the old one keeps it (SSL_new holds a reference to its context).
#include <openssl/ssl.h>

#include <memory>
#include <mutex>
#include <string>

namespace herald::http {

class TlsCredentials {
 public:
  // Loads the PEM files; throws std::runtime_error naming the file that is wrong. ALPN
  // offers h2 (preferred) and http/1.1 when `offer_h2`, else http/1.1 only.
  TlsCredentials(std::string cert_file, std::string key_file, bool offer_h2);

  // Loads the files again; on success new sessions use them and the certificate's subject
  // is returned. On failure (throws, naming the file) the current certificate stays.
  std::string reload();
  // A new server session for an accepted connection; throws std::bad_alloc.
  SSL* new_session();
  // The subject of the certificate in use, e.g. "CN=hub.example.com".
  std::string subject();

 private:
  using ContextPtr = std::shared_ptr<SSL_CTX>;
  static ContextPtr load(const std::string& cert_file, const std::string& key_file, bool offer_h2);

  std::string cert_file_;
  std::string key_file_;
  bool offer_h2_;
  std::mutex mutex_;  // guards context_: shards take sessions while SIGHUP swaps it
  ContextPtr context_;
};

}  // namespace herald::http
