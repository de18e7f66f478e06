// SseStream: a whole subscriber response (head, chunked body, SSE events carrying bench
// payloads) fed in every split, and the accounting and latencies that come out.
#include "herald/loadgen/sse_stream.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "herald/loadgen/event_payload.hpp"

namespace herald::loadgen {
namespace {

std::string chunk(std::string_view data) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return size + std::string(data) + "\r\n";
}

std::string event(std::uint64_t seq, std::uint64_t sent_ns, std::string_view id) {
  std::string data;
  format_payload(data, seq, sent_ns, 40);
  return "id: " + std::string(id) + "\ndata: " + data + "\n\n";
}

const std::string head =
    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";

TEST(LoadgenSseStream, EveryEventOnceInOrderAtEverySplit) {
  // Events batched into chunks the way a hub's gathered write produces them.
  std::string wire = head + chunk(":\n\n") + chunk(event(1, 1000, "a") + event(2, 2000, "b")) +
                     chunk(event(3, 3000, "c")) + "0\r\n\r\n";
  for (std::size_t split = 1; split < wire.size(); ++split) {
    StreamContext ctx;
    SseStream s(ctx);
    s.expect(1, 3, 0);
    ctx.now_ns = 10'000;
    s.feed(std::string_view(wire).substr(0, split));
    auto state = s.feed(std::string_view(wire).substr(split));
    ASSERT_EQ(state, SseStream::State::ended) << split;
    EXPECT_TRUE(s.complete()) << split;
    EXPECT_EQ(s.tracker().delivered(), 3u);
    EXPECT_EQ(ctx.malformed, 0u);
    ASSERT_EQ(ctx.latency.count(), 3u);
    EXPECT_EQ(ctx.latency.max(), 9000u);  // 10,000 - 1,000
    EXPECT_EQ(ctx.latency.min(), 7000u);
    EXPECT_EQ(ctx.last_event_ns, 10'000u);
  }
}

TEST(LoadgenSseStream, ByteAtATime) {
  std::string wire = head + chunk(event(1, 5, "x") + event(2, 5, "y"));
  StreamContext ctx;
  SseStream s(ctx);
  s.expect(1, 2, 0);
  for (char c : wire)
    s.feed(std::string_view(&c, 1));
  EXPECT_EQ(s.state(), SseStream::State::streaming);
  EXPECT_TRUE(s.complete());
}

TEST(LoadgenSseStream, DuplicatesAndGapsAreCounted) {
  StreamContext ctx;
  SseStream s(ctx);
  s.expect(1, 4, 0);
  s.feed(head + chunk(event(1, 0, "1") + event(1, 0, "1") + event(3, 0, "3")));
  EXPECT_EQ(s.tracker().duplicates(), 1u);
  EXPECT_EQ(s.tracker().missing(), 2u);  // 2 and 4
  EXPECT_EQ(ctx.latency.count(), 2u);    // duplicates record no latency
  EXPECT_FALSE(s.complete());
}

TEST(LoadgenSseStream, ForeignEventsAreMalformedNotFatal) {
  StreamContext ctx;
  SseStream s(ctx);
  s.expect(1, 1, 0);
  s.feed(head + chunk("data: {\"hello\":1}\n\n" + event(1, 0, "z")));
  EXPECT_EQ(ctx.malformed, 1u);
  EXPECT_TRUE(s.complete());
}

TEST(LoadgenSseStream, ReplayLatencyCountsFromTheRequest) {
  StreamContext ctx;
  SseStream s(ctx);
  s.expect(2, 2, 50'000);  // asked at 50 us for an event sent at 1 us
  ctx.now_ns = 80'000;
  s.feed(head + chunk(event(2, 1000, "e2")));
  EXPECT_EQ(ctx.latency.max(), 30'000u);
}

TEST(LoadgenSseStream, CapturesTheIdOfOneEvent) {
  StreamContext ctx;
  SseStream s(ctx);
  s.expect(1, 3, 0);
  s.capture_id_of(2);
  s.feed(head +
         chunk(event(1, 0, "urn:uuid:1") + event(2, 0, "urn:uuid:2") + event(3, 0, "urn:uuid:3")));
  EXPECT_EQ(s.captured_id(), "urn:uuid:2");
}

TEST(LoadgenSseStream, IdentityBodyAndEndOfStream) {
  StreamContext ctx;
  SseStream s(ctx);
  s.expect(1, 1, 0);
  s.feed("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n" + event(1, 0, "i"));
  EXPECT_EQ(s.state(), SseStream::State::streaming);
  EXPECT_TRUE(s.complete());
  EXPECT_EQ(s.finish(), SseStream::State::ended);
}

TEST(LoadgenSseStream, DecodedHeadThenBareBody) {
  // Over HTTP/2 the codec decodes the head: what comes after is body alone, even bytes that
  // would read as an HTTP/1.1 head or a chunk size.
  StreamContext ctx;
  SseStream s(ctx);
  s.expect(1, 2, 0);
  EXPECT_EQ(s.head_decoded(200), SseStream::State::streaming);
  EXPECT_EQ(s.status(), 200);
  EXPECT_EQ(s.feed("HTTP/1.1 200 OK\r\n\r\n" + event(1, 0, "a")), SseStream::State::streaming);
  EXPECT_EQ(s.feed("zz\r\n" + event(2, 0, "b")), SseStream::State::streaming);
  EXPECT_TRUE(s.complete());
  EXPECT_EQ(s.finish(), SseStream::State::ended);
  SseStream rejected(ctx);
  EXPECT_EQ(rejected.head_decoded(404), SseStream::State::rejected);
  EXPECT_EQ(rejected.status(), 404);
  EXPECT_EQ(rejected.feed(event(1, 0, "c")), SseStream::State::rejected);
  EXPECT_EQ(rejected.tracker().delivered(), 0u);
}

TEST(LoadgenSseStream, RejectedAndBroken) {
  StreamContext ctx;
  SseStream rejected(ctx);
  EXPECT_EQ(rejected.feed("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"),
            SseStream::State::rejected);
  EXPECT_EQ(rejected.status(), 503);
  SseStream cut(ctx);
  cut.feed("HTTP/1.1 200 OK\r\n");
  EXPECT_EQ(cut.finish(), SseStream::State::broken);  // closed before the head ended
  SseStream bad(ctx);
  EXPECT_EQ(bad.feed(head + "zz\r\n"), SseStream::State::broken);  // bad chunk size
}

}  // namespace
}  // namespace herald::loadgen
