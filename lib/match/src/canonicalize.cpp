#include "canonicalize.hpp"

#include "ascii.hpp"
#include "host.hpp"
#include "pattern_error.hpp"
#include "percent_encode.hpp"
#include "url.hpp"

namespace herald::match::canonicalize {
namespace {

[[noreturn]] void invalid(const char* component, std::string_view value) {
  throw PatternError(std::string("invalid ") + component + " '" + std::string(value) + "'");
}

}  // namespace

std::string protocol(std::string_view value) {
  std::string out(value);
  for (char& c : out) {
    if (!is_scheme_char(c)) invalid("protocol", value);
    c = to_ascii_lower(c);
  }
  return out;
}

std::string username(std::string_view value) {
  return percent_encode(value, EncodeSet::userinfo);
}

std::string password(std::string_view value) {
  return percent_encode(value, EncodeSet::userinfo);
}

std::string hostname(std::string_view value) {
  if (value.empty()) return "";
  if (value.find_first_of(std::string_view("\t\n\r #%/:<>?@[]^\\|")) != std::string_view::npos)
    invalid("hostname", value);
  auto host = parse_special_host(value);
  if (!host) invalid("hostname (internationalized names must be written in punycode)", value);
  return *host;
}

std::string ipv6_hostname(std::string_view value) {
  std::string out(value);
  for (char& c : out) {
    if (!is_ascii_hex_digit(c) && c != '[' && c != ']' && c != ':') invalid("IPv6 hostname", value);
    c = to_ascii_lower(c);
  }
  return out;
}

std::string port(std::string_view value) {
  if (value.empty()) return "";
  unsigned long number = 0;
  for (const char c : value) {
    if (c < '0' || c > '9') invalid("port", value);
    number = number * 10 + static_cast<unsigned long>(c - '0');
    if (number > 65535) invalid("port", value);
  }
  return std::to_string(number);
}

std::string pathname(std::string_view value) {
  if (value.empty()) return "";
  // A fragment that does not start with '/' is canonicalized behind a placeholder segment,
  // so that it is not taken for a dot segment or lose its first character.
  const bool leading_slash = value[0] == '/';
  const std::string input =
      remove_tab_and_newline(leading_slash ? std::string(value) : "/-" + std::string(value));
  std::string result = special_pathname(input);
  if (leading_slash) return result;
  return result.size() > 2 ? result.substr(2) : "";
}

std::string opaque_pathname(std::string_view value) {
  if (value.empty()) return "";
  // As the pathname of a non-special URL: an opaque path, or a hierarchical one when the
  // text starts with '/' (the reference implementation parses "data:" + value; a literal
  // "/a b" must meet the topic foo://h/a%20b).
  const auto url = parse_url("data:" + std::string(value), nullptr);
  if (!url) invalid("pathname", value);
  return url->pathname();
}

std::string search(std::string_view value) {
  return percent_encode(remove_tab_and_newline(value), EncodeSet::special_query);
}

std::string hash(std::string_view value) {
  return percent_encode(remove_tab_and_newline(value), EncodeSet::fragment);
}

}  // namespace herald::match::canonicalize
