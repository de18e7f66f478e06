// URL patterns (the URL Pattern Living Standard, https://urlpattern.spec.whatwg.org/) as
// Mercure 1.0 topic matchers (`match_urlpattern=https://example.com/books/:id`): compiled
// once to RE2 programs, so matching a topic takes time linear in the topic's length whatever
// the pattern. No ignoreCase (the Mercure draft forbids it). docs/MATCH.md says what is
// supported and what is refused.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace herald::match {

class UrlPattern {
 public:
  // Longest pattern string accepted, in bytes.
  static constexpr std::size_t kMaxLength = 2048;
  // Most groups (named, regexp and wildcard, over all components) in one pattern.
  static constexpr std::size_t kMaxGroups = 64;
  // RE2 memory budget of one component's program (RE2::Options::max_mem).
  static constexpr std::int64_t kMaxRegexpMemory = 256 * 1024;

  // Compiles a pattern in the constructor-string form. A relative pattern ("/books/:id") is
  // resolved against `base_url` (the hub's URL); with an empty `base_url` the pattern must be
  // absolute. On failure returns nullopt and, if `error` is non-null, says what is wrong.
  static std::optional<UrlPattern> compile(std::string_view pattern, std::string_view base_url,
                                           std::string* error);

  // Whether `topic`, parsed as a URL (relative topics against the base URL), matches every
  // component. A topic that is not a valid URL matches nothing.
  bool matches(std::string_view topic) const;

 private:
  struct Compiled;
  explicit UrlPattern(std::shared_ptr<const Compiled> compiled);

  // Immutable once compiled: copies share it, and threads may match concurrently.
  std::shared_ptr<const Compiled> compiled_;
};

}  // namespace herald::match
