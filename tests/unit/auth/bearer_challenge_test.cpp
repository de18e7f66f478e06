// bearer_challenge: the exact WWW-Authenticate values of the draft's "Error Responses".
#include "herald/auth/bearer_challenge.hpp"

#include <gtest/gtest.h>

namespace herald::auth {
namespace {

constexpr std::string_view kMetadata =
    "https://hub.example.com/.well-known/oauth-protected-resource/.well-known/mercure";

TEST(BearerChallenge, NoTokenCarriesNoErrorCode) {
  EXPECT_EQ(bearer_challenge(BearerError::no_token, "ignored", kMetadata),
            "Bearer resource_metadata=\"https://hub.example.com/.well-known/"
            "oauth-protected-resource/.well-known/mercure\"");
  EXPECT_EQ(bearer_challenge(BearerError::no_token, "", ""), "Bearer");
  EXPECT_EQ(status_code(BearerError::no_token), 401);
}

TEST(BearerChallenge, InvalidToken) {
  EXPECT_EQ(bearer_challenge(BearerError::invalid_token, "the token has expired", kMetadata),
            "Bearer error=\"invalid_token\", error_description=\"the token has expired\", "
            "resource_metadata=\"https://hub.example.com/.well-known/oauth-protected-resource/"
            ".well-known/mercure\"");
  EXPECT_EQ(bearer_challenge(BearerError::invalid_token, "", ""), "Bearer error=\"invalid_token\"");
  EXPECT_EQ(status_code(BearerError::invalid_token), 401);
}

TEST(BearerChallenge, InsufficientScope) {
  EXPECT_EQ(bearer_challenge(BearerError::insufficient_scope,
                             "the token does not grant publish on every topic", kMetadata),
            "Bearer error=\"insufficient_scope\", error_description=\"the token does not grant "
            "publish on every topic\", resource_metadata=\"https://hub.example.com/.well-known/"
            "oauth-protected-resource/.well-known/mercure\"");
  EXPECT_EQ(status_code(BearerError::insufficient_scope), 403);
}

TEST(BearerChallenge, InvalidRequest) {
  EXPECT_EQ(bearer_challenge(BearerError::invalid_request, "two Authorization headers", ""),
            "Bearer error=\"invalid_request\", error_description=\"two Authorization headers\"");
  EXPECT_EQ(status_code(BearerError::invalid_request), 400);
}

TEST(BearerChallenge, DescriptionsStayInsideTheirQuotes) {
  // RFC 6750 3: error_description is %x20-21 / %x23-5B / %x5D-7E only.
  EXPECT_EQ(bearer_challenge(BearerError::invalid_token,
                             "the token algorithm \"x\" is not accepted\\\r\nSet-Cookie: a=b\x7f"
                             "\xc3\xa9",
                             ""),
            "Bearer error=\"invalid_token\", error_description=\"the token algorithm 'x' is not "
            "accepted???Set-Cookie: a=b???\"");
  EXPECT_EQ(
      bearer_challenge(BearerError::no_token, "", "https://hub.example/a b\"c\\d\r\n\xc3\xa9"),
      "Bearer resource_metadata=\"https://hub.example/a%20b%22c%5Cd%0D%0A%C3%A9\"");
}

TEST(BearerChallenge, ErrorCodesMapToInvalidTokenExceptBadCredentials) {
  EXPECT_EQ(bearer_error(ErrorCode::bad_credentials), BearerError::invalid_request);
  for (ErrorCode code :
       {ErrorCode::malformed, ErrorCode::too_large, ErrorCode::expired, ErrorCode::bad_signature,
        ErrorCode::invalid_type, ErrorCode::untrusted_issuer, ErrorCode::invalid_audience,
        ErrorCode::invalid_claims, ErrorCode::wrong_generation}) {
    EXPECT_EQ(bearer_error(code), BearerError::invalid_token) << to_string(code);
  }
}

}  // namespace
}  // namespace herald::auth
