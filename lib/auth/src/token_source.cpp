#include "herald/auth/token_source.hpp"

#include "herald/base/form.hpp"
#include "herald/base/strings.hpp"

namespace herald::auth {

namespace {

Error bad(std::string message) {
  return make_error(ErrorCode::bad_credentials, std::move(message));
}

// A token is printable ASCII without spaces: what base64url and dots are made of, and
// enough to keep junk out of logs and error paths.
bool is_token_text(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c <= ' ' || c > '~') return false;
  }
  return true;
}

Result<ExtractedToken> from_header(std::string_view header) {
  header = trim_ows(header);
  const std::size_t space = header.find(' ');
  if (space == std::string_view::npos || !iequals(header.substr(0, space), "Bearer")) {
    return bad("the Authorization header is not \"Bearer <token>\"");
  }
  const std::string_view token = trim_ows(header.substr(space + 1));
  if (!is_token_text(token)) return bad("the Authorization header has no usable bearer token");
  return ExtractedToken{TokenSource::authorization_header, std::string(token)};
}

// Result: nullopt when the parameter is absent.
Result<std::optional<std::string>> from_query(std::string_view query) {
  std::optional<std::string> found;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const std::size_t eq = pair.find('=');
    std::string name;
    if (!form::percent_decode(pair.substr(0, eq), name)) continue;  // not ours to judge
    if (name != kQueryParameter) continue;
    if (found) return bad("the authorization query parameter appears more than once");
    std::string value;
    if (eq == std::string_view::npos || !form::percent_decode(pair.substr(eq + 1), value) ||
        !is_token_text(value)) {
      return bad("the authorization query parameter is not a token");
    }
    found = std::move(value);
  }
  return found;
}

// The first cookie named `name` (browsers send the most specific path first), RFC 6265
// syntax: "a=b; c=d", a value possibly in double quotes.
std::optional<std::string_view> find_cookie(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const std::size_t semi = header.find(';');
    const std::string_view pair = trim_ows(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos || trim_ows(pair.substr(0, eq)) != name) continue;
    std::string_view value = trim_ows(pair.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    return value;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(TokenSource source) {
  switch (source) {
    case TokenSource::none:
      return "none";
    case TokenSource::authorization_header:
      return "authorization_header";
    case TokenSource::query_parameter:
      return "query_parameter";
    case TokenSource::cookie:
      return "cookie";
  }
  return "none";
}

Result<ExtractedToken> extract_token(const RequestCredentials& request,
                                     std::string_view cookie_name) {
  if (request.authorization) return from_header(*request.authorization);
  auto query = from_query(request.query);
  if (!query) return query.error();
  if (*query) return ExtractedToken{TokenSource::query_parameter, std::move(**query)};
  if (request.cookie) {
    if (auto value = find_cookie(*request.cookie, cookie_name); value && !value->empty()) {
      if (!is_token_text(*value))
        return bad("the " + std::string(cookie_name) + " cookie is not a token");
      return ExtractedToken{TokenSource::cookie, std::string(*value)};
    }
  }
  return ExtractedToken{};
}

}  // namespace herald::auth
