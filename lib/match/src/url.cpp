#include "url.hpp"

#include <algorithm>

#include "ascii.hpp"
#include "herald/base/strings.hpp"
#include "host.hpp"
#include "percent_encode.hpp"

namespace herald::match {
namespace {

bool is_slash(char c, bool special) {
  return c == '/' || (special && c == '\\');
}

bool is_single_dot(std::string_view s) {
  return s == "." || iequals(s, "%2e");
}
bool is_double_dot(std::string_view s) {
  return s == ".." || iequals(s, ".%2e") || iequals(s, "%2e.") || iequals(s, "%2e%2e");
}

// Leading and trailing C0 controls and spaces are removed, and every tab and newline
// anywhere (the parser's first two steps).
std::string clean_input(std::string_view input) {
  while (!input.empty() && static_cast<unsigned char>(input.front()) <= 0x20)
    input.remove_prefix(1);
  while (!input.empty() && static_cast<unsigned char>(input.back()) <= 0x20)
    input.remove_suffix(1);
  return remove_tab_and_newline(input);
}

// The scheme ("scheme state"), lower-cased, and what follows its colon; nullopt when the
// input does not start with one.
std::optional<std::pair<std::string, std::string_view>> split_scheme(std::string_view input) {
  if (input.empty() || !is_ascii_alpha(input[0])) return std::nullopt;
  for (std::size_t i = 1; i < input.size(); ++i) {
    const char c = input[i];
    if (c == ':') {
      std::string scheme(input.substr(0, i));
      for (char& s : scheme)
        s = to_ascii_lower(s);
      return std::pair{scheme, input.substr(i + 1)};
    }
    if (!is_scheme_char(c)) return std::nullopt;
  }
  return std::nullopt;
}

// Takes the fragment and the query off `rest` into `url`, leaving the path part.
std::string_view take_query_and_fragment(std::string_view rest, Url& url) {
  const std::size_t hash = rest.find('#');
  if (hash != std::string_view::npos) {
    url.fragment = percent_encode(rest.substr(hash + 1), EncodeSet::fragment);
    rest = rest.substr(0, hash);
  }
  const std::size_t question = rest.find('?');
  if (question != std::string_view::npos) {
    const bool special = is_special_scheme(url.scheme);
    url.query = percent_encode(rest.substr(question + 1),
                               special ? EncodeSet::special_query : EncodeSet::query);
    rest = rest.substr(0, question);
  }
  return rest;
}

// Path, query and fragment from `rest` ("path start state" onwards), appended to the
// path `url` already has.
void parse_path_query_fragment(std::string_view rest, Url& url) {
  const bool special = is_special_scheme(url.scheme);
  std::string_view path = take_query_and_fragment(rest, url);
  if (!path.empty() && is_slash(path[0], special))
    path.remove_prefix(1);
  else if (path.empty() && !special)
    return;
  append_path_segments(path, special, url.path);
}

// "Authority state" to "port state": userinfo, host and port, then the rest.
std::optional<Url> parse_authority(std::string_view rest, Url url) {
  const bool special = is_special_scheme(url.scheme);
  std::size_t end = 0;
  while (end < rest.size() && !is_slash(rest[end], special) && rest[end] != '?' && rest[end] != '#')
    ++end;
  std::string_view authority = rest.substr(0, end);
  const std::size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    const std::string_view credentials = authority.substr(0, at);
    const std::size_t colon = credentials.find(':');
    url.username = percent_encode(credentials.substr(0, colon), EncodeSet::userinfo);
    if (colon != std::string_view::npos)
      url.password = percent_encode(credentials.substr(colon + 1), EncodeSet::userinfo);
    authority = authority.substr(at + 1);
    if (authority.empty()) return std::nullopt;
  }
  // The port colon is the first one outside IPv6 brackets.
  std::size_t colon = std::string_view::npos;
  bool in_brackets = false;
  for (std::size_t i = 0; i < authority.size() && colon == std::string_view::npos; ++i) {
    if (authority[i] == '[') in_brackets = true;
    if (authority[i] == ']') in_brackets = false;
    if (authority[i] == ':' && !in_brackets) colon = i;
  }
  const std::string_view host_text = authority.substr(0, colon);
  if (host_text.empty() && (special || colon != std::string_view::npos)) return std::nullopt;
  if (url.scheme == "file" && host_text == "localhost") {
    url.host = "";
  } else if (host_text.empty()) {
    url.host = "";
  } else {
    url.host = special ? parse_special_host(host_text) : parse_opaque_host(host_text);
    if (!url.host) return std::nullopt;
  }
  if (colon != std::string_view::npos && colon + 1 < authority.size()) {
    unsigned long port = 0;
    for (const char c : authority.substr(colon + 1)) {
      if (!is_ascii_digit(c)) return std::nullopt;
      port = port * 10 + static_cast<unsigned long>(c - '0');
      if (port > 65535) return std::nullopt;
    }
    if (default_port(url.scheme) != port) url.port = static_cast<std::uint16_t>(port);
  }
  parse_path_query_fragment(rest.substr(end), url);
  return url;
}

std::string_view strip_slashes(std::string_view rest) {
  while (!rest.empty() && is_slash(rest[0], true))
    rest.remove_prefix(1);
  return rest;
}

// "Relative state": `rest` resolved against `base` (which has no opaque path).
std::optional<Url> parse_relative(std::string_view rest, const Url& base) {
  const bool special = is_special_scheme(base.scheme);
  if (rest.size() >= 2 && is_slash(rest[0], special) && is_slash(rest[1], special)) {
    Url url;
    url.scheme = base.scheme;
    return parse_authority(special ? strip_slashes(rest) : rest.substr(2), url);
  }
  Url url = base;  // the same scheme, credentials, host and port
  url.query.reset();
  url.fragment.reset();
  if (!rest.empty() && is_slash(rest[0], special)) {
    url.path.clear();
  } else if (rest.empty() || rest[0] == '#' || rest[0] == '?') {
    // Same document: the base's query stays unless a new one is given.
    if (rest.empty() || rest[0] == '#') url.query = base.query;
    take_query_and_fragment(rest, url);
    return url;
  } else if (!url.path.empty()) {
    url.path.pop_back();  // a relative path replaces the last segment
  }
  parse_path_query_fragment(rest, url);
  return url;
}

std::optional<Url> parse_with_scheme(std::string scheme, std::string_view rest, const Url* base) {
  Url url;
  url.scheme = std::move(scheme);
  const bool special = is_special_scheme(url.scheme);
  if (url.scheme == "file") {
    if (rest.size() >= 2 && is_slash(rest[0], true) && is_slash(rest[1], true))
      return parse_authority(rest.substr(2), url);
    url.host = "";
    parse_path_query_fragment(rest, url);
    return url;
  }
  if (special) {
    // "special relative or authority state": http:foo is relative to an http: base.
    const bool two_slashes = rest.size() >= 2 && rest[0] == '/' && rest[1] == '/';
    if (base && base->scheme == url.scheme && !two_slashes) return parse_relative(rest, *base);
    return parse_authority(strip_slashes(rest), url);
  }
  if (rest.size() >= 2 && rest[0] == '/' && rest[1] == '/')
    return parse_authority(rest.substr(2), url);
  if (!rest.empty() && rest[0] == '/') {
    parse_path_query_fragment(rest, url);
    return url;
  }
  // "opaque path state": urn:isbn:123, mailto:a@b.
  url.opaque_path = true;
  url.path.push_back(percent_encode(take_query_and_fragment(rest, url), EncodeSet::c0_control));
  return url;
}

}  // namespace

std::string Url::pathname() const {
  if (opaque_path) return path.empty() ? std::string() : path[0];
  std::string out;
  for (const std::string& segment : path) {
    out += '/';
    out += segment;
  }
  return out;
}

bool is_special_scheme(std::string_view scheme) {
  return std::any_of(kSpecialSchemes.begin(), kSpecialSchemes.end(),
                     [&](const SpecialScheme& s) { return s.name == scheme; });
}

std::optional<std::uint16_t> default_port(std::string_view scheme) {
  for (const SpecialScheme& s : kSpecialSchemes)
    if (s.name == scheme) return s.default_port;
  return std::nullopt;
}

std::optional<Url> parse_url(std::string_view raw_input, const Url* base) {
  const std::string input = clean_input(raw_input);
  if (auto scheme = split_scheme(input))
    return parse_with_scheme(std::move(scheme->first), scheme->second, base);
  if (!base) return std::nullopt;
  if (base->opaque_path) {
    // Only a fragment can be resolved against an opaque-path base.
    if (input.empty() || input[0] != '#') return std::nullopt;
    Url url = *base;
    url.fragment = percent_encode(std::string_view(input).substr(1), EncodeSet::fragment);
    return url;
  }
  return parse_relative(input, *base);
}

void append_path_segments(std::string_view input, bool special, std::vector<std::string>& path) {
  std::size_t start = 0;
  for (;;) {
    std::size_t end = start;
    while (end < input.size() && !is_slash(input[end], special))
      ++end;
    const std::string_view segment = input.substr(start, end - start);
    const bool last = end == input.size();
    if (is_double_dot(segment)) {
      // A final ".." leaves an empty path where it had nothing to remove in a non-special
      // URL (foo://h/.. has the pathname ""), as Node.js's URL parser (ada) does.
      const bool had_segments = !path.empty();
      if (had_segments) path.pop_back();
      if (last && (special || had_segments)) path.emplace_back();
    } else if (is_single_dot(segment)) {
      if (last) path.emplace_back();
    } else {
      path.push_back(percent_encode(segment, EncodeSet::path));
    }
    if (last) return;
    start = end + 1;
  }
}

std::string special_pathname(std::string_view input) {
  Url url;
  url.scheme = "https";
  if (!input.empty() && is_slash(input[0], true)) input.remove_prefix(1);
  append_path_segments(input, true, url.path);
  return url.pathname();
}

}  // namespace herald::match
