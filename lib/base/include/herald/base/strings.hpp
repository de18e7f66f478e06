#pragma once
// Small string helpers shared by the HTTP, auth and client code (one home, not a copy per
// module).
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

}  // namespace herald
