#pragma once
// A throw-away self-signed certificate made at test time (no key material in the repo):
// a server SSL_CTX that presents it, and its PEM file for the client's CA option.
#include <openssl/ssl.h>

#include <string>

namespace herald::client::test {

class TestCert {
 public:
  // `san`: subjectAltName, e.g. "IP:127.0.0.1,DNS:localhost".
  explicit TestCert(const std::string& san);
  ~TestCert();
  TestCert(const TestCert&) = delete;
  TestCert& operator=(const TestCert&) = delete;

  SSL_CTX* server_context() const { return ctx_; }
  const std::string& pem_file() const { return pem_file_; }

 private:
  EVP_PKEY* key_ = nullptr;
  X509* cert_ = nullptr;
  SSL_CTX* ctx_ = nullptr;
  std::string pem_file_;
};

}  // namespace herald::client::test
