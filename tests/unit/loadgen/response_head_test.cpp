// ResponseHead: status, body framing, interim responses, limits, split feeds.
#include "herald/loadgen/response_head.hpp"

#include <gtest/gtest.h>

#include <string>

namespace herald::loadgen {
namespace {

TEST(LoadgenResponseHead, ParsesAChunkedStreamHeadAtEverySplit) {
  const std::string head =
      "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::string wire = head + "BODY";
  for (std::size_t split = 0; split <= wire.size(); ++split) {
    ResponseHead h;
    std::size_t used = 0;
    auto s = h.feed(std::string_view(wire).substr(0, split), used);
    std::size_t offset = split;
    if (s == ResponseHead::Status::more) {
      s = h.feed(std::string_view(wire).substr(split), used);
    } else {
      offset = 0;
    }
    ASSERT_EQ(s, ResponseHead::Status::done) << split;
    EXPECT_EQ(offset + used, head.size()) << split;
    EXPECT_EQ(h.status(), 200);
    EXPECT_TRUE(h.chunked());
    EXPECT_FALSE(h.closes());
  }
}

TEST(LoadgenResponseHead, ContentLengthAndClose) {
  ResponseHead h;
  std::size_t used = 0;
  ASSERT_EQ(h.feed("HTTP/1.1 503 Service Unavailable\r\ncontent-length: 31\r\n"
                   "Connection: close\r\n\r\n",
                   used),
            ResponseHead::Status::done);
  EXPECT_EQ(h.status(), 503);
  EXPECT_FALSE(h.chunked());
  EXPECT_EQ(h.content_length(), 31u);
  EXPECT_TRUE(h.closes());
}

TEST(LoadgenResponseHead, Http10ClosesUnlessKeepAlive) {
  ResponseHead a;
  std::size_t used = 0;
  a.feed("HTTP/1.0 200 OK\r\n\r\n", used);
  EXPECT_TRUE(a.closes());
  ResponseHead b;
  b.feed("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n", used);
  EXPECT_FALSE(b.closes());
}

TEST(LoadgenResponseHead, SkipsInterimResponses) {
  ResponseHead h;
  std::size_t used = 0;
  std::string wire =
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n";
  ASSERT_EQ(h.feed(wire, used), ResponseHead::Status::done);
  EXPECT_EQ(h.status(), 201);
  EXPECT_EQ(used, wire.size());
}

TEST(LoadgenResponseHead, RejectsGarbageAndHugeHeads) {
  ResponseHead h;
  std::size_t used = 0;
  EXPECT_EQ(h.feed("SSH-2.0-OpenSSH\r\n\r\n", used), ResponseHead::Status::error);
  ResponseHead big;
  std::string huge = "HTTP/1.1 200 OK\r\nX: " + std::string(ResponseHead::max_head_bytes, 'a');
  EXPECT_EQ(big.feed(huge, used), ResponseHead::Status::error);
}

TEST(LoadgenResponseHead, ResetForTheNextResponse) {
  ResponseHead h;
  std::size_t used = 0;
  h.feed("HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\n", used);
  h.reset(true);
  ASSERT_EQ(h.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", used),
            ResponseHead::Status::done);
  EXPECT_EQ(h.status(), 200);
  EXPECT_FALSE(h.content_length().has_value());
}

}  // namespace
}  // namespace herald::loadgen
