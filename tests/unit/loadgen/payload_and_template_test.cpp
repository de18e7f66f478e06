// Bench payloads and request templates: what a publish puts on the wire.
#include <gtest/gtest.h>

#include "herald/loadgen/event_payload.hpp"
#include "herald/loadgen/request_template.hpp"

namespace herald::loadgen {
namespace {

TEST(LoadgenPayload, RoundTripsAndPadsToSize) {
  std::string data;
  format_payload(data, 42, 1234567890123, 64);
  EXPECT_EQ(data.size(), 64u);
  EXPECT_TRUE(data.starts_with("42 1234567890123 x"));
  Payload p;
  ASSERT_TRUE(parse_payload(data, p));
  EXPECT_EQ(p.seq, 42u);
  EXPECT_EQ(p.sent_ns, 1234567890123u);
}

TEST(LoadgenPayload, TooSmallASizeKeepsTheNumbers) {
  std::string data;
  format_payload(data, 7, 99, 1);
  EXPECT_EQ(data, "7 99");
  Payload p;
  ASSERT_TRUE(parse_payload(data, p));
  EXPECT_EQ(p.sent_ns, 99u);
}

TEST(LoadgenPayload, RejectsOtherData) {
  Payload p;
  for (std::string_view bad : {"", "hello", "12", "12 ", "12 x", "x 12", "1 2x"}) {
    EXPECT_FALSE(parse_payload(bad, p)) << bad;
  }
}

TEST(LoadgenTemplate, FormBodyIsUrlEncoded) {
  auto format = publish_format("form");
  ASSERT_TRUE(format);
  EXPECT_EQ(format->content_type, "application/x-www-form-urlencoded");
  std::string out;
  Template(format->default_body).render(out, "urn:a b/c", "1 2&3=4", format->escape);
  EXPECT_EQ(out, "topic=urn%3Aa%20b%2Fc&data=1%202%263%3D4");
}

TEST(LoadgenTemplate, JsonBodyEscapesStrings) {
  auto format = publish_format("json");
  ASSERT_TRUE(format);
  std::string out;
  Template(format->default_body).render(out, "t\"1", "a\\b\n", format->escape);
  EXPECT_EQ(out, R"({"topic":"t\"1","data":"a\\b\u000A"})");
}

TEST(LoadgenTemplate, RawAndTargets) {
  auto raw = publish_format("raw");
  ASSERT_TRUE(raw);
  std::string body;
  Template(raw->default_body).render(body, "ignored", "1 2 xx", raw->escape);
  EXPECT_EQ(body, "1 2 xx");
  std::string target;
  Template("/pub/{topic}?x={unknown}").render(target, "room 1", "", Escape::url);
  EXPECT_EQ(target, "/pub/room%201?x={unknown}");
  EXPECT_FALSE(publish_format("xml"));
}

TEST(LoadgenTemplate, RenderAppends) {
  std::string out = "POST ";
  Template("/p?t={topic}&t2={topic}").render(out, "a", "", Escape::url);
  EXPECT_EQ(out, "POST /p?t=a&t2=a");
}

}  // namespace
}  // namespace herald::loadgen
