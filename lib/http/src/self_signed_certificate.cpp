#include "herald/http/self_signed_certificate.hpp"

#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace herald::http {

namespace {

constexpr long valid_seconds = 30L * 24 * 3600;
constexpr const char* subject_alt_names = "DNS:localhost,IP:127.0.0.1,IP:::1";

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, Deleter<X509, X509_free>>;

[[noreturn]] void fail(const std::string& what) {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  const char* reason = e != 0 ? ERR_reason_error_string(e) : nullptr;
  throw std::runtime_error("cannot make a self-signed certificate: " + what +
                           (reason != nullptr ? std::string(": ") + reason : std::string()));
}

void add_extension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) fail(std::string("extension ") + value);
  int added = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  if (added != 1) fail(std::string("extension ") + value);
}

CertPtr make_certificate(EVP_PKEY* key) {
  CertPtr cert(X509_new());
  if (!cert) fail("X509_new");
  X509_set_version(cert.get(), X509_VERSION_3);
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) fail("no random serial number");
  serial[0] &= 0x7f;  // a positive number
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);  // a client's clock a bit behind
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), valid_seconds);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("herald --tls-self-signed"), -1,
                             -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509_set_pubkey(cert.get(), key);
  // Its own trust anchor (curl --cacert cert.pem), as `openssl req -x509` makes them.
  add_extension(cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_extension(cert.get(), NID_subject_key_identifier, "hash");
  add_extension(cert.get(), NID_subject_alt_name, subject_alt_names);
  if (X509_sign(cert.get(), key, EVP_sha256()) == 0) fail("signing");
  return cert;
}

// Writes with `write(FILE*)` to a new file of that mode; fails if the file exists.
template <typename Write>
void write_file(const std::string& path, mode_t mode, Write write) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) throw std::runtime_error("cannot create " + path + ": " + std::strerror(errno));
  std::FILE* f = ::fdopen(fd, "w");
  if (f == nullptr) {
    ::close(fd);
    throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
  }
  bool ok = write(f);
  if (std::fclose(f) != 0) ok = false;
  if (!ok) fail("writing " + path);
}

}  // namespace

SelfSignedCertificate create_self_signed_certificate() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/herald-tls-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {  // mode 0700
    throw std::runtime_error("cannot make a directory for the self-signed certificate (" + pattern +
                             "): " + std::strerror(errno));
  }
  SelfSignedCertificate out{pattern, pattern + "/cert.pem", pattern + "/key.pem"};
  try {
    KeyPtr key(EVP_EC_gen("P-256"));
    if (!key) fail("EC P-256 key");
    CertPtr cert = make_certificate(key.get());
    write_file(out.key_file, 0600, [&](std::FILE* f) {
      return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1;
    });
    write_file(out.cert_file, 0644,
               [&](std::FILE* f) { return PEM_write_X509(f, cert.get()) == 1; });
  } catch (...) {
    remove_self_signed_certificate(out);
    throw;
  }
  return out;
}

void remove_self_signed_certificate(const SelfSignedCertificate& certificate) {
  ::unlink(certificate.cert_file.c_str());
  ::unlink(certificate.key_file.c_str());
  ::rmdir(certificate.dir.c_str());
}

}  // namespace herald::http
