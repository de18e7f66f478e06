// The sans-I/O HTTP/2 client codec against herald's own sans-I/O HTTP/2 server codec, bytes
// passed by hand between the two: requests and answers, streams that share the session,
// the server's bytes split at every byte, resets, GOAWAY, and the client's own bounds.
#include "herald/client/h2_client_session.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "h2_session.hpp"

namespace herald::client {
namespace {

// What the client saw of one stream.
struct Seen {
  std::optional<H2ResponseHead> head;
  std::string body;
  std::optional<std::uint32_t> close_code;
};

// A client session and a server session joined by hand; the server's requests are kept by
// stream id for the test to answer.
class Pair {
 public:
  explicit Pair(H2ClientLimits limits = {}, http::H2Limits server_limits = {})
      : server_(server_limits, {[this](std::int32_t id, http::Request request) {
                                  requests_.emplace(id, std::move(request));
                                },
                                [this](std::int32_t id) { server_closed_.push_back(id); },
                                {}}),
        client_(std::make_unique<H2ClientSession>(
            H2ClientSession::Callbacks{
                [this](std::int32_t id, const H2ResponseHead& head) { seen_[id].head = head; },
                [this](std::int32_t id, std::string_view bytes) { seen_[id].body += bytes; },
                [this](std::int32_t id, std::uint32_t code) { seen_[id].close_code = code; }},
            limits)) {}

  // Moves bytes both ways until neither side has more; the server's bytes reach the
  // client `piece` bytes at a time. False when the client's feed() said the connection
  // must end.
  bool pump(std::size_t piece = 1 << 20) {
    bool client_alive = true;
    for (int round = 0; round < 1000; ++round) {
      std::string to_server;
      client_->take_output(to_server);
      if (!to_server.empty()) server_alive_ = server_.feed(to_server) && server_alive_;
      std::vector<http::SharedBytes> out;
      server_.take_output(out);
      std::string to_client;
      for (const auto& piece_out : out)
        to_client += piece_out.bytes;
      for (std::size_t at = 0; at < to_client.size() && client_alive; at += piece) {
        client_alive = client_->feed(std::string_view(to_client).substr(at, piece));
      }
      if (to_server.empty() && to_client.empty()) break;
    }
    return client_alive;
  }

  http::H2Session& server() { return server_; }
  H2ClientSession& client() { return *client_; }
  std::map<std::int32_t, http::Request>& requests() { return requests_; }
  std::map<std::int32_t, Seen>& seen() { return seen_; }
  const std::vector<std::int32_t>& server_closed() const { return server_closed_; }

 private:
  http::H2Session server_;
  bool server_alive_ = true;
  std::map<std::int32_t, http::Request> requests_;
  std::vector<std::int32_t> server_closed_;
  std::map<std::int32_t, Seen> seen_;
  std::unique_ptr<H2ClientSession> client_;
};

H2Request get(std::string path) {
  H2Request request;
  request.scheme = "http";
  request.authority = "127.0.0.1:8080";
  request.path = std::move(path);
  return request;
}

http::SharedBytes shared(std::string bytes) {
  auto owner = std::make_shared<const std::string>(std::move(bytes));
  return {owner, *owner};
}

TEST(H2ClientSession, SendsTheRequestAndReadsAWholeAnswer) {
  Pair pair;
  H2Request request = get("/.well-known/mercure?topic=a");
  request.headers = {{"Accept", "text/event-stream"},
                     {"Host", "ignored.example"},
                     {"Connection", "keep-alive"},
                     {"Last-Event-ID", "urn:uuid:1"}};
  const std::int32_t id = pair.client().submit(request);
  ASSERT_EQ(id, 1);
  ASSERT_TRUE(pair.pump());

  ASSERT_EQ(pair.requests().count(id), 1u);
  const http::Request& got = pair.requests().at(id);
  EXPECT_EQ(got.method, "GET");
  EXPECT_EQ(got.target, "/.well-known/mercure?topic=a");
  EXPECT_EQ(got.header("host"), "127.0.0.1:8080");  // from :authority, not the Host given
  EXPECT_EQ(got.header("accept"), "text/event-stream");
  EXPECT_EQ(got.header("last-event-id"), "urn:uuid:1");
  EXPECT_FALSE(got.has_header("connection"));

  http::Response answer = http::Response::text(404, "no such topic");
  answer.headers.push_back({"X-Why", "test"});
  pair.server().respond(id, answer, false);
  ASSERT_TRUE(pair.pump());
  const Seen& seen = pair.seen().at(id);
  ASSERT_TRUE(seen.head);
  EXPECT_EQ(seen.head->status, 404);
  EXPECT_EQ(seen.head->field("content-type"), "text/plain; charset=utf-8");
  EXPECT_EQ(seen.head->field("x-why"), "test");
  EXPECT_EQ(seen.body, "no such topic\n");
  EXPECT_EQ(seen.close_code, 0u);
  EXPECT_EQ(pair.client().open_streams(), 0u);
}

TEST(H2ClientSession, SendsABody) {
  Pair pair;
  H2Request request = get("/.well-known/mercure");
  request.method = "POST";
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  request.body = std::string(100'000, 'x');  // past the server's 65,535-byte window
  const std::int32_t id = pair.client().submit(request);
  ASSERT_TRUE(pair.pump());
  ASSERT_EQ(pair.requests().count(id), 1u);
  EXPECT_EQ(pair.requests().at(id).method, "POST");
  EXPECT_EQ(pair.requests().at(id).body, request.body);
}

TEST(H2ClientSession, ReadsAStreamSplitAtEveryByteAlongsideOtherStreams) {
  Pair pair;
  std::vector<std::int32_t> ids;
  for (int i = 0; i < 20; ++i)
    ids.push_back(pair.client().submit(get("/events?n=" + std::to_string(i))));
  ASSERT_TRUE(pair.pump());
  ASSERT_EQ(pair.requests().size(), 20u);
  for (std::int32_t id : ids)
    pair.server().open_stream(id, "text/event-stream", {});
  ASSERT_TRUE(pair.pump(1));
  for (int event = 0; event < 3; ++event) {
    for (std::int32_t id : ids) {
      pair.server().write(id, shared("id: " + std::to_string(event) + "\ndata: stream " +
                                     std::to_string(id) + "\n\n"));
    }
    ASSERT_TRUE(pair.pump(1));
  }
  for (std::int32_t id : ids) {
    const Seen& seen = pair.seen().at(id);
    ASSERT_TRUE(seen.head);
    EXPECT_EQ(seen.head->status, 200);
    EXPECT_EQ(seen.head->field("content-type"), "text/event-stream");
    std::string want;
    for (int event = 0; event < 3; ++event)
      want += "id: " + std::to_string(event) + "\ndata: stream " + std::to_string(id) + "\n\n";
    EXPECT_EQ(seen.body, want);
    EXPECT_FALSE(seen.close_code);
  }
  EXPECT_EQ(pair.client().open_streams(), 20u);
}

TEST(H2ClientSession, ReadsMoreThanTheWindowsWithoutStalling) {
  Pair pair;
  const std::int32_t id = pair.client().submit(get("/big"));
  ASSERT_TRUE(pair.pump());
  pair.server().open_stream(id, "text/event-stream", {});
  const std::string chunk(64 * 1024, 'a');
  for (int i = 0; i < 48; ++i)  // 3 MiB: past the stream's and the connection's window
    pair.server().write(id, shared(chunk));
  pair.server().end_stream(id);
  ASSERT_TRUE(pair.pump());
  EXPECT_EQ(pair.seen().at(id).body.size(), 48 * chunk.size());
  EXPECT_EQ(pair.seen().at(id).close_code, 0u);
}

TEST(H2ClientSession, AServerResetClosesThatStreamOnly) {
  Pair pair;
  const std::int32_t a = pair.client().submit(get("/a"));
  const std::int32_t b = pair.client().submit(get("/b"));
  ASSERT_TRUE(pair.pump());
  pair.server().open_stream(a, "text/event-stream", {});
  pair.server().open_stream(b, "text/event-stream", {});
  pair.server().reset_stream(a);
  pair.server().write(b, shared("data: b\n\n"));
  ASSERT_TRUE(pair.pump());
  EXPECT_EQ(pair.seen().at(a).close_code, 8u);  // CANCEL
  EXPECT_EQ(h2_error_name(*pair.seen().at(a).close_code), "CANCEL");
  EXPECT_FALSE(pair.seen().at(b).close_code);
  EXPECT_EQ(pair.seen().at(b).body, "data: b\n\n");
}

TEST(H2ClientSession, CancelResetsTheStreamWithoutACallback) {
  Pair pair;
  const std::int32_t id = pair.client().submit(get("/a"));
  ASSERT_TRUE(pair.pump());
  pair.server().open_stream(id, "text/event-stream", {});
  ASSERT_TRUE(pair.pump());
  pair.client().cancel(id);
  EXPECT_EQ(pair.client().open_streams(), 0u);
  pair.server().write(id, shared("data: late\n\n"));
  ASSERT_TRUE(pair.pump());
  EXPECT_EQ(pair.server_closed(), std::vector<std::int32_t>{id});
  EXPECT_FALSE(pair.seen().at(id).close_code);
  EXPECT_EQ(pair.seen().at(id).body, "");
  EXPECT_TRUE(pair.client().accepting());
}

TEST(H2ClientSession, GoawayEndsTheStreamsAndTakesNoNewOne) {
  Pair pair;
  const std::int32_t id = pair.client().submit(get("/a"));
  ASSERT_TRUE(pair.pump());
  pair.server().open_stream(id, "text/event-stream", {});
  pair.server().write(id, shared("data: last\n\n"));
  pair.server().shutdown();
  EXPECT_FALSE(pair.pump());  // nothing left open: the connection is over
  EXPECT_EQ(pair.seen().at(id).body, "data: last\n\n");
  EXPECT_EQ(pair.seen().at(id).close_code, 0u);
  EXPECT_FALSE(pair.client().accepting());
  EXPECT_EQ(pair.client().submit(get("/b")), -1);
  EXPECT_FALSE(pair.client().error().empty());
}

TEST(H2ClientSession, ResetsAStreamWhoseHeadPassesTheLimit) {
  H2ClientLimits limits;
  limits.max_header_bytes = 1024;
  Pair pair(limits);
  const std::int32_t big = pair.client().submit(get("/big"));
  const std::int32_t small = pair.client().submit(get("/small"));
  ASSERT_TRUE(pair.pump());
  http::Response answer = http::Response::text(200, "x");
  answer.headers.push_back({"X-Big", std::string(2000, 'b')});
  pair.server().respond(big, answer, false);
  pair.server().respond(small, http::Response::text(200, "fine"), false);
  ASSERT_TRUE(pair.pump());
  EXPECT_FALSE(pair.seen()[big].head);
  EXPECT_EQ(pair.seen()[big].close_code, h2_error_headers_too_large);
  EXPECT_EQ(pair.seen().at(small).body, "fine\n");
}

TEST(H2ClientSession, ShutdownSendsGoawayAndWantsNothingMore) {
  Pair pair;
  ASSERT_TRUE(pair.pump());
  pair.client().shutdown();
  std::string goaway;
  pair.client().take_output(goaway);
  ASSERT_EQ(goaway.size(), 17u);  // one GOAWAY frame: 9 bytes of header, 8 of payload
  EXPECT_EQ(goaway[3], '\x07');
  EXPECT_FALSE(pair.client().want_read());
  EXPECT_FALSE(pair.client().want_write());
  EXPECT_EQ(pair.client().submit(get("/a")), -1);
}

TEST(H2ClientSession, EndsTheConnectionOnGarbage) {
  Pair pair;
  pair.client().submit(get("/a"));
  ASSERT_TRUE(pair.pump());
  // A frame header announcing a 16 MiB frame: past every SETTINGS_MAX_FRAME_SIZE we allow.
  EXPECT_FALSE(pair.client().feed(std::string("\xff\xff\xff\x00\x00\x00\x00\x00\x01", 9)));
  EXPECT_NE(pair.client().error(), "");
}

}  // namespace
}  // namespace herald::client
