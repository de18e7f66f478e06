// token_generation: which verifier a token goes to.
#include "herald/auth/token_generation.hpp"

#include <gtest/gtest.h>

#include <string>

#include "herald/auth/base64url.hpp"

namespace herald::auth {
namespace {

std::string token(std::string_view header, std::string_view payload) {
  return base64url_encode(header) + "." + base64url_encode(payload) + ".c2ln";
}

TokenGeneration generation_of(std::string_view header, std::string_view payload) {
  auto g = token_generation(token(header, payload));
  EXPECT_TRUE(g) << header << " " << payload << ": " << g.error().message;
  return g ? *g : TokenGeneration::mercure_0x;
}

TEST(TokenGeneration, LegacyTokens) {
  EXPECT_EQ(generation_of(R"({"alg":"HS256"})", R"({"mercure":{"publish":["*"]}})"),
            TokenGeneration::mercure_0x);
  EXPECT_EQ(generation_of(R"({"alg":"HS256","typ":"JWT"})", R"({})"), TokenGeneration::mercure_0x);
}

TEST(TokenGeneration, AccessTokens) {
  EXPECT_EQ(generation_of(R"({"alg":"EdDSA","typ":"at+jwt"})", R"({})"),
            TokenGeneration::mercure_1);
  EXPECT_EQ(generation_of(R"({"alg":"EdDSA","typ":"Application/AT+JWT"})", R"({})"),
            TokenGeneration::mercure_1);
  // No typ: still a 1.0 token, which AccessVerifier then refuses for its missing typ.
  EXPECT_EQ(generation_of(R"({"alg":"EdDSA"})", R"({"authorization_details":[]})"),
            TokenGeneration::mercure_1);
  EXPECT_EQ(to_string(TokenGeneration::mercure_1), "1.0");
  EXPECT_EQ(to_string(TokenGeneration::mercure_0x), "0.x");
}

TEST(TokenGeneration, BothAtOnceAreRefused) {
  for (const auto& [header, payload] :
       {std::pair{R"({"alg":"ES256","typ":"at+jwt"})", R"({"mercure":{}})"},
        std::pair{R"({"alg":"ES256"})", R"({"mercure":{},"authorization_details":[]})"}}) {
    auto g = token_generation(token(header, payload));
    ASSERT_FALSE(g) << header << payload;
    EXPECT_EQ(g.error().code, ErrorCode::wrong_generation);
    EXPECT_EQ(g.error().message,
              "the token mixes Mercure generations: a 0.x \"mercure\" claim and a 1.0 access "
              "token (typ at+jwt or authorization_details)");
  }
}

TEST(TokenGeneration, NotATokenAtAll) {
  for (const std::string& t :
       {std::string("abc"), std::string("a.b.c.d.e"), token("[]", "{}"), token("{}", "[]"),
        token("{", "{}"), base64url_encode("{}") + ".!!." + "c2ln"}) {
    auto g = token_generation(t);
    ASSERT_FALSE(g) << t;
    EXPECT_EQ(g.error().code, ErrorCode::malformed);
  }
  auto big = token_generation(token("{}", "{\"x\":\"" + std::string(9000, 'x') + "\"}"));
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, ErrorCode::too_large);
}

}  // namespace
}  // namespace herald::auth
