#include "herald/server/discovery.hpp"

#include <gtest/gtest.h>

namespace herald::server {
namespace {

TEST(Discovery, LinkHeader) {
  http::Header h = mercure_link("https://example.com/.well-known/mercure");
  EXPECT_EQ(h.name, "Link");
  EXPECT_EQ(h.value, "<https://example.com/.well-known/mercure>; rel=\"mercure\"");
}

TEST(Discovery, AHubUrlCannotBreakOutOfTheHeader) {
  EXPECT_EQ(mercure_link("/hub>; rel=\"x\"\r\nSet-Cookie: a=b").value,
            "</hub%3E; rel=\"x\"Set-Cookie: a=b>; rel=\"mercure\"");
}

TEST(Discovery, AddsOneLinkPerHub) {
  http::Response r;
  add_mercure_link(r, "https://a.example/.well-known/mercure");
  add_mercure_link(r, "https://b.example/.well-known/mercure");
  ASSERT_EQ(r.headers.size(), 2u);
  EXPECT_EQ(r.headers[1].value, "<https://b.example/.well-known/mercure>; rel=\"mercure\"");
}

}  // namespace
}  // namespace herald::server

TEST(Discovery, TargetAttributesAreQuotedStrings) {
  auto h = herald::server::mercure_link(
      "https://example.com/.well-known/mercure",
      {.last_event_id = "urn:uuid:1\"x\\", .type = "mercure", .content_type = "application/json"});
  EXPECT_EQ(h.value,
            "<https://example.com/.well-known/mercure>; rel=\"mercure\"; "
            "last-event-id=\"urn:uuid:1\\\"x\\\\\"; type=\"mercure\"; "
            "content-type=\"application/json\"");
  auto bare = herald::server::mercure_link("/.well-known/mercure", {.last_event_id = "a\r\nb"});
  EXPECT_EQ(bare.value, "</.well-known/mercure>; rel=\"mercure\"; last-event-id=\"ab\"");
}
