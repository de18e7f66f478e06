#include "test_cert.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <stdexcept>

#include <gtest/gtest.h>

namespace herald::client::test {

TestCert::TestCert(const std::string& san) {
  key_ = EVP_EC_gen("P-256");
  cert_ = X509_new();
  if (key_ == nullptr || cert_ == nullptr) throw std::runtime_error("cannot make a test key");
  X509_set_version(cert_, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert_), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert_), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert_), 24 * 3600);
  X509_set_pubkey(cert_, key_);
  X509_NAME* name = X509_get_subject_name(cert_);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("herald test"), -1, -1, 0);
  X509_set_issuer_name(cert_, name);
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, cert_, cert_, nullptr, nullptr, 0);
  for (const auto& [nid, value] : {std::pair<int, std::string>{NID_subject_alt_name, san},
                                   {NID_basic_constraints, "critical,CA:TRUE"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, nid, value.c_str());
    if (ext == nullptr) throw std::runtime_error("bad extension " + value);
    X509_add_ext(cert_, ext, -1);
    X509_EXTENSION_free(ext);
  }
  if (X509_sign(cert_, key_, EVP_sha256()) == 0) throw std::runtime_error("cannot sign");

  ctx_ = SSL_CTX_new(TLS_server_method());
  SSL_CTX_use_certificate(ctx_, cert_);
  SSL_CTX_use_PrivateKey(ctx_, key_);

  static std::atomic<int> counter{0};
  pem_file_ = testing::TempDir() + "herald-test-ca-" + std::to_string(::getpid()) + "-" +
              std::to_string(counter++) + ".pem";
  FILE* f = std::fopen(pem_file_.c_str(), "w");
  if (f == nullptr) throw std::runtime_error("cannot write " + pem_file_);
  PEM_write_X509(f, cert_);
  std::fclose(f);
}

TestCert::~TestCert() {
  std::remove(pem_file_.c_str());
  SSL_CTX_free(ctx_);
  X509_free(cert_);
  EVP_PKEY_free(key_);
}

}  // namespace herald::client::test
