// The reserved hub namespace (the Mercure draft's "Publication"): resolved against the hub's
// URL, dot segments removed and unreserved escapes decoded before comparing paths.
#include "herald/match/reserved_path.hpp"

#include <gtest/gtest.h>

namespace herald::match {
namespace {

constexpr std::string_view kHub = "https://hub.example.com/.well-known/mercure";

TEST(ReservedPath, EverySpellingOfTheHubPathIsCaught) {
  const ReservedPath reserved(kHub);
  for (const char* topic : {
           "/.well-known/mercure",
           "/.well-known/mercure/subscriptions/exact/a/b",
           "https://hub.example.com/.well-known/mercure/subscriptions",
           "https://other.example.org/.well-known/mercure/x",  // whatever the authority
           "http://hub.example.com:8080/.well-known/mercure",  // or scheme
           "/.well-known/%6Dercure/subscriptions",
           "/.well-known/%6dercure",
           "/.well-known/mercure/../mercure/x",
           "/a/../.well-known/mercure",
           "/.well-known/./mercure/x",
           "/.well-known/%2E/mercure",
           "../.well-known/mercure/x",
           "mercure",  // relative to the hub URL's directory, /.well-known/
           "/.well-known/mercure?x=1",
           "/.well-known/mercure#frag",
       }) {
    EXPECT_TRUE(reserved.addressed_by(topic)) << topic;
  }
}

TEST(ReservedPath, OtherTopicsAreFree) {
  const ReservedPath reserved(kHub);
  for (const char* topic : {
           "/.well-known/mercurey", "/.well-known/mercure-other/x", "/.well-known/",
           "https://example.com/books/1", "urn:uuid:1e0cba4c-4bcd-44f0-ae8a-7b76f7ef1280",
           ".well-known/mercure",              // /.well-known/.well-known/mercure
           "/.well-known/%2Fmercure",          // an escaped slash is not a segment boundary
           "http://[::1/.well-known/mercure",  // not a URL: cannot name a hub path
       }) {
    EXPECT_FALSE(reserved.addressed_by(topic)) << topic;
  }
}

TEST(ReservedPath, FollowsTheHubUrlsPath) {
  const ReservedPath prefixed("https://example.com/hubs/one");
  EXPECT_TRUE(prefixed.addressed_by("/hubs/one/subscriptions"));
  EXPECT_FALSE(prefixed.addressed_by("/.well-known/mercure"));
}

}  // namespace
}  // namespace herald::match
