// --store redis://HOST:PORT[/DB]: what is taken, what is refused with which message.
#include "herald/cluster/redis_address.hpp"

#include <gtest/gtest.h>

namespace herald::cluster {
namespace {

RedisAddress parsed(std::string_view url) {
  std::string error;
  auto address = parse_redis_url(url, error);
  EXPECT_TRUE(address.has_value()) << url << ": " << error;
  return address.value_or(RedisAddress{});
}

std::string refusal(std::string_view url) {
  std::string error;
  EXPECT_FALSE(parse_redis_url(url, error).has_value()) << url;
  return error;
}

TEST(RedisAddress, HostPortAndDatabase) {
  RedisAddress a = parsed("redis://127.0.0.1:16379/3");
  EXPECT_EQ(a.host, "127.0.0.1");
  EXPECT_EQ(a.port, 16379);
  EXPECT_EQ(a.db, 3);
  EXPECT_EQ(a.url(), "redis://127.0.0.1:16379/3");
}

TEST(RedisAddress, DefaultsPortAndDatabase) {
  RedisAddress a = parsed("redis://cache.internal");
  EXPECT_EQ(a.host, "cache.internal");
  EXPECT_EQ(a.port, 6379);
  EXPECT_EQ(a.db, 0);
  EXPECT_EQ(parsed("redis://localhost/").db, 0);
}

TEST(RedisAddress, BracketedIpv6) {
  RedisAddress a = parsed("redis://[::1]:7000/1");
  EXPECT_EQ(a.host, "::1");
  EXPECT_EQ(a.port, 7000);
  EXPECT_EQ(a.url(), "redis://[::1]:7000/1");
}

TEST(RedisAddress, RefusesWhatItCannotUse) {
  EXPECT_EQ(refusal("http://localhost:6379"), "expected redis://HOST:PORT[/DB]");
  EXPECT_EQ(refusal("redis://:6379"), "no host");
  EXPECT_EQ(refusal("redis://"), "no host");
  EXPECT_EQ(refusal("redis://localhost:"), "the port is not a number from 1 to 65535");
  EXPECT_EQ(refusal("redis://localhost:0"), "the port is not a number from 1 to 65535");
  EXPECT_EQ(refusal("redis://localhost:65536"), "the port is not a number from 1 to 65535");
  EXPECT_EQ(refusal("redis://localhost:6379x"), "the port is not a number from 1 to 65535");
  EXPECT_EQ(refusal("redis://[::1"), "unclosed [ in the host");
  EXPECT_EQ(refusal("redis://[::1]x"), "the port is not a number from 1 to 65535");
  EXPECT_EQ(refusal("redis://localhost/zero"), "the database is not a number");
  EXPECT_EQ(refusal("redis://localhost/-1"), "the database is not a number");
  EXPECT_EQ(refusal("redis://user@localhost"),
            "a user without a password (write redis://USER:PASSWORD@HOST, or :PASSWORD@)");
  EXPECT_EQ(refusal("redis://:@localhost"), "an empty password");
  EXPECT_EQ(refusal("redis://:bad%zz@localhost"), "a bad %-escape in the user or password");
}

TEST(RedisAddress, APasswordAndAUserForAuthNeverLogged) {
  RedisAddress requirepass = parsed("redis://:s3cret@localhost:6380/2");
  EXPECT_EQ(requirepass.username, "");
  EXPECT_EQ(requirepass.password, "s3cret");
  EXPECT_EQ(requirepass.host, "localhost");
  EXPECT_EQ(requirepass.port, 6380);
  EXPECT_EQ(requirepass.db, 2);
  EXPECT_EQ(requirepass.url(), "redis://:***@localhost:6380/2");
  // Percent-escapes decode ('+' stays itself); the last '@' ends the userinfo.
  RedisAddress acl = parsed("redis://herald:p%40ss+w:rd@@[::1]");
  EXPECT_EQ(acl.username, "herald");
  EXPECT_EQ(acl.password, "p@ss+w:rd@");
  EXPECT_EQ(acl.host, "::1");
  EXPECT_EQ(acl.url(), "redis://herald:***@[::1]:6379/0");
}

TEST(RedisAddress, AUrlInAnErrorMessageHidesItsLogin) {
  EXPECT_EQ(redacted_redis_url("redis://:s3cret@host:x"), "redis://***@host:x");
  EXPECT_EQ(redacted_redis_url("redis://u:p@ss@host/a@b"), "redis://***@host/a@b");
  EXPECT_EQ(redacted_redis_url("redis://host:6379/1"), "redis://host:6379/1");
  EXPECT_EQ(redacted_redis_url("not a url"), "not a url");
}

}  // namespace
}  // namespace herald::cluster
