// URL patterns (lib/match): what compiling a `match_urlpattern` costs, and what one
// (pattern, topic) evaluation costs: the topic's URL parse plus one RE2 full match per
// component. The pathological pairs show the linear-time guarantee: their cost follows the
// topic's length, not the pattern's shape.
#include <benchmark/benchmark.h>

#include <string>

#include "herald/match/url_pattern.hpp"

namespace {

using herald::match::UrlPattern;

constexpr std::string_view kHub = "https://hub.example.com/.well-known/mercure";

UrlPattern must_compile(std::string_view pattern) {
  return *UrlPattern::compile(pattern, kHub, nullptr);
}

std::string long_path(int segments) {
  std::string path;
  for (int i = 0; i < segments; ++i)
    path += "/a";
  return path;
}

void BM_UrlPatternCompile(benchmark::State& state, std::string_view pattern) {
  for (auto _ : state)
    benchmark::DoNotOptimize(UrlPattern::compile(pattern, kHub, nullptr));
}
BENCHMARK_CAPTURE(BM_UrlPatternCompile, mercure_example, "https://example.com/books/:id");
BENCHMARK_CAPTURE(BM_UrlPatternCompile, relative, "/.well-known/mercure/subscriptions/exact/:t/:s");
BENCHMARK_CAPTURE(BM_UrlPatternCompile, all_components,
                  "https://:user@:sub.example.com:8080/:a*/{x-:y}?/(\\d+)?q=:v#*");

void BM_UrlPatternMatch(benchmark::State& state, std::string_view pattern, std::string topic) {
  const UrlPattern compiled = must_compile(pattern);
  for (auto _ : state)
    benchmark::DoNotOptimize(compiled.matches(topic));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * topic.size()));
}
BENCHMARK_CAPTURE(BM_UrlPatternMatch, mercure_hit, "https://example.com/books/:id",
                  std::string("https://example.com/books/12345"));
BENCHMARK_CAPTURE(BM_UrlPatternMatch, mercure_miss_host, "https://example.com/books/:id",
                  std::string("https://example.org/books/12345"));
BENCHMARK_CAPTURE(BM_UrlPatternMatch, relative_topic, "/books/:id", std::string("/books/12345"));
BENCHMARK_CAPTURE(BM_UrlPatternMatch, urn, "urn\\:isbn\\::n", std::string("urn:isbn:0451450523"));
BENCHMARK_CAPTURE(BM_UrlPatternMatch, wildcard_1k_segments, "https://example.com/*",
                  "https://example.com" + long_path(1000));
BENCHMARK_CAPTURE(BM_UrlPatternMatch, pathological_nested_plus_20k,
                  "https://example.com/((?:a+)+b)",
                  "https://example.com/" + std::string(20000, 'a') + "!");
BENCHMARK_CAPTURE(BM_UrlPatternMatch, pathological_repeated_groups_1k_segments,
                  "https://example.com/:a*/:b*/:c*/end",
                  "https://example.com" + long_path(1000) + "/nope");
BENCHMARK_CAPTURE(BM_UrlPatternMatch, pathological_repeated_groups_10k_segments,
                  "https://example.com/:a*/:b*/:c*/end",
                  "https://example.com" + long_path(10000) + "/nope");

}  // namespace
