// Patterns that make backtracking engines take exponential or polynomial time, matched
// against long topics that almost match. With RE2 each evaluation is one linear pass: the
// test only has to complete (ctest's timeout is the bound; the cost per pair is measured in
// bench/bench_url_pattern.cpp, never timed here).
#include <gtest/gtest.h>

#include <string>

#include "herald/match/url_pattern.hpp"

namespace {

using herald::match::UrlPattern;

struct Pathological {
  const char* pattern;
  std::string topic;  // long and failing at its very end
};

TEST(UrlPatternLinearTime, PathologicalPatternsOnLongTopicsComplete) {
  const std::string as(20000, 'a');
  std::string segments;
  for (int i = 0; i < 5000; ++i)
    segments += "/a";
  const Pathological cases[] = {
      // (a+)+b, (a|aa)*c, (a*)*b: the classic exponential backtracking shapes.
      {"https://example.com/((?:a+)+b)", "https://example.com/" + as + "!"},
      {"https://example.com/((?:a|aa)*c)", "https://example.com/" + as},
      {"https://example.com/((?:a*)*b)", "https://example.com/" + as},
      // Repeated groups with prefixes: backtracking engines try every split of the segments.
      {"https://example.com/:a*/:b*/:c*/end", "https://example.com" + segments + "/nope"},
      {"https://example.com/*/*/*/*/end", "https://example.com" + segments + "/nope"},
      {"https://example.com/:x+/:y+/(a+)+/b", "https://example.com" + segments},
      // Many optional groups: polynomial in backtrackers.
      {"https://example.com/{a}?{a}?{a}?{a}?{a}?{a}?{a}?{a}?{a}?{a}?aaaaaaaaaa",
       "https://example.com/" + std::string(9, 'a')},
  };
  for (const Pathological& c : cases) {
    std::string error;
    const auto pattern = UrlPattern::compile(c.pattern, "", &error);
    ASSERT_TRUE(pattern) << c.pattern << ": " << error;
    for (int i = 0; i < 10; ++i)
      EXPECT_FALSE(pattern->matches(c.topic)) << c.pattern;
  }
}

TEST(UrlPatternLinearTime, LongMatchingTopicsMatch) {
  std::string segments;
  for (int i = 0; i < 5000; ++i)
    segments += "/a";
  const auto pattern = UrlPattern::compile("https://example.com/:a*/:b*/end", "", nullptr);
  ASSERT_TRUE(pattern);
  EXPECT_TRUE(pattern->matches("https://example.com" + segments + "/end"));
}

}  // namespace
