#include "herald/match/selector.hpp"

#include <utility>

#include "herald/base/clean_text.hpp"
#include "herald/base/utf8.hpp"

namespace herald::match {

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

bool Selector::check_matcher_text(std::string_view text, std::string* error) {
  auto fail = [&](std::string message) {
    if (error) *error = std::move(message);
    return false;
  };
  if (text.empty()) return fail("topic matcher is empty");
  if (text.size() > kMaxLength) {
    return fail("topic matcher is longer than " + std::to_string(kMaxLength) + " bytes");
  }
  if (!is_valid_utf8(text)) return fail("topic matcher is not valid UTF-8");
  if (!is_clean_text(text)) {
    return fail("topic matcher holds a control or Unicode format (Cf) character");
  }
  return true;
}

std::optional<Selector> Selector::exact(std::string_view text, std::string* error) {
  if (!check_matcher_text(text, error)) return std::nullopt;
  return Selector(std::string(text), text == "*" ? Kind::any : Kind::exact, nullptr);
}

std::optional<Selector> Selector::url_pattern(std::string_view text, std::string_view base_url,
                                              std::string* error) {
  if (!check_matcher_text(text, error)) return std::nullopt;
  if (text == "*") return Selector(std::string(text), Kind::any, nullptr);
  std::string why;
  auto pattern = UrlPattern::compile(text, base_url, &why);
  if (!pattern) {
    if (error) *error = "invalid URL pattern: " + why;
    return std::nullopt;
  }
  return Selector(std::string(text), Kind::url_pattern, nullptr,
                  std::make_shared<const UrlPattern>(std::move(*pattern)));
}

std::optional<Selector> Selector::url_pattern(std::string_view text, UrlPattern compiled,
                                              std::string* error) {
  if (!check_matcher_text(text, error)) return std::nullopt;
  if (text == "*") return Selector(std::string(text), Kind::any, nullptr);
  return Selector(std::string(text), Kind::url_pattern, nullptr,
                  std::make_shared<const UrlPattern>(std::move(compiled)));
}

bool Selector::matches(std::string_view topic) const {
  switch (kind_) {
    case Kind::any:
      return true;
    case Kind::exact:
      return topic == text_;
    case Kind::uri_template:
      return topic == text_ || template_->matches(topic);
    case Kind::url_pattern:
      return pattern_->matches(topic);
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

}  // namespace herald::match
