#include "component.hpp"

#include <re2/re2.h>

#include <algorithm>

#include "pattern_error.hpp"
#include "regexp_generator.hpp"
#include "url.hpp"

namespace herald::match {

Component::Component(std::string_view pattern, const EncodingCallback& encode,
                     const PatternOptions& options, std::int64_t max_memory) {
  const std::vector<Part> parts = parse_pattern_string(pattern, options, encode);
  group_count_ = static_cast<std::size_t>(std::count_if(
      parts.begin(), parts.end(), [](const Part& p) { return p.type != PartType::fixed_text; }));
  // The commonest components need no program: "*" (username, password, search and hash of
  // most patterns) accepts any value, since a URL component never holds the newline ".*"
  // would refuse, and "" (the port of most patterns) only the empty value.
  if (parts.empty()) {
    shape_ = Shape::empty;
    return;
  }
  const Part& first = parts.front();
  if (parts.size() == 1 && first.type == PartType::full_wildcard &&
      first.modifier == Modifier::none && first.prefix.empty() && first.suffix.empty()) {
    shape_ = Shape::anything;
    return;
  }
  re2::RE2::Options re2_options;
  re2_options.set_max_mem(max_memory);
  re2_options.set_log_errors(false);
  // No ignoreCase: the Mercure draft forbids it; hosts are lower-cased by canonicalization.
  re2_options.set_case_sensitive(true);
  auto regexp = std::make_unique<const re2::RE2>(generate_regexp(parts, options), re2_options);
  if (!regexp->ok())
    throw PatternError("pattern '" + std::string(pattern) +
                       "' does not compile: " + regexp->error());
  regexp_ = std::move(regexp);
}

Component::~Component() = default;

bool Component::matches(std::string_view value) const {
  switch (shape_) {
    case Shape::anything:
      return true;
    case Shape::empty:
      return value.empty();
    case Shape::regexp:
      break;
  }
  return re2::RE2::FullMatch(value, *regexp_);
}

bool Component::matches_special_scheme() const {
  return std::any_of(kSpecialSchemes.begin(), kSpecialSchemes.end(),
                     [&](const SpecialScheme& scheme) { return matches(scheme.name); });
}

}  // namespace herald::match
