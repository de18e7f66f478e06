#include "herald/match/url_pattern.hpp"

#include <array>

#include "canonicalize.hpp"
#include "component.hpp"
#include "constructor_string_parser.hpp"
#include "herald/base/utf8.hpp"
#include "host.hpp"
#include "pattern_error.hpp"
#include "url.hpp"

namespace herald::match {
namespace {

// The order of the standard's component list, which is also the order of matching.
enum ComponentIndex { protocol, username, password, hostname, port, pathname, search, hash };
constexpr std::size_t kComponentCount = 8;

const PatternOptions kDefaultOptions{};
const PatternOptions kHostnameOptions{".", ""};
const PatternOptions kPathnameOptions{"/", "/"};

// "Treat as IPv6 hostname": [, or an escaped or grouped [.
bool is_ipv6_hostname_pattern(std::string_view pattern) {
  if (pattern.size() < 2) return false;
  return pattern[0] == '[' || ((pattern[0] == '\\' || pattern[0] == '{') && pattern[1] == '[');
}

// A topic's hostname as patterns see it: the reference implementation re-canonicalizes every
// host as a special URL's host, so hosts are compared case-insensitively whatever the scheme
// (as the Mercure draft asks); a non-special host that cannot be one matches nothing.
std::optional<std::string> topic_hostname(const Url& url) {
  const std::string host = url.host.value_or("");
  if (host.empty() || host.front() == '[' || is_special_scheme(url.scheme)) return host;
  if (host.find('%') != std::string::npos) return std::nullopt;
  return parse_special_host(host);
}

}  // namespace

struct UrlPattern::Compiled {
  std::optional<Url> base;
  std::array<std::optional<Component>, kComponentCount> components;
};

UrlPattern::UrlPattern(std::shared_ptr<const Compiled> compiled) : compiled_(std::move(compiled)) {}

std::optional<UrlPattern> UrlPattern::compile(std::string_view pattern, std::string_view base_url,
                                              std::string* error) {
  const auto fail = [&](const std::string& message) -> std::optional<UrlPattern> {
    if (error) *error = message;
    return std::nullopt;
  };
  if (pattern.size() > kMaxLength)
    return fail("URL pattern longer than " + std::to_string(kMaxLength) + " bytes");
  if (!is_valid_utf8(pattern)) return fail("URL pattern is not valid UTF-8");
  auto compiled = std::make_shared<Compiled>();
  if (!base_url.empty()) {
    compiled->base = parse_url(base_url, nullptr);
    if (!compiled->base) return fail("invalid base URL '" + std::string(base_url) + "'");
  }
  try {
    PatternInit init = parse_constructor_string(pattern);
    if (!init.protocol && !compiled->base) return fail("relative URL pattern without a base URL");
    init = resolve_pattern_init(std::move(init), compiled->base ? &*compiled->base : nullptr);
    auto& c = compiled->components;
    const auto add = [&](ComponentIndex index, const std::string& text,
                         const EncodingCallback& encode, const PatternOptions& options) {
      c[index].emplace(text, encode, options, kMaxRegexpMemory);
    };
    add(protocol, *init.protocol, canonicalize::protocol, kDefaultOptions);
    add(username, *init.username, canonicalize::username, kDefaultOptions);
    add(password, *init.password, canonicalize::password, kDefaultOptions);
    add(hostname, *init.hostname,
        is_ipv6_hostname_pattern(*init.hostname) ? canonicalize::ipv6_hostname
                                                 : canonicalize::hostname,
        kHostnameOptions);
    add(port, *init.port, canonicalize::port, kDefaultOptions);
    // A protocol that can be special has hierarchical paths; otherwise paths are opaque.
    if (c[protocol]->matches_special_scheme())
      add(pathname, *init.pathname, canonicalize::pathname, kPathnameOptions);
    else
      add(pathname, *init.pathname, canonicalize::opaque_pathname, kDefaultOptions);
    add(search, *init.search, canonicalize::search, kDefaultOptions);
    add(hash, *init.hash, canonicalize::hash, kDefaultOptions);
    std::size_t groups = 0;
    for (const auto& component : c)
      groups += component->group_count();
    if (groups > kMaxGroups)
      return fail("URL pattern with more than " + std::to_string(kMaxGroups) + " groups");
  } catch (const PatternError& e) {
    return fail(std::string("invalid URL pattern: ") + e.what());
  }
  return UrlPattern(std::move(compiled));
}

bool UrlPattern::matches(std::string_view topic) const {
  const Compiled& compiled = *compiled_;
  const auto url = parse_url(topic, compiled.base ? &*compiled.base : nullptr);
  if (!url) return false;
  const auto host = topic_hostname(*url);
  if (!host) return false;
  const auto& c = compiled.components;
  return c[protocol]->matches(url->scheme) && c[username]->matches(url->username) &&
         c[password]->matches(url->password) && c[hostname]->matches(*host) &&
         c[port]->matches(url->port ? std::to_string(*url->port) : "") &&
         c[pathname]->matches(url->pathname()) &&
         c[search]->matches(canonicalize::search(url->query.value_or(""))) &&
         c[hash]->matches(url->fragment.value_or(""));
}

}  // namespace herald::match
