#include "auth_gate.hpp"

#include <gtest/gtest.h>

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

Config config() {
  Config c;
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

TEST(AuthGate, NoCredentialsIsAnonymous) {
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
  EXPECT_EQ(
      status(gate.identify(request({{"Authorization", "Basic dXNlcjpwYXNz"}}), Role::subscriber)),
      401);
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
            401);
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
  EXPECT_TRUE(denial_response({403, "no"}).headers.empty());
}

}  // namespace
}  // namespace herald::server
