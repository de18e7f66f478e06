#pragma once
// Where the Redis of a cluster is, and how to log in: `redis://[[USER]:PASSWORD@]HOST:PORT[/DB]`
// as --store takes it.
#include <optional>
#include <string>
#include <string_view>

namespace herald::cluster {

struct RedisAddress {
  std::string host;  // a name or an address; IPv6 without its brackets
  int port = 6379;
  int db = 0;
  // For AUTH (percent-decoded): none when the password is empty; a user needs Redis 6's
  // ACLs, without one the password is requirepass's.
  std::string username;
  std::string password;

  // For logs, without the password: redis://[user:***@]host:port/db.
  std::string url() const;
};

// The address, or nothing with `error` saying what is wrong (never the password). The
// port defaults to 6379 and the database to 0; any other part is refused.
std::optional<RedisAddress> parse_redis_url(std::string_view url, std::string& error);
// `url` as given, with any user and password replaced by ***: for an error message about
// a URL that did not parse.
std::string redacted_redis_url(std::string_view url);

}  // namespace herald::cluster
