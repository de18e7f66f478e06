// fetch(): the one-shot request behind `herald pub` and the contract service's callbacks.
#include "herald/client/fetch.hpp"

#include <gtest/gtest.h>

#include "test_server.hpp"

namespace herald::client::test {
namespace {

using namespace std::chrono_literals;

TEST(Fetch, PostsAFormAndReadsTheAnswer) {
  TestServer server([](Conn& c, std::size_t) {
    c.send_head(200, {"Content-Type: text/plain", "Content-Length: 9"});
    c.send("urn:id:42");
  });
  FetchOptions f;
  f.method = "POST";
  f.url = server.url("/.well-known/mercure");
  f.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
               {"Authorization", "Bearer abc"}};
  f.body = "topic=a&data=hello";
  const FetchResult r = fetch(f);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "urn:id:42");
  EXPECT_EQ(r.content_type, "text/plain");
  const auto req = server.requests().at(0);
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target, "/.well-known/mercure");
  EXPECT_EQ(req.body, "topic=a&data=hello");
  EXPECT_EQ(req.header("Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(req.header("Authorization"), "Bearer abc");
}

TEST(Fetch, ErrorStatusIsAnAnswerNotAFailure) {
  TestServer server([](Conn& c, std::size_t) {
    c.send_head(400, {"Transfer-Encoding: chunked"});
    c.send_chunk("missing ");
    c.send_chunk("topic");
    c.end_chunks();
  });
  FetchOptions f;
  f.url = server.url();
  const FetchResult r = fetch(f);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "missing topic");
}

TEST(Fetch, BodyUntilClose) {
  TestServer server([](Conn& c, std::size_t) {
    c.send("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall of it");
  });
  FetchOptions f;
  f.url = server.url();
  const FetchResult r = fetch(f);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.body, "all of it");
}

TEST(Fetch, TimesOut) {
  TestServer server([](Conn& c, std::size_t) { c.wait_peer_close(5s); });
  FetchOptions f;
  f.url = server.url();
  f.timeout = 200ms;
  const auto start = std::chrono::steady_clock::now();
  const FetchResult r = fetch(f);
  EXPECT_FALSE(r.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST(Fetch, RefusedAndBadUrls) {
  std::string url;
  {
    TestServer gone([](Conn&, std::size_t) {});
    url = gone.url();
  }
  FetchOptions f;
  f.url = url;
  EXPECT_FALSE(fetch(f).ok());
  f.url = "nope";
  EXPECT_FALSE(fetch(f).ok());
  f.url = "http://127.0.0.1:1/";
  f.headers = {{"X", "a\nb"}};
  EXPECT_FALSE(fetch(f).ok());
}

TEST(Fetch, ClosedBeforeAnswerIsAnError) {
  TestServer server([](Conn&, std::size_t) {});
  FetchOptions f;
  f.url = server.url();
  const FetchResult r = fetch(f);
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(r.error.empty());
}

}  // namespace
}  // namespace herald::client::test
