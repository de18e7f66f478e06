#pragma once
// Topic selectors of both Mercure generations. 0.x (`topic=`): `*` matches every topic,
// text with braces is an RFC 6570 URI template that matches every topic it can expand to,
// and anything else is compared with the topic byte for byte. 1.0 (`match=`,
// `match_urlpattern=`, and token matchers): `*` matches every topic whatever the type, an
// exact matcher is compared byte for byte (braces included), a URL pattern matches the
// topics it accepts as URLs (relative ones resolved against the hub's URL).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "herald/match/uri_template.hpp"
#include "herald/match/url_pattern.hpp"

namespace herald::match {

class Selector {
 public:
  enum class Kind : std::uint8_t { any, exact, uri_template, url_pattern };

  // Longer selectors are refused: a hub should bound what one subscriber makes it store
  // and match (Mercure: implementation-defined limits on selectors).
  static constexpr std::size_t kMaxLength = 2048;

  // Classifies `text`; on failure returns nullopt and, if `error` is non-null, says why
  // (empty, too long, or a malformed URI template).
  static std::optional<Selector> parse(std::string_view text, std::string* error);
  // A Mercure 1.0 `exact` matcher (`*`: any). Refused: empty, too long, not UTF-8, or
  // holding control or format characters (the draft's value constraints).
  static std::optional<Selector> exact(std::string_view text, std::string* error);
  // A Mercure 1.0 `urlpattern` matcher (`*`: any), relative patterns resolved against
  // `base_url`. Refused as exact() refuses, and when the pattern does not compile.
  static std::optional<Selector> url_pattern(std::string_view text, std::string_view base_url,
                                             std::string* error);
  // The same from a pattern the caller already compiled from `text`, so that a caller that
  // must report its own error for a pattern that does not compile need not compile it twice.
  static std::optional<Selector> url_pattern(std::string_view text, UrlPattern compiled,
                                             std::string* error);

  // A template selector also matches a topic equal to its own text, as in Mercure 0.x; a URL
  // pattern does not.
  bool matches(std::string_view topic) const;

  Kind kind() const { return kind_; }
  const std::string& text() const { return text_; }
  // std::hash of text(), computed once: caches and indexes key on it.
  std::size_t hash() const { return hash_; }
  // The compiled template; null unless kind() == Kind::uri_template.
  const UriTemplate* uri_template() const { return template_.get(); }
  // Matched by evaluating a compiled pattern (a URI template or a URL pattern), not by a
  // lookup: the fan-out caches these per topic.
  bool is_evaluated() const { return kind_ == Kind::uri_template || kind_ == Kind::url_pattern; }

  // The same text means different things to different kinds (`/a/{b}` is a template, an
  // exact matcher and a URL pattern), so both must agree.
  friend bool operator==(const Selector& a, const Selector& b) {
    return a.kind_ == b.kind_ && a.text_ == b.text_;
  }

 private:
  Selector(std::string text, Kind kind, std::shared_ptr<const UriTemplate> tmpl,
           std::shared_ptr<const UrlPattern> pattern = nullptr)
      : text_(std::move(text)),
        hash_(std::hash<std::string>{}(text_)),
        kind_(kind),
        template_(std::move(tmpl)),
        pattern_(std::move(pattern)) {}
  static bool check_matcher_text(std::string_view text, std::string* error);

  std::string text_;
  std::size_t hash_ = 0;
  Kind kind_ = Kind::exact;
  // Shared and immutable: copying a subscription's selectors must not copy compiled templates.
  std::shared_ptr<const UriTemplate> template_;
  std::shared_ptr<const UrlPattern> pattern_;  // kind() == Kind::url_pattern only
};

// The selectors of one subscription: it receives an update when any selector matches any
// of the update's topics.
class SelectorSet {
 public:
  SelectorSet() = default;
  explicit SelectorSet(std::vector<Selector> selectors);

  void add(Selector selector);

  bool matches(std::string_view topic) const;
  bool matches_any(std::span<const std::string> topics) const;
  // Holds `*`: matches every topic, whatever else it holds.
  bool has_any() const { return has_any_; }

  const std::vector<Selector>& selectors() const { return selectors_; }
  std::size_t size() const { return selectors_.size(); }
  bool empty() const { return selectors_.empty(); }

 private:
  std::vector<Selector> selectors_;
  bool has_any_ = false;  // holds `*`: every topic matches, skip the rest
};

}  // namespace herald::match
