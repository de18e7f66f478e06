#include "herald/client/request.hpp"

#include <gtest/gtest.h>

namespace herald::client {
namespace {

const Url url = *parse_url("http://hub.example:8080/.well-known/mercure?topic=a");

TEST(Request, EventStreamRequestHead) {
  const std::string r =
      build_request(url, "GET", event_stream_headers("", {}), {{"Authorization", "Bearer x"}}, "");
  EXPECT_EQ(r,
            "GET /.well-known/mercure?topic=a HTTP/1.1\r\n"
            "Host: hub.example:8080\r\n"
            "Accept: text/event-stream\r\n"
            "Cache-Control: no-cache\r\n"
            "User-Agent: herald-client/0.1\r\n"
            "Authorization: Bearer x\r\n"
            "\r\n");
}

TEST(Request, LastEventIdAndCookiesWhenThereAreAny) {
  const auto h = event_stream_headers("42", {{"a", "1"}, {"b", "2"}});
  const std::string r = build_request(url, "GET", h, {}, "");
  EXPECT_NE(r.find("\r\nLast-Event-ID: 42\r\n"), std::string::npos);
  EXPECT_NE(r.find("\r\nCookie: a=1; b=2\r\n"), std::string::npos);
  EXPECT_EQ(build_request(url, "GET", event_stream_headers("", {}), {}, "").find("Last-Event-ID"),
            std::string::npos);
}

TEST(Request, CallerHeadersReplaceDefaultsOfTheSameName) {
  const std::string r = build_request(url, "GET", event_stream_headers("", {}),
                                      {{"accept", "text/event-stream, */*"}}, "");
  EXPECT_EQ(r.find("Accept: text/event-stream\r\n"), std::string::npos);
  EXPECT_NE(r.find("accept: text/event-stream, */*\r\n"), std::string::npos);
}

TEST(Request, HostAndContentLengthCannotBeOverridden) {
  const std::string r =
      build_request(url, "POST", {}, {{"Host", "evil"}, {"Content-Length", "99"}}, "abc");
  EXPECT_EQ(r.find("evil"), std::string::npos);
  EXPECT_EQ(r.find("99"), std::string::npos);
  EXPECT_NE(r.find("Content-Length: 3\r\n"), std::string::npos);
  EXPECT_NE(r.find("Content-Type: text/plain; charset=utf-8\r\n"), std::string::npos);
  EXPECT_EQ(r.substr(r.size() - 7), "\r\n\r\nabc");
}

TEST(Request, PostWithoutBodySaysSo) {
  const std::string r = build_request(url, "POST", {}, {{"Content-Type", "x/y"}}, "");
  EXPECT_NE(r.find("Content-Length: 0\r\n"), std::string::npos);
  EXPECT_EQ(r.find("text/plain"), std::string::npos);
}

TEST(Request, DefaultPortIsLeftOutOfHost) {
  const std::string r = build_request(*parse_url("https://h/x"), "GET", {}, {}, "");
  EXPECT_NE(r.find("Host: h\r\n"), std::string::npos);
}

TEST(ValidHeader, RefusesWhatCouldInjectOrBreakTheHead) {
  EXPECT_TRUE(valid_header("X-Ok", "any value, even with : and \t"));
  std::string why;
  EXPECT_FALSE(valid_header("X", "a\r\nB: c", &why));
  EXPECT_FALSE(why.empty());
  EXPECT_FALSE(valid_header("X", "a\nb"));
  EXPECT_FALSE(valid_header("X", std::string("a\0b", 3)));
  EXPECT_FALSE(valid_header("", "v"));
  EXPECT_FALSE(valid_header("Bad Name", "v"));
  EXPECT_FALSE(valid_header("Bad:Name", "v"));
}

}  // namespace
}  // namespace herald::client
