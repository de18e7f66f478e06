// ChunkedDecoder: framing, extensions, trailers, errors, and every split of the input.
#include "herald/loadgen/chunked_decoder.hpp"

#include <gtest/gtest.h>

#include <string>

namespace herald::loadgen {
namespace {

struct Decoded {
  std::string data;
  ChunkedDecoder::Status status = ChunkedDecoder::Status::more;
  std::size_t used_in_last_feed = 0;
};

Decoded decode_in_pieces(std::string_view wire, std::size_t piece) {
  ChunkedDecoder d;
  Decoded out;
  for (std::size_t at = 0; at < wire.size() && out.status == ChunkedDecoder::Status::more;
       at += piece) {
    out.status = d.feed(
        wire.substr(at, piece), [&](std::string_view s) { out.data.append(s); },
        &out.used_in_last_feed);
  }
  return out;
}

TEST(LoadgenChunkedDecoder, DecodesChunksAtEveryPieceSize) {
  const std::string wire = "5\r\nhello\r\n1;ext=1\r\n,\r\nA\r\n world!!!!\r\n0\r\nX-T: 1\r\n\r\n";
  for (std::size_t piece = 1; piece <= wire.size(); ++piece) {
    Decoded d = decode_in_pieces(wire, piece);
    EXPECT_EQ(d.status, ChunkedDecoder::Status::done) << piece;
    EXPECT_EQ(d.data, "hello, world!!!!") << piece;
  }
}

TEST(LoadgenChunkedDecoder, UnfinishedStreamWantsMore) {
  Decoded d = decode_in_pieces("4\r\ndata\r\n10\r\nonly part", 3);
  EXPECT_EQ(d.status, ChunkedDecoder::Status::more);
  EXPECT_EQ(d.data, "dataonly part");
}

TEST(LoadgenChunkedDecoder, ReportsWhereTheBodyEnds) {
  ChunkedDecoder d;
  std::size_t used = 0;
  std::string got;
  std::string wire = "3\r\nabc\r\n0\r\n\r\nHTTP/1.1 200 OK";  // a pipelined response follows
  auto s = d.feed(
      wire, [&](std::string_view v) { got += v; }, &used);
  EXPECT_EQ(s, ChunkedDecoder::Status::done);
  EXPECT_EQ(got, "abc");
  EXPECT_EQ(wire.substr(used), "HTTP/1.1 200 OK");
}

TEST(LoadgenChunkedDecoder, AcceptsBareLineFeeds) {
  Decoded d = decode_in_pieces("2\nhi\n0\n\n", 1);
  EXPECT_EQ(d.status, ChunkedDecoder::Status::done);
  EXPECT_EQ(d.data, "hi");
}

TEST(LoadgenChunkedDecoder, RejectsBadFraming) {
  for (std::string bad : {"x\r\n", "\r\n", "2\r\nabX\r\n", "2\r\nab\rX", "3 \r\nabc\r\n0\r\n\rX",
                          "fffffffffffffff\r\n"}) {
    Decoded d = decode_in_pieces(bad, 1);
    EXPECT_EQ(d.status, ChunkedDecoder::Status::error) << bad;
  }
}

}  // namespace
}  // namespace herald::loadgen
