#include "herald/cluster/redis_address.hpp"

#include <algorithm>
#include <charconv>

#include "herald/base/form.hpp"

namespace herald::cluster {

namespace {

bool parse_number(std::string_view text, int max, int& out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size() && out >= 0 && out <= max;
}

// Percent-decodes a part of the URL's userinfo, where '+' is itself (not a space, as in
// forms).
bool decode_userinfo(std::string_view in, std::string& out) {
  std::string escaped;
  for (char c : in)
    escaped += c == '+' ? std::string_view("%2B") : std::string_view(&c, 1);
  return form::percent_decode(escaped, out);
}

}  // namespace

std::string RedisAddress::url() const {
  const bool v6 = host.find(':') != std::string::npos;
  const std::string login = password.empty() ? "" : username + ":***@";
  return "redis://" + login + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port) + "/" +
         std::to_string(db);
}

std::string redacted_redis_url(std::string_view url) {
  const auto host_from = url.find("://");
  if (host_from == std::string_view::npos) return std::string(url);
  const std::string_view rest = url.substr(host_from + 3);
  const auto at = rest.substr(0, rest.find('/')).rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  return std::string(url.substr(0, host_from + 3)) + "***" + std::string(rest.substr(at));
}

std::optional<RedisAddress> parse_redis_url(std::string_view url, std::string& error) {
  constexpr std::string_view scheme = "redis://";
  if (!url.starts_with(scheme)) {
    error = "expected redis://HOST:PORT[/DB]";
    return std::nullopt;
  }
  std::string_view rest = url.substr(scheme.size());
  RedisAddress address;
  std::string_view authority = rest.substr(0, rest.find('/'));
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    const auto colon = userinfo.find(':');
    if (colon == std::string_view::npos) {
      error = "a user without a password (write redis://USER:PASSWORD@HOST, or :PASSWORD@)";
      return std::nullopt;
    }
    if (!decode_userinfo(userinfo.substr(0, colon), address.username) ||
        !decode_userinfo(userinfo.substr(colon + 1), address.password)) {
      error = "a bad %-escape in the user or password";
      return std::nullopt;
    }
    if (address.password.empty()) {
      error = "an empty password";
      return std::nullopt;
    }
    authority = authority.substr(at + 1);
  }
  // The text after the host: empty, or ":PORT".
  std::string_view after_host;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      error = "unclosed [ in the host";
      return std::nullopt;
    }
    address.host = authority.substr(1, close - 1);
    after_host = authority.substr(close + 1);
  } else {
    const auto colon = std::min(authority.find(':'), authority.size());
    address.host = authority.substr(0, colon);
    after_host = authority.substr(colon);
  }
  if (address.host.empty()) {
    error = "no host";
    return std::nullopt;
  }
  if (!after_host.empty() &&
      (!after_host.starts_with(':') || !parse_number(after_host.substr(1), 65535, address.port) ||
       address.port == 0)) {
    error = "the port is not a number from 1 to 65535";
    return std::nullopt;
  }
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    std::string_view db = rest.substr(slash + 1);
    if (!db.empty() && !parse_number(db, 1 << 20, address.db)) {
      error = "the database is not a number";
      return std::nullopt;
    }
  }
  return address;
}

}  // namespace herald::cluster
