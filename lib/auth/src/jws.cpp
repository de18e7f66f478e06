#include "jws.hpp"

#include <cctype>

#include "herald/auth/base64url.hpp"
#include "json_util.hpp"

namespace herald::auth {

namespace {

constexpr std::size_t kMaxKidBytes = 256;

Error malformed(std::string message) {
  return make_error(ErrorCode::malformed, std::move(message));
}

// Only a short alphanumeric name is echoed into an error body.
bool is_short_word(std::string_view s) {
  if (s.empty() || s.size() > 16) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<JwsSegments> split_jws(std::string_view token) {
  const std::size_t first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const std::size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  JwsSegments s;
  s.header = token.substr(0, first);
  s.payload = token.substr(first + 1, second - first - 1);
  s.signature = token.substr(second + 1);
  s.signing_input = token.substr(0, second);
  return s;
}

Result<JoseHeader> parse_jose_header(std::string_view segment) {
  auto text = base64url_decode(segment);
  if (!text) return malformed("the token header is not base64url");
  auto json = parse_json(*text);
  if (!json || !json->is_object()) return malformed("the token header is not a JSON object");
  auto alg_it = json->find("alg");
  if (alg_it == json->end() || !alg_it->is_string())
    return malformed("the token header has no alg");
  const std::string& alg_name = alg_it->get_ref<const std::string&>();
  auto alg = parse_algorithm(alg_name);
  if (!alg) {
    return make_error(ErrorCode::unsupported_algorithm,
                      is_short_word(alg_name)
                          ? "the token algorithm \"" + alg_name + "\" is not accepted"
                          : std::string("the token algorithm is not accepted"));
  }
  // RFC 7515 4.1.11: extensions listed in crit must be understood; herald knows none.
  if (json->contains("crit")) {
    return make_error(ErrorCode::unsupported_algorithm,
                      "the token uses critical header extensions");
  }
  JoseHeader header{*alg, std::nullopt, std::nullopt};
  if (auto kid = json->find("kid"); kid != json->end()) {
    if (!kid->is_string() || kid->get_ref<const std::string&>().size() > kMaxKidBytes) {
      return malformed("the token kid is not a short string");
    }
    header.kid = kid->get<std::string>();
  }
  if (auto typ = json->find("typ"); typ != json->end() && typ->is_string()) {
    header.typ = typ->get<std::string>();
  }
  return header;
}

bool is_access_token_type(std::string_view typ) {
  constexpr std::string_view kPrefix = "application/";
  if (typ.size() > kPrefix.size() && equals_ignoring_case(typ.substr(0, kPrefix.size()), kPrefix)) {
    typ.remove_prefix(kPrefix.size());
  }
  return equals_ignoring_case(typ, "at+jwt");
}

Result<Jws> read_jws(std::string_view token, std::size_t max_bytes) {
  if (token.size() > max_bytes) {
    return make_error(ErrorCode::too_large,
                      "the token is larger than " + std::to_string(max_bytes) + " bytes");
  }
  auto segments = split_jws(token);
  if (!segments) {
    return make_error(ErrorCode::malformed,
                      "the token is not three dot-separated segments (JWS compact)");
  }
  auto header = parse_jose_header(segments->header);
  if (!header) return header.error();
  return Jws{*segments, std::move(*header)};
}

}  // namespace herald::auth
