// URL Pattern Standard, "Parsing pattern strings": a token list becomes a part list.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace herald::match {

enum class PartType {
  fixed_text,        // literal text, already canonicalized by the encoding callback
  regexp,            // (custom regexp)
  segment_wildcard,  // :name without a regexp: one segment
  full_wildcard,     // *
};

enum class Modifier { none, optional, zero_or_more, one_or_more };

struct Part {
  PartType type = PartType::fixed_text;
  Modifier modifier = Modifier::none;
  std::string value;  // the literal text, or the custom regexp
  std::string name;   // the group's name (numbered when unnamed)
  std::string prefix;
  std::string suffix;
};

// "Options": the delimiter ends a segment wildcard, the prefix is what a group takes as its
// implicit prefix (the pathname's "/"). Each is one code point or empty.
struct PatternOptions {
  std::string delimiter;
  std::string prefix;
};

// "Encoding callback": canonicalizes literal text, throwing PatternError when it cannot.
using EncodingCallback = std::function<std::string(std::string_view)>;

// "Parse a pattern string" (strict tokenizing); throws PatternError.
std::vector<Part> parse_pattern_string(std::string_view input, const PatternOptions& options,
                                       const EncodingCallback& encode);

// "Generate a segment wildcard regexp", in the standard's ECMAScript spelling: a custom
// regexp written exactly so is a segment wildcard.
std::string segment_wildcard_regexp(const PatternOptions& options);

// The standard's "full wildcard regexp value".
inline constexpr std::string_view kFullWildcardRegexp = ".*";

// "Escape a regexp string": the characters ECMAScript and RE2 both read as syntax.
std::string escape_regexp_string(std::string_view input);

}  // namespace herald::match
