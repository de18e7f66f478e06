#include "herald/auth/jwks.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <set>

#include "herald/auth/base64url.hpp"
#include "json_util.hpp"
#include "openssl_util.hpp"

namespace herald::auth {

namespace {

using json = Json;

constexpr std::size_t kMaxKeys = 100;

Error jwk_error(std::string message) {
  return make_error(ErrorCode::invalid_key, "JWK: " + std::move(message));
}

// A base64url member of `jwk`, decoded; nullopt if absent, not a string or not base64url.
std::optional<std::string> bytes_member(const json& jwk, const char* name) {
  auto it = jwk.find(name);
  if (it == jwk.end() || !it->is_string()) return std::nullopt;
  return base64url_decode(it->get_ref<const std::string&>());
}

ossl::Bn to_bn(const std::string& bytes) {
  return ossl::Bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                            static_cast<int>(bytes.size()), nullptr));
}

// Builds a public key from OSSL_PARAMs (OpenSSL 3's replacement for RSA_set0_key & co).
Result<Key> key_from_params(const char* type, OSSL_PARAM_BLD* bld) {
  ossl::Params params(OSSL_PARAM_BLD_to_param(bld));
  ossl::PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* pkey = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return jwk_error(std::string("cannot build the ") + type + " key: " + ossl::take_error());
  }
  // Points off the curve and the like are caught here, once, rather than per token.
  ossl::PkeyCtx check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) {
    EVP_PKEY_free(pkey);
    return jwk_error(std::string("invalid ") + type + " public key: " + ossl::take_error());
  }
  return Key::from_pkey(pkey);
}

Result<Key> rsa_key(const json& jwk) {
  auto n = bytes_member(jwk, "n");
  auto e = bytes_member(jwk, "e");
  if (!n || !e || n->empty() || e->empty()) return jwk_error("RSA key needs base64url n and e");
  ossl::Bn bn_n = to_bn(*n);
  ossl::Bn bn_e = to_bn(*e);
  ossl::ParamBld bld(OSSL_PARAM_BLD_new());
  if (!bn_n || !bn_e || !bld ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1) {
    return jwk_error("cannot build the RSA key: " + ossl::take_error());
  }
  return key_from_params("RSA", bld.get());
}

Result<Key> ec_key(const json& jwk, Algorithm alg) {
  auto x = bytes_member(jwk, "x");
  auto y = bytes_member(jwk, "y");
  const std::size_t n = ec_coordinate_bytes(alg);
  // RFC 7518 6.2.1.2: coordinates are exactly the curve's size, leading zeros kept.
  if (!x || !y || x->size() != n || y->size() != n) {
    return jwk_error("EC key needs base64url x and y of " + std::to_string(n) + " bytes");
  }
  const std::string point = "\x04" + *x + *y;  // uncompressed SEC1 point
  ossl::ParamBld bld(OSSL_PARAM_BLD_new());
  if (!bld ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, ec_group_name(alg),
                                      0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return jwk_error("cannot build the EC key: " + ossl::take_error());
  }
  return key_from_params("EC", bld.get());
}

// RFC 8037 2: an OKP key's public half is `x`, the raw 32-byte Ed25519 point.
Result<Key> ed25519_key(const json& jwk) {
  auto x = bytes_member(jwk, "x");
  if (!x || x->size() != 32) return jwk_error("Ed25519 key needs a base64url x of 32 bytes");
  EVP_PKEY* pkey = EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(x->data()), x->size());
  if (pkey == nullptr) return jwk_error("cannot build the Ed25519 key: " + ossl::take_error());
  return Key::from_pkey(pkey);
}

Result<Key> oct_key(const json& jwk) {
  auto k = bytes_member(jwk, "k");
  if (!k || k->empty()) return jwk_error("oct key needs a non-empty base64url k");
  return Key::from_secret(std::move(*k));
}

std::string_view string_member(const json& jwk, const char* name) {
  auto it = jwk.find(name);
  return it != jwk.end() && it->is_string() ? std::string_view(it->get_ref<const std::string&>())
                                            : std::string_view();
}

// Whether `jwk` is meant for `alg`; keys for other uses are skipped, not errors, because
// one published set often serves several algorithms and encryption too.
bool meant_for(const json& jwk, Algorithm alg) {
  const std::string_view kty = string_member(jwk, "kty");
  const std::string_view use = string_member(jwk, "use");
  if (!use.empty() && use != "sig") return false;
  if (jwk.contains("alg") && string_member(jwk, "alg") != algorithm_name(alg)) return false;
  switch (key_kind(alg)) {
    case KeyKind::hmac:
      return kty == "oct";
    case KeyKind::rsa:
      return kty == "RSA";
    case KeyKind::ec:
      return kty == "EC" &&
             string_member(jwk, "crv") == (alg == Algorithm::ES256 ? "P-256" : "P-384");
    case KeyKind::ed25519:
      // Ed448 and the X25519/X448 key-agreement keys share kty OKP: skipped like other curves.
      return kty == "OKP" && string_member(jwk, "crv") == "Ed25519";
  }
  return false;
}

Result<Key> read_key(const json& jwk, Algorithm alg) {
  switch (key_kind(alg)) {
    case KeyKind::hmac:
      return oct_key(jwk);
    case KeyKind::rsa:
      return rsa_key(jwk);
    case KeyKind::ec:
      return ec_key(jwk, alg);
    case KeyKind::ed25519:
      return ed25519_key(jwk);
  }
  return jwk_error("unknown key kind");
}

}  // namespace

Result<KeySet> parse_jwks(std::string_view text, Algorithm alg) {
  auto doc = parse_json(text);
  if (!doc || !doc->is_object()) return jwk_error("not a JSON object");
  json single = json::array();
  const json* list = nullptr;
  if (auto it = doc->find("keys"); it != doc->end()) {
    if (!it->is_array()) return jwk_error("\"keys\" is not an array");
    list = &*it;
  } else if (doc->contains("kty")) {
    single.push_back(*doc);
    list = &single;
  } else {
    return jwk_error("neither a key set ({\"keys\": [...]}) nor a key ({\"kty\": ...})");
  }
  if (list->size() > kMaxKeys) {
    return make_error(ErrorCode::too_large,
                      "JWK: more than " + std::to_string(kMaxKeys) + " keys in the set");
  }

  KeySet set;
  std::set<std::string> kids;
  for (const json& jwk : *list) {
    if (!jwk.is_object()) return jwk_error("a key is not a JSON object");
    if (!meant_for(jwk, alg)) continue;
    Result<Key> key = read_key(jwk, alg);
    if (!key) return key.error();
    if (auto it = jwk.find("kid"); it != jwk.end()) {
      if (!it->is_string()) return jwk_error("\"kid\" is not a string");
      const std::string& kid = it->get_ref<const std::string&>();
      if (!kids.insert(kid).second) return jwk_error("two keys share the kid \"" + kid + "\"");
      key->set_kid(kid);
    }
    if (jwk.contains("alg")) key->restrict_to(alg);
    std::string why;
    if (!key->fits(alg, &why)) return jwk_error(why);
    set.add(std::move(*key));
  }
  if (set.empty()) {
    return jwk_error("no key in the set can verify " + std::string(algorithm_name(alg)) +
                     (alg == Algorithm::EdDSA ? " (only Ed25519 keys, kty OKP, are read)" : ""));
  }
  return set;
}

}  // namespace herald::auth
