#include "herald/auth/token_generation.hpp"

#include <string>

#include "generation_markers.hpp"
#include "herald/auth/base64url.hpp"
#include "json_util.hpp"
#include "jws.hpp"

namespace herald::auth {

std::string_view to_string(TokenGeneration generation) {
  return generation == TokenGeneration::mercure_1 ? "1.0" : "0.x";
}

Result<TokenGeneration> token_generation(std::string_view token, std::size_t max_token_bytes) {
  if (token.size() > max_token_bytes) {
    return make_error(ErrorCode::too_large,
                      "the token is larger than " + std::to_string(max_token_bytes) + " bytes");
  }
  auto segments = split_jws(token);
  if (!segments) {
    return make_error(ErrorCode::malformed,
                      "the token is not three dot-separated segments (JWS compact)");
  }
  auto header_text = base64url_decode(segments->header);
  auto header = header_text ? parse_json(*header_text) : std::nullopt;
  if (!header || !header->is_object()) {
    return make_error(ErrorCode::malformed, "the token header is not a JSON object");
  }
  auto payload_text = base64url_decode(segments->payload);
  auto payload = payload_text ? parse_json(*payload_text) : std::nullopt;
  if (!payload || !payload->is_object()) {
    return make_error(ErrorCode::malformed, "the token's claims are not a JSON object");
  }
  auto typ = header->find("typ");
  const bool access_token_type = typ != header->end() && typ->is_string() &&
                                 is_access_token_type(typ->get_ref<const std::string&>());
  const bool speaks_1 = access_token_type || payload->contains(kAuthorizationDetailsClaim);
  const bool speaks_0x = payload->contains(kLegacyClaim);
  if (speaks_1 && speaks_0x) {
    return make_error(ErrorCode::wrong_generation, std::string(kMixedGenerationsMessage));
  }
  return speaks_1 ? TokenGeneration::mercure_1 : TokenGeneration::mercure_0x;
}

}  // namespace herald::auth
