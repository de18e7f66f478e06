#include "herald/hub/selector.hpp"

#include <utility>

#include "herald/hub/match_cache.hpp"

namespace herald::hub {

std::optional<Selector> Selector::parse(std::string_view text, std::string* error) {
  auto fail = [&](std::string message) -> std::optional<Selector> {
    if (error) *error = std::move(message);
    return std::nullopt;
  };
  if (text.empty()) return fail("topic selector is empty");
  if (text.size() > kMaxLength) {
    return fail("topic selector is longer than " + std::to_string(kMaxLength) + " bytes");
  }
  if (text == "*") return Selector(std::string(text), Kind::any, nullptr);
  // Braces mean the subscriber wrote a template: a malformed one is reported rather than
  // silently compared as text, which would never match what the subscriber meant.
  if (text.find_first_of("{}") == std::string_view::npos) {
    return Selector(std::string(text), Kind::exact, nullptr);
  }
  std::string why;
  auto tmpl = UriTemplate::parse(text, &why);
  if (!tmpl) return fail("invalid URI template in topic selector: " + why);
  return Selector(std::string(text), Kind::uri_template,
                  std::make_shared<const UriTemplate>(std::move(*tmpl)));
}

bool Selector::matches(std::string_view topic) const {
  switch (kind_) {
    case Kind::any:
      return true;
    case Kind::exact:
      return topic == text_;
    case Kind::uri_template:
      return topic == text_ || template_->matches(topic);
  }
  return false;
}

SelectorSet::SelectorSet(std::vector<Selector> selectors) {
  selectors_.reserve(selectors.size());
  for (Selector& s : selectors)
    add(std::move(s));
}

void SelectorSet::add(Selector selector) {
  has_any_ |= selector.kind() == Selector::Kind::any;
  selectors_.push_back(std::move(selector));
}

bool SelectorSet::matches(std::string_view topic) const {
  if (has_any_) return true;
  for (const Selector& s : selectors_) {
    if (s.matches(topic)) return true;
  }
  return false;
}

bool SelectorSet::matches_any(std::span<const std::string> topics) const {
  for (const std::string& topic : topics) {
    if (matches(topic)) return true;
  }
  return false;
}

bool SelectorSet::matches_any(std::span<const std::string> topics, MatchCache& cache) const {
  if (topics.empty()) return false;
  if (has_any_) return true;
  // Exact comparisons first: they are cheap and the common case.
  for (const std::string& topic : topics) {
    for (const Selector& s : selectors_) {
      if (s.kind() == Selector::Kind::exact && s.text() == topic) return true;
    }
  }
  for (const std::string& topic : topics) {
    const MatchCache::Topic hashed(topic);  // hashed once for all the selectors
    for (const Selector& s : selectors_) {
      if (s.kind() == Selector::Kind::uri_template && cache.matches(s, hashed)) return true;
    }
  }
  return false;
}

}  // namespace herald::hub
