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
  EXPECT_EQ(refusal("redis://user:secret@localhost"),
            "a user or password in the URL is not supported");
}

}  // namespace
}  // namespace herald::cluster
