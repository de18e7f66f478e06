// URL Pattern Standard, "Tokenizing": a pattern string becomes a token list.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace herald::match {

enum class TokenType {
  open,               // {
  close,              // }
  regexp,             // (...): value is what is between the parentheses
  name,               // :name: value is the name
  character,          // any other code point
  escaped_character,  // \x: value is x
  other_modifier,     // ? or +
  asterisk,           // *
  end,                // after the last code point
  invalid_character,  // an error in the lenient policy
};

struct Token {
  TokenType type;
  std::size_t index;  // byte offset in the pattern string
  std::string value;
};

// "Tokenize policy": strict throws PatternError on the first error; lenient (used by the
// constructor string parser) turns the offending code point into an invalid-char token.
enum class TokenizePolicy { strict, lenient };

// `input` must be valid UTF-8. Group names are restricted to ASCII identifiers ([A-Za-z_$]
// then [A-Za-z0-9_$]); a name followed by a non-ASCII code point is refused in the strict
// policy rather than read differently from the standard's Unicode identifiers.
std::vector<Token> tokenize(std::string_view input, TokenizePolicy policy);

}  // namespace herald::match
