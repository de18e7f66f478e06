#include "origin_check.hpp"

#include <gtest/gtest.h>

namespace herald::server {
namespace {

http::Request request_with(std::vector<http::Header> headers) {
  http::Request r;
  r.method = "POST";
  r.target = "/.well-known/mercure";
  r.headers = std::move(headers);
  return r;
}

TEST(OriginCheck, OriginHeaderFirstThenReferer) {
  EXPECT_EQ(request_origin(request_with(
                {{"Origin", "https://a.example"}, {"Referer", "https://b.example/page"}})),
            "https://a.example");
  EXPECT_EQ(request_origin(request_with({{"Referer", "https://b.example:8443/page?x=1"}})),
            "https://b.example:8443");
  EXPECT_EQ(request_origin(request_with({{"Referer", "http://c.example"}})), "http://c.example");
  EXPECT_EQ(request_origin(request_with({{"Referer", "http://d.example?q#f"}})),
            "http://d.example");
  EXPECT_EQ(request_origin(request_with({})), std::nullopt);
  // Not a URL: no origin to judge, so no pass.
  EXPECT_EQ(request_origin(request_with({{"Referer", "/relative/page"}})), std::nullopt);
  EXPECT_EQ(request_origin(request_with({{"Referer", "https:///nohost"}})), std::nullopt);
}

TEST(OriginCheck, SameHostComparesTheAuthority) {
  EXPECT_TRUE(is_same_host("http://127.0.0.1:8080", "127.0.0.1:8080"));
  EXPECT_TRUE(is_same_host("https://Hub.Example", "hub.example"));
  EXPECT_FALSE(is_same_host("http://127.0.0.1:8081", "127.0.0.1:8080"));
  EXPECT_FALSE(is_same_host("http://evil.example", "hub.example"));
  EXPECT_FALSE(is_same_host("null", "null"));  // sandboxed pages send Origin: null
  EXPECT_FALSE(is_same_host("http://hub.example", ""));
}

TEST(OriginCheck, CookieRequestsNeedAnAllowedOrSameOrigin) {
  Cors allowed({"https://app.example"});
  std::string why;
  EXPECT_TRUE(cookie_origin_allowed(
      request_with({{"Origin", "https://app.example"}, {"Host", "hub.example"}}), allowed, why));
  EXPECT_TRUE(cookie_origin_allowed(
      request_with({{"Referer", "https://app.example/x"}, {"Host", "hub.example"}}), allowed, why));
  EXPECT_TRUE(cookie_origin_allowed(
      request_with({{"Origin", "https://hub.example"}, {"Host", "hub.example"}}), allowed, why));

  EXPECT_FALSE(cookie_origin_allowed(
      request_with({{"Origin", "https://evil.example"}, {"Host", "hub.example"}}), allowed, why));
  EXPECT_NE(why.find("https://evil.example"), std::string::npos) << why;
  EXPECT_FALSE(cookie_origin_allowed(request_with({{"Host", "hub.example"}}), allowed, why));
  EXPECT_NE(why.find("Origin"), std::string::npos) << why;
  // A lookalike prefix is another origin.
  EXPECT_FALSE(cookie_origin_allowed(
      request_with({{"Origin", "https://app.example.evil"}, {"Host", "hub.example"}}), allowed,
      why));
  // `*` lets any page read public answers, never use the user's cookie.
  EXPECT_FALSE(
      cookie_origin_allowed(request_with({{"Origin", "https://any.example"}}), Cors({"*"}), why));
  EXPECT_TRUE(cookie_origin_allowed(request_with({{"Origin", "https://app.example"}}),
                                    Cors({"*", "https://app.example"}), why));
  // --dev without --cors-origins: any origin, on purpose.
  EXPECT_TRUE(cookie_origin_allowed(request_with({{"Origin", "https://any.example"}}),
                                    Cors({}, /*allow_any=*/true), why));
  EXPECT_FALSE(
      cookie_origin_allowed(request_with({{"Origin", "https://app.example"}}), Cors(), why));
}

}  // namespace
}  // namespace herald::server
