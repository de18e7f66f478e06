// Where the token comes from: header, query parameter, cookie, in that order.
#include "herald/auth/token_source.hpp"

#include <gtest/gtest.h>

namespace herald::auth {
namespace {

ExtractedToken extracted(const RequestCredentials& request,
                         std::string_view cookie_name = kDefaultCookieName) {
  auto result = extract_token(request, cookie_name);
  EXPECT_TRUE(result) << result.error().message;
  return result ? std::move(*result) : ExtractedToken{};
}

bool refused(const RequestCredentials& request) {
  auto result = extract_token(request);
  if (result) return false;
  EXPECT_EQ(result.error().code, ErrorCode::bad_credentials);
  EXPECT_FALSE(result.error().message.empty());
  return true;
}

TEST(TokenSource, Anonymous) {
  const ExtractedToken t = extracted({});
  EXPECT_EQ(t.source, TokenSource::none);
  EXPECT_EQ(t.token, "");
  EXPECT_EQ(extracted({.cookie = "theme=dark; lang=fr", .query = "topic=a&x=1"}).source,
            TokenSource::none);
}

TEST(TokenSource, BearerHeader) {
  const ExtractedToken t = extracted({.authorization = "Bearer aaa.bbb.ccc"});
  EXPECT_EQ(t.source, TokenSource::authorization_header);
  EXPECT_EQ(t.token, "aaa.bbb.ccc");
  EXPECT_EQ(extracted({.authorization = "bearer aaa.bbb.ccc"}).token, "aaa.bbb.ccc");
  EXPECT_EQ(extracted({.authorization = "  BEARER   aaa.bbb.ccc  "}).token, "aaa.bbb.ccc");
}

TEST(TokenSource, MalformedHeaderIsAnErrorNotAFallThrough) {
  const std::string_view cookie = "mercureAuthorization=from.the.cookie";
  EXPECT_TRUE(refused({.authorization = "Basic dXNlcjpwYXNz", .cookie = cookie}));
  EXPECT_TRUE(refused({.authorization = "Bearer", .cookie = cookie}));
  EXPECT_TRUE(refused({.authorization = "Bearer ", .cookie = cookie}));
  EXPECT_TRUE(refused({.authorization = "", .cookie = cookie}));
  EXPECT_TRUE(refused({.authorization = "Bearer a b"}));
  EXPECT_TRUE(refused({.authorization = "Bearer a\x01"}));
  EXPECT_TRUE(refused({.authorization = "Bearertoken"}));
}

TEST(TokenSource, QueryParameter) {
  const ExtractedToken t = extracted({.query = "topic=a&authorization=aaa.bbb.ccc&topic=b"});
  EXPECT_EQ(t.source, TokenSource::query_parameter);
  EXPECT_EQ(t.token, "aaa.bbb.ccc");
  EXPECT_EQ(extracted({.query = "authorization=a%2Eb.c"}).token, "a.b.c");  // percent-decoded
  EXPECT_EQ(extracted({.query = "Authorization=x.y.z"}).source, TokenSource::none);  // exact name
  EXPECT_EQ(extracted({.query = "authorizationx=x.y.z"}).source, TokenSource::none);
  EXPECT_TRUE(refused({.query = "authorization=a.b.c&authorization=d.e.f"}));
  EXPECT_TRUE(refused({.query = "authorization="}));
  EXPECT_TRUE(refused({.query = "authorization"}));
  EXPECT_TRUE(refused({.query = "authorization=a%zz"}));
  EXPECT_TRUE(refused({.query = "authorization=a+b"}));  // '+' is a space in a query
}

TEST(TokenSource, Cookie) {
  const ExtractedToken t =
      extracted({.cookie = "theme=dark; mercureAuthorization=aaa.bbb.ccc; x=1"});
  EXPECT_EQ(t.source, TokenSource::cookie);
  EXPECT_EQ(t.token, "aaa.bbb.ccc");
  EXPECT_EQ(extracted({.cookie = "mercureAuthorization=\"q.u.oted\""}).token, "q.u.oted");
  EXPECT_EQ(extracted({.cookie = "mercureAuthorization=first.a.a; mercureAuthorization=second.b.b"})
                .token,
            "first.a.a");
  EXPECT_EQ(extracted({.cookie = "xmercureAuthorization=a.b.c"}).source, TokenSource::none);
  EXPECT_EQ(extracted({.cookie = "mercureauthorization=a.b.c"}).source, TokenSource::none);
  // An emptied cookie is what a logged-out browser sends: anonymous, not an error.
  EXPECT_EQ(extracted({.cookie = "mercureAuthorization="}).source, TokenSource::none);
  EXPECT_TRUE(refused({.cookie = "mercureAuthorization=a b"}));
}

TEST(TokenSource, CookieNameIsConfigurable) {
  const RequestCredentials request{.cookie = "hubToken=a.b.c; mercureAuthorization=d.e.f"};
  EXPECT_EQ(extracted(request, "hubToken").token, "a.b.c");
  EXPECT_EQ(extracted(request).token, "d.e.f");
}

TEST(TokenSource, HeaderBeatsQueryBeatsCookie) {
  const std::string_view cookie = "mercureAuthorization=c.c.c";
  const std::string_view query = "authorization=q.q.q";
  auto all = extracted({.authorization = "Bearer h.h.h", .cookie = cookie, .query = query});
  EXPECT_EQ(all.source, TokenSource::authorization_header);
  EXPECT_EQ(all.token, "h.h.h");
  auto two = extracted({.cookie = cookie, .query = query});
  EXPECT_EQ(two.source, TokenSource::query_parameter);
  EXPECT_EQ(two.token, "q.q.q");
  // A bad query parameter is not skipped in favour of the cookie.
  EXPECT_TRUE(refused({.cookie = cookie, .query = "authorization="}));
  // ... but with a header, neither is looked at.
  EXPECT_TRUE(extract_token({.authorization = "Bearer h.h.h", .query = "authorization="}));
}

TEST(TokenSource, Names) {
  EXPECT_EQ(to_string(TokenSource::cookie), "cookie");
  EXPECT_EQ(to_string(TokenSource::authorization_header), "authorization_header");
  EXPECT_EQ(to_string(ErrorCode::bad_signature), "bad_signature");
}

}  // namespace
}  // namespace herald::auth
