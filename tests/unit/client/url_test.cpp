#include "herald/client/url.hpp"

#include <gtest/gtest.h>

namespace herald::client {
namespace {

TEST(ParseUrl, HttpWithDefaultsFilledIn) {
  const auto u = parse_url("http://Example.COM");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->scheme, "http");
  EXPECT_EQ(u->host, "example.com");
  EXPECT_EQ(u->port, 80);
  EXPECT_EQ(u->target, "/");
  EXPECT_EQ(u->authority(), "example.com");
  EXPECT_EQ(u->str(), "http://example.com/");
}

TEST(ParseUrl, HttpsPortPathQueryAndNoFragment) {
  const auto u = parse_url("HTTPS://hub.example:8443/.well-known/mercure?topic=a&x=%20#frag");
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->tls());
  EXPECT_EQ(u->port, 8443);
  EXPECT_EQ(u->target, "/.well-known/mercure?topic=a&x=%20");
  EXPECT_EQ(u->origin(), "https://hub.example:8443");
}

TEST(ParseUrl, QueryWithoutPathAndIpv6) {
  auto u = parse_url("http://127.0.0.1:9?topic=x");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->target, "/?topic=x");
  u = parse_url("http://[::1]:8080/s");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->authority(), "[::1]:8080");
  u = parse_url("https://[::1]/");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->authority(), "[::1]");
}

TEST(ParseUrl, DotSegmentsAreRemoved) {
  const auto u = parse_url("http://h/a/./b/../c");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->target, "/a/c");
}

TEST(ParseUrl, Refusals) {
  std::string why;
  EXPECT_FALSE(parse_url("ftp://h/", &why));
  EXPECT_FALSE(why.empty());
  EXPECT_FALSE(parse_url("/relative"));
  EXPECT_FALSE(parse_url("http://user:pw@h/"));
  EXPECT_FALSE(parse_url("http://h:0/"));
  EXPECT_FALSE(parse_url("http://h:65536/"));
  EXPECT_FALSE(parse_url("http://h:8x/"));
  EXPECT_FALSE(parse_url("http:///path"));
  EXPECT_FALSE(parse_url("http://h/a b"));
  EXPECT_FALSE(parse_url("http://h/a\r\nX: y"));
  EXPECT_FALSE(parse_url("http://[::1/"));
}

struct Resolution {
  const char* reference;
  const char* expected;
};

class ResolveUrl : public testing::TestWithParam<Resolution> {};

TEST_P(ResolveUrl, AgainstABase) {
  const auto base = parse_url("http://a.example:8080/b/c/d?q=1");
  ASSERT_TRUE(base);
  const auto u = resolve_url(*base, GetParam().reference);
  ASSERT_TRUE(u) << GetParam().reference;
  EXPECT_EQ(u->str(), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(Rfc3986, ResolveUrl,
                         testing::Values(Resolution{"https://other/x", "https://other/x"},
                                         Resolution{"//other:81/x", "http://other:81/x"},
                                         Resolution{"/abs?z", "http://a.example:8080/abs?z"},
                                         Resolution{"g", "http://a.example:8080/b/c/g"},
                                         Resolution{"./g/", "http://a.example:8080/b/c/g/"},
                                         Resolution{"../g", "http://a.example:8080/b/g"},
                                         Resolution{"../../../g", "http://a.example:8080/g"},
                                         Resolution{"?y", "http://a.example:8080/b/c/d?y"},
                                         Resolution{"", "http://a.example:8080/b/c/d?q=1"},
                                         Resolution{"g#frag", "http://a.example:8080/b/c/g"}));

TEST(ResolveUrl, RefusesOtherSchemesAndUnsafeBytes) {
  const auto base = parse_url("http://h/");
  EXPECT_FALSE(resolve_url(*base, "javascript:alert(1)"));
  EXPECT_FALSE(resolve_url(*base, "/a\nb"));
}

TEST(PercentEncode, KeepsOnlyUnreserved) {
  EXPECT_EQ(percent_encode("abcXYZ019-._~"), "abcXYZ019-._~");
  EXPECT_EQ(percent_encode("a b&c=d/e?f#g+h%"), "a%20b%26c%3Dd%2Fe%3Ff%23g%2Bh%25");
  EXPECT_EQ(percent_encode("\xc3\xa9"), "%C3%A9");
  EXPECT_EQ(percent_encode("https://example.com/books/{id}"),
            "https%3A%2F%2Fexample.com%2Fbooks%2F%7Bid%7D");
}

}  // namespace
}  // namespace herald::client
