#include "regexp_generator.hpp"

#include "regexp_subset.hpp"

namespace herald::match {
namespace {

std::string_view modifier_string(Modifier modifier) {
  switch (modifier) {
    case Modifier::none:
      return "";
    case Modifier::optional:
      return "?";
    case Modifier::zero_or_more:
      return "*";
    case Modifier::one_or_more:
      return "+";
  }
  return "";
}

// The standard's segment wildcard in RE2 spelling: ECMAScript's "[^]" (anything) for an
// empty delimiter is an error in RE2, whose equivalent is (?s:.).
std::string re2_segment_wildcard(const PatternOptions& options) {
  if (options.delimiter.empty()) return "(?s:.)+?";
  return segment_wildcard_regexp(options);
}

std::string regexp_value_of(const Part& part, const PatternOptions& options) {
  switch (part.type) {
    case PartType::segment_wildcard:
      return re2_segment_wildcard(options);
    case PartType::full_wildcard:
      return std::string(kFullWildcardRegexp);
    case PartType::regexp:
      check_regexp_subset(part.value);
      return part.value;
    case PartType::fixed_text:
      break;
  }
  return "";
}

}  // namespace

std::string generate_regexp(const std::vector<Part>& parts, const PatternOptions& options) {
  std::string result = "^";
  for (const Part& part : parts) {
    const std::string_view modifier = modifier_string(part.modifier);
    if (part.type == PartType::fixed_text) {
      if (part.modifier == Modifier::none)
        result += escape_regexp_string(part.value);
      else
        result += "(?:" + escape_regexp_string(part.value) + ")" + std::string(modifier);
      continue;
    }
    const std::string value = regexp_value_of(part, options);
    const bool repeated =
        part.modifier == Modifier::zero_or_more || part.modifier == Modifier::one_or_more;
    if (part.prefix.empty() && part.suffix.empty()) {
      if (!repeated)
        result += "(" + value + ")" + std::string(modifier);
      else
        result += "((?:" + value + ")" + std::string(modifier) + ")";
      continue;
    }
    const std::string prefix = escape_regexp_string(part.prefix);
    const std::string suffix = escape_regexp_string(part.suffix);
    if (!repeated) {
      result += "(?:" + prefix + "(" + value + ")" + suffix + ")" + std::string(modifier);
      continue;
    }
    // A repeated group with a prefix or suffix: the first occurrence, then each further one
    // introduced by suffix and prefix (/:id+ matches /a/b/c).
    result += "(?:" + prefix + "((?:" + value + ")(?:" + suffix + prefix + "(?:" + value + "))*)" +
              suffix + ")";
    if (part.modifier == Modifier::zero_or_more) result += "?";
  }
  return result + "$";
}

}  // namespace herald::match
