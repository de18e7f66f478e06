#include "auth_gate.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "herald/auth/authorize.hpp"
#include "herald/auth/key.hpp"
#include "herald/auth/signer.hpp"

namespace herald::server {
namespace {

constexpr const char* publisher_secret = "publisher-secret";
constexpr const char* subscriber_secret = "subscriber-secret";

std::string token(const std::string& claims, const std::string& secret) {
  auto key = auth::Key::from_secret(secret);
  auto t = auth::sign_token(claims, auth::Algorithm::HS256, *key);
  return *t;
}

const std::string publish_all = R"({"mercure":{"publish":["*"]}})";
const std::string subscribe_a = R"({"mercure":{"subscribe":["a"],"payload":{"u":1}}})";

constexpr const char* hub_url = "https://hub.example/.well-known/mercure";
constexpr const char* metadata_url =
    "https://hub.example/.well-known/oauth-protected-resource/.well-known/mercure";

Config config() {
  Config c;
  c.resource = hub_url;
  c.publisher = {publisher_secret, "HS256"};
  c.subscriber = {subscriber_secret, "HS256"};
  c.publish_origins = {"https://app.example"};
  c.cors_origins = {"https://sub.example"};
  return c;
}

http::Request request(std::vector<http::Header> headers,
                      std::string target = "/.well-known/mercure") {
  http::Request r;
  r.method = "GET";
  r.target = std::move(target);
  r.headers = std::move(headers);
  r.headers.push_back({"Host", "hub.example"});
  return r;
}

// By value: the variant is usually a temporary.
Identity identity(const std::variant<Identity, Denial>& v) {
  if (auto* d = std::get_if<Denial>(&v)) ADD_FAILURE() << d->status << " " << d->message;
  return std::holds_alternative<Identity>(v) ? std::get<Identity>(v) : Identity{};
}

int status(const std::variant<Identity, Denial>& v) {
  return std::holds_alternative<Denial>(v) ? std::get<Denial>(v).status : 200;
}

TEST(AuthGate, NoCredentialsIsAnonymousForSubscribers) {
  AuthGate gate(config());
  Identity id = identity(gate.identify(request({}), Role::subscriber));
  EXPECT_TRUE(id.anonymous());
  EXPECT_EQ(id.source, auth::TokenSource::none);
}

TEST(AuthGate, BearerHeaderVerifiedWithTheRolesKey) {
  AuthGate gate(config());
  auto v =
      gate.identify(request({{"Authorization", "Bearer " + token(subscribe_a, subscriber_secret)}}),
                    Role::subscriber);
  Identity id = identity(v);
  ASSERT_FALSE(id.anonymous());
  EXPECT_EQ(id.source, auth::TokenSource::authorization_header);
  EXPECT_TRUE(id.claims->subscribe.matches("a"));
  EXPECT_EQ(id.claims->payload, R"({"u":1})");

  // The other role's key does not verify it: leaking a subscriber key grants no publishing.
  auto cross =
      gate.identify(request({{"Authorization", "Bearer " + token(publish_all, subscriber_secret)}}),
                    Role::publisher);
  ASSERT_EQ(status(cross), 401);
  EXPECT_NE(std::get<Denial>(cross).message.find("signature"), std::string::npos);
}

TEST(AuthGate, MalformedCredentialsAreRefusedNotIgnored) {
  AuthGate gate(config());
  const std::string good = token(subscribe_a, subscriber_secret);
  // Another scheme presents no bearer token (RFC 6750 3.1): 401, no error code.
  auto basic = gate.identify(request({{"Authorization", "Basic dXNlcjpwYXNz"}}), Role::subscriber);
  ASSERT_EQ(status(basic), 401);
  EXPECT_EQ(std::get<Denial>(basic).challenge,
            std::string("Bearer resource_metadata=\"") + metadata_url + "\"");
  // A Bearer header without a usable token is a malformed presentation.
  for (const char* header : {"Bearer", "Bearer a b.c", "bearer \x01"}) {
    auto malformed = gate.identify(request({{"Authorization", header}}), Role::subscriber);
    ASSERT_EQ(status(malformed), 400) << header;
    EXPECT_EQ(std::get<Denial>(malformed).challenge.rfind("Bearer error=\"invalid_request\"", 0),
              0u)
        << header;
  }
  EXPECT_EQ(
      status(gate.identify(request({{"Authorization", "Bearer not.a.jwt"}}), Role::subscriber)),
      401);
  // A broken header never falls through to a good cookie.
  EXPECT_EQ(status(gate.identify(request({{"Authorization", "Basic x"},
                                          {"Origin", "https://sub.example"},
                                          {"Cookie", "mercureAuthorization=" + good}}),
                                 Role::subscriber)),
            401);
  EXPECT_EQ(status(gate.identify(
                request({{"Authorization", "Bearer " + good}, {"Authorization", "Bearer " + good}}),
                Role::subscriber)),
            400);
}

TEST(AuthGate, QueryParameter) {
  AuthGate gate(config());
  const std::string good = token(subscribe_a, subscriber_secret);
  Identity id = identity(gate.identify(
      request({}, "/.well-known/mercure?topic=a&authorization=" + good), Role::subscriber));
  EXPECT_EQ(id.source, auth::TokenSource::query_parameter);
  EXPECT_FALSE(id.anonymous());
  EXPECT_EQ(status(gate.identify(request({}, "/.well-known/mercure?authorization=" + good +
                                                 "&authorization=" + good),
                                 Role::subscriber)),
            400);
}

TEST(AuthGate, CookieNeedsAnAllowedOriginPerRole) {
  AuthGate gate(config());
  const std::string sub = "mercureAuthorization=" + token(subscribe_a, subscriber_secret);
  const std::string pub = "mercureAuthorization=" + token(publish_all, publisher_secret);

  EXPECT_EQ(status(gate.identify(request({{"Cookie", sub}}), Role::subscriber)), 403);
  EXPECT_EQ(status(gate.identify(request({{"Cookie", sub}, {"Origin", "https://evil.example"}}),
                                 Role::subscriber)),
            403);
  Identity ok = identity(gate.identify(
      request({{"Cookie", sub}, {"Origin", "https://sub.example"}}), Role::subscriber));
  EXPECT_EQ(ok.source, auth::TokenSource::cookie);
  // The hub's own pages may always use it.
  identity(gate.identify(request({{"Cookie", sub}, {"Referer", "http://hub.example/chat.html"}}),
                         Role::subscriber));

  // Publishing is checked against --publish-origins, not --cors-origins.
  EXPECT_EQ(status(gate.identify(request({{"Cookie", pub}, {"Origin", "https://sub.example"}}),
                                 Role::publisher)),
            403);
  identity(gate.identify(request({{"Cookie", pub}, {"Origin", "https://app.example"}}),
                         Role::publisher));
}

TEST(AuthGate, CookieHeadersAreReadTogetherAndTheNameIsConfigurable) {
  Config c = config();
  c.cookie_name = "hubToken";
  AuthGate gate(c);
  const std::string t = token(subscribe_a, subscriber_secret);
  Identity id = identity(gate.identify(request({{"Cookie", "theme=dark"},
                                                {"Cookie", "hubToken=" + t},
                                                {"Origin", "https://sub.example"}}),
                                       Role::subscriber));
  EXPECT_EQ(id.source, auth::TokenSource::cookie);
  // The default name is not read any more.
  EXPECT_TRUE(identity(gate.identify(request({{"Cookie", "mercureAuthorization=" + t},
                                              {"Origin", "https://sub.example"}}),
                                     Role::subscriber))
                  .anonymous());
}

TEST(AuthGate, WithoutAKeyTokensAreNotLookedAt) {
  Config c = config();
  c.subscriber.key.clear();
  AuthGate gate(c);
  EXPECT_FALSE(gate.has_key(Role::subscriber));
  EXPECT_TRUE(gate.has_key(Role::publisher));
  EXPECT_TRUE(identity(gate.identify(request({{"Authorization", "Bearer junk"}}), Role::subscriber))
                  .anonymous());
}

TEST(AuthGate, TokenSizeLimit) {
  Config c = config();
  c.max_token_bytes = 200;
  AuthGate gate(c);
  std::string big = R"({"mercure":{"subscribe":[")" + std::string(300, 'x') + R"("]}})";
  auto v = gate.identify(request({{"Authorization", "Bearer " + token(big, subscriber_secret)}}),
                         Role::subscriber);
  EXPECT_EQ(status(v), 401);
}

TEST(AuthGate, BadKeysStopTheServerAtStartUp) {
  Config c = config();
  c.publisher.alg = "none";
  EXPECT_THROW(AuthGate{c}, std::invalid_argument);
  c = config();
  c.subscriber.alg = "RS256";  // a secret is no RSA key
  try {
    AuthGate gate(c);
    ADD_FAILURE() << "accepted an HMAC secret as an RSA key";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("--subscriber-jwt-key"), std::string::npos) << e.what();
  }
  c = config();
  c.publisher.key = "@/nonexistent/herald-key";
  EXPECT_THROW(AuthGate{c}, std::invalid_argument);
}

TEST(AuthGate, DenialResponsesChallengeOn401) {
  http::Response r = denial_response({401, "no"});
  EXPECT_EQ(r.status, 401);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].name, "WWW-Authenticate");
  EXPECT_EQ(r.headers[0].value, "Bearer");
  EXPECT_EQ(r.body, "no\n");
  EXPECT_TRUE(denial_response({403, "no"}).headers.empty());
  http::Response scoped =
      denial_response({403, "not yours", "Bearer error=\"insufficient_scope\""});
  ASSERT_EQ(scoped.headers.size(), 1u);
  EXPECT_EQ(scoped.headers[0].value, "Bearer error=\"insufficient_scope\"");
  EXPECT_EQ(scoped.body, "not yours\n");
}

// Mercure 1.0 access tokens: two trusted issuers with HMAC keys of their own.
constexpr const char* issuer_a = "https://a.example";
constexpr const char* issuer_a_secret = "issuer-a-secret-0123456789abcdef";
constexpr const char* issuer_b = "https://b.example";
constexpr const char* issuer_b_secret = "issuer-b-secret-0123456789abcdef";
constexpr const char* detail_type = "https://mercure.rocks/authorization-detail";

Config v1_config() {
  Config c = config();
  c.jwt_issuers = {std::string(issuer_a) + " HS256 " + issuer_a_secret,
                   std::string(issuer_b) + "  HS256  " + issuer_b_secret};
  return c;
}

nlohmann::json access_claims(nlohmann::json details, const char* iss = issuer_a) {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now).count();
  return {{"iss", iss},
          {"aud", hub_url},
          {"sub", "alice"},
          {"exp", seconds + 3600},
          {"authorization_details", std::move(details)}};
}

std::string access_token(const nlohmann::json& claims, const std::string& secret = issuer_a_secret,
                         const char* typ = "at+jwt") {
  auto key = auth::Key::from_secret(secret);
  return *auth::sign_token(claims.dump(), auth::Algorithm::HS256, *key, {}, typ);
}

// Publishes books/1 exactly and /books/:id relative to the hub; subscribes to users/alice
// with a payload.
nlohmann::json grants() {
  return nlohmann::json::array({{{"type", detail_type},
                                 {"actions", {"publish"}},
                                 {"topics",
                                  {{{"match", "https://example.com/books/1"}},
                                   {{"match", "/books/:id"}, {"match_type", "urlpattern"}}}}},
                                {{"type", detail_type},
                                 {"actions", {"subscribe"}},
                                 {"topics", {{{"match", "https://example.com/users/alice"}}}},
                                 {"payload", {{"name", "alice"}}}}});
}

// By value, like identity().
Denial denial(const std::variant<Identity, Denial>& v) {
  if (!std::holds_alternative<Denial>(v)) ADD_FAILURE() << "not refused";
  return std::holds_alternative<Denial>(v) ? std::get<Denial>(v) : Denial{200, "not refused"};
}

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

TEST(AuthGate, AnAccessTokenServesBothRolesWithTheSameClaims) {
  AuthGate gate(v1_config());
  const std::string t = access_token(access_claims(grants()));
  for (Role role : {Role::publisher, Role::subscriber}) {
    Identity id = identity(gate.identify(request({{"Authorization", "Bearer " + t}}), role));
    ASSERT_FALSE(id.anonymous());
    const auth::Claims& c = *id.claims;
    EXPECT_EQ(c.generation, auth::TokenGeneration::mercure_1);
    EXPECT_EQ(c.issuer, issuer_a);
    EXPECT_EQ(c.subject, "alice");
    ASSERT_TRUE(c.expires_at);
    const std::vector<std::string> books = {"https://example.com/books/1", "/books/2",
                                            "https://hub.example/books/3"};
    EXPECT_TRUE(auth::can_publish(c, books));
    const std::vector<std::string> mixed = {"https://example.com/books/1", "urn:other"};
    EXPECT_FALSE(auth::can_publish(c, mixed));
    const std::vector<std::string> alice = {"https://example.com/users/alice"};
    // The subscribe grants, which decide who receives private updates.
    EXPECT_TRUE(c.subscribe.matches_any(alice));
    EXPECT_FALSE(c.subscribe.matches_any(books)) << "publish grants no subscribe";
    ASSERT_EQ(c.subscribe_details.size(), 1u);
    EXPECT_EQ(c.subscribe_details[0].payload, R"({"name":"alice"})");
  }
}

TEST(AuthGate, EachTokenGoesToTheVerifierOfItsGeneration) {
  AuthGate gate(v1_config());
  // 0.x tokens still go to the role's key.
  Identity legacy = identity(
      gate.identify(request({{"Authorization", "Bearer " + token(subscribe_a, subscriber_secret)}}),
                    Role::subscriber));
  ASSERT_FALSE(legacy.anonymous());
  EXPECT_EQ(legacy.claims->generation, auth::TokenGeneration::mercure_0x);

  auto refused = [&](const std::string& t, const char* why) {
    const Denial d =
        denial(gate.identify(request({{"Authorization", "Bearer " + t}}), Role::publisher));
    EXPECT_EQ(d.status, 401) << why;
    EXPECT_TRUE(starts_with(d.challenge, "Bearer error=\"invalid_token\", error_description=\""))
        << why << ": " << d.challenge;
    EXPECT_NE(d.challenge.find(std::string("resource_metadata=\"") + metadata_url + "\""),
              std::string::npos)
        << why << ": " << d.challenge;
    EXPECT_FALSE(d.message.empty()) << why;
  };
  nlohmann::json wrong_aud = access_claims(grants());
  wrong_aud["aud"] = "https://other.example/.well-known/mercure";
  refused(access_token(wrong_aud), "another hub's token");
  refused(access_token(access_claims(grants(), "https://c.example")), "an unknown issuer");
  // Signed with A's key, claiming B: checked with B's key only.
  refused(access_token(access_claims(grants(), issuer_b), issuer_a_secret), "A's key as B");
  EXPECT_TRUE(
      identity(gate.identify(request({{"Authorization",
                                       "Bearer " + access_token(access_claims(grants(), issuer_b),
                                                                issuer_b_secret)}}),
                             Role::publisher))
          .claims);
  // Without typ at+jwt, authorization_details still make it 1.0, and 1.0 wants the typ.
  refused(access_token(access_claims(grants()), issuer_a_secret, "JWT"), "typ JWT");
  // A 1.0 token never passes the 0.x verifier, even signed with the 0.x key.
  refused(access_token(access_claims(grants()), publisher_secret), "signed with the 0.x key");
  refused("not.a.jwt", "not a JWT");
}

TEST(AuthGate, IssuersAloneVerifyAccessTokens) {
  Config c = v1_config();
  c.publisher.key.clear();
  c.subscriber.key.clear();
  AuthGate gate(c);
  EXPECT_TRUE(gate.has_key(Role::publisher));
  EXPECT_TRUE(gate.has_key(Role::subscriber));
  const std::string t = access_token(access_claims(grants()));
  EXPECT_TRUE(
      identity(gate.identify(request({{"Authorization", "Bearer " + t}}), Role::publisher)).claims);
  // A 0.x token has no key to go to: refused, not taken for anonymous.
  const Denial d = denial(
      gate.identify(request({{"Authorization", "Bearer " + token(publish_all, publisher_secret)}}),
                    Role::publisher));
  EXPECT_EQ(d.status, 401);
  EXPECT_NE(d.message.find("no 0.x publisher key"), std::string::npos) << d.message;
}

TEST(AuthGate, ProtocolRestrictsTheGenerations) {
  const std::string v1 = "Bearer " + access_token(access_claims(grants()));
  const std::string v0 = "Bearer " + token(publish_all, publisher_secret);

  Config only_v0 = v1_config();
  only_v0.protocol = Config::Protocol::v0;
  AuthGate gate0(only_v0);
  const Denial d0 = denial(gate0.identify(request({{"Authorization", v1}}), Role::publisher));
  EXPECT_EQ(d0.status, 401);
  EXPECT_NE(d0.message.find("0.x only"), std::string::npos) << d0.message;
  // A 0.x hub publishes no metadata, so its challenges point to none.
  EXPECT_EQ(d0.challenge.find("resource_metadata"), std::string::npos) << d0.challenge;
  EXPECT_TRUE(identity(gate0.identify(request({{"Authorization", v0}}), Role::publisher)).claims);
  EXPECT_EQ(gate0.no_token("x").challenge, "Bearer");

  Config only_v1 = v1_config();
  only_v1.protocol = Config::Protocol::v1;
  AuthGate gate1(only_v1);
  const Denial d1 = denial(gate1.identify(request({{"Authorization", v0}}), Role::publisher));
  EXPECT_EQ(d1.status, 401);
  EXPECT_NE(d1.message.find("1.0 only"), std::string::npos) << d1.message;
  EXPECT_TRUE(identity(gate1.identify(request({{"Authorization", v1}}), Role::publisher)).claims);

  // --protocol 1 with 0.x keys only: nothing can verify.
  Config keys_only = config();
  keys_only.protocol = Config::Protocol::v1;
  EXPECT_FALSE(AuthGate(keys_only).has_key(Role::publisher));
}

TEST(AuthGate, TheHeaderWinsAndCookiesAreThenIgnored) {
  AuthGate gate(v1_config());
  const std::string v1 = access_token(access_claims(grants()));
  // A junk cookie beside a good header, without any Origin: the cookie is not even read.
  Identity id = identity(gate.identify(
      request({{"Authorization", "Bearer " + v1},
               {"Cookie", "__Secure-mercure_access_token=junk; mercureAuthorization=junk"}}),
      Role::publisher));
  EXPECT_EQ(id.source, auth::TokenSource::authorization_header);
  ASSERT_TRUE(id.claims);
  EXPECT_EQ(id.claims->generation, auth::TokenGeneration::mercure_1);
}

TEST(AuthGate, TheAccessTokenCookie) {
  AuthGate gate(v1_config());
  const std::string cookie =
      "__Secure-mercure_access_token=" + access_token(access_claims(grants()));
  Identity id = identity(gate.identify(
      request({{"Cookie", cookie}, {"Origin", "https://app.example"}}), Role::publisher));
  EXPECT_EQ(id.source, auth::TokenSource::cookie);
  ASSERT_TRUE(id.claims);
  EXPECT_EQ(id.claims->generation, auth::TokenGeneration::mercure_1);
  // Ambient authority: the Origin check applies as for 0.x cookies.
  EXPECT_EQ(denial(gate.identify(request({{"Cookie", cookie}, {"Origin", "https://evil.example"}}),
                                 Role::publisher))
                .status,
            403);
  // Both cookies: the 1.0 one is used.
  id = identity(gate.identify(
      request({{"Cookie", "mercureAuthorization=" + token(publish_all, publisher_secret)},
               {"Cookie", cookie},
               {"Origin", "https://app.example"}}),
      Role::publisher));
  ASSERT_TRUE(id.claims);
  EXPECT_EQ(id.claims->generation, auth::TokenGeneration::mercure_1);
  // A hub that speaks 0.x only does not read it.
  Config only_v0 = v1_config();
  only_v0.protocol = Config::Protocol::v0;
  EXPECT_TRUE(identity(AuthGate(only_v0).identify(
                           request({{"Cookie", cookie}, {"Origin", "https://sub.example"}}),
                           Role::subscriber))
                  .anonymous());
  // Its name is configurable.
  Config renamed = v1_config();
  renamed.access_cookie_name = "hub_access";
  id = identity(AuthGate(renamed).identify(
      request({{"Cookie", "hub_access=" + access_token(access_claims(grants()))},
               {"Origin", "https://sub.example"}}),
      Role::subscriber));
  EXPECT_EQ(id.source, auth::TokenSource::cookie);
}

TEST(AuthGate, AnAccessTokenInTheQueryIsAnInvalidRequest) {
  AuthGate gate(v1_config());
  const std::string v1 = access_token(access_claims(grants()));
  const Denial d = denial(
      gate.identify(request({}, "/.well-known/mercure?authorization=" + v1), Role::subscriber));
  EXPECT_EQ(d.status, 400);
  EXPECT_TRUE(starts_with(d.challenge, "Bearer error=\"invalid_request\"")) << d.challenge;
  // 0.x tokens keep the query parameter.
  EXPECT_TRUE(identity(gate.identify(request({}, "/.well-known/mercure?authorization=" +
                                                     token(subscribe_a, subscriber_secret)),
                                     Role::subscriber))
                  .claims);
}

TEST(AuthGate, Challenges) {
  AuthGate gate(v1_config());
  // A publisher without a token: 401, no error code, where the metadata is.
  const Denial publisher = denial(gate.identify(request({}), Role::publisher));
  EXPECT_EQ(publisher.status, 401);
  EXPECT_EQ(publisher.challenge, std::string("Bearer resource_metadata=\"") + metadata_url + "\"");
  EXPECT_FALSE(publisher.message.empty());
  EXPECT_EQ(gate.no_token("log in").challenge, publisher.challenge);
  const Denial scope = gate.insufficient_scope("not \"yours\"");
  EXPECT_EQ(scope.status, 403);
  EXPECT_EQ(scope.message, "not \"yours\"");
  EXPECT_EQ(scope.challenge,
            std::string("Bearer error=\"insufficient_scope\", error_description=\"not 'yours'\", "
                        "resource_metadata=\"") +
                metadata_url + "\"");
  http::Response r = denial_response(scope);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body, "not \"yours\"\n");
}

TEST(AuthGate, BadIssuerSpecsStopTheServerAtStartUp) {
  for (std::string spec :
       {std::string(issuer_a), std::string(issuer_a) + " HS256", std::string(issuer_a) + " HS999 k",
        std::string(issuer_a) + " EdDSA not-a-pem", std::string(issuer_a) + " HS256 @/nonexistent",
        std::string("  ")}) {
    Config c = v1_config();
    c.jwt_issuers.push_back(spec);
    try {
      AuthGate gate(c);
      ADD_FAILURE() << "accepted --jwt-issuer '" << spec << "'";
    } catch (const std::invalid_argument& e) {
      EXPECT_TRUE(starts_with(e.what(), "--jwt-issuer: ")) << e.what();
    }
  }
  // The same issuer twice for one algorithm.
  Config twice = v1_config();
  twice.jwt_issuers.push_back(std::string(issuer_a) + " HS256 another-secret-0123456789");
  EXPECT_THROW(AuthGate{twice}, std::invalid_argument);
  // A key with spaces in it is the rest of the spec.
  Config spaced = config();
  spaced.jwt_issuers = {std::string(issuer_a) + " HS256 a secret with spaces 0123456789"};
  AuthGate gate(spaced);
  auto key_ok = gate.identify(
      request({{"Authorization", "Bearer " + access_token(access_claims(grants()),
                                                          "a secret with spaces 0123456789")}}),
      Role::publisher);
  EXPECT_TRUE(identity(key_ok).claims);
}

}  // namespace
}  // namespace herald::server
