// libFuzzer target for JWT verification, claims, key sets and token extraction.
//
// The whole input is, in turn: a token for an HS256 verifier (key: Mercure's dev key, so
// the seed corpus can hold real tokens), a JSON claims document, a JWK Set, base64url
// text, and "<Authorization>\n<Cookie>\n<query>" for token extraction. Invariants:
//   - every refusal says why;
//   - an accepted token is within the size limits, has three segments, and its signature
//     is the HMAC of its first two segments (recomputed here with OpenSSL directly);
//   - claims that parse, once signed, verify to the same grants, or fail only on time or
//     size;
//   - base64url decoding is canonical: what decodes re-encodes to the same text;
//   - an extracted token is never empty and holds no whitespace.
#include <openssl/evp.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "herald/auth/base64url.hpp"
#include "herald/auth/jwks.hpp"
#include "herald/auth/key_source.hpp"
#include "herald/auth/signer.hpp"
#include "herald/auth/token_source.hpp"
#include "herald/auth/verifier.hpp"

namespace {

using namespace herald::auth;

constexpr std::string_view kSecret = "!ChangeThisMercureHubJWTSecretKey!";

void check(bool ok, const char* what, std::string_view input) {
  if (ok) return;
  std::fprintf(stderr, "invariant broken: %s\n  input: %.*s\n", what,
               static_cast<int>(input.size() > 400 ? 400 : input.size()), input.data());
  std::abort();
}

const Verifier& verifier() {
  static const Verifier v = [] {
    VerifierConfig config;
    config.algorithm = Algorithm::HS256;
    config.keys = std::move(*load_verification_keys(kSecret, Algorithm::HS256));
    config.clock = [] {
      return std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));
    };
    return std::move(*Verifier::create(std::move(config)));
  }();
  return v;
}

const Key& signing_key() {
  static const Key key = std::move(*load_signing_key(kSecret, Algorithm::HS256));
  return key;
}

std::string hmac_sha256(std::string_view input) {
  unsigned char out[EVP_MAX_MD_SIZE];
  std::size_t len = 0;
  EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, kSecret.data(), kSecret.size(),
            reinterpret_cast<const unsigned char*>(input.data()), input.size(), out, sizeof out,
            &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

void fuzz_token(std::string_view input) {
  auto claims = verifier().verify(input);
  if (!claims) {
    check(!claims.error().message.empty(), "token refused without reason", input);
    return;
  }
  check(input.size() <= 8192, "accepted an oversized token", input);
  const std::size_t dot1 = input.find('.');
  const std::size_t dot2 = input.rfind('.');
  check(dot1 != std::string_view::npos && dot1 != dot2 && input.find('.', dot1 + 1) == dot2,
        "accepted a token without exactly three segments", input);
  const auto signature = base64url_decode(input.substr(dot2 + 1));
  check(signature && *signature == hmac_sha256(input.substr(0, dot2)),
        "accepted a token whose signature is not the HMAC", input);
  check(claims->publish.size() <= 256 && claims->subscribe.size() <= 256,
        "accepted too many selectors", input);
  check(claims->payload.size() <= 4096, "accepted an oversized payload", input);
}

void fuzz_claims(std::string_view input) {
  auto claims = parse_claims(input);
  if (!claims) {
    check(!claims.error().message.empty(), "claims refused without reason", input);
    return;
  }
  check(claims->publish.size() <= 256 && claims->subscribe.size() <= 256,
        "parsed too many selectors", input);
  for (const auto& s : claims->publish.selectors()) {
    check(!s.text().empty() && s.text().size() <= herald::match::Selector::kMaxLength,
          "selector out of bounds", input);
  }
  auto token = sign_token(input, Algorithm::HS256, signing_key());
  check(token.ok(), "parsed claims cannot be signed", input);
  auto again = verifier().verify(*token);
  if (!again) {
    const ErrorCode code = again.error().code;
    check(code == ErrorCode::expired || code == ErrorCode::not_yet_valid ||
              (code == ErrorCode::too_large && token->size() > 8192),
          "signed claims do not verify", input);
    return;
  }
  check(again->publish.size() == claims->publish.size() &&
            again->subscribe.size() == claims->subscribe.size() &&
            again->payload == claims->payload && again->has_publish == claims->has_publish,
        "claims changed through sign and verify", input);
}

void fuzz_base64url(std::string_view input) {
  if (auto decoded = base64url_decode(input)) {
    check(base64url_encode(*decoded) == input, "base64url decoding is not canonical", input);
  }
  check(base64url_decode(base64url_encode(input)) == std::string(input),
        "base64url round trip failed", input);
}

void fuzz_jwks(std::string_view input) {
  if (input.empty() || input.front() != '{') return;
  static constexpr Algorithm kAlgs[] = {Algorithm::HS256, Algorithm::RS256, Algorithm::ES256,
                                        Algorithm::ES384};
  const Algorithm alg = kAlgs[input.size() % 4];
  auto keys = parse_jwks(input, alg);
  if (!keys) {
    check(!keys.error().message.empty(), "key set refused without reason", input);
    return;
  }
  for (const Key& key : keys->keys())
    check(key.fits(alg), "kept a key that does not fit", input);
}

void fuzz_extraction(std::string_view input) {
  const std::size_t nl1 = input.find('\n');
  RequestCredentials request;
  if (nl1 == std::string_view::npos) {
    request.query = input;
  } else {
    request.authorization = input.substr(0, nl1);
    const std::string_view rest = input.substr(nl1 + 1);
    const std::size_t nl2 = rest.find('\n');
    request.cookie = rest.substr(0, nl2);
    if (nl2 != std::string_view::npos) request.query = rest.substr(nl2 + 1);
    // Without a header line, the cookie and query paths get their turn.
    if (request.authorization->empty()) request.authorization.reset();
  }
  auto found = extract_token(request);
  if (!found) {
    check(!found.error().message.empty(), "credentials refused without reason", input);
    return;
  }
  if (found->source == TokenSource::none) {
    check(found->token.empty(), "a token from no source", input);
    return;
  }
  check(!found->token.empty(), "an empty token", input);
  for (char c : found->token)
    check(c > ' ' && c <= '~', "a token with whitespace", input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  fuzz_token(input);
  fuzz_claims(input);
  fuzz_base64url(input);
  fuzz_jwks(input);
  fuzz_extraction(input);
  return 0;
}
