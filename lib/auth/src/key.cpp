#include "herald/auth/key.hpp"

#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "openssl_util.hpp"

namespace herald::auth {

namespace {

Error key_error(std::string message) {
  return make_error(ErrorCode::invalid_key, std::move(message));
}

ossl::Bio memory_bio(std::string_view pem) {
  return ossl::Bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

// Any PEM key OpenSSL can decode, public or private as `selection` says.
EVP_PKEY* decode_pem(std::string_view pem, int selection) {
  EVP_PKEY* pkey = nullptr;
  OSSL_DECODER_CTX* ctx =
      OSSL_DECODER_CTX_new_for_pkey(&pkey, "PEM", nullptr, nullptr, selection, nullptr, nullptr);
  if (ctx == nullptr) return nullptr;
  ossl::Bio bio = memory_bio(pem);
  if (bio == nullptr || OSSL_DECODER_from_bio(ctx, bio.get()) != 1) pkey = nullptr;
  OSSL_DECODER_CTX_free(ctx);
  return pkey;
}

EVP_PKEY* certificate_key(std::string_view pem) {
  ossl::Bio bio = memory_bio(pem);
  if (bio == nullptr) return nullptr;
  X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
  if (cert == nullptr) return nullptr;
  EVP_PKEY* pkey = X509_get_pubkey(cert);
  X509_free(cert);
  return pkey;
}

bool looks_like_pem(std::string_view text) {
  return text.find("-----BEGIN ") != std::string_view::npos;
}

}  // namespace

Result<Key> Key::from_secret(std::string secret) {
  if (secret.empty()) return key_error("the HMAC secret is empty");
  if (looks_like_pem(secret)) {
    return key_error("a PEM key is not an HMAC secret: use an RS or ES algorithm with it");
  }
  Key key;
  key.kind_ = KeyKind::hmac;
  key.secret_ = std::move(secret);
  return key;
}

Result<Key> Key::from_pkey(EVP_PKEY* pkey) {
  ossl::Pkey owned(pkey);
  if (pkey == nullptr) return key_error("no key");
  Key key;
  if (EVP_PKEY_is_a(pkey, "RSA")) {
    key.kind_ = KeyKind::rsa;
  } else if (EVP_PKEY_is_a(pkey, "EC")) {
    key.kind_ = KeyKind::ec;
  } else if (EVP_PKEY_is_a(pkey, "ED25519")) {
    key.kind_ = KeyKind::ed25519;
  } else if (EVP_PKEY_is_a(pkey, "ED448")) {
    // JWS's EdDSA names no curve: a hub that took Ed448 keys too would accept whichever
    // curve a key happens to be on. Ed25519 is what issuers use (RFC 8037, the draft).
    return key_error("Ed448 keys are not supported: EdDSA here means Ed25519");
  } else {
    // RSA-PSS-only keys, X25519 (key agreement, not signatures), SM2...: none serves an
    // algorithm herald accepts.
    return key_error(std::string("unsupported key type ") + EVP_PKEY_get0_type_name(pkey));
  }
  if (key.kind_ == KeyKind::ed25519) {
    // Ed25519's private half is an octet string, not a number.
    std::size_t len = 0;
    key.private_ =
        EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, nullptr, 0, &len) == 1 &&
        len > 0;
  } else {
    BIGNUM* secret_part = nullptr;
    const char* param =
        key.kind_ == KeyKind::rsa ? OSSL_PKEY_PARAM_RSA_D : OSSL_PKEY_PARAM_PRIV_KEY;
    key.private_ = EVP_PKEY_get_bn_param(pkey, param, &secret_part) == 1;
    BN_clear_free(secret_part);
  }
  ossl::take_error();  // a public key answers "no such parameter": not an error
  key.pkey_ = std::shared_ptr<EVP_PKEY>(owned.release(), EVP_PKEY_free);
  return key;
}

Result<Key> Key::from_public_pem(std::string_view pem) {
  if (!looks_like_pem(pem)) return key_error("not a PEM key (no -----BEGIN line)");
  EVP_PKEY* pkey = pem.find("-----BEGIN CERTIFICATE-----") != std::string_view::npos
                       ? certificate_key(pem)
                       : decode_pem(pem, EVP_PKEY_PUBLIC_KEY);
  if (pkey == nullptr) pkey = decode_pem(pem, EVP_PKEY_KEYPAIR);  // a private key PEM
  if (pkey == nullptr) return key_error("cannot read the PEM key: " + ossl::take_error());
  return from_pkey(pkey);
}

Result<Key> Key::from_private_pem(std::string_view pem) {
  if (!looks_like_pem(pem)) return key_error("not a PEM key (no -----BEGIN line)");
  EVP_PKEY* pkey = decode_pem(pem, EVP_PKEY_KEYPAIR);
  if (pkey == nullptr) return key_error("cannot read the PEM private key: " + ossl::take_error());
  auto key = from_pkey(pkey);
  if (key && !key->has_private())
    return key_error("the PEM key is public: signing needs the private key");
  return key;
}

bool Key::fits(Algorithm alg, std::string* why) const {
  auto no = [&](std::string message) {
    if (why) *why = std::move(message);
    return false;
  };
  const KeyKind wanted = key_kind(alg);
  static constexpr const char* kKindNames[] = {"an HMAC secret", "an RSA key", "an EC key",
                                               "an Ed25519 key"};
  if (kind_ != wanted) {
    return no(std::string(algorithm_name(alg)) + " needs " + kKindNames[static_cast<int>(wanted)] +
              ", not " + kKindNames[static_cast<int>(kind_)]);
  }
  if (alg_ && *alg_ != alg) {
    return no("the key is for " + std::string(algorithm_name(*alg_)) + ", not " +
              std::string(algorithm_name(alg)));
  }
  if (kind_ == KeyKind::rsa && EVP_PKEY_get_bits(pkey_.get()) < 2048) {
    return no("RSA keys must have at least 2048 bits, this one has " +
              std::to_string(EVP_PKEY_get_bits(pkey_.get())));
  }
  if (kind_ == KeyKind::ec) {
    char group[64] = {};
    std::size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(pkey_.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                       &len) != 1) {
      ossl::take_error();
      return no("the EC key has no named curve");
    }
    if (std::string_view(group) != ec_group_name(alg)) {
      return no(std::string(algorithm_name(alg)) + " needs a key on curve " + ec_group_name(alg) +
                ", not " + group);
    }
  }
  return true;
}

Result<const Key*> KeySet::select(std::optional<std::string_view> kid) const {
  if (kid) {
    for (const Key& key : keys_) {
      if (key.kid() == *kid) return &key;
    }
    // A set of one key without kids accepts any kid: a plain --jwt-key has no kid to match,
    // and issuers often stamp one anyway.
    if (keys_.size() == 1 && keys_[0].kid().empty()) return &keys_[0];
    return make_error(ErrorCode::unknown_key, "no key matches the token's kid");
  }
  if (keys_.size() == 1) return &keys_[0];
  if (keys_.empty()) return make_error(ErrorCode::unknown_key, "no key is configured");
  return make_error(ErrorCode::unknown_key, "the token has no kid and several keys are configured");
}

}  // namespace herald::auth
