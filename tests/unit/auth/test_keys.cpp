#include "test_keys.hpp"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <stdexcept>
#include <vector>

#include "herald/auth/base64url.hpp"

namespace herald::auth::test {

namespace {

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(len));
  BIO_free(bio);
  return out;
}

std::string bn_member(EVP_PKEY* pkey, const char* param, int pad_to = 0) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, param, &bn) != 1) throw std::runtime_error("no key param");
  const int size = pad_to > 0 ? pad_to : BN_num_bytes(bn);
  std::string bytes(static_cast<std::size_t>(size), '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(bytes.data()), size);
  BN_free(bn);
  return base64url_encode(bytes);
}

std::string self_signed(EVP_PKEY* pkey) {
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, pkey);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("herald test"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509_sign(cert, pkey, EVP_sha256());
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  X509_free(cert);
  return bio_text(bio);
}

std::string raw_public_member(EVP_PKEY* pkey) {
  unsigned char raw[64];
  std::size_t len = sizeof raw;
  if (EVP_PKEY_get_raw_public_key(pkey, raw, &len) != 1) throw std::runtime_error("no raw key");
  return base64url_encode(std::string_view(reinterpret_cast<const char*>(raw), len));
}

std::string pem_private(EVP_PKEY* pkey) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, pkey, nullptr, nullptr, 0, nullptr, nullptr);
  return bio_text(bio);
}

std::string pem_public(EVP_PKEY* pkey) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, pkey);
  return bio_text(bio);
}

KeyPair make_pair(EVP_PKEY* pkey, bool rsa, int coordinate_bytes, std::string_view curve) {
  if (pkey == nullptr) throw std::runtime_error("key generation failed");
  KeyPair pair;
  pair.private_pem = pem_private(pkey);
  pair.public_pem = pem_public(pkey);
  pair.certificate_pem = self_signed(pkey);
  if (rsa) {
    pair.jwk_members = "\"kty\":\"RSA\",\"n\":\"" + bn_member(pkey, OSSL_PKEY_PARAM_RSA_N) +
                       "\",\"e\":\"" + bn_member(pkey, OSSL_PKEY_PARAM_RSA_E) + "\"";
  } else {
    pair.jwk_members = "\"kty\":\"EC\",\"crv\":\"" + std::string(curve) + "\",\"x\":\"" +
                       bn_member(pkey, OSSL_PKEY_PARAM_EC_PUB_X, coordinate_bytes) + "\",\"y\":\"" +
                       bn_member(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, coordinate_bytes) + "\"";
  }
  EVP_PKEY_free(pkey);
  return pair;
}

}  // namespace

const KeyPair& rsa_key(int bits) {
  static std::map<int, KeyPair> cache;
  auto it = cache.find(bits);
  if (it == cache.end()) {
    EVP_PKEY* pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(bits));
    it = cache.emplace(bits, make_pair(pkey, true, 0, "")).first;
  }
  return it->second;
}

const KeyPair& second_rsa_key() {
  static const KeyPair pair =
      make_pair(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{2048}), true, 0, "");
  return pair;
}

const KeyPair& ec_key(std::string_view curve) {
  static std::map<std::string, KeyPair, std::less<>> cache;
  auto it = cache.find(curve);
  if (it == cache.end()) {
    const std::string name(curve);
    EVP_PKEY* pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", name.c_str());
    it = cache.emplace(name, make_pair(pkey, false, curve == "P-384" ? 48 : 32, curve)).first;
  }
  return it->second;
}

const KeyPair& ed25519_key(int which) {
  static std::map<int, KeyPair> cache;
  auto it = cache.find(which);
  if (it == cache.end()) {
    EVP_PKEY* pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
    if (pkey == nullptr) throw std::runtime_error("key generation failed");
    KeyPair pair;
    pair.private_pem = pem_private(pkey);
    pair.public_pem = pem_public(pkey);
    // X.509 signatures with Ed25519 take no digest.
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, pkey);
    X509_set_issuer_name(cert, X509_get_subject_name(cert));
    X509_sign(cert, pkey, nullptr);
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(bio, cert);
    X509_free(cert);
    pair.certificate_pem = bio_text(bio);
    pair.jwk_members = R"("kty":"OKP","crv":"Ed25519","x":")" + raw_public_member(pkey) + "\"";
    EVP_PKEY_free(pkey);
    it = cache.emplace(which, std::move(pair)).first;
  }
  return it->second;
}

const KeyPair& ed448_key() {
  static const KeyPair pair = [] {
    EVP_PKEY* pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED448");
    if (pkey == nullptr) throw std::runtime_error("key generation failed");
    KeyPair p;
    p.private_pem = pem_private(pkey);
    p.public_pem = pem_public(pkey);
    p.jwk_members = R"("kty":"OKP","crv":"Ed448","x":")" + raw_public_member(pkey) + "\"";
    EVP_PKEY_free(pkey);
    return p;
  }();
  return pair;
}

std::string jwk(const KeyPair& key, std::string_view kid, std::string_view extra) {
  std::string out = "{" + key.jwk_members;
  if (!kid.empty()) out += ",\"kid\":\"" + std::string(kid) + "\"";
  out += extra;
  return out + "}";
}

std::string temp_file(std::string_view text) {
  static std::vector<std::string> files;
  static const bool cleanup = [] {
    std::atexit([] {
      for (const auto& f : files)
        std::remove(f.c_str());
    });
    return true;
  }();
  (void)cleanup;
  char path[] = "/tmp/herald-auth-test-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) throw std::runtime_error("mkstemp failed");
  if (write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    close(fd);
    throw std::runtime_error("write failed");
  }
  close(fd);
  files.emplace_back(path);
  return path;
}

}  // namespace herald::auth::test
