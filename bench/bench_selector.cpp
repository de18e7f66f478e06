// Topic selector matching: what a shard pays per (selector, new topic) pair. What the
// shard's per-topic cache saves when the same topics come back is in bench_fanout.cpp.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "herald/match/selector.hpp"
#include "herald/match/uri_template.hpp"

namespace {

using herald::match::Selector;
using herald::match::UriTemplate;

Selector must_parse(std::string_view text) {
  return *Selector::parse(text, nullptr);
}

void BM_ParseTemplate(benchmark::State& state) {
  for (auto _ : state) {
    auto t = UriTemplate::parse("https://example.com/{+base}{/path*}{?q,lang}{&page}", nullptr);
    benchmark::DoNotOptimize(t);
  }
}
BENCHMARK(BM_ParseTemplate);

void BM_ExactMatch(benchmark::State& state) {
  const Selector s = must_parse("https://example.com/books/12345");
  const std::string topic = "https://example.com/books/12345";
  for (auto _ : state)
    benchmark::DoNotOptimize(s.matches(topic));
}
BENCHMARK(BM_ExactMatch);

// The Mercure example: one simple expression at the end.
void BM_TemplateMatchHit(benchmark::State& state) {
  const Selector s = must_parse("https://example.com/books/{id}");
  const std::string topic = "https://example.com/books/12345";
  for (auto _ : state)
    benchmark::DoNotOptimize(s.matches(topic));
}
BENCHMARK(BM_TemplateMatchHit);

// Most topics differ in their head: rejected before any matching work.
void BM_TemplateMatchMissEarly(benchmark::State& state) {
  const Selector s = must_parse("https://example.com/books/{id}");
  const std::string topic = "https://example.com/authors/12345";
  for (auto _ : state)
    benchmark::DoNotOptimize(s.matches(topic));
}
BENCHMARK(BM_TemplateMatchMissEarly);

void BM_TemplateMatchMissLate(benchmark::State& state) {
  const Selector s = must_parse("https://example.com/books/{id}");
  const std::string topic = "https://example.com/books/12345/reviews";
  for (auto _ : state)
    benchmark::DoNotOptimize(s.matches(topic));
}
BENCHMARK(BM_TemplateMatchMissLate);

void BM_TemplateMatchAllOperators(benchmark::State& state) {
  const Selector s = must_parse("https://example.com{+base}{/path*}{;v}{?q,lang}{&page}{#frag}");
  const std::string topic =
      "https://example.com/api/v2/users/42/posts;v=3?q=cats&lang=fr&page=2#comments";
  for (auto _ : state)
    benchmark::DoNotOptimize(s.matches(topic));
}
BENCHMARK(BM_TemplateMatchAllOperators);

// Cost against the topic length: linear, whatever the bytes.
void BM_TemplateMatchLongTopic(benchmark::State& state) {
  const Selector s = must_parse("https://example.com/{a}/{b}/{c}{?q}");
  const std::string topic =
      "https://example.com/x/y/" + std::string(static_cast<std::size_t>(state.range(0)), 'z');
  for (auto _ : state)
    benchmark::DoNotOptimize(s.matches(topic));
  state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_TemplateMatchLongTopic)->RangeMultiplier(4)->Range(16, 16384)->Complexity();

// A hostile pair: many expressions, a long topic that almost matches.
void BM_TemplateMatchHostile(benchmark::State& state) {
  std::string text;
  for (int i = 0; i < 64; ++i)
    text += "{x}";
  const Selector s = must_parse(text);
  const std::string topic = std::string(2000, 'a') + "/";
  for (auto _ : state)
    benchmark::DoNotOptimize(s.matches(topic));
}
BENCHMARK(BM_TemplateMatchHostile);

// One shard sees `range(0)` distinct topics over and over against 16 template selectors.
std::vector<std::string> recurring_topics(std::size_t n) {
  std::vector<std::string> topics;
  for (std::size_t i = 0; i < n; ++i) {
    topics.push_back("https://example.com/books/" + std::to_string(i) +
                     (i % 3 == 0 ? "/reviews" : "") + (i % 5 == 0 ? "?q=cats&lang=fr" : ""));
  }
  return topics;
}

// range(1) == 0: short templates that mostly fail fast; 1: templates whose leading `{+base}`
// reaches the whole topic, so every later expression has work to do.
std::vector<Selector> template_selectors(bool heavy) {
  std::vector<Selector> selectors;
  for (int i = 0; i < 16; ++i) {
    const std::string n = std::to_string(i);
    selectors.push_back(
        must_parse(heavy ? "https://example.com{+base}{/path*}{;v" + n + "}{?q,lang}{&page}{#frag}"
                         : "https://example.com/books/{id}" + std::string(i % 2 ? "/reviews" : "") +
                               "{?page" + n + "}"));
  }
  return selectors;
}

void BM_SelectorsUncached(benchmark::State& state) {
  const auto topics = recurring_topics(static_cast<std::size_t>(state.range(0)));
  const auto selectors = template_selectors(state.range(1) != 0);
  std::size_t i = 0;
  for (auto _ : state) {
    const std::string& topic = topics[i++ % topics.size()];
    for (const Selector& s : selectors)
      benchmark::DoNotOptimize(s.matches(topic));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(selectors.size()));
}
BENCHMARK(BM_SelectorsUncached)->Args({1000, 0})->Args({1000, 1});

}  // namespace
