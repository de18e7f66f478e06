#pragma once
// Where the Redis of a cluster is: `redis://HOST:PORT[/DB]` as --store takes it.
#include <optional>
#include <string>
#include <string_view>

namespace herald::cluster {

struct RedisAddress {
  std::string host;  // a name or an address; IPv6 without its brackets
  int port = 6379;
  int db = 0;

  // As the user wrote it, for logs: redis://host:port/db.
  std::string url() const;
};

// The address, or nothing with `error` saying what is wrong. The port defaults to 6379
// and the database to 0; a password or any other part is refused (not supported yet).
std::optional<RedisAddress> parse_redis_url(std::string_view url, std::string& error);

}  // namespace herald::cluster
