// Fuzz target for the --store redis:// URL reader (lib/cluster/src/redis_address.cpp): a
// URL from the command line or HERALD_STORE. Invariants: no crash; a port from 1 to 65535
// and a database not below 0; what is logged of an address (url()) never depends on its
// password, and neither does a refused URL's redacted form.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "herald/cluster/redis_address.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view url(reinterpret_cast<const char*>(data), size);
  std::string error;
  const std::string redacted = herald::cluster::redacted_redis_url(url);
  auto address = herald::cluster::parse_redis_url(url, error);
  if (!address) {
    if (error.empty()) __builtin_trap();  // a refusal always says why
    return 0;
  }
  if (address->port < 1 || address->port > 65535 || address->db < 0) __builtin_trap();
  if (address->password.empty()) return 0;
  herald::cluster::RedisAddress other = *address;
  other.password = address->password == "x" ? "y" : "x";
  if (other.url() != address->url()) __builtin_trap();
  if (redacted.find('@') == std::string::npos || redacted.find("***@") == std::string::npos)
    __builtin_trap();  // a URL with a login shows *** in its place
  return 0;
}
