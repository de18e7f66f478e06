// libFuzzer target for Mercure 1.0 access tokens: AccessVerifier, parse_access_claims
// (authorization_details), token_generation and bearer_challenge.
//
// The whole input is, in turn: a token for an AccessVerifier trusting issuer A (HS256, so
// the seed corpus can hold real tokens) and issuer B (EdDSA, RFC 8032's first test key);
// a JSON claims document; and a description and URL for a Bearer challenge. Invariants:
//   - every refusal says why;
//   - an accepted token has typ at+jwt, an HMAC signature by A's key over its first two
//     segments (recomputed here with OpenSSL directly) and iss A, names the hub in aud,
//     has an exp, and grants within the limits, each URL pattern compiling, whose compiled
//     selectors (the endpoints' Claims) are its matchers one for one, of their types;
//   - claims that parse, once signed by A or B as an access token, verify to the same
//     grants unless their iss, aud or time says otherwise; claims that do not parse never
//     verify; token_generation calls both signed forms 1.0;
//   - a Bearer challenge is one line of printable ASCII whatever the description says.
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "herald/auth/access_verifier.hpp"
#include "herald/auth/base64url.hpp"
#include "herald/auth/bearer_challenge.hpp"
#include "herald/auth/jwks.hpp"
#include "herald/auth/key_source.hpp"
#include "herald/auth/signer.hpp"
#include "herald/auth/token_generation.hpp"
#include "herald/match/selector.hpp"
#include "herald/match/url_pattern.hpp"

namespace {

using namespace herald::auth;

constexpr std::string_view kSecretA = "fuzz-issuer-a-secret-0123456789abcdef";
constexpr std::string_view kIssuerA = "https://a.example.com";
constexpr std::string_view kIssuerB = "https://b.example.com";
constexpr std::string_view kResource = "https://hub.example.com/.well-known/mercure";
constexpr std::int64_t kNow = 1'767'225'300;
// RFC 8032 7.1, TEST 1.
constexpr unsigned char kEd25519Private[32] = {
    0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
    0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60};
constexpr std::string_view kEd25519PublicJwk =
    R"({"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})";

void check(bool ok, const char* what, std::string_view input) {
  if (ok) return;
  std::fprintf(stderr, "invariant broken: %s\n  input: %.*s\n", what,
               static_cast<int>(input.size() > 400 ? 400 : input.size()), input.data());
  std::abort();
}

bool compiles(std::string_view pattern, std::string* why) {
  return herald::match::UrlPattern::compile(pattern, kResource, why).has_value();
}

const AccessVerifier& verifier() {
  static const AccessVerifier v = [] {
    AccessVerifierConfig config;
    config.resource = std::string(kResource);
    config.issuers.push_back({std::string(kIssuerA), Algorithm::HS256,
                              std::move(*load_verification_keys(kSecretA, Algorithm::HS256))});
    config.issuers.push_back({std::string(kIssuerB), Algorithm::EdDSA,
                              std::move(*parse_jwks(kEd25519PublicJwk, Algorithm::EdDSA))});
    config.hub_url = std::string(kResource);
    config.clock = [] { return std::chrono::system_clock::time_point(std::chrono::seconds(kNow)); };
    return std::move(*AccessVerifier::create(std::move(config)));
  }();
  return v;
}

const Key& key_a() {
  static const Key key = std::move(*load_signing_key(kSecretA, Algorithm::HS256));
  return key;
}

const Key& key_b() {
  static const Key key = std::move(*Key::from_pkey(EVP_PKEY_new_raw_private_key(
      EVP_PKEY_ED25519, nullptr, kEd25519Private, sizeof kEd25519Private)));
  return key;
}

std::string hmac_sha256(std::string_view input) {
  unsigned char out[EVP_MAX_MD_SIZE];
  std::size_t len = 0;
  EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, kSecretA.data(), kSecretA.size(),
            reinterpret_cast<const unsigned char*>(input.data()), input.size(), out, sizeof out,
            &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

bool within_limits(const AccessGrants& grants) {
  const AccessLimits limits;
  auto fine = [&](const TopicMatcher& m) {
    std::string why;
    return !m.text.empty() && m.text.size() <= limits.max_match_bytes &&
           (m.type != MatcherType::urlpattern || m.is_wildcard() || compiles(m.text, &why));
  };
  return grants.publish.size() <= limits.max_total_topics &&
         grants.subscribe.size() <= limits.max_total_topics &&
         std::all_of(grants.publish.begin(), grants.publish.end(), fine) &&
         std::all_of(grants.subscribe.begin(), grants.subscribe.end(), fine);
}

// The selectors parsing compiled are `written`, one for one and in order: `*` any whatever
// its type, a URL pattern a URL pattern, anything else exact.
bool compiled_as_written(const std::vector<TopicMatcher>& written,
                         const herald::match::SelectorSet& compiled) {
  using Kind = herald::match::Selector::Kind;
  auto same = [](const TopicMatcher& m, const herald::match::Selector& s) {
    const Kind kind = m.is_wildcard()                     ? Kind::any
                      : m.type == MatcherType::urlpattern ? Kind::url_pattern
                                                          : Kind::exact;
    return s.text() == m.text && s.kind() == kind;
  };
  return std::equal(written.begin(), written.end(), compiled.selectors().begin(),
                    compiled.selectors().end(), same);
}

// RFC 9068's typ, written out again here rather than trusting the code under test.
bool header_says_access_token(std::string_view token) {
  const auto header = base64url_decode(token.substr(0, token.find('.')));
  if (!header) return false;
  const auto json = nlohmann::json::parse(*header, nullptr, false);
  if (!json.is_object() || !json.contains("typ") || !json["typ"].is_string()) return false;
  std::string typ = json["typ"].get<std::string>();
  std::transform(typ.begin(), typ.end(), typ.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return typ == "at+jwt" || typ == "application/at+jwt";
}

void fuzz_token(std::string_view input) {
  auto claims = verifier().verify(input);
  if (!claims) {
    check(!claims.error().message.empty(), "token refused without reason", input);
    return;
  }
  // B's key is RFC 8032's published test key: a fuzzer cannot find its signatures, and
  // the seeds hold none, so whatever is accepted must be A's.
  const std::size_t dot2 = input.rfind('.');
  const auto signature = base64url_decode(input.substr(dot2 + 1));
  check(signature && *signature == hmac_sha256(input.substr(0, dot2)),
        "accepted a token whose signature is not A's HMAC", input);
  check(header_says_access_token(input), "accepted a token whose typ is not at+jwt", input);
  check(claims->issuer == kIssuerA, "accepted a token of another issuer under A's key", input);
  check(std::find(claims->audiences.begin(), claims->audiences.end(), kResource) !=
            claims->audiences.end(),
        "accepted a token for another audience", input);
  check(claims->expires_at.has_value(), "accepted a token without exp", input);
  check(within_limits(claims->grants), "accepted grants beyond the limits", input);
  const AccessGrants& grants = claims->grants;
  const Claims granted = to_claims(*claims);
  bool as_written = compiled_as_written(grants.publish, granted.publish) &&
                    compiled_as_written(grants.subscribe, granted.subscribe) &&
                    grants.subscribe_details.size() == granted.subscribe_details.size();
  for (std::size_t i = 0; as_written && i < grants.subscribe_details.size(); ++i) {
    as_written = compiled_as_written(grants.subscribe_details[i].topics,
                                     granted.subscribe_details[i].topics);
  }
  check(as_written, "an accepted token's compiled selectors are not its matchers", input);
  auto generation = token_generation(input);
  check(generation && *generation == TokenGeneration::mercure_1,
        "an accepted access token is not routed to 1.0", input);
}

void fuzz_claims(std::string_view input) {
  auto claims = parse_access_claims(input, {}, kResource);
  for (const auto& [key, alg, issuer] : {std::tuple{&key_a(), Algorithm::HS256, kIssuerA},
                                         std::tuple{&key_b(), Algorithm::EdDSA, kIssuerB}}) {
    auto token = sign_token(input, alg, *key, {}, "at+jwt");
    if (!token) {
      check(!claims, "parsed claims cannot be signed", input);
      continue;
    }
    auto verified = verifier().verify(*token);
    if (!claims) {
      check(!verified, "claims that do not parse verify once signed", input);
      continue;
    }
    auto generation = token_generation(*token);
    check(!generation || *generation == TokenGeneration::mercure_1,
          "a signed access token is not routed to 1.0", input);
    if (!verified) {
      const ErrorCode code = verified.error().code;
      const bool not_its_issuer =
          claims->issuer != issuer &&
          (code == ErrorCode::untrusted_issuer || code == ErrorCode::algorithm_mismatch);
      check(not_its_issuer || code == ErrorCode::invalid_audience ||
                code == ErrorCode::invalid_claims || code == ErrorCode::expired ||
                code == ErrorCode::not_yet_valid || code == ErrorCode::too_large,
            "signed claims fail for another reason than iss, aud, time or size", input);
      continue;
    }
    check(claims->issuer == issuer, "a token verified under another issuer's key", input);
    check(verified->grants.publish == claims->grants.publish &&
              verified->grants.subscribe == claims->grants.subscribe &&
              verified->grants.subscribe_details.size() == claims->grants.subscribe_details.size(),
          "grants changed through sign and verify", input);
  }
  if (claims) check(within_limits(claims->grants), "parsed grants beyond the limits", input);
}

void fuzz_challenge(std::string_view input) {
  const std::size_t nl = input.find('\n');
  const std::string_view description = input.substr(0, nl);
  const std::string_view url = nl == std::string_view::npos ? "" : input.substr(nl + 1);
  const std::string value = bearer_challenge(BearerError::invalid_token, description, url);
  check(std::all_of(value.begin(), value.end(), [](char c) { return c >= ' ' && c <= '~'; }),
        "a challenge byte outside printable ASCII", input);
  check(std::count(value.begin(), value.end(), '"') ==
            (description.empty() ? 2 : 4) + (url.empty() ? 0 : 2),
        "a quote escaped its attribute", input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  fuzz_token(input);
  fuzz_claims(input);
  fuzz_challenge(input);
  return 0;
}
