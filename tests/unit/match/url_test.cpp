// The WHATWG URL parsing topics go through: absolute and relative URLs, hosts, paths.
#include "url.hpp"

#include <gtest/gtest.h>

#include "canonicalize.hpp"
#include "pattern_error.hpp"

namespace {

using herald::match::parse_url;
using herald::match::Url;

std::string href(std::string_view input, std::string_view base = "") {
  std::optional<Url> base_url;
  if (!base.empty()) base_url = parse_url(base, nullptr);
  const auto url = parse_url(input, base_url ? &*base_url : nullptr);
  if (!url) return "failure";
  std::string out = url->scheme + ":";
  if (url->host) {
    out += "//";
    if (!url->username.empty() || !url->password.empty())
      out += url->username + (url->password.empty() ? "" : ":" + url->password) + "@";
    out += *url->host;
    if (url->port) out += ":" + std::to_string(*url->port);
  }
  out += url->pathname();
  if (url->query) out += "?" + *url->query;
  if (url->fragment) out += "#" + *url->fragment;
  return out;
}

TEST(Url, ParsesAbsoluteUrls) {
  EXPECT_EQ(href("HTTPS://User:Pw@EXAMPLE.com:443/a/b?q#f"), "https://User:Pw@example.com/a/b?q#f");
  EXPECT_EQ(href("https://example.com"), "https://example.com/");
  EXPECT_EQ(href("http://example.com:8080/"), "http://example.com:8080/");
  EXPECT_EQ(href("  https://example.com/a\tb\n  "), "https://example.com/ab");
  EXPECT_EQ(href("https:example.com/x"), "https://example.com/x");
  EXPECT_EQ(href("https://a@b@example.com/"), "https://a%40b@example.com/");
  EXPECT_EQ(href("foo://EXAMPLE.com/a"), "foo://EXAMPLE.com/a");
  EXPECT_EQ(href("foo://h"), "foo://h");
}

TEST(Url, ParsesHosts) {
  EXPECT_EQ(href("http://0x7f.1/"), "http://127.0.0.1/");
  EXPECT_EQ(href("http://0177.0.0.1/"), "http://127.0.0.1/");
  EXPECT_EQ(href("http://4294967295/"), "http://255.255.255.255/");
  EXPECT_EQ(href("http://4294967296/"), "failure");
  EXPECT_EQ(href("http://1.2.3.4.5/"), "failure");
  EXPECT_EQ(href("http://[0:0:0:0:0:0:0:1]/"), "http://[::1]/");
  EXPECT_EQ(href("http://[1:0:0:2::3:0]/"), "http://[1::2:0:0:3:0]/");
  EXPECT_EQ(href("http://[::ffff:1.2.3.4]/"), "http://[::ffff:102:304]/");
  EXPECT_EQ(href("http://[1:2:3]/"), "failure");
  EXPECT_EQ(href("http://ex%41mple.com/"), "http://example.com/");
  EXPECT_EQ(href("http://exa mple.com/"), "failure");
  EXPECT_EQ(href("http://bücher.example/"), "failure");  // no IDNA mapping: refused
  EXPECT_EQ(href("http:///"), "failure");
  EXPECT_EQ(href("http://h:65536/"), "failure");
  EXPECT_EQ(href("http://h:8x/"), "failure");
}

TEST(Url, EncodesAndResolvesPaths) {
  EXPECT_EQ(href("https://h/a/./b/../c"), "https://h/a/c");
  EXPECT_EQ(href("https://h/a/%2e%2E/c"), "https://h/c");
  EXPECT_EQ(href("https://h/a\\b"), "https://h/a/b");
  // Only '.' and %2e spell a dot segment: case folding must not turn \x0e into '.'.
  EXPECT_EQ(href("https://h/a/\x0e./b"), "https://h/a/%0E./b");
  EXPECT_EQ(href("https://h/é x?é x#é x"), "https://h/%C3%A9%20x?%C3%A9%20x#%C3%A9%20x");
  EXPECT_EQ(href("https://h/?'"), "https://h/?%27");
  EXPECT_EQ(href("foo://h/?'"), "foo://h/?'");
  EXPECT_EQ(href("foo://h/.."), "foo://h");
}

TEST(Url, ParsesOpaquePaths) {
  EXPECT_EQ(href("urn:isbn:0451450523"), "urn:isbn:0451450523");
  EXPECT_EQ(href("mailto:a@example.com?subject=hi"), "mailto:a@example.com?subject=hi");
  EXPECT_EQ(href("urn:a\x01"
                 "b c"),
            "urn:a%01b c");
}

TEST(Url, ResolvesRelativeReferences) {
  const std::string_view base = "https://hub.example.com/.well-known/mercure?x#y";
  EXPECT_EQ(href("/books/1", base), "https://hub.example.com/books/1");
  EXPECT_EQ(href("books/1", base), "https://hub.example.com/.well-known/books/1");
  EXPECT_EQ(href("../a", base), "https://hub.example.com/a");
  EXPECT_EQ(href("?q", base), "https://hub.example.com/.well-known/mercure?q");
  EXPECT_EQ(href("#f", base), "https://hub.example.com/.well-known/mercure?x#f");
  EXPECT_EQ(href("", base), "https://hub.example.com/.well-known/mercure?x");
  EXPECT_EQ(href("//other.example/x", base), "https://other.example/x");
  EXPECT_EQ(href("https:x", base), "https://hub.example.com/.well-known/x");
  EXPECT_EQ(href("x", "urn:isbn:1"), "failure");
  EXPECT_EQ(href("books/1"), "failure");
}

TEST(Canonicalize, PatternLiteralsTakeTheTopicsForm) {
  namespace canonicalize = herald::match::canonicalize;
  EXPECT_EQ(canonicalize::protocol("HTTPS"), "https");
  EXPECT_EQ(canonicalize::hostname("Example.COM"), "example.com");
  EXPECT_EQ(canonicalize::hostname(".Example"), ".example");
  EXPECT_THROW(canonicalize::hostname("a b"), herald::match::PatternError);
  EXPECT_EQ(canonicalize::ipv6_hostname("[::AB]"), "[::ab]");
  EXPECT_EQ(canonicalize::port("0080"), "80");
  EXPECT_THROW(canonicalize::port("80x"), herald::match::PatternError);
  EXPECT_EQ(canonicalize::pathname("/a b/./c"), "/a%20b/c");
  EXPECT_EQ(canonicalize::pathname("b c"), "b%20c");
  EXPECT_EQ(canonicalize::opaque_pathname("isbn:1 2"), "isbn:1 2");
  EXPECT_EQ(canonicalize::opaque_pathname("/a b"), "/a%20b");
  EXPECT_EQ(canonicalize::username("a@b"), "a%40b");
  EXPECT_EQ(canonicalize::search("q='a b'"), "q=%27a%20b%27");
  EXPECT_EQ(canonicalize::hash("a b`"), "a%20b%60");
}

}  // namespace
