// HTTP/2 on the server's listeners: an nghttp2 client session over a real loopback socket
// (h2c with prior knowledge), against the real Server and its shards.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <nghttp2/nghttp2.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/post.hpp>

#include "herald/http/server.hpp"

namespace herald::http {
namespace {

using namespace std::chrono_literals;

std::string_view view(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

int connect_loopback(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// An HTTP/2 client: an nghttp2 client session on a blocking loopback socket, pumped by
// hand with bounded waits.
class H2Client {
 public:
  struct Stream {
    int status = 0;
    std::map<std::string, std::string> headers;
    std::string body;
    bool ended = false;
    bool closed = false;
    std::uint32_t close_code = 0;
  };

  explicit H2Client(std::uint16_t port, std::vector<nghttp2_settings_entry> settings = {})
      : fd_(connect_loopback(port)) {
    nghttp2_session_callbacks* cbs = nullptr;
    nghttp2_session_callbacks_new(&cbs);
    nghttp2_session_callbacks_set_on_header_callback(cbs, &on_header);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, &on_data);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, &on_frame);
    nghttp2_session_callbacks_set_on_stream_close_callback(cbs, &on_close);
    nghttp2_session_client_new(&session_, cbs, this);
    nghttp2_session_callbacks_del(cbs);
    nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings.data(), settings.size());
  }
  ~H2Client() {
    nghttp2_session_del(session_);
    if (fd_ >= 0) ::close(fd_);
  }
  H2Client(const H2Client&) = delete;
  H2Client& operator=(const H2Client&) = delete;

  bool connected() const { return fd_ >= 0; }

  // A request; with `unfinished`, its HEADERS do not end the stream and no body follows.
  std::int32_t request(std::string method, std::string path, std::optional<std::string> body = {},
                       bool unfinished = false) {
    std::vector<std::pair<std::string, std::string>> fields = {
        {":method", method}, {":scheme", "http"}, {":path", path}, {":authority", "localhost"}};
    std::vector<nghttp2_nv> nva;
    for (auto& [name, value] : fields) {
      nva.push_back({reinterpret_cast<std::uint8_t*>(name.data()),
                     reinterpret_cast<std::uint8_t*>(value.data()), name.size(), value.size(),
                     NGHTTP2_NV_FLAG_NONE});
    }
    if (unfinished) {
      return nghttp2_submit_headers(session_, NGHTTP2_FLAG_NONE, -1, nullptr, nva.data(),
                                    nva.size(), nullptr);
    }
    nghttp2_data_provider provider{};
    if (body) {
      bodies_.push_back(std::make_unique<std::pair<std::string, std::size_t>>(*body, 0));
      provider.source.ptr = bodies_.back().get();
      provider.read_callback = &read_body;
    }
    return nghttp2_submit_request(session_, nullptr, nva.data(), nva.size(),
                                  body ? &provider : nullptr, nullptr);
  }

  // Grants the server a large connection-level window (its streams' windows come from
  // SETTINGS_INITIAL_WINDOW_SIZE).
  void open_connection_window() {
    nghttp2_submit_window_update(session_, NGHTTP2_FLAG_NONE, 0, (1 << 30));
  }

  void reset(std::int32_t stream_id) {
    nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream_id, NGHTTP2_CANCEL);
  }

  // Sends what the session has, then reads and feeds the server's bytes until `done`, EOF
  // or the timeout. True when `done` came.
  bool pump(const std::function<bool()>& done, std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      flush_output();
      if (done()) return true;
      if (eof || std::chrono::steady_clock::now() >= deadline) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      char buf[16384];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        eof = true;
        continue;
      }
      nghttp2_session_mem_recv(session_, reinterpret_cast<const std::uint8_t*>(buf),
                               static_cast<std::size_t>(n));
    }
  }

  std::map<std::int32_t, Stream> streams;
  std::optional<std::uint32_t> goaway;
  bool eof = false;
  nghttp2_session* session_ = nullptr;

 private:
  void flush_output() {
    for (;;) {
      const std::uint8_t* data = nullptr;
      auto n = nghttp2_session_mem_send(session_, &data);
      if (n <= 0) return;
      if (::send(fd_, data, static_cast<std::size_t>(n), MSG_NOSIGNAL) != n) return;
    }
  }

  static H2Client& self(void* user_data) { return *static_cast<H2Client*>(user_data); }

  static ssize_t read_body(nghttp2_session*, std::int32_t, std::uint8_t* buf, std::size_t length,
                           std::uint32_t* flags, nghttp2_data_source* source, void*) {
    auto& [bytes, offset] = *static_cast<std::pair<std::string, std::size_t>*>(source->ptr);
    const std::size_t n = std::min(length, bytes.size() - offset);
    std::copy_n(bytes.data() + offset, n, buf);
    offset += n;
    if (offset == bytes.size()) *flags |= NGHTTP2_DATA_FLAG_EOF;
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
      stream.headers[n] = v;
    }
    return 0;
  }

  static int on_data(nghttp2_session*, std::uint8_t, std::int32_t stream_id,
                     const std::uint8_t* data, std::size_t size, void* user_data) {
    self(user_data).streams[stream_id].body += view(data, size);
    return 0;
  }

  static int on_frame(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
    H2Client& c = self(user_data);
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

  int fd_;
  std::vector<std::unique_ptr<std::pair<std::string, std::size_t>>> bodies_;
};

struct H2Fixture : ::testing::Test {
  std::unique_ptr<Server> server;
  std::mutex mutex;
  std::vector<std::shared_ptr<StreamSink>> sinks;  // every stream opened, in order
  std::atomic<int> streams_closed{0};
  std::atomic<std::uint64_t> last_connection_id{0};
  std::vector<std::shared_ptr<LateResponse>> lates;  // /late's, in order: the test answers
  std::vector<std::thread> answerers;                // /late-thread's

  static ServerOptions options() {
    ServerOptions o;
    o.port = 0;
    o.threads = 1;
    return o;
  }

  void start(ServerOptions o = options()) {
    server = std::make_unique<Server>(o, [this](const Request& r, Exchange& e) {
      last_connection_id = r.connection_id;
      if (r.path() == "/stream") {
        auto sink = e.open_stream("text/event-stream", {{"X-Test", "1"}});
        sink->on_close([this] { ++streams_closed; });
        std::lock_guard lock(mutex);
        sinks.push_back(sink);
        return;
      }
      if (r.path() == "/late") {
        auto late = e.respond_later();
        std::lock_guard lock(mutex);
        lates.push_back(std::move(late));
        return;
      }
      if (r.path() == "/late-thread") {  // answered 20 ms later from a thread of its own
        std::lock_guard lock(mutex);
        answerers.emplace_back(
            [late = e.respond_later(), text = "late " + r.method + " " + r.target] {
              std::this_thread::sleep_for(20ms);
              late->respond(Response::text(200, text));
            });
        return;
      }
      e.respond(Response::text(
          200, r.method + " " + r.target + " " + r.body + " " + std::string(r.header("host"))));
    });
    server->bind();
    server->start();
  }
  void TearDown() override {
    for (std::thread& answerer : answerers)
      answerer.join();
    if (server) {
      server->stop();
      server->wait();
    }
  }
  void on_shard(std::function<void()> fn) {
    std::atomic<bool> done{false};
    boost::asio::post(server->context(0), [&] {
      fn();
      done = true;
    });
    for (int i = 0; i < 500 && !done; ++i)
      std::this_thread::sleep_for(10ms);
    ASSERT_TRUE(done);
  }
  std::size_t sink_count() {
    std::lock_guard lock(mutex);
    return sinks.size();
  }
  std::size_t late_count() {
    std::lock_guard lock(mutex);
    return lates.size();
  }
  // Answers the `index`th /late request from a thread other than the shard's.
  void answer_late(std::size_t index, Response response) {
    std::shared_ptr<LateResponse> late;
    {
      std::lock_guard lock(mutex);
      late = lates.at(index);
    }
    std::thread([&] { late->respond(std::move(response)); }).join();
  }
};

TEST_F(H2Fixture, AnswersARequestOverH2cWithPriorKnowledge) {
  start();
  H2Client c(server->port());
  ASSERT_TRUE(c.connected());
  auto id = c.request("GET", "/healthz?x=1");
  ASSERT_TRUE(c.pump([&] { return c.streams[id].closed; }));
  EXPECT_EQ(c.streams[id].status, 200);
  EXPECT_EQ(c.streams[id].body, "GET /healthz?x=1  localhost\n");
  EXPECT_EQ(c.streams[id].headers["content-type"], "text/plain; charset=utf-8");
  EXPECT_NE(last_connection_id.load(), 0u);
  EXPECT_EQ(server->connections(), 1u);
}

TEST_F(H2Fixture, TakesAPostWithABody) {
  start();
  H2Client c(server->port());
  std::string body(100000, 'x');  // more than one DATA frame and than a 64 KiB window
  auto id = c.request("POST", "/publish", body);
  ASSERT_TRUE(c.pump([&] { return c.streams[id].closed; }));
  EXPECT_EQ(c.streams[id].status, 200);
  EXPECT_EQ(c.streams[id].body, "POST /publish " + body + " localhost\n");
}

TEST_F(H2Fixture, ManyStreamsOnOneConnectionReceiveEveryEventInOrder) {
  start();
  H2Client c(server->port());
  constexpr int stream_count = 50;
  constexpr int event_count = 100;
  std::vector<std::int32_t> ids;
  for (int i = 0; i < stream_count; ++i)
    ids.push_back(c.request("GET", "/stream"));
  ASSERT_TRUE(c.pump([&] { return sink_count() == stream_count; }));
  EXPECT_EQ(server->connections(), 1u);  // --max-connections counts connections
  std::string expected;
  for (int e = 0; e < event_count; ++e)
    expected += "data: " + std::to_string(e) + "\n\n";
  // One shared frame per event, queued to every stream, one flush each: one batch.
  on_shard([&] {
    for (int e = 0; e < event_count; ++e) {
      auto frame = std::make_shared<const std::string>("data: " + std::to_string(e) + "\n\n");
      for (auto& sink : sinks) {
        sink->write({frame, *frame});
        sink->flush();
      }
    }
    // Distinct sink ids, for whoever keys on them (token expiry).
    std::set<std::uint64_t> distinct;
    for (auto& sink : sinks)
      distinct.insert(sink->id());
    EXPECT_EQ(distinct.size(), sinks.size());
  });
  ASSERT_TRUE(c.pump([&] {
    for (auto id : ids) {
      if (c.streams[id].body.size() < expected.size()) return false;
    }
    return true;
  }));
  for (auto id : ids) {
    EXPECT_EQ(c.streams[id].status, 200);
    EXPECT_EQ(c.streams[id].headers["content-type"], "text/event-stream");
    EXPECT_EQ(c.streams[id].headers["x-test"], "1");
    EXPECT_EQ(c.streams[id].body, expected);
  }
  on_shard([&] {
    for (auto& sink : sinks)
      sink->end();
  });
  ASSERT_TRUE(c.pump([&] { return streams_closed == stream_count; }));
  ASSERT_TRUE(c.pump([&] {
    for (auto id : ids) {
      if (!c.streams[id].ended) return false;
    }
    return true;
  }));
}

TEST_F(H2Fixture, AStreamTheClientResetsClosesOnce) {
  start();
  H2Client c(server->port());
  auto kept = c.request("GET", "/stream");
  auto reset = c.request("GET", "/stream");
  ASSERT_TRUE(c.pump([&] { return sink_count() == 2; }));
  c.reset(reset);
  ASSERT_TRUE(c.pump([&] { return streams_closed == 1; }));
  on_shard([&] {
    EXPECT_FALSE(sinks[0]->closed());
    EXPECT_TRUE(sinks[1]->closed());
    sinks[1]->write({nullptr, "ignored"});  // ignored once closed
    sinks[1]->abort();                      // the close callback does not run again
    auto frame = std::make_shared<const std::string>("data: still\n\n");
    sinks[0]->write({frame, *frame});
    sinks[0]->flush();
  });
  ASSERT_TRUE(c.pump([&] { return c.streams[kept].body == "data: still\n\n"; }));
  EXPECT_EQ(streams_closed, 1);
}

TEST_F(H2Fixture, CountsH2StreamsThroughResetAbortAndClose) {
  start();
  auto counts = [&] { return server->by_protocol(); };
  auto h2_connections = [&] { return counts().connections[1][0]; };
  auto h2_streams = [&] { return counts().streams[1][0]; };
  {
    H2Client c(server->port());
    c.request("GET", "/stream");
    auto reset = c.request("GET", "/stream");
    c.request("GET", "/stream");
    auto plain = c.request("GET", "/plain");
    ASSERT_TRUE(c.pump([&] { return sink_count() == 3 && c.streams[plain].closed; }));
    EXPECT_EQ(h2_connections(), 1u);
    EXPECT_EQ(counts().connections[0][0], 0u);  // no longer counted as HTTP/1.1
    EXPECT_EQ(h2_streams(), 3u);                // the plain answer is no stream
    c.reset(reset);                             // the client resets one
    ASSERT_TRUE(c.pump([&] { return streams_closed == 1; }));
    EXPECT_EQ(h2_streams(), 2u);
    on_shard([&] { sinks[2]->abort(); });  // the server resets another
    EXPECT_EQ(h2_streams(), 1u);
  }  // the connection goes with one stream open
  for (int i = 0; i < 300 && (h2_connections() != 0 || h2_streams() != 0); ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(h2_connections(), 0u);
  EXPECT_EQ(h2_streams(), 0u);
  EXPECT_EQ(streams_closed, 3);
}

TEST_F(H2Fixture, AbortResetsOnlyThatStream) {
  start();
  H2Client c(server->port());
  auto kept = c.request("GET", "/stream");
  auto cut = c.request("GET", "/stream");
  ASSERT_TRUE(c.pump([&] { return sink_count() == 2; }));
  on_shard([&] { sinks[1]->abort(); });
  EXPECT_EQ(streams_closed, 1);
  ASSERT_TRUE(c.pump([&] { return c.streams[cut].closed; }));
  EXPECT_EQ(c.streams[cut].close_code, static_cast<std::uint32_t>(NGHTTP2_CANCEL));
  EXPECT_FALSE(c.streams[kept].closed);
  auto id = c.request("GET", "/after");
  ASSERT_TRUE(c.pump([&] { return c.streams[id].closed; }));
  EXPECT_EQ(c.streams[id].status, 200);
}

TEST_F(H2Fixture, AbortLaterFromAStreamsOwnProceedResetsOnlyThatStream) {
  start();
  H2Client c(server->port());
  auto kept = c.request("GET", "/stream");
  auto cut = c.request("GET", "/stream");
  ASSERT_TRUE(c.pump([&] { return sink_count() == 2; }));
  bool closed_inside = true;
  on_shard([&] {
    StreamSink* sink = sinks[1].get();  // not owned: the callback lives in the sink
    sink->on_proceed([sink, &closed_inside] {
      sink->abort_later();  // inside the stream's own callback, after its write
      closed_inside = sink->closed();
      sink->write({nullptr, "data: dropped\n\n"});  // dropped: the stream is being cut
      sink->flush();
    });
    sink->write({nullptr, "data: last\n\n"});
    sink->flush();
  });
  ASSERT_TRUE(c.pump([&] { return c.streams[cut].closed; }));
  EXPECT_FALSE(closed_inside) << "the abort takes effect after the callback returns";
  EXPECT_EQ(c.streams[cut].close_code, static_cast<std::uint32_t>(NGHTTP2_CANCEL));
  EXPECT_EQ(c.streams[cut].body, "data: last\n\n");
  EXPECT_EQ(streams_closed, 1);
  on_shard([&] {
    EXPECT_TRUE(sinks[1]->closed());
    auto frame = std::make_shared<const std::string>("data: still\n\n");
    sinks[0]->write({frame, *frame});
    sinks[0]->flush();
  });
  ASSERT_TRUE(c.pump([&] { return c.streams[kept].body == "data: still\n\n"; }));
  EXPECT_FALSE(c.streams[kept].closed);
}

TEST_F(H2Fixture, ZeroWindowGrowsTheQueueAndTheWriteStallCutsIt) {
  ServerOptions o = options();
  o.write_timeout = 1s;
  start(o);
  // The client reads everything but grants no window for response data.
  H2Client c(server->port(), {{NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, 0}});
  auto id = c.request("GET", "/stream");
  ASSERT_TRUE(c.pump([&] { return c.streams[id].status == 200; }));
  std::size_t queued = 0;
  on_shard([&] {
    auto frame = std::make_shared<const std::string>(1000, 'e');
    for (int i = 0; i < 10; ++i)
      sinks[0]->write({frame, *frame});
    sinks[0]->flush();
    queued = sinks[0]->queued_bytes();
  });
  EXPECT_EQ(queued, 10000u);
  // Cut within the write timeout plus a few sweeps, not at once.
  const auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.pump([&] { return c.eof; }, 6s));
  EXPECT_GE(std::chrono::steady_clock::now() - started, 900ms);
  // The socket closes first, then the streams: the close callback runs just after.
  for (int i = 0; i < 300 && streams_closed == 0; ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(streams_closed, 1);
  EXPECT_TRUE(c.streams[id].body.empty());
}

TEST_F(H2Fixture, ARequestWhoseBodyStopsComingGets408AndItsSiblingsGoOn) {
  ServerOptions o = options();
  o.body_timeout = 500ms;
  start(o);
  H2Client c(server->port());
  auto kept = c.request("GET", "/stream");
  ASSERT_TRUE(c.pump([&] { return sink_count() == 1; }));
  const auto started = std::chrono::steady_clock::now();
  auto stalled = c.request("POST", "/.well-known/mercure", std::nullopt, true);
  ASSERT_TRUE(c.pump([&] { return c.streams[stalled].status != 0; }, 5s));
  EXPECT_EQ(c.streams[stalled].status, 408);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 450ms);
  on_shard([&] {
    auto frame = std::make_shared<const std::string>("data: still\n\n");
    sinks[0]->write({frame, *frame});
    sinks[0]->flush();
  });
  ASSERT_TRUE(c.pump([&] { return c.streams[kept].body == "data: still\n\n"; }));
  auto after = c.request("GET", "/after");
  ASSERT_TRUE(c.pump([&] { return c.streams[after].closed; }));
  EXPECT_EQ(c.streams[after].status, 200);
  EXPECT_FALSE(c.eof);
  EXPECT_EQ(streams_closed, 0);
}

TEST_F(H2Fixture, AClientThatStopsReadingTheSocketIsCutByTheWriteStall) {
  ServerOptions o = options();
  o.write_timeout = 1s;
  start(o);
  H2Client c(server->port(), {{NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, (1u << 31) - 1}});
  c.open_connection_window();
  auto id = c.request("GET", "/stream");
  ASSERT_TRUE(c.pump([&] { return c.streams[id].status == 200; }));
  // 16 MiB the windows allow and the socket cannot take while the client does not read.
  on_shard([&] {
    auto frame = std::make_shared<const std::string>(128 * 1024, 'e');
    for (int i = 0; i < 128; ++i)
      sinks[0]->write({frame, *frame});
    sinks[0]->flush();
  });
  for (int i = 0; i < 600 && streams_closed == 0; ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(streams_closed, 1);
  EXPECT_EQ(server->connections(), 0u);
}

TEST_F(H2Fixture, AnIdleConnectionGetsGoawayAndIsClosed) {
  ServerOptions o = options();
  o.idle_timeout = 300ms;
  start(o);
  H2Client c(server->port());
  auto id = c.request("GET", "/healthz");
  ASSERT_TRUE(c.pump([&] { return c.streams[id].closed; }));
  ASSERT_TRUE(c.pump([&] { return c.eof; }, 3s));
  EXPECT_EQ(c.goaway, std::optional<std::uint32_t>(NGHTTP2_NO_ERROR));
}

TEST_F(H2Fixture, IdleStreamsGetKeepAliveBytes) {
  ServerOptions o = options();
  o.keepalive_interval = 300ms;
  start(o);
  H2Client c(server->port());
  auto idle = c.request("GET", "/stream");
  auto busy = c.request("GET", "/stream");
  ASSERT_TRUE(c.pump([&] { return sink_count() == 2; }));
  ASSERT_TRUE(c.pump([&] { return c.streams[idle].body.starts_with(":\n"); }, 3s));
  EXPECT_TRUE(c.streams[busy].body.starts_with(":\n"));  // nothing written: idle too
}

TEST_F(H2Fixture, GracefulStopSendsGoawayEndsStreamsAndCloses) {
  start();
  H2Client c(server->port());
  auto id = c.request("GET", "/stream");
  ASSERT_TRUE(c.pump([&] { return sink_count() == 1; }));
  on_shard([&] {
    auto frame = std::make_shared<const std::string>("data: last\n\n");
    sinks[0]->write({frame, *frame});
    sinks[0]->flush();
  });
  server->stop();
  ASSERT_TRUE(c.pump([&] { return c.eof; }));
  EXPECT_EQ(c.goaway, std::optional<std::uint32_t>(NGHTTP2_NO_ERROR));
  EXPECT_TRUE(c.streams[id].ended);
  EXPECT_EQ(c.streams[id].body, "data: last\n\n");
  server->wait();
  EXPECT_EQ(streams_closed, 1);
  server.reset();
}

TEST_F(H2Fixture, HeadOnAStreamAnswersTheHeadersOnly) {
  start();
  H2Client c(server->port());
  auto id = c.request("HEAD", "/stream");
  ASSERT_TRUE(c.pump([&] { return c.streams[id].closed; }));
  EXPECT_EQ(c.streams[id].status, 200);
  EXPECT_EQ(c.streams[id].headers["content-type"], "text/event-stream");
  EXPECT_EQ(c.streams[id].headers.count("content-length"), 0u);
  EXPECT_TRUE(c.streams[id].ended);
  EXPECT_TRUE(c.streams[id].body.empty());
  ASSERT_TRUE(c.pump([&] { return streams_closed == 1; }));  // the handler's sink: closed
  on_shard([&] { EXPECT_TRUE(sinks[0]->closed()); });
}

TEST_F(H2Fixture, RefusesStreamsOverTheLimit) {
  ServerOptions o = options();
  o.h2_max_streams = 2;
  start(o);
  H2Client c(server->port());
  // Submitted before the server's SETTINGS arrive, so the client sends all three.
  auto a = c.request("GET", "/stream");
  auto b = c.request("GET", "/stream");
  auto refused = c.request("GET", "/stream");
  ASSERT_TRUE(c.pump([&] { return c.streams[refused].closed; }));
  EXPECT_EQ(c.streams[refused].close_code, static_cast<std::uint32_t>(NGHTTP2_REFUSED_STREAM));
  ASSERT_TRUE(c.pump([&] { return c.streams[a].status == 200 && c.streams[b].status == 200; }));
  EXPECT_EQ(sink_count(), 2u);
}

TEST_F(H2Fixture, FindsThePrefaceSplitAcrossReadsAndHttp11BesideIt) {
  start();
  int fd = connect_loopback(server->port());
  ASSERT_GE(fd, 0);
  const std::string preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
  for (char ch : preface) {  // one byte per segment
    ASSERT_EQ(::send(fd, &ch, 1, MSG_NOSIGNAL), 1);
    std::this_thread::sleep_for(2ms);
  }
  // SETTINGS (empty): the server answers with its own SETTINGS frame, type 4.
  const char settings[9] = {0, 0, 0, 4, 0, 0, 0, 0, 0};
  ASSERT_EQ(::send(fd, settings, sizeof settings, MSG_NOSIGNAL), 9);
  pollfd p{fd, POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 5000), 1);
  char head[9];
  ASSERT_EQ(::recv(fd, head, sizeof head, MSG_WAITALL), 9);
  EXPECT_EQ(head[3], 4);
  ::close(fd);

  // "P" alone could be the preface's start: an HTTP/1.1 request that starts so still works.
  fd = connect_loopback(server->port());
  ASSERT_EQ(::send(fd, "P", 1, MSG_NOSIGNAL), 1);
  std::this_thread::sleep_for(20ms);
  const std::string rest = "OST /h1 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi";
  ASSERT_EQ(::send(fd, rest.data(), rest.size(), MSG_NOSIGNAL), static_cast<ssize_t>(rest.size()));
  std::string got;
  for (int i = 0; i < 100 && got.find("POST /h1 hi") == std::string::npos; ++i) {
    if (::poll(&p, 1, 50) != 1) continue;
    char buf[512];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<std::size_t>(n));
  }
  EXPECT_NE(got.find("HTTP/1.1 200"), std::string::npos) << got;
  EXPECT_NE(got.find("POST /h1 hi"), std::string::npos) << got;
  ::close(fd);
}

TEST_F(H2Fixture, WithHttp2OffThePrefaceIsABadHttp11Request) {
  ServerOptions o = options();
  o.h2_max_streams = 0;
  start(o);
  H2Client c(server->port());
  auto id = c.request("GET", "/healthz");
  EXPECT_FALSE(c.pump([&] { return c.streams[id].closed; }, 2s));
  EXPECT_TRUE(c.eof);
}

TEST_F(H2Fixture, ALateAnswerFromAnotherThreadIsSent) {
  start();
  H2Client c(server->port());
  auto id = c.request("POST", "/late-thread", "hi");
  ASSERT_TRUE(c.pump([&] { return c.streams[id].closed; }));
  EXPECT_EQ(c.streams[id].status, 200);
  EXPECT_EQ(c.streams[id].body, "late POST /late-thread\n");
  EXPECT_EQ(c.streams[id].close_code, NGHTTP2_NO_ERROR);
}

TEST_F(H2Fixture, ALateStreamHoldsBackNoOtherStream) {
  start();
  H2Client c(server->port());
  auto late = c.request("GET", "/late");
  auto now = c.request("GET", "/now");
  ASSERT_TRUE(c.pump([&] { return c.streams[now].closed; }));
  EXPECT_EQ(c.streams[now].body, "GET /now  localhost\n");
  ASSERT_EQ(late_count(), 1u);
  EXPECT_EQ(c.streams[late].status, 0);  // nothing of it yet
  EXPECT_FALSE(c.streams[late].closed);
  answer_late(0, Response::text(201, "late"));
  answer_late(0, Response::text(500, "ignored"));  // the first call wins
  ASSERT_TRUE(c.pump([&] { return c.streams[late].closed; }));
  EXPECT_EQ(c.streams[late].status, 201);
  EXPECT_EQ(c.streams[late].body, "late\n");
}

TEST_F(H2Fixture, ALateAnswerForAStreamTheClientResetIsDropped) {
  start();
  H2Client c(server->port());
  auto late = c.request("GET", "/late");
  ASSERT_TRUE(c.pump([&] { return late_count() == 1; }));
  c.reset(late);
  // Asked after the reset on the same connection: answered once the reset was taken.
  auto after = c.request("GET", "/after-reset");
  ASSERT_TRUE(c.pump([&] { return c.streams[after].closed; }));
  answer_late(0, Response::text(200, "too late"));
  auto next = c.request("GET", "/next");
  ASSERT_TRUE(c.pump([&] { return c.streams[next].closed; }));
  EXPECT_EQ(c.streams[next].body, "GET /next  localhost\n");
  EXPECT_EQ(c.streams[late].status, 0);
  EXPECT_EQ(c.streams[late].body, "");
  EXPECT_FALSE(c.goaway.has_value());
  EXPECT_EQ(server->connections(), 1u);
}

TEST_F(H2Fixture, ALateAnswerAfterTheConnectionClosedIsDropped) {
  start();
  {
    H2Client c(server->port());
    c.request("GET", "/late");
    ASSERT_TRUE(c.pump([&] { return late_count() == 1; }));
  }
  for (int i = 0; i < 300 && server->connections() != 0; ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(server->connections(), 0u);
  answer_late(0, Response::text(200, "nobody reads this"));
  H2Client c(server->port());
  auto id = c.request("GET", "/next");
  ASSERT_TRUE(c.pump([&] { return c.streams[id].closed; }));
  EXPECT_EQ(c.streams[id].body, "GET /next  localhost\n");
}

TEST_F(H2Fixture, ALateAnswerToHeadSendsTheHeadersOnly) {
  start();
  H2Client c(server->port());
  auto id = c.request("HEAD", "/late-thread");
  ASSERT_TRUE(c.pump([&] { return c.streams[id].closed; }));
  EXPECT_EQ(c.streams[id].status, 200);
  EXPECT_EQ(c.streams[id].headers["content-length"], "23");  // "late HEAD /late-thread\n"
  EXPECT_TRUE(c.streams[id].ended);
  EXPECT_TRUE(c.streams[id].body.empty());
}

TEST_F(H2Fixture, AStopWaitsForALateAnswer) {
  start();
  H2Client c(server->port());
  auto id = c.request("POST", "/late", "event");
  ASSERT_TRUE(c.pump([&] { return late_count() == 1; }));
  server->stop();
  ASSERT_TRUE(c.pump([&] { return c.goaway.has_value(); }));
  answer_late(0, Response::text(200, "kept"));
  ASSERT_TRUE(c.pump([&] { return c.streams[id].closed; }));
  EXPECT_EQ(c.streams[id].status, 200);
  EXPECT_EQ(c.streams[id].body, "kept\n");
  server->wait();
}

}  // namespace
}  // namespace herald::http
