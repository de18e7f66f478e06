#pragma once
// Topic selectors, as Mercure 0.x hubs read them: `*` matches every topic, text with braces
// is an RFC 6570 URI template that matches every topic it can expand to, and anything else
// is compared with the topic byte for byte.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "herald/hub/uri_template.hpp"

namespace herald::hub {

class MatchCache;

class Selector {
 public:
  enum class Kind : std::uint8_t { any, exact, uri_template };

  // Longer selectors are refused: a hub should bound what one subscriber makes it store
  // and match (Mercure: implementation-defined limits on selectors).
  static constexpr std::size_t kMaxLength = 2048;

  // Classifies `text`; on failure returns nullopt and, if `error` is non-null, says why
  // (empty, too long, or a malformed URI template).
  static std::optional<Selector> parse(std::string_view text, std::string* error);

  // A template selector also matches a topic equal to its own text, as in Mercure.
  bool matches(std::string_view topic) const;

  Kind kind() const { return kind_; }
  const std::string& text() const { return text_; }
  // std::hash of text(), computed once: caches and indexes key on it.
  std::size_t hash() const { return hash_; }
  // The compiled template; null unless kind() == Kind::uri_template.
  const UriTemplate* uri_template() const { return template_.get(); }

  friend bool operator==(const Selector& a, const Selector& b) { return a.text_ == b.text_; }

 private:
  Selector(std::string text, Kind kind, std::shared_ptr<const UriTemplate> tmpl)
      : text_(std::move(text)),
        hash_(std::hash<std::string>{}(text_)),
        kind_(kind),
        template_(std::move(tmpl)) {}

  std::string text_;
  std::size_t hash_ = 0;
  Kind kind_ = Kind::exact;
  // Shared and immutable: copying a subscription's selectors must not copy compiled templates.
  std::shared_ptr<const UriTemplate> template_;
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
  // Same, with template results remembered in a shard's cache.
  bool matches_any(std::span<const std::string> topics, MatchCache& cache) const;

  const std::vector<Selector>& selectors() const { return selectors_; }
  std::size_t size() const { return selectors_.size(); }
  bool empty() const { return selectors_.empty(); }

 private:
  std::vector<Selector> selectors_;
  bool has_any_ = false;  // holds `*`: every topic matches, skip the rest
};

}  // namespace herald::hub
