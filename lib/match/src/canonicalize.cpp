#include "canonicalize.hpp"

#include "host.hpp"
#include "pattern_error.hpp"
#include "percent_encode.hpp"
#include "url.hpp"

namespace herald::match::canonicalize {
namespace {

// The URL parser drops tabs and newlines wherever they are.
std::string without_tab_or_newline(std::string_view value) {
  std::string out;
  for (const char c : value)
    if (c != '\t' && c != '\n' && c != '\r') out += c;
  return out;
}

[[noreturn]] void invalid(const char* component, std::string_view value) {
  throw PatternError(std::string("invalid ") + component + " '" + std::string(value) + "'");
}

}  // namespace

std::string protocol(std::string_view value) {
  std::string out(value);
  for (char& c : out) {
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alpha && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.')
      invalid("protocol", value);
    if (alpha) c = static_cast<char>(c | 0x20);
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
    const bool hex = (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
    if (!hex && c != '[' && c != ']' && c != ':') invalid("IPv6 hostname", value);
    if (hex) c = static_cast<char>(c >= 'A' && c <= 'F' ? c | 0x20 : c);
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
      without_tab_or_newline(leading_slash ? std::string(value) : "/-" + std::string(value));
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
  return percent_encode(without_tab_or_newline(value), EncodeSet::special_query);
}

std::string hash(std::string_view value) {
  return percent_encode(without_tab_or_newline(value), EncodeSet::fragment);
}

}  // namespace herald::match::canonicalize
