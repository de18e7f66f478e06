// The per-shard cache of (template selector, topic) results.
#include "herald/match/match_cache.hpp"

#include <gtest/gtest.h>

#include <string>

namespace herald::match {
namespace {

Selector sel(std::string_view text) {
  auto s = Selector::parse(text, nullptr);
  EXPECT_TRUE(s.has_value()) << text;
  return s ? *s : *Selector::parse("x", nullptr);
}

TEST(MatchCache, EvaluatesEachPairOnce) {
  MatchCache cache;
  const Selector books = sel("https://example.com/books/{id}");
  EXPECT_TRUE(cache.matches(books, "https://example.com/books/1"));
  EXPECT_TRUE(cache.matches(books, "https://example.com/books/1"));
  EXPECT_FALSE(cache.matches(books, "https://example.com/books/1/reviews"));
  EXPECT_FALSE(cache.matches(books, "https://example.com/books/1/reviews"));
  EXPECT_EQ(cache.stats().misses, 2u);
  EXPECT_EQ(cache.stats().hits, 2u);
  EXPECT_EQ(cache.size(), 2u);
}

TEST(MatchCache, KeysOnSelectorTextNotIdentity) {
  MatchCache cache;
  const Selector a = sel("/books/{id}");
  const Selector b = sel("/books/{id}");  // another subscriber's copy
  EXPECT_TRUE(cache.matches(a, "/books/1"));
  EXPECT_TRUE(cache.matches(b, "/books/1"));
  EXPECT_EQ(cache.stats().misses, 1u);
  EXPECT_EQ(cache.stats().hits, 1u);
}

TEST(MatchCache, KeysDoNotCollide) {
  // Same concatenation of selector and topic, different pairs.
  MatchCache cache;
  const Selector s1 = sel("{a}");
  const Selector s2 = sel("{a}/");
  EXPECT_FALSE(cache.matches(s1, "/x"));
  EXPECT_TRUE(cache.matches(s2, "x/"));
  EXPECT_FALSE(cache.matches(s2, "x"));
  EXPECT_TRUE(cache.matches(s1, "x"));
  EXPECT_EQ(cache.stats().misses, 4u);
}

TEST(MatchCache, StarAndExactSelectorsBypassTheCache) {
  MatchCache cache;
  EXPECT_TRUE(cache.matches(sel("*"), "anything"));
  EXPECT_TRUE(cache.matches(sel("https://example.com/foo"), "https://example.com/foo"));
  EXPECT_FALSE(cache.matches(sel("https://example.com/foo"), "https://example.com/bar"));
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.stats().hits, 0u);
  EXPECT_EQ(cache.stats().misses, 0u);
}

TEST(MatchCache, TemplateMatchesItsOwnTextThroughTheCache) {
  MatchCache cache;
  const Selector s = sel("/books/{id}");
  EXPECT_TRUE(cache.matches(s, "/books/{id}"));
  EXPECT_TRUE(cache.matches(s, "/books/{id}"));
}

TEST(MatchCache, StaysWithinItsBound) {
  MatchCache cache(100);
  EXPECT_EQ(cache.max_entries(), 100u);
  const Selector s = sel("/t/{id}");
  for (int i = 0; i < 1000; ++i) {
    EXPECT_TRUE(cache.matches(s, "/t/" + std::to_string(i)));
    EXPECT_LE(cache.size(), 100u);
  }
  EXPECT_EQ(cache.stats().misses, 1000u);
  EXPECT_GT(cache.stats().evicted, 0u);
  EXPECT_GE(cache.size(), 50u);  // evicts a generation at a time, not everything
}

TEST(MatchCache, KeepsEntriesInUseAcrossEvictions) {
  MatchCache cache(10);
  const Selector s = sel("/t/{id}");
  EXPECT_TRUE(cache.matches(s, "/t/hot"));
  for (int i = 0; i < 100; ++i) {
    cache.matches(s, "/t/" + std::to_string(i));
    EXPECT_TRUE(cache.matches(s, "/t/hot"));  // hit: moved back to the young generation
  }
  EXPECT_EQ(cache.stats().misses, 101u);  // "/t/hot" was evaluated once
}

TEST(MatchCache, TinyBoundStillWorks) {
  MatchCache cache(0);
  EXPECT_EQ(cache.max_entries(), 2u);
  const Selector s = sel("/t/{id}");
  for (int i = 0; i < 10; ++i)
    EXPECT_TRUE(cache.matches(s, "/t/" + std::to_string(i)));
  EXPECT_LE(cache.size(), 2u);
  EXPECT_FALSE(cache.matches(s, "/u/1"));
}

TEST(MatchCache, ClearForgetsEverything) {
  MatchCache cache;
  const Selector s = sel("/t/{id}");
  cache.matches(s, "/t/1");
  cache.clear();
  EXPECT_EQ(cache.size(), 0u);
  cache.matches(s, "/t/1");
  EXPECT_EQ(cache.stats().misses, 2u);
}

}  // namespace
}  // namespace herald::match
