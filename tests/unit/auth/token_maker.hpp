#pragma once
// Hand-made HS256 tokens with any header and payload, signed with OpenSSL directly: tests
// can then build what the signer never would (alg none, crit, odd kids, broken JSON).
#include <openssl/evp.h>

#include <string>
#include <string_view>

#include "herald/auth/base64url.hpp"

namespace herald::auth::test {

inline std::string hmac(std::string_view digest, std::string_view secret, std::string_view input) {
  unsigned char out[EVP_MAX_MD_SIZE];
  std::size_t len = 0;
  const std::string digest_name(digest);
  EVP_Q_mac(nullptr, "HMAC", nullptr, digest_name.c_str(), nullptr, secret.data(), secret.size(),
            reinterpret_cast<const unsigned char*>(input.data()), input.size(), out, sizeof out,
            &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

// base64url(header).base64url(payload).base64url(HMAC-`digest`(secret, first two)).
inline std::string hmac_token(std::string_view header, std::string_view payload,
                              std::string_view secret, std::string_view digest = "SHA256") {
  const std::string input = base64url_encode(header) + "." + base64url_encode(payload);
  return input + "." + base64url_encode(hmac(digest, secret, input));
}

// Same, with the first two segments given already encoded (or deliberately not).
inline std::string hmac_token_raw(std::string_view header_segment, std::string_view payload_segment,
                                  std::string_view secret) {
  const std::string input = std::string(header_segment) + "." + std::string(payload_segment);
  return input + "." + base64url_encode(hmac("SHA256", secret, input));
}

}  // namespace herald::auth::test
