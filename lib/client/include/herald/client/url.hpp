#pragma once
// The http/https URLs the client connects to, and resolving a redirect's Location against
// the URL that answered it. Boost-free: the connection state machine uses it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace herald::client {

struct Url {
  std::string scheme;  // "http" or "https", lower case
  std::string host;    // without the brackets of an IPv6 literal, lower case
  std::uint16_t port = 0;
  std::string target = "/";  // path and query, never empty, without the fragment

  bool tls() const { return scheme == "https"; }
  bool default_port() const { return port == (tls() ? 443 : 80); }
  // The Host header: host, brackets back around IPv6, port unless it is the default.
  std::string authority() const;
  // scheme://authority, what an event carries as its origin.
  std::string origin() const;
  std::string str() const { return origin() + target; }
};

// Parses an absolute http or https URL. Userinfo is refused (credentials belong in headers),
// as are control characters and spaces. Returns nullopt with `error` set when it cannot.
std::optional<Url> parse_url(std::string_view text, std::string* error = nullptr);

// Resolves a Location header against `base` (RFC 3986 section 5.2: absolute, scheme-relative,
// absolute-path, relative-path and query-only references, with dot segments removed).
std::optional<Url> resolve_url(const Url& base, std::string_view reference,
                               std::string* error = nullptr);

// Percent-encodes everything but the RFC 3986 unreserved characters: safe in a query
// component and in an application/x-www-form-urlencoded body.
std::string percent_encode(std::string_view text);

}  // namespace herald::client
