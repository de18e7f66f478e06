#include "cors.hpp"

#include <gtest/gtest.h>

namespace herald::server {
namespace {

http::Request from(std::string origin) {
  http::Request r;
  r.method = "GET";
  r.target = "/.well-known/mercure?topic=x";
  r.headers = {{"Origin", std::move(origin)}};
  return r;
}

std::string header(const std::vector<http::Header>& headers, std::string_view name) {
  for (const http::Header& h : headers) {
    if (h.name == name) return h.value;
  }
  return "<none>";
}

TEST(Cors, WildcardAnswersStarWithoutCredentials) {
  const Cors cors({"*"});
  std::vector<http::Header> headers;
  ASSERT_TRUE(cors.decorate(from("https://evil.example"), headers));
  EXPECT_EQ(header(headers, "Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(header(headers, "Access-Control-Allow-Credentials"), "<none>");
  EXPECT_TRUE(cors.allows("https://evil.example"));
  EXPECT_FALSE(cors.allows_credentials("https://evil.example"));
}

TEST(Cors, ListedOriginIsEchoedWithCredentialsEvenBesideWildcard) {
  const Cors cors({"*", "https://app.example"});
  std::vector<http::Header> headers;
  ASSERT_TRUE(cors.decorate(from("https://app.example"), headers));
  EXPECT_EQ(header(headers, "Access-Control-Allow-Origin"), "https://app.example");
  EXPECT_EQ(header(headers, "Access-Control-Allow-Credentials"), "true");
  EXPECT_EQ(header(headers, "Vary"), "Origin");
}

TEST(Cors, DevEchoesAnyOriginWithCredentials) {
  const Cors cors({}, /*allow_any=*/true);
  std::vector<http::Header> headers;
  ASSERT_TRUE(cors.decorate(from("http://localhost:3000"), headers));
  EXPECT_EQ(header(headers, "Access-Control-Allow-Origin"), "http://localhost:3000");
  EXPECT_EQ(header(headers, "Access-Control-Allow-Credentials"), "true");
}

TEST(Cors, UnlistedOriginGetsNothing) {
  const Cors cors({"https://app.example"});
  std::vector<http::Header> headers;
  EXPECT_FALSE(cors.decorate(from("https://evil.example"), headers));
  EXPECT_TRUE(headers.empty());
}

}  // namespace
}  // namespace herald::server
