// The HTTP/1.1 response reader, without sockets: heads and bodies fed whole and one byte at
// a time, chunked, Content-Length and read-until-close.
#include "herald/client/response_reader.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace herald::client {
namespace {

using Progress = ResponseReader::Progress;

struct Result {
  Progress last = Progress::need_more;
  int heads = 0;
  std::string body;
};

// Feeds `bytes` in pieces of `step`, sets a body sink at the head, ends with finish() when
// `eof`.
Result read(std::string_view bytes, std::size_t step, bool eof = false) {
  ResponseReader reader;
  Result r;
  auto on = [&](Progress p) {
    while (p == Progress::head_ready) {
      ++r.heads;
      reader.set_sink([&](std::string_view b) { r.body.append(b); });
      p = reader.feed({});
    }
    r.last = p;
  };
  for (std::size_t i = 0; i < bytes.size() && r.last == Progress::need_more; i += step)
    on(reader.feed(bytes.substr(i, step)));
  if (eof && r.last == Progress::need_more) on(reader.finish());
  return r;
}

const std::string chunked =
    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
    "5\r\ndata:\r\n"
    "8;ext=1\r\n hello\n\n\r\n"
    "0\r\n\r\n";

TEST(ResponseReader, ChunkedWholeAndByteByByte) {
  for (const std::size_t step : {chunked.size(), std::size_t{1}, std::size_t{7}}) {
    const Result r = read(chunked, step);
    EXPECT_EQ(r.heads, 1);
    EXPECT_EQ(r.body, "data: hello\n\n") << step;
    EXPECT_EQ(r.last, Progress::done) << step;
  }
}

// A chunked body that starts with its last chunk and a trailer, byte by byte: Beast 1.74
// asserts on it unless it is given at least 5 bytes at a time from there.
TEST(ResponseReader, ChunkedBodyThatStartsWithTheLastChunk) {
  const std::string empty =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-Trailer: t\r\n\r\n";
  for (const std::size_t step : {empty.size(), std::size_t{1}, std::size_t{2}}) {
    const Result r = read(empty, step);
    EXPECT_EQ(r.heads, 1);
    EXPECT_EQ(r.body, "");
    EXPECT_EQ(r.last, Progress::done) << step;
  }
}

TEST(ResponseReader, HeadFields) {
  ResponseReader reader;
  ASSERT_EQ(reader.feed("HTTP/1.1 302 Found\r\nLocation: /x\r\nContent-Type: Text/Plain\r\n"
                        "Content-Length: 0\r\n\r\n"),
            Progress::head_ready);
  EXPECT_TRUE(reader.head_done());
  EXPECT_EQ(reader.head().status, 302);
  EXPECT_EQ(reader.head().reason, "Found");
  EXPECT_EQ(reader.head().location, "/x");
  EXPECT_EQ(reader.head().content_type, "Text/Plain");
  EXPECT_EQ(reader.feed({}), Progress::done);
}

TEST(ResponseReader, ContentLengthBody) {
  const std::string r200 = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA";
  const Result r = read(r200, 3);
  EXPECT_EQ(r.body, "hello");
  EXPECT_EQ(r.last, Progress::done);
}

TEST(ResponseReader, ReadUntilCloseBodyNeedsFinish) {
  const std::string r200 = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: x\n\n";
  const Result open = read(r200, 4);
  EXPECT_EQ(open.last, Progress::need_more);
  EXPECT_EQ(open.body, "data: x\n\n");
  const Result closed = read(r200, 4, /*eof=*/true);
  EXPECT_EQ(closed.last, Progress::done);
}

TEST(ResponseReader, NoContentHasNoBody) {
  const Result r = read("HTTP/1.1 204 No Content\r\n\r\n", 1);
  EXPECT_EQ(r.heads, 1);
  EXPECT_EQ(r.last, Progress::done);
}

TEST(ResponseReader, TruncatedChunkedBodyFailsAtEof) {
  const Result r = read(chunked.substr(0, chunked.size() - 5), 1, /*eof=*/true);
  EXPECT_EQ(r.last, Progress::failed);
}

TEST(ResponseReader, EofBeforeTheHeadFails) {
  ResponseReader reader;
  EXPECT_EQ(reader.feed("HTTP/1.1 200 OK\r\nContent-"), Progress::need_more);
  EXPECT_EQ(reader.finish(), Progress::failed);
  EXPECT_FALSE(reader.error().empty());
}

TEST(ResponseReader, GarbageFails) {
  EXPECT_EQ(read("SSH-2.0-OpenSSH\r\n\r\n", 1).last, Progress::failed);
  EXPECT_EQ(read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 100).last,
            Progress::failed);
}

TEST(ResponseReader, HeadTooLargeFails) {
  ResponseReader reader(128);
  const std::string head = "HTTP/1.1 200 OK\r\nX: " + std::string(500, 'a') + "\r\n\r\n";
  EXPECT_EQ(reader.feed(head), Progress::failed);
}

}  // namespace
}  // namespace herald::client
