#pragma once
// A throwaway certificate for trying TLS on one's own machine (`herald serve --dev
// --tls-self-signed`) and for tests: an EC P-256 key and a self-signed certificate for
// localhost, 127.0.0.1 and ::1, valid 30 days, in a new private directory (0700).
#include <string>

namespace herald::http {

struct SelfSignedCertificate {
  std::string dir;        // made for them; nobody else can read it
  std::string cert_file;  // dir/cert.pem: give it to clients (curl --cacert)
  std::string key_file;   // dir/key.pem
};

// Makes the directory under $TMPDIR (else /tmp) and writes both files; throws
// std::runtime_error saying what failed.
SelfSignedCertificate create_self_signed_certificate();
// Deletes both files and the directory (errors ignored: it is a temporary directory).
void remove_self_signed_certificate(const SelfSignedCertificate& certificate);

}  // namespace herald::http
