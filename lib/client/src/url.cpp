#include "herald/client/url.hpp"

#include <charconv>
#include <vector>

namespace herald::client {

namespace {

bool fail(std::string* error, const char* message) {
  if (error != nullptr) *error = message;
  return false;
}

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = lower(c);
  return out;
}

// Control characters and spaces would let a URL smuggle bytes into the request line.
bool has_unsafe_byte(std::string_view s) {
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return true;
  }
  return false;
}

std::string_view without_fragment(std::string_view s) {
  return s.substr(0, s.find('#'));
}

bool parse_authority(std::string_view authority, Url& url, std::string* error) {
  if (authority.find('@') != std::string_view::npos) {
    return fail(error, "credentials in the URL are not supported (use a header)");
  }
  std::string_view host;
  std::string_view rest;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return fail(error, "unterminated IPv6 address");
    host = authority.substr(1, close - 1);
    rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return fail(error, "bad characters after ']'");
  } else {
    const auto colon = authority.find(':');
    host = authority.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view{} : authority.substr(colon);
  }
  if (host.empty()) return fail(error, "no host in the URL");
  url.host = lowered(host);
  url.port = url.tls() ? 443 : 80;
  if (rest.size() > 1) {  // ":" alone means the default port
    const std::string_view digits = rest.substr(1);
    unsigned value = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc() || end != digits.data() + digits.size() || value == 0 || value > 65535) {
      return fail(error, "bad port in the URL");
    }
    url.port = static_cast<std::uint16_t>(value);
  }
  return true;
}

// RFC 3986 section 5.2.4.
std::string remove_dot_segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  const bool absolute = !path.empty() && path.front() == '/';
  if (absolute) pos = 1;
  bool trailing_slash = false;
  while (pos <= path.size()) {
    const auto slash = path.find('/', pos);
    const std::string_view segment =
        path.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    const bool last = slash == std::string_view::npos;
    if (segment == "..") {
      if (!out.empty()) out.pop_back();
      trailing_slash = true;
    } else if (segment == ".") {
      trailing_slash = true;
    } else {
      out.push_back(segment);
      trailing_slash = false;
    }
    if (last) break;
    pos = slash + 1;
  }
  std::string result = absolute ? "/" : "";
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (i > 0) result += '/';
    result.append(out[i]);
  }
  if (trailing_slash && !out.empty() && !out.back().empty()) result += '/';
  return result;
}

// path?query -> path with dot segments removed, query kept.
std::string normalize_target(std::string_view target) {
  const auto q = target.find('?');
  std::string path = remove_dot_segments(target.substr(0, q));
  if (path.empty() || path.front() != '/') path.insert(path.begin(), '/');
  if (q != std::string_view::npos) path.append(target.substr(q));
  return path;
}

// A reference starts with a scheme when letters (then letters, digits, + - .) reach a ':'
// before any of / ? #.
bool has_scheme(std::string_view ref) {
  for (std::size_t i = 0; i < ref.size(); ++i) {
    const char c = ref[i];
    if (c == ':') return i > 0;
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    const bool other = (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
    if (!(letter || (i > 0 && other))) return false;
  }
  return false;
}

}  // namespace

// Appends piece by piece: g++ 12 at -O3 warns (-Wrestrict, a false positive) on
// `"literal" + std::string`.
std::string Url::authority() const {
  std::string out;
  const bool ipv6 = host.find(':') != std::string::npos;
  if (ipv6) out.push_back('[');
  out.append(host);
  if (ipv6) out.push_back(']');
  if (!default_port()) {
    out.push_back(':');
    out.append(std::to_string(port));
  }
  return out;
}

std::string Url::origin() const {
  return scheme + "://" + authority();
}

std::optional<Url> parse_url(std::string_view text, std::string* error) {
  text = without_fragment(text);
  if (has_unsafe_byte(text)) {
    fail(error, "spaces or control characters in the URL");
    return std::nullopt;
  }
  const auto sep = text.find("://");
  if (sep == std::string_view::npos) {
    fail(error, "not an absolute URL (expected http:// or https://)");
    return std::nullopt;
  }
  Url url;
  url.scheme = lowered(text.substr(0, sep));
  if (url.scheme != "http" && url.scheme != "https") {
    fail(error, "unsupported scheme (only http and https)");
    return std::nullopt;
  }
  const std::string_view rest = text.substr(sep + 3);
  const auto end = rest.find_first_of("/?");
  if (!parse_authority(rest.substr(0, end), url, error)) return std::nullopt;
  url.target = end == std::string_view::npos ? "/" : normalize_target(rest.substr(end));
  return url;
}

std::optional<Url> resolve_url(const Url& base, std::string_view reference, std::string* error) {
  reference = without_fragment(reference);
  if (has_unsafe_byte(reference)) {
    fail(error, "spaces or control characters in the redirect location");
    return std::nullopt;
  }
  if (has_scheme(reference)) return parse_url(reference, error);
  if (reference.substr(0, 2) == "//")
    return parse_url(base.scheme + ":" + std::string(reference), error);
  Url url = base;
  if (reference.empty()) return url;
  if (reference.front() == '/') {
    url.target = normalize_target(reference);
  } else if (reference.front() == '?') {
    url.target = base.target.substr(0, base.target.find('?')) + std::string(reference);
  } else {
    const std::string_view base_path =
        std::string_view(base.target).substr(0, base.target.find('?'));
    const auto dir = base_path.rfind('/');
    url.target =
        normalize_target(std::string(base_path.substr(0, dir + 1)) + std::string(reference));
  }
  return url;
}

std::string percent_encode(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(hex[u >> 4]);
      out.push_back(hex[u & 15]);
    }
  }
  return out;
}

}  // namespace herald::client
