#pragma once
// Keys: an HMAC secret, or an RSA / EC / Ed25519 key held by OpenSSL; and the set of keys one role
// (publisher or subscriber) trusts, selected by `kid`.
#include <openssl/types.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "herald/auth/algorithm.hpp"
#include "herald/auth/result.hpp"

namespace herald::auth {

class Key {
 public:
  // An HMAC secret, used as raw bytes. Empty secrets are refused, and so is PEM text: a
  // public key used as an HMAC secret is how algorithm-confusion attacks forge tokens.
  static Result<Key> from_secret(std::string secret);
  // A PEM public key (SubjectPublicKeyInfo, PKCS#1 "RSA PUBLIC KEY"), an X.509 certificate
  // (its key), or a private key (only its public half is used to verify).
  static Result<Key> from_public_pem(std::string_view pem);
  // A PEM private key (PKCS#8 or traditional), to sign tokens.
  static Result<Key> from_private_pem(std::string_view pem);
  // Adopts `pkey` (RSA, EC or Ed25519; Ed448 is refused; ownership passes even on error).
  static Result<Key> from_pkey(EVP_PKEY* pkey);

  KeyKind kind() const { return kind_; }
  bool has_private() const { return private_; }

  // Whether this key may check (or sign) tokens of `alg`: same kind, an RSA modulus of at
  // least 2048 bits (RFC 7518 3.3), an EC key on the algorithm's own curve, and no JWK
  // "alg" naming another algorithm. When false, `why` (if non-null) says why.
  bool fits(Algorithm alg, std::string* why = nullptr) const;

  // The JWK "kid", empty when the key has none.
  const std::string& kid() const { return kid_; }
  void set_kid(std::string kid) { kid_ = std::move(kid); }
  // The JWK "alg": the one algorithm this key may serve, when its publisher said so.
  std::optional<Algorithm> restricted_to() const { return alg_; }
  void restrict_to(Algorithm alg) { alg_ = alg; }

  // HMAC keys only.
  const std::string& secret() const { return secret_; }
  // RSA, EC and Ed25519 keys only; shared read-only between threads (OpenSSL 3 allows it).
  EVP_PKEY* pkey() const { return pkey_.get(); }

 private:
  Key() = default;

  KeyKind kind_ = KeyKind::hmac;
  bool private_ = false;
  std::string secret_;
  std::shared_ptr<EVP_PKEY> pkey_;
  std::string kid_;
  std::optional<Algorithm> alg_;
};

class KeySet {
 public:
  void add(Key key) { keys_.push_back(std::move(key)); }
  const std::vector<Key>& keys() const { return keys_; }
  bool empty() const { return keys_.empty(); }
  std::size_t size() const { return keys_.size(); }

  // The key for a token. With a `kid`, the key with that kid and nothing else. Without,
  // the only key of the set; a set of several keys then refuses rather than trying each,
  // so that what a token says never makes the hub try a key it did not name.
  Result<const Key*> select(std::optional<std::string_view> kid) const;

 private:
  std::vector<Key> keys_;
};

}  // namespace herald::auth
