// The sans-I/O HTTP/2 server session, driven by an nghttp2 client session (what a
// browser's HTTP/2 stack does) or by hand-made frames for what no client library sends:
// requests and answers, streams fed without copies, flow control, and every flood bound.
#include "h2_session.hpp"

#include <gtest/gtest.h>
#include <nghttp2/nghttp2.h>

#include <map>
#include <optional>
#include <random>
#include <string>
#include <utility>

namespace herald::http {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

std::string_view view(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

std::string concat(const std::vector<SharedBytes>& pieces) {
  std::string bytes;
  for (const SharedBytes& piece : pieces)
    bytes += piece.bytes;
  return bytes;
}

std::string drain(H2Session& server) {
  std::vector<SharedBytes> out;
  server.take_output(out);
  return concat(out);
}

// One HTTP/2 frame, by hand (RFC 9113 4.1).
std::string frame(std::uint8_t type, std::uint8_t flags, std::uint32_t stream_id,
                  std::string_view payload) {
  std::string f;
  const auto size = static_cast<std::uint32_t>(payload.size());
  f += static_cast<char>(size >> 16);
  f += static_cast<char>(size >> 8);
  f += static_cast<char>(size);
  f += static_cast<char>(type);
  f += static_cast<char>(flags);
  for (int shift = 24; shift >= 0; shift -= 8)
    f += static_cast<char>(stream_id >> shift);
  f += payload;
  return f;
}

// HPACK "literal header field without indexing, new name" with lengths under 127.
std::string literal(std::string_view name, std::string_view value) {
  std::string field(1, '\0');
  field += static_cast<char>(name.size());
  field += name;
  field += static_cast<char>(value.size());
  field += value;
  return field;
}

std::string get_block(std::string_view method = "GET") {
  return literal(":method", method) + literal(":scheme", "http") + literal(":path", "/") +
         literal(":authority", "h");
}

// The error code of the first GOAWAY in `bytes` (the server's output), if any.
std::optional<std::uint32_t> goaway_code(std::string_view bytes) {
  while (bytes.size() >= 9) {
    const auto* b = reinterpret_cast<const std::uint8_t*>(bytes.data());
    const std::size_t size = (std::size_t{b[0]} << 16) | (std::size_t{b[1]} << 8) | b[2];
    if (bytes.size() < 9 + size) break;
    if (b[3] == NGHTTP2_GOAWAY && size >= 8) {
      return (std::uint32_t{b[13]} << 24) | (std::uint32_t{b[14]} << 16) |
             (std::uint32_t{b[15]} << 8) | b[16];
    }
    bytes.remove_prefix(9 + size);
  }
  return std::nullopt;
}

// An nghttp2 client session: bytes out with output(), server bytes in with input().
class Client {
 public:
  struct Stream {
    int status = 0;
    std::vector<Header> headers;
    std::string body;
    bool ended = false;  // END_STREAM received
    bool closed = false;
    std::uint32_t close_code = 0;
  };

  explicit Client(std::vector<nghttp2_settings_entry> settings = {}, bool auto_window = true) {
    nghttp2_session_callbacks* cbs = nullptr;
    nghttp2_session_callbacks_new(&cbs);
    nghttp2_session_callbacks_set_on_header_callback(cbs, &on_header);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, &on_data);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, &on_frame);
    nghttp2_session_callbacks_set_on_stream_close_callback(cbs, &on_close);
    nghttp2_option* option = nullptr;
    nghttp2_option_new(&option);
    nghttp2_option_set_no_auto_window_update(option, auto_window ? 0 : 1);
    nghttp2_option_set_max_send_header_block_length(option, 1 << 20);  // for the HPACK bomb
    nghttp2_session_client_new2(&session, cbs, this, option);
    nghttp2_option_del(option);
    nghttp2_session_callbacks_del(cbs);
    nghttp2_submit_settings(session, NGHTTP2_FLAG_NONE, settings.data(), settings.size());
  }
  ~Client() { nghttp2_session_del(session); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // A request; its body (if any) goes in DATA frames of at most `piece` bytes, or never
  // when `piece` is 0.
  std::int32_t request(std::string_view method, std::string_view path,
                       std::vector<std::pair<std::string, std::string>> fields = {},
                       std::optional<std::string> body = std::nullopt, std::size_t piece = 7) {
    std::vector<std::pair<std::string, std::string>> all = {{":method", std::string(method)},
                                                            {":scheme", "https"},
                                                            {":path", std::string(path)},
                                                            {":authority", "example.org"}};
    all.insert(all.end(), fields.begin(), fields.end());
    std::vector<nghttp2_nv> nva;
    for (auto& [name, value] : all) {
      nva.push_back({reinterpret_cast<std::uint8_t*>(name.data()),
                     reinterpret_cast<std::uint8_t*>(value.data()), name.size(), value.size(),
                     NGHTTP2_NV_FLAG_NONE});
    }
    nghttp2_data_provider provider{};
    if (body) {
      bodies_.push_back(std::make_unique<Body>(Body{std::move(*body), 0, piece}));
      provider.source.ptr = bodies_.back().get();
      provider.read_callback = &read_body;
    }
    std::int32_t id = nghttp2_submit_request(session, nullptr, nva.data(), nva.size(),
                                             body ? &provider : nullptr, nullptr);
    EXPECT_GT(id, 0);
    return id;
  }

  std::string output() {
    std::string bytes;
    for (;;) {
      const std::uint8_t* data = nullptr;
      auto n = nghttp2_session_mem_send(session, &data);
      EXPECT_GE(n, 0);
      if (n <= 0) return bytes;
      bytes += view(data, static_cast<std::size_t>(n));
    }
  }

  void input(std::string_view bytes) {
    auto n = nghttp2_session_mem_recv(session, reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                      bytes.size());
    EXPECT_EQ(n, static_cast<decltype(n)>(bytes.size()));
  }

  nghttp2_session* session = nullptr;
  std::map<std::int32_t, Stream> streams;
  std::optional<std::uint32_t> goaway;

 private:
  struct Body {
    std::string bytes;
    std::size_t offset;
    std::size_t piece;
  };

  static Client& self(void* user_data) { return *static_cast<Client*>(user_data); }

  static ssize_t read_body(nghttp2_session*, std::int32_t, std::uint8_t* buf, std::size_t length,
                           std::uint32_t* flags, nghttp2_data_source* source, void*) {
    auto& body = *static_cast<Body*>(source->ptr);
    if (body.piece == 0) return NGHTTP2_ERR_DEFERRED;
    std::size_t n = std::min({length, body.piece, body.bytes.size() - body.offset});
    std::copy_n(body.bytes.data() + body.offset, n, buf);
    body.offset += n;
    if (body.offset == body.bytes.size()) *flags |= NGHTTP2_DATA_FLAG_EOF;
    return static_cast<ssize_t>(n);
  }

  static int on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name,
                       std::size_t name_size, const std::uint8_t* value, std::size_t value_size,
                       std::uint8_t, void* user_data) {
    Stream& stream = self(user_data).streams[frame->hd.stream_id];
    std::string n(view(name, name_size)), v(view(value, value_size));
    if (n == ":status") {
      stream.status = std::stoi(v);
    } else {
      stream.headers.push_back({n, v});
    }
    return 0;
  }

  static int on_data(nghttp2_session*, std::uint8_t, std::int32_t stream_id,
                     const std::uint8_t* data, std::size_t size, void* user_data) {
    self(user_data).streams[stream_id].body += view(data, size);
    return 0;
  }

  static int on_frame(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
    Client& c = self(user_data);
    if (frame->hd.type == NGHTTP2_GOAWAY) c.goaway = frame->goaway.error_code;
    if ((frame->hd.type == NGHTTP2_DATA || frame->hd.type == NGHTTP2_HEADERS) &&
        (frame->hd.flags & NGHTTP2_FLAG_END_STREAM)) {
      c.streams[frame->hd.stream_id].ended = true;
    }
    return 0;
  }

  static int on_close(nghttp2_session*, std::int32_t stream_id, std::uint32_t code,
                      void* user_data) {
    Stream& stream = self(user_data).streams[stream_id];
    stream.closed = true;
    stream.close_code = code;
    return 0;
  }

  std::vector<std::unique_ptr<Body>> bodies_;
};

std::string header_of(const Client::Stream& stream, std::string_view name) {
  for (const Header& h : stream.headers) {
    if (h.name == name) return h.value;
  }
  return "";
}

// A server session and a client session wired together.
struct Pair {
  explicit Pair(H2Limits limits = {}, std::vector<nghttp2_settings_entry> client_settings = {},
                bool auto_window = true)
      : server(limits, {.on_request =
                            [this](std::int32_t id, Request request) {
                              requests.emplace_back(id, request);
                              if (handler) handler(id, request);
                            },
                        .on_stream_closed = [this](std::int32_t id) { closed.push_back(id); },
                        .now = [this] { return now; }}),
        client(std::move(client_settings), auto_window) {}

  // Moves bytes both ways until neither side has any left.
  void pump() {
    for (int round = 0; round < 1000; ++round) {
      std::string up = client.output();
      if (!up.empty() && alive) alive = server.feed(up);
      std::string down = drain(server);
      if (!down.empty()) client.input(down);
      if (up.empty() && down.empty()) return;
    }
    ADD_FAILURE() << "pump did not settle";
  }

  std::vector<std::pair<std::int32_t, Request>> requests;
  std::vector<std::int32_t> closed;
  std::function<void(std::int32_t, const Request&)> handler;
  H2Session::Clock::time_point now{};
  bool alive = true;
  H2Session server;
  Client client;
};

TEST(H2Session, GetRequestArrivesWithMethodTargetAndHost) {
  Pair p;
  p.client.request("GET", "/.well-known/mercure?topic=x", {{"accept", "text/event-stream"}});
  p.pump();
  ASSERT_EQ(p.requests.size(), 1u);
  const Request& r = p.requests[0].second;
  EXPECT_EQ(p.requests[0].first, 1);
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.target, "/.well-known/mercure?topic=x");
  EXPECT_EQ(r.query(), "topic=x");
  EXPECT_EQ(r.header("Host"), "example.org");
  EXPECT_EQ(r.header("Accept"), "text/event-stream");
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(r.connection_id, 0u);
  EXPECT_TRUE(p.alive);
}

TEST(H2Session, CollectsABodySentInSeveralDataFrames) {
  Pair p;
  const std::string body =
      "topic=https%3A%2F%2Fexample.org%2Fbooks%2F1&data=" + std::string(200, 'd');
  p.client.request("POST", "/.well-known/mercure",
                   {{"content-type", "application/x-www-form-urlencoded"}}, body, 7);
  p.pump();
  ASSERT_EQ(p.requests.size(), 1u);
  EXPECT_EQ(p.requests[0].second.method, "POST");
  EXPECT_EQ(p.requests[0].second.body, body);
}

TEST(H2Session, RespondSendsStatusHeadersAndBody) {
  Pair p;
  p.handler = [&](std::int32_t id, const Request&) {
    Response response = Response::text(201, "urn:uuid:1");
    response.headers.push_back({"X-Event-Id", "urn:uuid:1"});
    response.headers.push_back({"Connection", "close"});  // HTTP/1.1 only: not sent
    p.server.respond(id, std::move(response), false);
  };
  std::int32_t id = p.client.request("POST", "/.well-known/mercure", {}, "data=x");
  p.pump();
  const Client::Stream& s = p.client.streams[id];
  EXPECT_EQ(s.status, 201);
  EXPECT_EQ(s.body, "urn:uuid:1\n");
  EXPECT_EQ(header_of(s, "content-type"), "text/plain; charset=utf-8");
  EXPECT_EQ(header_of(s, "content-length"), "11");
  EXPECT_EQ(header_of(s, "x-event-id"), "urn:uuid:1");
  EXPECT_EQ(header_of(s, "connection"), "");
  EXPECT_TRUE(s.ended);
  EXPECT_TRUE(s.closed);
  EXPECT_EQ(p.closed, std::vector<std::int32_t>{id});
  EXPECT_EQ(p.server.open_streams(), 0u);
}

TEST(H2Session, HeadAnd204AnswersCarryNoBody) {
  Pair p;
  p.handler = [&](std::int32_t id, const Request& r) {
    if (r.method == "HEAD") {
      p.server.respond(id, Response::text(200, "hello"), true);
    } else {
      p.server.respond(id, Response{.status = 204, .content_type = "", .body = "ignored"}, false);
    }
  };
  std::int32_t head = p.client.request("HEAD", "/healthz");
  std::int32_t no_content = p.client.request("DELETE", "/x");
  p.pump();
  EXPECT_EQ(p.client.streams[head].status, 200);
  EXPECT_EQ(header_of(p.client.streams[head], "content-length"), "6");  // what a GET gets
  EXPECT_EQ(p.client.streams[head].body, "");
  EXPECT_TRUE(p.client.streams[head].ended);
  EXPECT_EQ(p.client.streams[no_content].status, 204);
  EXPECT_EQ(header_of(p.client.streams[no_content], "content-length"), "");
  EXPECT_EQ(p.client.streams[no_content].body, "");
  EXPECT_TRUE(p.client.streams[no_content].ended);
}

TEST(H2Session, HeadOnAStreamSendsItsHeadersAndEnds) {
  Pair p;
  p.handler = [&](std::int32_t id, const Request&) {
    p.server.open_stream(id, "text/event-stream", {{"Cache-Control", "no-cache"}}, true);
    EXPECT_EQ(p.server.write(id, {nullptr, "dropped"}), 0u);  // no body: ignored
  };
  std::int32_t id = p.client.request("HEAD", "/.well-known/mercure?topic=x");
  p.pump();
  const Client::Stream& s = p.client.streams[id];
  EXPECT_EQ(s.status, 200);
  EXPECT_EQ(header_of(s, "content-type"), "text/event-stream");
  EXPECT_EQ(header_of(s, "content-length"), "");  // a stream has no length to announce
  EXPECT_EQ(s.body, "");
  EXPECT_TRUE(s.ended);
  EXPECT_EQ(p.closed, std::vector<std::int32_t>{id});
}

SharedBytes shared(std::string text) {
  auto owner = std::make_shared<const std::string>(std::move(text));
  return {owner, *owner};
}

TEST(H2Session, StreamsDeliverWritesInOrderInterleaved) {
  Pair p;
  p.handler = [&](std::int32_t id, const Request&) {
    p.server.open_stream(id, "text/event-stream", {{"Cache-Control", "no-cache"}});
  };
  std::vector<std::int32_t> ids;
  for (int i = 0; i < 3; ++i)
    ids.push_back(p.client.request("GET", "/events"));
  p.pump();
  std::map<std::int32_t, std::string> expected;
  for (int event = 0; event < 20; ++event) {
    for (std::int32_t id : ids) {
      std::string text = "id: " + std::to_string(event) + "\ndata: " + std::to_string(id) + "\n\n";
      expected[id] += text;
      p.server.write(id, shared(text));
    }
    if (event % 3 == 0) p.pump();  // some events go out alone, some batched
  }
  for (std::int32_t id : ids)
    p.server.end_stream(id);
  p.pump();
  for (std::int32_t id : ids) {
    const Client::Stream& s = p.client.streams[id];
    EXPECT_EQ(s.status, 200);
    EXPECT_EQ(header_of(s, "content-type"), "text/event-stream");
    EXPECT_EQ(header_of(s, "cache-control"), "no-cache");
    EXPECT_EQ(s.body, expected[id]);
    EXPECT_TRUE(s.ended);
  }
  EXPECT_EQ(p.closed.size(), 3u);
}

TEST(H2Session, AWriteBeforeTheStreamsHeadersWentOutFollowsThem) {
  // An idle stream holds no data provider: the first write submits one, here while the
  // HEADERS it must follow are still queued in nghttp2.
  Pair p;
  p.handler = [&](std::int32_t id, const Request&) {
    p.server.open_stream(id, "text/event-stream", {});
    p.server.write(id, shared("data: at once\n\n"));
  };
  const std::int32_t id = p.client.request("GET", "/events");
  p.pump();
  EXPECT_EQ(p.client.streams[id].status, 200);
  EXPECT_EQ(p.client.streams[id].body, "data: at once\n\n");
  EXPECT_FALSE(p.client.streams[id].ended);
  // A new provider: the first one is done.
  EXPECT_EQ(p.server.write(id, shared("data: later\n\n")), 13u);
  p.server.end_stream(id);
  p.pump();
  EXPECT_EQ(p.client.streams[id].body, "data: at once\n\ndata: later\n\n");
  EXPECT_TRUE(p.client.streams[id].ended);
}

TEST(H2Session, OneSharedFrameGoesToEveryStreamWithoutACopyInOneOutput) {
  Pair p;
  p.handler = [&](std::int32_t id, const Request&) {
    p.server.open_stream(id, "text/event-stream", {});
  };
  std::vector<std::int32_t> ids;
  for (int i = 0; i < 100; ++i)
    ids.push_back(p.client.request("GET", "/events"));
  p.pump();
  ASSERT_EQ(p.requests.size(), 100u);

  auto frame_text = std::make_shared<const std::string>("id: 1\ndata: hello\n\n");
  for (std::int32_t id : ids)
    p.server.write(id, {frame_text, *frame_text});
  EXPECT_EQ(frame_text.use_count(), 101);
  EXPECT_EQ(p.server.queued_bytes(ids[0]), frame_text->size());

  std::vector<SharedBytes> out;
  p.server.take_output(out);
  std::size_t references = 0;
  for (const SharedBytes& piece : out) {
    if (piece.bytes.data() == frame_text->data()) ++references;
  }
  EXPECT_EQ(references, 100u);             // every stream's DATA, in this one output
  EXPECT_EQ(frame_text.use_count(), 101);  // held by the output, not copied
  EXPECT_EQ(p.server.queued_bytes(ids[0]), 0u);
  p.client.input(concat(out));
  out.clear();
  EXPECT_EQ(frame_text.use_count(), 1);
  for (std::int32_t id : ids)
    EXPECT_EQ(p.client.streams[id].body, *frame_text);
}

TEST(H2Session, SplitsAPayloadAcrossFramesAndFramesAcrossPayloads) {
  // A peer allowing 16 KiB frames: a 40 KiB payload spans three DATA frames, and many
  // small payloads share one.
  Pair p({}, {{NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, 1 << 20}});
  p.handler = [&](std::int32_t id, const Request&) { p.server.open_stream(id, "text/plain", {}); };
  std::int32_t id = p.client.request("GET", "/big");
  p.pump();
  std::string expected;
  for (int i = 0; i < 50; ++i) {
    std::string small(10 + i, static_cast<char>('a' + i % 26));
    expected += small;
    p.server.write(id, shared(small));
  }
  std::string big(40 * 1024, 'B');
  expected += big;
  p.server.write(id, shared(big));
  p.server.end_stream(id);
  p.pump();
  EXPECT_EQ(p.client.streams[id].body, expected);
  EXPECT_TRUE(p.client.streams[id].ended);
}

TEST(H2Session, FlowControlHoldsDataUntilTheWindowOpens) {
  Pair p({}, {{NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, 10}}, false);
  p.handler = [&](std::int32_t id, const Request&) { p.server.open_stream(id, "text/plain", {}); };
  std::int32_t id = p.client.request("GET", "/slow");
  p.pump();
  p.server.write(id, shared("0123456789abcdefghijklmno"));
  p.pump();
  EXPECT_EQ(p.client.streams[id].body, "0123456789");
  EXPECT_EQ(p.server.queued_bytes(id), 15u);
  EXPECT_TRUE(p.server.blocked_by_window());
  EXPECT_FALSE(p.server.want_write());

  nghttp2_submit_window_update(p.client.session, NGHTTP2_FLAG_NONE, id, 10);
  p.pump();
  EXPECT_EQ(p.client.streams[id].body, "0123456789abcdefghij");
  EXPECT_EQ(p.server.queued_bytes(id), 5u);
}

TEST(H2Session, ZeroWindowQueuesWithoutBusyLooping) {
  Pair p({}, {{NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, 0}}, false);
  p.handler = [&](std::int32_t id, const Request&) { p.server.open_stream(id, "text/plain", {}); };
  std::int32_t id = p.client.request("GET", "/stalled");
  p.pump();
  EXPECT_EQ(p.client.streams[id].status, 200);
  EXPECT_FALSE(p.server.blocked_by_window());  // nothing queued yet
  for (int i = 1; i <= 10; ++i) {
    p.server.write(id, shared(std::string(100, 'x')));
    EXPECT_TRUE(drain(p.server).empty());
    EXPECT_EQ(p.server.queued_bytes(id), 100u * i);
    EXPECT_TRUE(p.server.blocked_by_window());
    EXPECT_FALSE(p.server.want_write());
  }
  EXPECT_TRUE(p.client.streams[id].body.empty());
}

TEST(H2Session, ResetStreamSendsCancelAndDropsTheQueue) {
  Pair p({}, {{NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, 0}});
  p.handler = [&](std::int32_t id, const Request&) { p.server.open_stream(id, "text/plain", {}); };
  std::int32_t id = p.client.request("GET", "/events");
  p.pump();
  p.server.write(id, shared("held by the window"));
  p.server.reset_stream(id);
  EXPECT_EQ(p.server.queued_bytes(id), 0u);
  p.pump();
  EXPECT_TRUE(p.client.streams[id].closed);
  EXPECT_EQ(p.client.streams[id].close_code, static_cast<std::uint32_t>(NGHTTP2_CANCEL));
  EXPECT_EQ(p.closed, std::vector<std::int32_t>{id});
  EXPECT_EQ(p.server.open_streams(), 0u);
}

TEST(H2Session, ClientResetClosesTheStream) {
  Pair p;
  p.handler = [&](std::int32_t id, const Request&) { p.server.open_stream(id, "text/plain", {}); };
  std::int32_t id = p.client.request("GET", "/events");
  p.pump();
  ASSERT_EQ(p.server.open_streams(), 1u);
  nghttp2_submit_rst_stream(p.client.session, NGHTTP2_FLAG_NONE, id, NGHTTP2_CANCEL);
  p.pump();
  EXPECT_EQ(p.closed, std::vector<std::int32_t>{id});
  EXPECT_EQ(p.server.open_streams(), 0u);
  p.server.write(id, shared("after the reset"));  // ignored
  EXPECT_EQ(p.server.queued_bytes(id), 0u);
  EXPECT_TRUE(p.alive);
}

TEST(H2Session, ShutdownSendsGoawayAndEndsStreams) {
  Pair p;
  p.handler = [&](std::int32_t id, const Request&) { p.server.open_stream(id, "text/plain", {}); };
  std::int32_t id = p.client.request("GET", "/events");
  p.pump();
  p.server.write(id, shared("last words"));
  p.server.shutdown();
  p.pump();
  EXPECT_EQ(p.client.goaway, std::optional<std::uint32_t>(NGHTTP2_NO_ERROR));
  EXPECT_EQ(p.client.streams[id].body, "last words");
  EXPECT_TRUE(p.client.streams[id].ended);
  EXPECT_FALSE(p.server.want_read());
  EXPECT_FALSE(p.server.want_write());
}

// The client's bytes for a POST, as one string.
std::string post_bytes(const std::string& body) {
  Client client;
  client.request("POST", "/.well-known/mercure", {{"content-type", "text/plain"}}, body, 5);
  return client.output();
}

struct Seen {
  std::vector<std::pair<std::int32_t, Request>> requests;
  H2Session session{{}, {.on_request = [this](std::int32_t id, Request r) {
                      requests.emplace_back(id, std::move(r));
                    }}};
};

void expect_post(const Seen& seen, const std::string& body, const std::string& context) {
  ASSERT_EQ(seen.requests.size(), 1u) << context;
  EXPECT_EQ(seen.requests[0].second.method, "POST") << context;
  EXPECT_EQ(seen.requests[0].second.target, "/.well-known/mercure") << context;
  EXPECT_EQ(seen.requests[0].second.header("host"), "example.org") << context;
  EXPECT_EQ(seen.requests[0].second.body, body) << context;
}

TEST(H2Session, ParsesARequestSplitAtEveryByte) {
  const std::string body = "topic=t&data=hello+world";
  const std::string bytes = post_bytes(body);
  for (std::size_t split = 1; split < bytes.size(); ++split) {
    Seen seen;
    ASSERT_TRUE(seen.session.feed(std::string_view(bytes).substr(0, split)));
    ASSERT_TRUE(seen.session.feed(std::string_view(bytes).substr(split)));
    expect_post(seen, body, "split at " + std::to_string(split));
  }
  Seen bytewise;
  for (char c : bytes)
    ASSERT_TRUE(bytewise.session.feed(std::string_view(&c, 1)));
  expect_post(bytewise, body, "byte by byte");
}

TEST(H2Session, ParsesARequestInRandomPieces) {
  const std::string body(3000, 'r');
  const std::string bytes = post_bytes(body);
  std::mt19937 random(42);
  for (int run = 0; run < 50; ++run) {
    Seen seen;
    std::size_t fed = 0;
    while (fed < bytes.size()) {
      std::size_t piece = 1 + random() % 64;
      ASSERT_TRUE(seen.session.feed(std::string_view(bytes).substr(fed, piece)));
      fed += piece;
    }
    expect_post(seen, body, "run " + std::to_string(run));
  }
}

// Defences: each test fails without the limit it names.

TEST(H2Session, RefusesStreamsBeyondTheLimitEvenBeforeOurSettingsAreAcked) {
  Pair p({.max_concurrent_streams = 4});
  std::vector<std::int32_t> ids;
  // All six leave before the client has seen our SETTINGS.
  for (int i = 0; i < 6; ++i)
    ids.push_back(p.client.request("GET", "/events"));
  p.pump();
  EXPECT_EQ(p.requests.size(), 4u);
  int refused = 0;
  for (std::int32_t id : ids) {
    if (p.client.streams[id].close_code == NGHTTP2_REFUSED_STREAM) ++refused;
  }
  EXPECT_EQ(refused, 2);
  EXPECT_TRUE(p.alive);
}

TEST(H2Session, EndsTheConnectionOnRapidReset) {
  Pair p({.reset_burst = 50, .reset_rate = 10});
  auto open_and_reset = [&] {
    std::int32_t id = p.client.request("GET", "/events");
    std::string bytes = p.client.output();
    nghttp2_submit_rst_stream(p.client.session, NGHTTP2_FLAG_NONE, id, NGHTTP2_CANCEL);
    bytes += p.client.output();
    p.alive = p.server.feed(bytes);
    p.client.input(drain(p.server));
  };
  // Within the rate, resets go on for ever: 10 per second for 30 seconds.
  for (int i = 0; i < 300 && p.alive; ++i) {
    open_and_reset();
    p.now += 100ms;
  }
  EXPECT_TRUE(p.alive);
  // A burst: 50 resets are allowed, the 51st is not.
  p.now += 10s;
  for (int i = 0; i < 50; ++i)
    open_and_reset();
  EXPECT_TRUE(p.alive);
  open_and_reset();
  EXPECT_FALSE(p.alive);
  EXPECT_EQ(p.client.goaway, std::optional<std::uint32_t>(NGHTTP2_ENHANCE_YOUR_CALM));
  EXPECT_FALSE(p.server.want_read());
}

TEST(H2Session, EndsTheConnectionOnAContinuationFlood) {
  // Twice max_header_bytes of one header block: past that no block decodes to an
  // acceptable header list.
  H2Session server({.max_header_bytes = 4096}, {});
  std::string bytes = std::string(preface) + frame(NGHTTP2_SETTINGS, 0, 0, "") +
                      frame(NGHTTP2_HEADERS, NGHTTP2_FLAG_END_STREAM, 1, get_block());
  ASSERT_TRUE(server.feed(bytes));
  std::string fields;
  for (int i = 0; i < 20; ++i)
    fields += literal("x-f", std::string(90, 'v'));  // ~2 KiB
  int continuations = 0;
  bool alive = true;
  while (alive && continuations < 100) {
    alive = server.feed(frame(NGHTTP2_CONTINUATION, 0, 1, fields));
    ++continuations;
  }
  EXPECT_FALSE(alive);
  EXPECT_LE(continuations, 5);  // 8 KiB, before nghttp2's own limit of 8 frames
  EXPECT_EQ(goaway_code(drain(server)), std::optional<std::uint32_t>(NGHTTP2_ENHANCE_YOUR_CALM));
}

TEST(H2Session, EndsTheConnectionOnZeroLengthContinuations) {
  H2Session server({.max_header_bytes = 1024}, {});
  ASSERT_TRUE(server.feed(std::string(preface) + frame(NGHTTP2_SETTINGS, 0, 0, "") +
                          frame(NGHTTP2_HEADERS, NGHTTP2_FLAG_END_STREAM, 1, get_block())));
  int frames = 0;
  while (server.feed(frame(NGHTTP2_CONTINUATION, 0, 1, "")) && frames < 10000)
    ++frames;
  EXPECT_LT(frames, 2048 / 9);  // each costs its frame header against the block's bound
}

TEST(H2Session, RefusesAnHpackBombWith431AndGoesOn) {
  // One 2000-byte field indexed once (nghttp2's encoder indexes fields up to 3/4 of its
  // table), then referenced with one byte each: the block is 2 KB, its list 200 KB.
  Pair p({.max_header_bytes = 16 * 1024});
  std::vector<std::pair<std::string, std::string>> bomb(100, {"x-bomb", std::string(2000, 'b')});
  std::int32_t id = p.client.request("GET", "/events", bomb);
  p.pump();
  EXPECT_TRUE(p.requests.empty());
  EXPECT_EQ(p.client.streams[id].status, 431);
  EXPECT_TRUE(p.client.streams[id].closed);
  EXPECT_TRUE(p.closed.empty());  // the embedder never heard of it
  // The HPACK tables are still in step: the next request on the connection is fine.
  p.handler = [&](std::int32_t sid, const Request&) {
    p.server.respond(sid, Response::text(200, "ok"), false);
  };
  std::int32_t next = p.client.request("GET", "/healthz", {{"x-bomb", std::string(2000, 'b')}});
  p.pump();
  EXPECT_EQ(p.client.streams[next].status, 200);
  EXPECT_TRUE(p.alive);
}

TEST(H2Session, RefusesABodyOverTheLimitWith413) {
  Pair p({.max_body_bytes = 100});
  std::int32_t streamed = p.client.request("POST", "/p", {}, std::string(150, 'x'), 40);
  std::int32_t announced =
      p.client.request("POST", "/p", {{"content-length", "100000"}}, std::string(10, 'x'), 0);
  std::int32_t fits = p.client.request("POST", "/p", {}, std::string(100, 'x'), 40);
  p.handler = [&](std::int32_t id, const Request&) {
    p.server.respond(id, Response::text(200, "ok"), false);
  };
  p.pump();
  EXPECT_EQ(p.client.streams[streamed].status, 413);
  EXPECT_EQ(p.client.streams[announced].status, 413);
  EXPECT_EQ(p.client.streams[fits].status, 200);
  ASSERT_EQ(p.requests.size(), 1u);
  EXPECT_EQ(p.requests[0].second.body.size(), 100u);
  EXPECT_TRUE(p.alive);
}

TEST(H2Session, AnswersAStalledRequestBody408WhileItsSiblingsGoOn) {
  Pair p;
  p.handler = [&](std::int32_t id, const Request&) {
    p.server.respond(id, Response::text(200, "ok"), false);
  };
  const std::int32_t stalled = p.client.request("POST", "/p", {}, "never sent", 0);
  const std::int32_t dribbling = p.client.request("POST", "/p", {}, "not sent by the client", 0);
  p.pump();
  p.now += 6s;
  // A byte of one request's body is progress for that stream only; a PING for none.
  ASSERT_TRUE(p.server.feed(frame(NGHTTP2_DATA, 0, dribbling, "ab")));
  ASSERT_TRUE(p.server.feed(frame(NGHTTP2_PING, 0, 0, "12345678")));
  p.pump();
  p.now += 6s;
  EXPECT_TRUE(p.server.expire_requests(p.now, 10s, 10s)) << "headers done: no header timeout";
  p.pump();
  EXPECT_EQ(p.client.streams[stalled].status, 408);
  EXPECT_TRUE(p.client.streams[stalled].ended);
  EXPECT_EQ(p.client.streams[dribbling].status, 0) << "still arriving: not answered yet";
  ASSERT_TRUE(p.server.feed(frame(NGHTTP2_DATA, NGHTTP2_FLAG_END_STREAM, dribbling, "c")));
  p.pump();
  EXPECT_EQ(p.client.streams[dribbling].status, 200);
  ASSERT_EQ(p.requests.size(), 1u) << "the stalled request never reached the handler";
  EXPECT_EQ(p.requests[0].second.body, "abc");
  EXPECT_TRUE(p.alive);
}

TEST(H2Session, AHeaderBlockLeftUnfinishedEndsTheConnectionAfterTheHeaderTimeout) {
  H2Session::Clock::time_point now{};
  H2Session server({}, {.on_request = {}, .on_stream_closed = {}, .now = [&] { return now; }});
  // HEADERS without END_HEADERS: only CONTINUATION may follow on the whole connection.
  ASSERT_TRUE(server.feed(std::string(preface) + frame(NGHTTP2_SETTINGS, 0, 0, "") +
                          frame(NGHTTP2_HEADERS, NGHTTP2_FLAG_END_STREAM, 1, get_block())));
  now += 5s;
  EXPECT_TRUE(server.expire_requests(now, 10s, 30s));
  now += 6s;
  EXPECT_FALSE(server.expire_requests(now, 10s, 30s));
}

// Frames the peer floods us with, fed without reading what we answer.
int frames_until_the_session_ends(H2Limits limits, const std::string& flood_frame) {
  H2Session server(limits, {});
  if (!server.feed(std::string(preface) + frame(NGHTTP2_SETTINGS, 0, 0, ""))) return 0;
  int frames = 0;
  while (frames < 5000 && server.feed(flood_frame))
    ++frames;
  return frames;
}

TEST(H2Session, EndsTheConnectionOnAPingFlood) {
  const std::string ping = frame(NGHTTP2_PING, 0, 0, "12345678");
  EXPECT_LE(frames_until_the_session_ends({.max_outbound_acks = 100}, ping), 101);
}

TEST(H2Session, EndsTheConnectionOnASettingsFlood) {
  const std::string settings = frame(NGHTTP2_SETTINGS, 0, 0, "");
  EXPECT_LE(frames_until_the_session_ends({.max_outbound_acks = 100}, settings), 101);
}

TEST(H2Session, EndsTheConnectionOnTooManySettingsEntries) {
  std::string entries;
  for (int i = 0; i < 10; ++i)
    entries += std::string("\x00\x04\x00\x01\x00\x00", 6);
  H2Session server({.max_settings_entries = 8}, {});
  server.feed(std::string(preface) + frame(NGHTTP2_SETTINGS, 0, 0, entries));
  EXPECT_EQ(goaway_code(drain(server)), std::optional<std::uint32_t>(NGHTTP2_ENHANCE_YOUR_CALM));
  EXPECT_FALSE(server.want_read());
}

TEST(H2Session, EndsTheConnectionOnEmptyDataFrames) {
  H2Limits limits{.max_empty_frames = 100};
  H2Session server(limits, {});
  ASSERT_TRUE(server.feed(std::string(preface) + frame(NGHTTP2_SETTINGS, 0, 0, "") +
                          frame(NGHTTP2_HEADERS, NGHTTP2_FLAG_END_HEADERS, 1, get_block("POST"))));
  for (int i = 0; i < 100; ++i)
    ASSERT_TRUE(server.feed(frame(NGHTTP2_DATA, 0, 1, "")));
  // The one over the limit, and more behind it in the same read.
  std::string more;
  for (int i = 0; i < 3; ++i)
    more += frame(NGHTTP2_DATA, 0, 1, "");
  EXPECT_FALSE(server.feed(more));
  EXPECT_EQ(goaway_code(drain(server)), std::optional<std::uint32_t>(NGHTTP2_ENHANCE_YOUR_CALM));
}

}  // namespace
}  // namespace herald::http
