#pragma once
// The hub under test: an http:// or https:// URL on loopback. Anything else is refused, because
// load from this tool may only ever go to this machine.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace herald::loadgen {

struct Target {
  std::uint32_t address = 0;  // IPv4, host byte order, in 127.0.0.0/8
  std::uint16_t port = 0;
  std::string host_header;  // HOST:PORT as given
  std::string host;         // HOST as given (what a certificate is checked against)
  bool tls = false;         // https://
};

// http[s]://HOST:PORT[/...] with HOST an IPv4 loopback address or "localhost".
std::optional<Target> parse_target(std::string_view url, std::string* error);

// Source address number n (0-based) for subscribers: 127.0.0.2, 127.0.0.3, ...
std::uint32_t source_address(std::size_t n);

std::string address_text(std::uint32_t address);

}  // namespace herald::loadgen
