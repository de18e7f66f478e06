#include "signature.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>

#include <optional>

#include "openssl_util.hpp"

namespace herald::auth {

namespace {

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// nullptr for EdDSA: OpenSSL's Ed25519 signs the message itself (PureEdDSA) and refuses a
// digest.
const EVP_MD* digest(Algorithm alg) {
  switch (alg) {
    case Algorithm::EdDSA:
      return nullptr;
    case Algorithm::HS384:
    case Algorithm::RS384:
    case Algorithm::ES384:
      return EVP_sha384();
    case Algorithm::HS512:
    case Algorithm::RS512:
      return EVP_sha512();
    default:
      return EVP_sha256();
  }
}

// Fetched once: fetching the HMAC implementation is a provider lookup, not free per request.
EVP_MAC* hmac_algorithm() {
  static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  return mac;
}

std::optional<std::string> hmac(Algorithm alg, const std::string& secret, std::string_view input) {
  ossl::MacCtx ctx(EVP_MAC_CTX_new(hmac_algorithm()));
  if (!ctx) return std::nullopt;
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                                          const_cast<char*>(digest_name(alg)), 0),
                         OSSL_PARAM_construct_end()};
  unsigned char out[EVP_MAX_MD_SIZE];
  std::size_t len = 0;
  if (EVP_MAC_init(ctx.get(), bytes(secret), secret.size(), params) != 1 ||
      EVP_MAC_update(ctx.get(), bytes(input), input.size()) != 1 ||
      EVP_MAC_final(ctx.get(), out, &len, sizeof out) != 1) {
    ossl::take_error();
    return std::nullopt;
  }
  return std::string(reinterpret_cast<const char*>(out), len);
}

// JWS carries ECDSA signatures as r||s, each left-padded to the curve size; OpenSSL wants
// a DER SEQUENCE of two INTEGERs.
std::optional<std::string> raw_to_der(std::string_view raw, std::size_t n) {
  if (raw.size() != 2 * n) return std::nullopt;
  ossl::EcdsaSig sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(bytes(raw), static_cast<int>(n), nullptr);
  BIGNUM* s = BN_bin2bn(bytes(raw) + n, static_cast<int>(n), nullptr);
  if (!sig || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return std::nullopt;
  }
  const int len = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (len <= 0) return std::nullopt;
  std::string der(static_cast<std::size_t>(len), '\0');
  auto* p = reinterpret_cast<unsigned char*>(der.data());
  i2d_ECDSA_SIG(sig.get(), &p);
  return der;
}

std::optional<std::string> der_to_raw(std::string_view der, std::size_t n) {
  const unsigned char* p = bytes(der);
  ossl::EcdsaSig sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig) return std::nullopt;
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  std::string raw(2 * n, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  if (BN_bn2binpad(r, out, static_cast<int>(n)) < 0 ||
      BN_bn2binpad(s, out + n, static_cast<int>(n)) < 0) {
    return std::nullopt;
  }
  return raw;
}

bool pkey_verify(Algorithm alg, EVP_PKEY* pkey, std::string_view input, std::string_view sig) {
  ossl::MdCtx ctx(EVP_MD_CTX_new());
  const bool ok =
      ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, digest(alg), nullptr, pkey) == 1 &&
      EVP_DigestVerify(ctx.get(), bytes(sig), sig.size(), bytes(input), input.size()) == 1;
  if (!ok) ossl::take_error();
  return ok;
}

}  // namespace

bool verify_signature(Algorithm alg, const Key& key, std::string_view input,
                      std::string_view signature) {
  // Checked by the verifier already; checked again because an RSA key used on the HMAC path
  // would be an empty secret, and anyone can compute that MAC.
  if (key.kind() != key_kind(alg)) return false;
  switch (key_kind(alg)) {
    case KeyKind::hmac: {
      const auto expected = hmac(alg, key.secret(), input);
      // Constant time: a timing difference would let a forger find the MAC byte by byte.
      return expected && expected->size() == signature.size() &&
             CRYPTO_memcmp(expected->data(), signature.data(), signature.size()) == 0;
    }
    case KeyKind::rsa:
    case KeyKind::ed25519:
      return pkey_verify(alg, key.pkey(), input, signature);
    case KeyKind::ec: {
      const auto der = raw_to_der(signature, ec_coordinate_bytes(alg));
      return der && pkey_verify(alg, key.pkey(), input, *der);
    }
  }
  return false;
}

Result<std::string> create_signature(Algorithm alg, const Key& key, std::string_view input) {
  if (key_kind(alg) == KeyKind::hmac) {
    auto mac = hmac(alg, key.secret(), input);
    if (!mac) return make_error(ErrorCode::invalid_key, "HMAC failed");
    return std::move(*mac);
  }
  if (!key.has_private()) {
    return make_error(ErrorCode::invalid_key, "signing needs a private key");
  }
  ossl::MdCtx ctx(EVP_MD_CTX_new());
  std::size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, digest(alg), nullptr, key.pkey()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, bytes(input), input.size()) != 1) {
    return make_error(ErrorCode::invalid_key, "cannot sign: " + ossl::take_error());
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, bytes(input),
                     input.size()) != 1) {
    return make_error(ErrorCode::invalid_key, "cannot sign: " + ossl::take_error());
  }
  sig.resize(len);
  if (key_kind(alg) == KeyKind::ec) {
    auto raw = der_to_raw(sig, ec_coordinate_bytes(alg));
    if (!raw) return make_error(ErrorCode::invalid_key, "cannot encode the ECDSA signature");
    return std::move(*raw);
  }
  return sig;
}

}  // namespace herald::auth
