// H2SubscriberConnection: subscribers sharing one HTTP/2 connection, fed a server's frames
// built by hand (no socket, no server): events routed to each stream's own accounting at
// every split, and every way a stream can fail or end counted under its reason.
#include "herald/loadgen/h2_subscriber_connection.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "herald/loadgen/event_payload.hpp"

namespace herald::loadgen {
namespace {

// RFC 9113 4.1: length (24 bits), type, flags, stream id (31 bits), payload.
std::string frame(std::uint8_t type, std::uint8_t flags, std::uint32_t stream,
                  std::string_view payload) {
  std::string f;
  const auto length = static_cast<std::uint32_t>(payload.size());
  for (int shift : {16, 8, 0})
    f += static_cast<char>((length >> shift) & 0xff);
  f += static_cast<char>(type);
  f += static_cast<char>(flags);
  for (int shift : {24, 16, 8, 0})
    f += static_cast<char>((stream >> shift) & 0xff);
  f += payload;
  return f;
}

constexpr std::uint8_t end_stream = 0x1;
constexpr std::uint8_t end_headers = 0x4;

std::string settings() {
  return frame(4, 0, 0, "");
}
// HPACK static table: 0x88 is ":status: 200", 0x8d ":status: 404".
std::string head(std::uint32_t stream, char status_index = '\x88') {
  return frame(1, end_headers, stream, std::string(1, status_index));
}
std::string data(std::uint32_t stream, std::string_view bytes, std::uint8_t flags = 0) {
  return frame(0, flags, stream, bytes);
}
std::string reset(std::uint32_t stream, std::uint32_t code) {
  std::string payload;
  for (int shift : {24, 16, 8, 0})
    payload += static_cast<char>((code >> shift) & 0xff);
  return frame(3, 0, stream, payload);
}

std::string event(std::uint64_t seq) {
  std::string payload;
  format_payload(payload, seq, 1000, 40);
  return "id: e" + std::to_string(seq) + "\ndata: " + payload + "\n\n";
}

// Does the client's output hold an RST_STREAM for `stream`?
bool resets(const std::string& output, std::uint32_t stream) {
  for (std::size_t at = 0; at + 9 <= output.size();) {
    std::size_t length = (static_cast<unsigned char>(output[at]) << 16) |
                         (static_cast<unsigned char>(output[at + 1]) << 8) |
                         static_cast<unsigned char>(output[at + 2]);
    std::uint32_t id =
        (static_cast<std::uint32_t>(static_cast<unsigned char>(output[at + 5]) & 0x7f) << 24) |
        (static_cast<unsigned char>(output[at + 6]) << 16) |
        (static_cast<unsigned char>(output[at + 7]) << 8) |
        static_cast<unsigned char>(output[at + 8]);
    if (output[at + 3] == 3 && id == stream) return true;
    at += 9 + length;
  }
  return false;
}

// n subscribers on one connection, each expecting events 1..last; the client's preface
// (24 bytes of magic, then frames) is taken out so `output` holds only what comes after.
struct Fixture {
  explicit Fixture(std::size_t n, std::uint64_t last = 3) {
    client::H2Request request;
    request.scheme = "http";
    request.authority = "127.0.0.1:8080";
    connection = std::make_unique<H2SubscriberConnection>(ledger, request);
    for (std::size_t i = 0; i < n; ++i) {
      subscribers.push_back(std::make_unique<Subscriber>(context));
      subscribers.back()->stream.expect(1, last, 0);
      connection->add(*subscribers.back(), "/.well-known/mercure?topic=t" + std::to_string(i));
    }
  }
  void start() {
    connection->start(0);
    std::string preface;
    connection->take_output(preface);
  }
  std::string output() {
    std::string out;
    connection->take_output(out);
    return out.substr(out.find("PRI * HTTP/2.0") == 0 ? 24 : 0);
  }
  SubscriberTotals totals() const {
    SubscriberTotals t = ledger.totals(subscribers.size());
    for (const auto& s : subscribers)
      t.add_stream(s->stream.tracker());
    return t;
  }

  StreamContext context;
  SubscriberLedger ledger;
  std::vector<std::unique_ptr<Subscriber>> subscribers;
  std::unique_ptr<H2SubscriberConnection> connection;
};

TEST(LoadgenH2SubscriberConnection, EveryStreamGetsItsOwnEventsAtEverySplit) {
  // Three streams (ids 1, 3, 5), their DATA frames interleaved as one batch from the hub.
  const std::string wire = settings() + head(1) + head(3) + head(5) + data(1, ":\n\n" + event(1)) +
                           data(3, event(1) + event(2)) + data(5, event(1)) +
                           data(1, event(2) + event(3)) + data(5, event(2)) + data(3, event(3)) +
                           data(5, event(3));
  for (std::size_t split = 1; split < wire.size(); ++split) {
    Fixture f(3);
    f.start();
    ASSERT_EQ(f.connection->waiting(), 3u);
    f.context.now_ns = 5000;
    ASSERT_TRUE(f.connection->feed(std::string_view(wire).substr(0, split))) << split;
    ASSERT_TRUE(f.connection->feed(std::string_view(wire).substr(split))) << split;
    EXPECT_EQ(f.connection->waiting(), 0u);
    EXPECT_EQ(f.ledger.connected(), 3u);
    EXPECT_EQ(f.ledger.finished(), 3u) << split;
    SubscriberTotals t = f.totals();
    EXPECT_EQ(t.delivered, 9u) << split;
    EXPECT_EQ(t.missing, 0u);
    EXPECT_EQ(t.duplicates, 0u);
    EXPECT_EQ(t.reordered, 0u);
    EXPECT_EQ(f.context.latency.count(), 9u);
    EXPECT_EQ(f.context.latency.max(), 4000u);  // 5,000 - the payload's 1,000
  }
}

TEST(LoadgenH2SubscriberConnection, EachStreamFailsOrEndsUnderItsOwnReason) {
  Fixture f(4);
  f.start();
  // 1: 404; 3: refused before its head; 5: reset after one of three events; 7: ends clean.
  const std::string wire = settings() + head(1, '\x8d') + reset(3, 7) + head(5) +
                           data(5, event(1)) + reset(5, 8) + head(7) +
                           data(7, event(1) + event(2) + event(3), end_stream);
  ASSERT_TRUE(f.connection->feed(wire));
  EXPECT_EQ(f.connection->waiting(), 0u);
  EXPECT_TRUE(resets(f.output(), 1)) << "a rejected stream is cancelled";
  SubscriberTotals t = f.totals();
  EXPECT_EQ(t.connected, 2u);
  EXPECT_EQ(t.failed, 2u);
  EXPECT_EQ(t.failures, (ReasonCounts{{"h2_refused_stream", 1}, {"status_404", 1}}));
  EXPECT_EQ(t.dropped, 1u) << "stream 5 ended after 1 of 3 events";
  EXPECT_EQ(t.delivered, 4u);
  EXPECT_EQ(t.missing, 8u);
  EXPECT_EQ(f.ledger.finished(), 4u);
}

TEST(LoadgenH2SubscriberConnection, AnHttp1AnswerFailsEveryStream) {
  Fixture f(3);
  f.start();
  EXPECT_FALSE(f.connection->feed("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"));
  EXPECT_EQ(f.connection->waiting(), 0u);
  SubscriberTotals t = f.totals();
  EXPECT_EQ(t.failed, 3u);
  EXPECT_EQ(t.failures, (ReasonCounts{{"h2_protocol", 3}}));
  EXPECT_EQ(t.missing, 9u);
}

TEST(LoadgenH2SubscriberConnection, ExpiredStreamsTimeOutAndAreCancelled) {
  Fixture f(2);
  f.start();
  ASSERT_TRUE(f.connection->feed(settings() + head(1) + data(1, event(1))));
  EXPECT_EQ(f.connection->waiting(), 1u);
  f.connection->expire();
  EXPECT_EQ(f.connection->waiting(), 0u);
  const std::string out = f.output();
  EXPECT_TRUE(resets(out, 3));
  EXPECT_FALSE(resets(out, 1));
  // The connection then ends: the streaming subscriber has ended with 1 of 3 events.
  f.connection->lost("closed");
  SubscriberTotals t = f.totals();
  EXPECT_EQ(t.failures, (ReasonCounts{{"timeout", 1}}));
  EXPECT_EQ(t.connected, 1u);
  EXPECT_EQ(t.dropped, 1u);
  EXPECT_EQ(f.ledger.finished(), 2u);
}

TEST(LoadgenH2SubscriberConnection, AConnectionThatNeverCameUpFailsEverySubscriber) {
  Fixture f(5);
  f.connection->lost("refused");
  EXPECT_EQ(f.connection->waiting(), 0u);
  SubscriberTotals t = f.totals();
  EXPECT_EQ(t.failures, (ReasonCounts{{"refused", 5}}));
  EXPECT_EQ(t.dropped, 0u);
  EXPECT_EQ(f.ledger.finished(), 5u);
}

TEST(LoadgenH2SubscriberConnection, CloseReasons) {
  EXPECT_EQ(h2_close_reason(7), "h2_refused_stream");
  EXPECT_EQ(h2_close_reason(1), "h2_protocol_error");
  EXPECT_EQ(h2_close_reason(client::h2_error_headers_too_large), "h2_headers_too_large");
}

}  // namespace
}  // namespace herald::loadgen
