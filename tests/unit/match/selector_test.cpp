// Topic selectors as Mercure 0.x reads them: `*`, URI templates, exact strings; and 1.0 URL
// patterns compiled by the caller.
#include "herald/match/selector.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace herald::match {
namespace {

Selector sel(std::string_view text) {
  std::string error;
  auto s = Selector::parse(text, &error);
  EXPECT_TRUE(s.has_value()) << text << ": " << error;
  if (!s) return *Selector::parse("invalid-selector-in-test", nullptr);
  return *s;
}

TEST(Selector, StarMatchesEveryTopic) {
  const Selector s = sel("*");
  EXPECT_EQ(s.kind(), Selector::Kind::any);
  EXPECT_EQ(s.text(), "*");
  EXPECT_EQ(s.uri_template(), nullptr);
  EXPECT_TRUE(s.matches("https://example.com/books/1"));
  EXPECT_TRUE(s.matches("bar"));
  EXPECT_TRUE(s.matches("*"));
  EXPECT_TRUE(s.matches(""));
}

TEST(Selector, OnlyALoneStarIsTheWildcard) {
  EXPECT_EQ(sel("**").kind(), Selector::Kind::exact);
  EXPECT_EQ(sel(" *").kind(), Selector::Kind::exact);
  EXPECT_EQ(sel("https://example.com/*").kind(), Selector::Kind::exact);
  EXPECT_FALSE(sel("https://example.com/*").matches("https://example.com/1"));
  EXPECT_TRUE(sel("https://example.com/*").matches("https://example.com/*"));
}

TEST(Selector, MercureSpecTemplateExample) {
  const Selector s = sel("https://example.com/books/{id}");
  EXPECT_EQ(s.kind(), Selector::Kind::uri_template);
  ASSERT_NE(s.uri_template(), nullptr);
  EXPECT_TRUE(s.matches("https://example.com/books/1"));
  EXPECT_TRUE(s.matches("https://example.com/books/42"));
  EXPECT_FALSE(s.matches("https://example.com/books/1/reviews"));
  EXPECT_FALSE(s.matches("https://example.com/authors/1"));
}

TEST(Selector, TemplateAlsoMatchesItsOwnText) {
  // Mercure compares the topic with the selector before trying the template.
  const Selector s = sel("https://example.com/books/{id}");
  EXPECT_TRUE(s.matches("https://example.com/books/{id}"));
  EXPECT_FALSE(s.matches("https://example.com/books/{ID}"));
}

TEST(Selector, ExactStringsAreComparedByteForByte) {
  // None of these is a valid URI template literal; all are fine exact selectors.
  for (const char* text :
       {"https://example.com/foo", "bar", "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66", "a b",
        "quote\"d", "back\\slash", "pipe|caret^", "100%", "%zz", "tab\there", "caf\xc3\xa9",
        "https://example.com/a+b?c=d&e=f#g", "/.well-known/mercure/x"}) {
    const Selector s = sel(text);
    EXPECT_EQ(s.kind(), Selector::Kind::exact) << text;
    EXPECT_EQ(s.text(), text);
    EXPECT_TRUE(s.matches(text)) << text;
  }
  const Selector s = sel("https://example.com/foo");
  EXPECT_FALSE(s.matches("https://example.com/foo/"));
  EXPECT_FALSE(s.matches("https://example.com/Foo"));
  EXPECT_FALSE(s.matches("https://example.com/fo"));
  EXPECT_FALSE(s.matches("https://example.com/%66oo"));  // no percent-decoding
  EXPECT_FALSE(s.matches("HTTPS://example.com/foo"));    // no normalization
  EXPECT_FALSE(sel("100%").matches("100%25"));
  EXPECT_FALSE(sel("caf\xc3\xa9").matches("cafe\xcc\x81"));  // NFC vs NFD: different bytes
}

TEST(Selector, ExactSelectorMayHoldNulBytes) {
  const std::string text("a\0b", 3);
  const Selector s = sel(text);
  EXPECT_TRUE(s.matches(text));
  EXPECT_FALSE(s.matches("a"));
}

TEST(Selector, RefusesEmptySelector) {
  std::string error;
  EXPECT_FALSE(Selector::parse("", &error).has_value());
  EXPECT_NE(error.find("empty"), std::string::npos) << error;
}

TEST(Selector, RefusesSelectorsOverTheLengthLimit) {
  std::string error;
  const std::string at_limit(Selector::kMaxLength, 'a');
  EXPECT_TRUE(Selector::parse(at_limit, &error).has_value()) << error;
  const std::string over(Selector::kMaxLength + 1, 'a');
  EXPECT_FALSE(Selector::parse(over, &error).has_value());
  EXPECT_NE(error.find("longer than 2048 bytes"), std::string::npos) << error;
  // A template at the limit is fine too.
  std::string tmpl = "https://example.com/{id}";
  tmpl.append(Selector::kMaxLength - tmpl.size(), 'x');
  EXPECT_TRUE(Selector::parse(tmpl, &error).has_value()) << error;
  EXPECT_FALSE(Selector::parse(tmpl + "x", &error).has_value());
}

TEST(Selector, RefusesMalformedTemplates) {
  for (const char* text :
       {"https://example.com/{id", "https://example.com/id}", "{}", "https://example.com/{=id}",
        "https://example.com/{i d}", "https://example.com/{id:0}", "a b/{id}"}) {
    std::string error;
    EXPECT_FALSE(Selector::parse(text, &error).has_value()) << text;
    EXPECT_NE(error.find("invalid URI template"), std::string::npos) << text << ": " << error;
  }
}

TEST(Selector, ParseWithoutErrorSink) {
  EXPECT_FALSE(Selector::parse("", nullptr).has_value());
  EXPECT_FALSE(Selector::parse("{", nullptr).has_value());
  EXPECT_TRUE(Selector::parse("{x}", nullptr).has_value());
}

TEST(Selector, TemplateOperators) {
  EXPECT_TRUE(sel("https://example.com{/path*}").matches("https://example.com/a/b/c"));
  EXPECT_TRUE(sel("https://example.com/search{?q}").matches("https://example.com/search?q=x"));
  EXPECT_TRUE(sel("https://example.com{+rest}").matches("https://example.com/a?b#c"));
  EXPECT_TRUE(sel("https://example.com/{id:2}").matches("https://example.com/ab"));
  EXPECT_FALSE(sel("https://example.com/{id:2}").matches("https://example.com/abc"));
}

TEST(Selector, CopiesShareTheCompiledTemplate) {
  const Selector a = sel("https://example.com/{id}");
  const Selector b = a;  // NOLINT(performance-unnecessary-copy-initialization)
  EXPECT_EQ(a.uri_template(), b.uri_template());
  EXPECT_TRUE(a == b);
  EXPECT_TRUE(b.matches("https://example.com/1"));
}

TEST(Selector, AUrlPatternCompiledByTheCallerIsTheSameMatcher) {
  constexpr std::string_view kHub = "https://hub.example.com/.well-known/mercure";
  auto pattern = UrlPattern::compile("/books/:id", kHub, nullptr);
  ASSERT_TRUE(pattern);
  auto given = Selector::url_pattern("/books/:id", std::move(*pattern), nullptr);
  auto compiled = Selector::url_pattern("/books/:id", kHub, nullptr);
  ASSERT_TRUE(given && compiled);
  EXPECT_TRUE(*given == *compiled);
  EXPECT_EQ(given->kind(), Selector::Kind::url_pattern);
  EXPECT_TRUE(given->matches("https://hub.example.com/books/7"));
  EXPECT_FALSE(given->matches("https://hub.example.com/users/7"));
  // The matcher's text is checked as the other factories check it.
  auto control = UrlPattern::compile("/books/a", kHub, nullptr);
  ASSERT_TRUE(control);
  std::string error;
  EXPECT_FALSE(Selector::url_pattern("/books/a\x01", std::move(*control), &error));
  EXPECT_FALSE(error.empty());
}

// --- SelectorSet --------------------------------------------------------------------------

TEST(SelectorSet, EmptySetMatchesNothing) {
  const SelectorSet set;
  EXPECT_TRUE(set.empty());
  const std::vector<std::string> topics = {"a", "*"};
  EXPECT_FALSE(set.matches("a"));
  EXPECT_FALSE(set.matches_any(topics));
}

TEST(SelectorSet, MatchesWhenAnySelectorMatchesAnyTopic) {
  // The Mercure subscribe example: an exact URL, a bare string and a template.
  const SelectorSet set(
      {sel("https://example.com/foo"), sel("bar"), sel("https://example.com/bar/{id}")});
  EXPECT_EQ(set.size(), 3u);
  EXPECT_TRUE(set.matches("https://example.com/foo"));
  EXPECT_TRUE(set.matches("bar"));
  EXPECT_TRUE(set.matches("https://example.com/bar/1"));
  EXPECT_FALSE(set.matches("https://example.com/bar/1/2"));
  EXPECT_FALSE(set.matches("baz"));

  const std::vector<std::string> none = {"baz", "https://example.com/qux"};
  const std::vector<std::string> second = {"baz", "https://example.com/bar/7"};
  const std::vector<std::string> empty;
  EXPECT_FALSE(set.matches_any(none));
  EXPECT_TRUE(set.matches_any(second));
  EXPECT_FALSE(set.matches_any(empty));
}

TEST(SelectorSet, StarShortCircuits) {
  SelectorSet set;
  set.add(sel("https://example.com/{id}"));
  const std::vector<std::string> topics = {"anything"};
  EXPECT_FALSE(set.matches_any(topics));
  EXPECT_FALSE(set.has_any());
  set.add(sel("*"));
  EXPECT_TRUE(set.has_any());
  EXPECT_TRUE(set.matches_any(topics));
  const std::vector<std::string> empty;
  EXPECT_FALSE(set.matches_any(empty));  // no topic, nothing to match
}

}  // namespace
}  // namespace herald::match
