#include "herald/cluster/redis_address.hpp"

#include <algorithm>
#include <charconv>

namespace herald::cluster {

namespace {

bool parse_number(std::string_view text, int max, int& out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size() && out >= 0 && out <= max;
}

}  // namespace

std::string RedisAddress::url() const {
  const bool v6 = host.find(':') != std::string::npos;
  return "redis://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port) + "/" +
         std::to_string(db);
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
  if (authority.find('@') != std::string_view::npos) {
    error = "a user or password in the URL is not supported";
    return std::nullopt;
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
