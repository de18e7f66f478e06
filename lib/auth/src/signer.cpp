#include "herald/auth/signer.hpp"

#include "herald/auth/base64url.hpp"
#include "herald/base/utf8.hpp"
#include "json_util.hpp"
#include "signature.hpp"

namespace herald::auth {

Result<std::string> sign_token(std::string_view claims_json, Algorithm alg, const Key& key,
                               std::string_view kid, std::string_view typ) {
  std::string why;
  if (!key.fits(alg, &why)) return make_error(ErrorCode::invalid_key, why);
  auto claims = parse_json(claims_json);
  if (!claims || !claims->is_object()) {
    return make_error(ErrorCode::invalid_claims, "the claims are not a JSON object");
  }
  if (!is_valid_utf8(kid)) return make_error(ErrorCode::invalid_key, "the kid is not UTF-8");
  if (typ.empty() || !is_valid_utf8(typ)) {
    return make_error(ErrorCode::invalid_claims, "the typ is empty or not UTF-8");
  }
  // Built by hand to keep the member order stable (alg first, as most issuers write it).
  nlohmann::ordered_json header;
  header["alg"] = algorithm_name(alg);
  header["typ"] = typ;
  if (!kid.empty()) header["kid"] = kid;
  std::string token = base64url_encode(header.dump()) + "." + base64url_encode(claims_json);
  auto signature = create_signature(alg, key, token);
  if (!signature) return signature.error();
  token += '.';
  token += base64url_encode(*signature);
  return token;
}

}  // namespace herald::auth
