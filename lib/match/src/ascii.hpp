// ASCII character classes and case folding: URLs and patterns are ASCII where it matters,
// and none of this may depend on the locale.
#pragma once

#include <string>
#include <string_view>

namespace herald::match {

constexpr bool is_ascii_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool is_ascii_digit(char c) {
  return c >= '0' && c <= '9';
}
constexpr bool is_ascii_hex_digit(char c) {
  return is_ascii_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
constexpr char to_ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// A scheme's code points after its first letter ("scheme state").
constexpr bool is_scheme_char(char c) {
  return is_ascii_alpha(c) || is_ascii_digit(c) || c == '+' || c == '-' || c == '.';
}

// The URL parser drops ASCII tabs and newlines wherever they are.
inline std::string remove_tab_and_newline(std::string_view input) {
  std::string out;
  out.reserve(input.size());
  for (const char c : input)
    if (c != '\t' && c != '\n' && c != '\r') out += c;
  return out;
}

}  // namespace herald::match
