#pragma once
// Small string helpers shared by the HTTP, auth, client, load generator and CLI code (one
// home, not a copy per module).
#include <string>
#include <string_view>

namespace herald {

// `s` without leading and trailing spaces and tabs: HTTP's optional whitespace (RFC 9110
// 5.6.3), around header values, list items and cookie pairs.
constexpr std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// ASCII case-insensitive equality: HTTP field names, schemes and tokens (RFC 9110 5.1)
// compare this way, whatever the locale.
constexpr bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// `text` on one line, for a log line or a command's error message: control characters
// (line breaks included) become spaces, and the spaces around it go.
inline std::string one_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || u == 0x7f ? ' ' : c);
  }
  const auto first = out.find_first_not_of(' ');
  if (first == std::string::npos) return {};
  return out.substr(first, out.find_last_not_of(' ') - first + 1);
}

}  // namespace herald
