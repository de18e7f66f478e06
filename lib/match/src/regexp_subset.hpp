// Custom regexp groups, (...), are ECMAScript regular expressions (with the u flag) in the
// URL Pattern Standard, but herald evaluates them with RE2. This accepts only the subset
// both engines read identically, and refuses the rest with a message saying why.
#pragma once

#include <string_view>

namespace herald::match {

// Accepted: literal ASCII characters; escaped syntax characters (\. \/ \( ...); \d \D \w \W;
// '.', '^', '$', '|'; quantifiers * + ? {n} {n,} {n,m}, each optionally lazy; (?:...) groups;
// character classes [...] and [^...] of literals, escaped syntax characters and ranges.
// Refused (PatternError): lookaround and named groups ((?=, (?!, (?<), backreferences and
// other escapes (\1, \b, \s, \x41, \u0041, \p{..}, \n ...), empty classes ([] and [^]),
// '[' inside a class (RE2 reads [[:alpha:]] as a POSIX class), class escapes (\d) inside a
// class, unescaped '{', '}' or ']' that are not a quantifier or a class, and quantifiers with
// nothing to repeat.
void check_regexp_subset(std::string_view regexp);

}  // namespace herald::match
