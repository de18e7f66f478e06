// UrlPattern through its public API: compiling (errors, limits, relative patterns) and
// matching (each modifier, groups, canonicalization of patterns and topics).
#include "herald/match/url_pattern.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using herald::match::UrlPattern;

constexpr std::string_view kHub = "https://hub.example.com/.well-known/mercure";

UrlPattern must_compile(std::string_view pattern, std::string_view base = "") {
  std::string error;
  auto compiled = UrlPattern::compile(pattern, base, &error);
  if (!compiled) ADD_FAILURE() << pattern << ": " << error;
  return compiled ? std::move(*compiled)
                  : *UrlPattern::compile("https://never.invalid", "", nullptr);
}

// The error message of a pattern that must be refused ("" when it compiles).
std::string refusal(std::string_view pattern, std::string_view base = "") {
  std::string error;
  return UrlPattern::compile(pattern, base, &error) ? "" : error;
}

TEST(UrlPatternCompile, RefusesSyntaxErrorsWithAReason) {
  EXPECT_NE(refusal("https://example.com/:").find("missing group name"), std::string::npos);
  EXPECT_NE(refusal("https://example.com/(a").find("unbalanced"), std::string::npos);
  EXPECT_NE(refusal("https://example.com/()").find("empty regexp"), std::string::npos);
  EXPECT_NE(refusal("https://example.com/((a))").find("capturing group"), std::string::npos);
  EXPECT_NE(refusal("https://example.com/{(?:a)}").find("starting with '?'"), std::string::npos);
  EXPECT_NE(refusal("https://example.com/{a").find("expected '}'"), std::string::npos);
  EXPECT_NE(refusal("https://example.com/:id/:id").find("duplicate group name 'id'"),
            std::string::npos);
  EXPECT_NE(refusal("https://example.com/a\\").find("trailing backslash"), std::string::npos);
  EXPECT_NE(refusal("https://example.com/:idé").find("ASCII"), std::string::npos);
  EXPECT_NE(refusal("https://exa%mple.com/").find("invalid hostname"), std::string::npos);
  EXPECT_NE(refusal("https://example.com:99999/").find("invalid port"), std::string::npos);
  EXPECT_NE(refusal("ht^tp://example.com/").find("invalid protocol"), std::string::npos);
}

TEST(UrlPatternCompile, RelativePatternsNeedAValidBase) {
  EXPECT_NE(refusal("/books/:id").find("without a base URL"), std::string::npos);
  EXPECT_NE(refusal("/books/:id", "not a url").find("invalid base URL"), std::string::npos);
  EXPECT_EQ(refusal("/books/:id", kHub), "");
}

TEST(UrlPatternCompile, EnforcesItsLimits) {
  const std::string long_pattern =
      "https://example.com/" + std::string(UrlPattern::kMaxLength, 'a');
  EXPECT_NE(refusal(long_pattern).find("longer than 2048 bytes"), std::string::npos);
  std::string many_groups = "https://example.com";
  for (std::size_t i = 0; i <= UrlPattern::kMaxGroups; ++i)
    many_groups += "/:g" + std::to_string(i);
  EXPECT_NE(refusal(many_groups).find("more than 64 groups"), std::string::npos);
  // Nested counted repetitions: a program far beyond the RE2 memory budget.
  EXPECT_NE(refusal("https://example.com/((?:(?:a{1000}){1000}){1000})").find("does not compile"),
            std::string::npos);
  EXPECT_NE(refusal("https://example.com/\xff").find("UTF-8"), std::string::npos);
}

TEST(UrlPatternMatch, MercureExample) {
  const UrlPattern p = must_compile("https://example.com/books/:id");
  EXPECT_TRUE(p.matches("https://example.com/books/1"));
  EXPECT_TRUE(p.matches("https://example.com/books/1?format=json#top"));  // search and hash: *
  EXPECT_FALSE(p.matches("https://example.com/books/"));
  EXPECT_FALSE(p.matches("https://example.com/books/1/chapters"));  // one segment only
  EXPECT_FALSE(p.matches("http://example.com/books/1"));
  EXPECT_FALSE(p.matches("https://example.org/books/1"));
  EXPECT_FALSE(p.matches("https://example.com/Books/1"));  // paths are case-sensitive
}

TEST(UrlPatternMatch, Modifiers) {
  const UrlPattern optional = must_compile("https://example.com/books/:id?");
  EXPECT_TRUE(optional.matches("https://example.com/books"));
  EXPECT_TRUE(optional.matches("https://example.com/books/1"));
  EXPECT_FALSE(optional.matches("https://example.com/books/1/2"));

  const UrlPattern one_or_more = must_compile("https://example.com/books/:id+");
  EXPECT_FALSE(one_or_more.matches("https://example.com/books"));
  EXPECT_TRUE(one_or_more.matches("https://example.com/books/1"));
  EXPECT_TRUE(one_or_more.matches("https://example.com/books/1/2/3"));

  const UrlPattern zero_or_more = must_compile("https://example.com/books/:id*");
  EXPECT_TRUE(zero_or_more.matches("https://example.com/books"));
  EXPECT_TRUE(zero_or_more.matches("https://example.com/books/1/2/3"));
  EXPECT_FALSE(zero_or_more.matches("https://example.com/bookstore"));

  const UrlPattern group = must_compile("https://example.com/books{/old}?/:id");
  EXPECT_TRUE(group.matches("https://example.com/books/1"));
  EXPECT_TRUE(group.matches("https://example.com/books/old/1"));
  EXPECT_FALSE(group.matches("https://example.com/books/new/1"));
}

TEST(UrlPatternMatch, WildcardsAndSegments) {
  const UrlPattern wildcard = must_compile("https://example.com/books/*");
  EXPECT_TRUE(wildcard.matches("https://example.com/books/"));
  EXPECT_TRUE(wildcard.matches("https://example.com/books/1/chapters/2"));
  EXPECT_FALSE(wildcard.matches("https://example.com/books"));

  const UrlPattern host = must_compile("https://:tenant.example.com/*");
  EXPECT_TRUE(host.matches("https://acme.example.com/x"));
  EXPECT_FALSE(host.matches("https://a.b.example.com/x"));  // a segment stops at '.'
  EXPECT_TRUE(must_compile("https://*.example.com/*").matches("https://a.b.example.com/x"));

  const UrlPattern suffix = must_compile("https://example.com/files/:name.json");
  EXPECT_TRUE(suffix.matches("https://example.com/files/a.json"));
  EXPECT_FALSE(suffix.matches("https://example.com/files/a.xml"));
}

TEST(UrlPatternMatch, RegexpGroupsOfTheSupportedSubset) {
  const UrlPattern digits = must_compile("https://example.com/books/(\\d+)");
  EXPECT_TRUE(digits.matches("https://example.com/books/123"));
  EXPECT_FALSE(digits.matches("https://example.com/books/12a"));
  const UrlPattern alternatives = must_compile("https://example.com/:kind(books|films)/:id");
  EXPECT_TRUE(alternatives.matches("https://example.com/films/1"));
  EXPECT_FALSE(alternatives.matches("https://example.com/songs/1"));
  EXPECT_TRUE(must_compile("https://example.com/([a-z]{2,3})").matches("https://example.com/abc"));
}

TEST(UrlPatternCompile, RefusesRegexpSyntaxRe2WouldReadDifferently) {
  for (const char* pattern :
       {"https://example.com/(a(?=b))", "https://example.com/(\\s+)", "https://example.com/([^])",
        "https://example.com/(\\bx)", "https://example.com/(a{,2})",
        "https://example.com/([[:alpha:]])", "https://example.com/(\\x41)",
        "https://example.com/(a(?<n>b))", "https://example.com/(a])"}) {
    EXPECT_NE(refusal(pattern).find("regexp group"), std::string::npos) << pattern;
  }
}

TEST(UrlPatternMatch, RelativePatternsAndTopicsUseTheBase) {
  const UrlPattern p =
      must_compile("/.well-known/mercure/subscriptions/exact/:topic/:subscriber", kHub);
  EXPECT_TRUE(p.matches("/.well-known/mercure/subscriptions/exact/t1/s1"));
  EXPECT_TRUE(p.matches("https://hub.example.com/.well-known/mercure/subscriptions/exact/t1/s1"));
  EXPECT_FALSE(p.matches("https://other.example.com/.well-known/mercure/subscriptions/exact/t/s"));
  EXPECT_FALSE(p.matches("http://hub.example.com/.well-known/mercure/subscriptions/exact/t/s"));

  // A relative path replaces the base's last segment.
  const UrlPattern sibling = must_compile("books/:id", "https://example.com/api/hub");
  EXPECT_TRUE(sibling.matches("https://example.com/api/books/1"));
  EXPECT_FALSE(sibling.matches("https://example.com/books/1"));
}

TEST(UrlPatternMatch, CanonicalizesHostsAndPorts) {
  const UrlPattern p = must_compile("https://Example.COM:443/a");
  EXPECT_TRUE(p.matches("https://example.com/a"));
  EXPECT_TRUE(p.matches("HTTPS://EXAMPLE.com:443/a"));
  EXPECT_FALSE(p.matches("https://example.com:8443/a"));
  const UrlPattern ipv4 = must_compile("http://127.0.0.1/*");
  EXPECT_TRUE(ipv4.matches("http://0x7f.1/x"));
  EXPECT_TRUE(ipv4.matches("http://2130706433/x"));
  const UrlPattern ipv6 = must_compile("http://[\\:\\:1]/*");
  EXPECT_TRUE(ipv6.matches("http://[0:0:0:0:0:0:0:1]/x"));
  EXPECT_FALSE(must_compile("http://:port(\\d+)?").matches("http://[1:2:3]/"));
}

TEST(UrlPatternMatch, CanonicalizesPathsAndQueries) {
  const UrlPattern p = must_compile("https://example.com/café/:id");
  EXPECT_TRUE(p.matches("https://example.com/caf%C3%A9/1"));
  EXPECT_TRUE(p.matches("https://example.com/café/1"));
  EXPECT_TRUE(p.matches("https://example.com/x/../café/./1"));  // dot segments
  const UrlPattern spaces = must_compile("https://example.com/a b?q=a b#a b");
  EXPECT_TRUE(spaces.matches("https://example.com/a%20b?q=a%20b#a%20b"));
  // A search pattern may repeat its '?': the constructor string's first one is the prefix.
  EXPECT_TRUE(must_compile("https://example.com/x??q").matches("https://example.com/x?q"));
  const UrlPattern query = must_compile("https://example.com/?q=:value");
  EXPECT_TRUE(query.matches("https://example.com/?q=1"));
  // The search has no delimiter: a group there takes the rest of it.
  EXPECT_TRUE(query.matches("https://example.com/?q=1&r=2"));
  EXPECT_FALSE(query.matches("https://example.com/"));
}

TEST(UrlPatternMatch, OpaqueTopics) {
  const UrlPattern isbn = must_compile("urn\\:isbn\\::number");
  EXPECT_TRUE(isbn.matches("urn:isbn:0451450523"));
  EXPECT_TRUE(isbn.matches("URN:isbn:0451450523"));
  EXPECT_FALSE(isbn.matches("urn:issn:0451450523"));
  const UrlPattern any_urn = must_compile("urn:*");
  EXPECT_TRUE(any_urn.matches("urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66"));
  EXPECT_FALSE(any_urn.matches("https://example.com/"));
}

TEST(UrlPatternMatch, TopicsThatAreNotUrlsNeverMatch) {
  const UrlPattern p = must_compile("https://*");
  EXPECT_TRUE(p.matches("https://example.com/x"));
  for (const char* topic : {"", "not a url", "https://", "https://exa mple.com/", "https://[::1",
                            "https://example.com:65536/", "https://a@/", "foo"})
    EXPECT_FALSE(p.matches(topic)) << topic;
  // Without a base, a relative topic is not a URL either.
  EXPECT_FALSE(must_compile("https://example.com/*").matches("/books/1"));
}

TEST(UrlPatternMatch, CopiesShareOneCompiledPattern) {
  const UrlPattern original = must_compile("https://example.com/:id");
  const UrlPattern copy = original;  // NOLINT(performance-unnecessary-copy-initialization)
  EXPECT_TRUE(copy.matches("https://example.com/1"));
  EXPECT_TRUE(original.matches("https://example.com/1"));
}

}  // namespace
