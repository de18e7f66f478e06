#include "herald/loadgen/target.hpp"

#include <arpa/inet.h>

#include <charconv>

namespace herald::loadgen {

std::optional<Target> parse_target(std::string_view url, std::string* error) {
  auto fail = [&](const char* why) -> std::optional<Target> {
    if (error) *error = why;
    return std::nullopt;
  };
  const bool tls = url.starts_with("https://");
  if (!tls && !url.starts_with("http://")) return fail("only http:// and https:// URLs");
  url.remove_prefix(tls ? 8 : 7);
  std::string_view authority = url.substr(0, url.find('/'));
  std::size_t colon = authority.rfind(':');
  if (colon == std::string_view::npos) return fail("give HOST:PORT");
  std::string host(authority.substr(0, colon));
  std::string_view port_text = authority.substr(colon + 1);
  unsigned port = 0;
  auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || p != port_text.data() + port_text.size() || port == 0 || port > 65535) {
    return fail("bad port");
  }
  Target t;
  t.tls = tls;
  t.host = host;
  if (host == "localhost") host = "127.0.0.1";
  in_addr a{};
  if (inet_pton(AF_INET, host.c_str(), &a) != 1) return fail("HOST must be an IPv4 address");
  t.address = ntohl(a.s_addr);
  if ((t.address >> 24) != 127) return fail("loopback only (127.0.0.0/8)");
  t.port = static_cast<std::uint16_t>(port);
  t.host_header = std::string(authority);
  return t;
}

std::uint32_t source_address(std::size_t n) {
  return (127u << 24) | static_cast<std::uint32_t>(2 + n);
}

std::string address_text(std::uint32_t address) {
  return std::to_string(address >> 24) + "." + std::to_string((address >> 16) & 255) + "." +
         std::to_string((address >> 8) & 255) + "." + std::to_string(address & 255);
}

}  // namespace herald::loadgen
