// The HTTP/1.1 server on a real loopback socket, driven by a blocking test client.
#include "herald/http/server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/post.hpp>

namespace herald::http {
namespace {

using namespace std::chrono_literals;

// A blocking client socket with bounded reads.
class Client {
 public:
  explicit Client(std::uint16_t port, bool ipv6 = false) {
    fd_ = ::socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
    if (ipv6) {
      sockaddr_in6 addr{};
      addr.sin6_family = AF_INET6;
      addr.sin6_port = htons(port);
      addr.sin6_addr = in6addr_loopback;
      connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
      return;
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Client() { ::close(fd_); }
  bool connected() const { return connected_; }
  // Sends what fits; false once the server closed (used for floods the server cuts).
  bool try_send(std::string_view bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) > 0;
  }
  void send(std::string_view bytes) {
    ASSERT_EQ(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(bytes.size()));
  }
  // Reads until `needle` appears in what was read, EOF, or the timeout.
  std::string read_until(std::string_view needle, std::chrono::milliseconds timeout = 5s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (received_.find(needle) == std::string::npos && !eof_) {
      auto left = deadline - std::chrono::steady_clock::now();
      if (left <= 0ms) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1,
                 static_cast<int>(
                     std::chrono::duration_cast<std::chrono::milliseconds>(left).count())) <= 0)
        break;
      char buf[4096];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0)
        eof_ = true;
      else
        received_.append(buf, static_cast<std::size_t>(n));
    }
    return received_;
  }
  bool wait_eof(std::chrono::milliseconds timeout = 5s) {
    read_until("\x01\x02 never", timeout);
    return eof_;
  }

 private:
  int fd_;
  bool connected_ = false;
  bool eof_ = false;
  std::string received_;
};

struct Fixture : ::testing::Test {
  std::unique_ptr<Server> server;
  std::mutex mutex;
  std::shared_ptr<StreamSink> stream;  // the last stream opened
  std::atomic<int> streams_closed{0};
  std::vector<std::shared_ptr<LateResponse>> lates;  // /late's, in order: the test answers
  std::vector<std::thread> answerers;                // /late-thread's

  void start(ServerOptions options = {}) {
    if (options.host == ServerOptions{}.host) options.port = 0;
    options.threads = 1;
    server = std::make_unique<Server>(options, [this](const Request& r, Exchange& e) {
      if (r.path() == "/stream") {
        auto sink = e.open_stream("text/event-stream", {{"X-Test", "1"}});
        sink->on_close([this] { ++streams_closed; });
        std::lock_guard lock(mutex);
        stream = sink;
        return;
      }
      if (r.path() == "/silent") return;  // gives no answer: the server must send a 500
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
      if (r.path() == "/big") {  // a large answer, to fill socket buffers
        e.respond(Response::text(200, std::string(1024 * 1024, 'b')));
        return;
      }
      if (r.path().starts_with("/status/")) {  // that status, with a body it must not send
        e.respond(Response::text(std::stoi(std::string(r.path().substr(8))), "not for the wire"));
        return;
      }
      Response resp = Response::text(200, std::string(r.method) + " " + r.target + " " + r.body);
      resp.headers.push_back({"X-Header-Seen", std::string(r.header("x-custom"))});
      e.respond(std::move(resp));
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
  // Runs `fn` on the server's shard (where the stream lives) and waits for it.
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
  // The `index`th /late request's answer, once its handler ran (null after 5 s).
  std::shared_ptr<LateResponse> wait_late(std::size_t index) {
    for (int i = 0; i < 500; ++i) {
      {
        std::lock_guard lock(mutex);
        if (lates.size() > index) return lates[index];
      }
      std::this_thread::sleep_for(10ms);
    }
    return nullptr;
  }
  std::shared_ptr<StreamSink> wait_stream() {
    for (int i = 0; i < 500; ++i) {
      {
        std::lock_guard lock(mutex);
        if (stream) return stream;
      }
      std::this_thread::sleep_for(10ms);
    }
    return nullptr;
  }
};

TEST_F(Fixture, AnswersPipelinedRequestsInOrder) {
  start();
  Client c(server->port());
  c.send(
      "GET /one HTTP/1.1\r\nHost: x\r\nX-Custom: hi\r\n\r\n"
      "POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbody"
      "GET /three HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  std::string got = c.read_until("GET /three");
  auto one = got.find("GET /one");
  auto two = got.find("POST /two body");
  auto three = got.find("GET /three");
  ASSERT_NE(one, std::string::npos) << got;
  ASSERT_NE(two, std::string::npos) << got;
  ASSERT_NE(three, std::string::npos) << got;
  EXPECT_LT(one, two);
  EXPECT_LT(two, three);
  EXPECT_NE(got.find("X-Header-Seen: hi"), std::string::npos);
  EXPECT_TRUE(c.wait_eof());  // Connection: close honoured
}

// The first response in `bytes`: its head, and what follows the head.
struct SplitResponse {
  std::string head;
  std::string rest;
};
SplitResponse split_first_response(const std::string& bytes) {
  const auto end = bytes.find("\r\n\r\n");
  if (end == std::string::npos) return {bytes, ""};
  return {bytes.substr(0, end + 4), bytes.substr(end + 4)};
}

TEST_F(Fixture, NoContentAndNotModifiedEndWithTheirHead) {
  start();
  Client c(server->port());
  c.send(
      "GET /status/204 HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /status/304 HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /after HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const std::string got = c.read_until("GET /after");
  EXPECT_EQ(got.find("not for the wire"), std::string::npos) << got;
  const auto no_content = split_first_response(got);
  EXPECT_TRUE(no_content.head.starts_with("HTTP/1.1 204 ")) << got;
  const auto not_modified = split_first_response(no_content.rest);
  EXPECT_TRUE(not_modified.head.starts_with("HTTP/1.1 304 ")) << got;
  EXPECT_TRUE(not_modified.rest.starts_with("HTTP/1.1 200 ")) << got;
  for (const std::string& head : {no_content.head, not_modified.head}) {
    EXPECT_EQ(head.find("Content-Length"), std::string::npos) << head;
    EXPECT_EQ(head.find("Transfer-Encoding"), std::string::npos) << head;
  }
}

TEST_F(Fixture, HeadAnswersWithTheContentLengthButNoContent) {
  start();
  Client c(server->port());
  c.send(
      "HEAD /one HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /two HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const std::string got = c.read_until("GET /two");
  const auto head = split_first_response(got);
  EXPECT_TRUE(head.head.starts_with("HTTP/1.1 200 ")) << got;
  // The length of what a GET gets ("HEAD /one \n" here), none of its bytes.
  EXPECT_NE(head.head.find("Content-Length: 11\r\n"), std::string::npos) << got;
  EXPECT_TRUE(head.rest.starts_with("HTTP/1.1 200 ")) << got;
  EXPECT_EQ(got.find("HEAD /one \n"), std::string::npos) << got;
}

TEST_F(Fixture, RejectsOversizedHeadersAndBodies) {
  ServerOptions o;
  o.max_header_bytes = 1024;
  o.max_body_bytes = 10;
  start(o);
  {
    Client c(server->port());
    c.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n");
    EXPECT_NE(c.read_until("\r\n\r\n").find("431"), std::string::npos);
    EXPECT_TRUE(c.wait_eof());
  }
  {
    Client c(server->port());
    c.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n");
    EXPECT_NE(c.read_until("\r\n\r\n").find("413"), std::string::npos);
  }
  {
    Client c(server->port());
    c.send("NOT HTTP AT ALL\r\n\r\n");
    EXPECT_NE(c.read_until("\r\n\r\n").find("400"), std::string::npos);
  }
}

TEST_F(Fixture, CountsManySmallHeaderLinesAgainstTheLimit) {
  ServerOptions o;
  o.max_header_bytes = 2048;
  start(o);
  Client c(server->port());
  c.send("GET / HTTP/1.1\r\nHost: x\r\n");
  // Sent line by line, so the parser consumes the header in many small pieces.
  for (int i = 0; i < 60; ++i)
    c.send("X-H" + std::to_string(i) + ": " + std::string(50, 'v') + "\r\n");
  c.send("\r\n");
  EXPECT_NE(c.read_until("\r\n\r\n").find("431"), std::string::npos);
}

TEST_F(Fixture, HandlerWithoutAnswerGets500) {
  start();
  Client c(server->port());
  c.send("GET /silent HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(c.read_until("\r\n\r\n").find("500"), std::string::npos);
}

TEST_F(Fixture, ClosesSlowlorisAfterHeaderTimeout) {
  ServerOptions o;
  o.header_timeout = 300ms;
  start(o);
  Client c(server->port());
  c.send("GET / HTTP/1.1\r\nHost: x\r\n");  // never finishes its headers
  EXPECT_TRUE(c.wait_eof(3s));
}

TEST_F(Fixture, StreamsChunkedSharedBytesAndEndsCleanly) {
  start();
  Client c(server->port());
  c.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string head = c.read_until("\r\n\r\n");
  EXPECT_NE(head.find("200 OK"), std::string::npos);
  EXPECT_NE(head.find("Transfer-Encoding: chunked"), std::string::npos);
  EXPECT_NE(head.find("Content-Type: text/event-stream"), std::string::npos);
  EXPECT_NE(head.find("X-Test: 1"), std::string::npos);
  auto sink = wait_stream();
  ASSERT_TRUE(sink);
  auto shared = std::make_shared<std::string>("data: one\n\n");
  on_shard([&] {
    sink->write({shared, *shared});
    sink->write({nullptr, "data: two\n\n"});
    sink->flush();  // both in one chunk
  });
  std::string got = c.read_until("two\n\n\r\n");
  EXPECT_NE(got.find("16\r\ndata: one\n\ndata: two\n\n\r\n"), std::string::npos) << got;
  on_shard([&] { sink->end(); });
  EXPECT_NE(c.read_until("0\r\n\r\n").find("0\r\n\r\n"), std::string::npos);
  EXPECT_TRUE(c.wait_eof());
  // The close callback runs on the shard after the socket closed: wait for it (bounded).
  for (int i = 0; i < 300 && streams_closed == 0; ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(streams_closed.load(), 1);
}

TEST_F(Fixture, AbortLaterFromTheStreamsOwnProceedClosesItAfterwards) {
  start();
  Client c(server->port());
  c.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
  c.read_until("\r\n\r\n");
  auto sink = wait_stream();
  ASSERT_TRUE(sink);
  bool closed_inside = true;
  on_shard([&] {
    StreamSink* s = sink.get();  // not owned: the callback lives in the sink
    s->on_proceed([s, &closed_inside] {
      s->abort_later();  // inside the stream's own callback, after its write completed
      closed_inside = s->closed();
      s->write({nullptr, "data: dropped\n\n"});  // dropped: the stream is being cut
      s->flush();
    });
    s->write({nullptr, "data: last\n\n"});
    s->flush();
  });
  EXPECT_TRUE(c.wait_eof());
  for (int i = 0; i < 300 && streams_closed == 0; ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(streams_closed.load(), 1);
  EXPECT_FALSE(closed_inside) << "the abort takes effect after the callback returns";
  std::string got = c.read_until("never");
  EXPECT_NE(got.find("data: last\n\n"), std::string::npos) << got;
  EXPECT_EQ(got.find("dropped"), std::string::npos) << got;
  EXPECT_EQ(got.find("0\r\n\r\n"), std::string::npos) << "cut, not ended: " << got;
}

TEST_F(Fixture, NoticesWhenTheClientLeavesAStream) {
  start();
  {
    Client c(server->port());
    c.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
    c.read_until("\r\n\r\n");
    ASSERT_TRUE(wait_stream());
  }
  for (int i = 0; i < 300 && streams_closed == 0; ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(streams_closed.load(), 1);
  EXPECT_TRUE(stream->closed());
}

TEST_F(Fixture, RefusesConnectionsOverTheLimit) {
  ServerOptions o;
  o.max_connections = 1;
  start(o);
  Client first(server->port());
  first.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
  first.read_until("\r\n\r\n");
  Client second(server->port());
  EXPECT_NE(second.read_until("\r\n\r\n").find("503"), std::string::npos);
}

TEST_F(Fixture, GracefulStopEndsStreamsAndReturns) {
  start();
  Client c(server->port());
  c.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
  c.read_until("\r\n\r\n");
  ASSERT_TRUE(wait_stream());
  auto started = std::chrono::steady_clock::now();
  server->stop();
  server->wait();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
  EXPECT_NE(c.read_until("0\r\n\r\n").find("0\r\n\r\n"), std::string::npos);
  EXPECT_EQ(streams_closed.load(), 1);
}

bool connections_drop_to(Server& server, std::size_t n, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (server.connections() != n && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  return server.connections() == n;
}

// Polls `done` for up to `timeout` (the counts change on the shard's thread).
template <typename Pred>
bool eventually(Pred done, std::chrono::milliseconds timeout = 3s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  return done();
}

TEST_F(Fixture, CountsHttp11ConnectionsAndStreamsByProtocol) {
  start();
  auto h1 = [&] { return server->by_protocol().connections[0][0]; };
  auto h1_streams = [&] { return server->by_protocol().streams[0][0]; };
  {
    Client idle(server->port());
    Client streaming(server->port());
    streaming.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
    streaming.read_until("\r\n\r\n");
    ASSERT_TRUE(wait_stream());
    EXPECT_TRUE(eventually([&] { return h1() == 2; })) << h1();
    EXPECT_EQ(h1_streams(), 1u);
    const ProtocolCounts counts = server->by_protocol();
    EXPECT_EQ(counts.connections[1][0] + counts.connections[0][1] + counts.connections[1][1], 0u);
    EXPECT_EQ(counts.streams[1][0] + counts.streams[0][1] + counts.streams[1][1], 0u);
  }
  EXPECT_TRUE(eventually([&] { return h1() == 0 && h1_streams() == 0; }))
      << h1() << " connections, " << h1_streams() << " streams";
  EXPECT_EQ(streams_closed.load(), 1);
}

TEST_F(Fixture, RefusesANeverEndingChunkExtensionQuickly) {
  ServerOptions o;
  o.max_header_bytes = 1024;
  start(o);
  Client c(server->port());
  c.send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n7;");
  const std::string extension(4096, 'e');
  for (int i = 0; i < 64 && c.try_send(extension); ++i) {
  }
  const std::string got = c.read_until("\r\n\r\n", 2s);
  EXPECT_TRUE(got.starts_with("HTTP/1.1 431 ")) << got;
  EXPECT_TRUE(c.wait_eof(2s));
}

TEST_F(Fixture, RefusesANeverEndingTrailerQuickly) {
  ServerOptions o;
  o.max_header_bytes = 1024;
  start(o);
  Client c(server->port());
  c.send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\nX-T: ");
  const std::string value(4096, 't');
  for (int i = 0; i < 64 && c.try_send(value); ++i) {
  }
  const std::string got = c.read_until("\r\n\r\n", 2s);
  EXPECT_TRUE(got.starts_with("HTTP/1.1 431 ")) << got;
  EXPECT_TRUE(c.wait_eof(2s));
}

TEST_F(Fixture, RefusesSmuggledRequestsAndNeverAnswersTheSecond) {
  start();
  for (std::string_view framing :
       {"Transfer-Encoding: gzip", "Transfer-Encoding: chunked, identity",
        "Transfer-Encoding: chunked\r\nContent-Length: 5"}) {
    Client c(server->port());
    c.send("POST /first HTTP/1.1\r\nHost: x\r\n" + std::string(framing) +
           "\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_TRUE(c.wait_eof(3s)) << framing;
    const std::string got = c.read_until("never");
    EXPECT_TRUE(got.starts_with("HTTP/1.1 400 ")) << framing << ": " << got;
    EXPECT_EQ(got.find("smuggled"), std::string::npos) << framing << ": " << got;
  }
}

TEST_F(Fixture, CutsPipelinedRequestsWhoseAnswersAreNeverRead) {
  ServerOptions o;
  o.write_timeout = 500ms;
  o.idle_timeout = 60s;
  start(o);
  Client c(server->port());
  std::string requests;
  for (int i = 0; i < 64; ++i)
    requests += "GET /big HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_TRUE(connections_drop_to(*server, 1, 2s));  // accepted
  c.send(requests);  // and never read: 64 MiB of answers cannot fit any socket buffer
  EXPECT_TRUE(connections_drop_to(*server, 0, 4s)) << server->connections();
}

TEST_F(Fixture, CutsAStreamWhoseReaderStopped) {
  ServerOptions o;
  o.write_timeout = 500ms;
  start(o);
  Client c(server->port());
  c.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
  auto sink = wait_stream();
  ASSERT_TRUE(sink);
  auto event = std::make_shared<std::string>(1024 * 1024, 'x');
  on_shard([&] {
    for (int i = 0; i < 32; ++i)  // 32 MiB queued; the reader never reads
      sink->write({event, *event});
    sink->flush();
  });
  for (int i = 0; i < 400 && streams_closed == 0; ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(streams_closed.load(), 1);
}

TEST_F(Fixture, HeadOnAStreamAnswersTheHeadAndGoesOn) {
  start();
  Client c(server->port());
  c.send(
      "HEAD /stream HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /after HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const std::string got = c.read_until("GET /after");
  const auto head = split_first_response(got);
  EXPECT_TRUE(head.head.starts_with("HTTP/1.1 200 ")) << got;
  EXPECT_NE(head.head.find("Content-Type: text/event-stream"), std::string::npos) << got;
  EXPECT_TRUE(head.rest.starts_with("HTTP/1.1 200 ")) << got;
  EXPECT_NE(head.rest.find("GET /after"), std::string::npos) << got;
  EXPECT_TRUE(c.wait_eof());
  // The handler's stream is over from the start and says so.
  auto sink = wait_stream();
  ASSERT_TRUE(sink);
  EXPECT_TRUE(sink->closed());
  for (int i = 0; i < 300 && streams_closed == 0; ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(streams_closed.load(), 1);
}

TEST_F(Fixture, TakesPathAndQueryFromAnAbsoluteTarget) {
  start();
  Client c(server->port());
  c.send("GET http://hub.example/abs?q=1 HTTP/1.1\r\nHost: hub.example\r\n\r\n");
  EXPECT_NE(c.read_until("q=1").find("GET /abs?q=1 "), std::string::npos);
}

TEST_F(Fixture, AcceptsASlowBodyThatKeepsComingAndTimesOutOneThatStops) {
  ServerOptions o;
  o.header_timeout = 500ms;
  o.body_timeout = 500ms;
  start(o);
  {
    Client c(server->port());
    c.send("POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\n\r\n");
    for (int i = 0; i < 8; ++i) {  // 1.6 s in all, each byte within the body timeout
      std::this_thread::sleep_for(200ms);
      c.send("b");
    }
    EXPECT_NE(c.read_until("bbbbbbbb").find("POST /slow bbbbbbbb"), std::string::npos);
  }
  {
    Client c(server->port());
    c.send("POST /stalled HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\n\r\nbb");
    EXPECT_TRUE(c.read_until("\r\n\r\n", 3s).starts_with("HTTP/1.1 408 "));
    EXPECT_TRUE(c.wait_eof(2s));
  }
}

TEST_F(Fixture, StopAnswersARequestBeingReadWithConnectionClose) {
  start();
  Client c(server->port());
  c.send("POST /half HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\n\r\nfour");
  std::this_thread::sleep_for(100ms);
  server->stop();
  std::this_thread::sleep_for(200ms);
  c.send("more");
  const std::string got = c.read_until("fourmore");
  EXPECT_TRUE(got.starts_with("HTTP/1.1 200 ")) << got;
  EXPECT_NE(got.find("Connection: close"), std::string::npos) << got;
  EXPECT_NE(got.find("POST /half fourmore"), std::string::npos) << got;
  EXPECT_TRUE(c.wait_eof());
}

bool has_ipv6_loopback() {
  int fd = ::socket(AF_INET6, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in6 addr{};
  addr.sin6_family = AF_INET6;
  addr.sin6_addr = in6addr_loopback;
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

TEST_F(Fixture, LocalhostListensOnBothLoopbackAddresses) {
  if (!has_ipv6_loopback()) GTEST_SKIP() << "no ::1 on this machine";
  ServerOptions o;
  o.host = "localhost";
  o.port = 0;
  start(o);
  for (bool ipv6 : {false, true}) {
    Client c(server->port(), ipv6);
    ASSERT_TRUE(c.connected()) << (ipv6 ? "::1" : "127.0.0.1");
    c.send("GET /hi HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_NE(c.read_until("GET /hi").find("GET /hi"), std::string::npos);
  }
}

TEST_F(Fixture, ALateAnswerFromAnotherThreadIsSentAndTheConnectionGoesOn) {
  start();
  Client c(server->port());
  c.send("POST /late-thread HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi");
  std::string got = c.read_until("late POST /late-thread\n");
  EXPECT_TRUE(got.starts_with("HTTP/1.1 200 ")) << got;
  EXPECT_NE(got.find("Content-Length: 23\r\n"), std::string::npos) << got;
  c.send("GET /after HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(c.read_until("GET /after").find("GET /after"), std::string::npos);
  EXPECT_TRUE(c.wait_eof());
}

TEST_F(Fixture, APipelinedRequestWaitsForTheLateAnswerBeforeIt) {
  start();
  Client c(server->port());
  c.send(
      "GET /late HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /now HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  auto late = wait_late(0);
  ASSERT_TRUE(late);
  // Nothing goes out before the late answer: not even the immediate one behind it.
  EXPECT_EQ(c.read_until("HTTP/1.1", 200ms), "");
  std::thread([late] {
    late->respond(Response::text(200, "first"));
    late->respond(Response::text(200, "ignored"));  // the first call wins
  }).join();
  std::string got = c.read_until("GET /now");
  const auto first = got.find("first\n");
  const auto now = got.find("GET /now");
  ASSERT_NE(first, std::string::npos) << got;
  ASSERT_NE(now, std::string::npos) << got;
  EXPECT_LT(first, now) << got;
  EXPECT_EQ(got.find("ignored"), std::string::npos) << got;
  EXPECT_TRUE(c.wait_eof());
}

TEST_F(Fixture, RequestsPipelinedWhileAnAnswerIsLateAreAnsweredAfterItInOrder) {
  ServerOptions o;
  o.max_header_bytes = 1024;  // what the connection reads meanwhile: less than comes
  start(o);
  Client c(server->port());
  c.send("GET /late HTTP/1.1\r\nHost: x\r\n\r\n");
  auto late = wait_late(0);
  ASSERT_TRUE(late);
  std::string pipelined;
  for (int i = 0; i < 100; ++i)
    pipelined += "GET /n" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n";
  c.send(pipelined);
  std::this_thread::sleep_for(100ms);  // read up to the budget; the rest waits in the kernel
  late->respond(Response::text(200, "late one"));
  std::string got = c.read_until("GET /n99 ");
  std::size_t at = got.find("late one");
  ASSERT_NE(at, std::string::npos) << got;
  for (int i = 0; i < 100; ++i) {
    const std::size_t next = got.find("GET /n" + std::to_string(i) + " ", at);
    ASSERT_NE(next, std::string::npos) << i << ": " << got;
    at = next;
  }
}

TEST_F(Fixture, ALateAnswerIsNotCutByTheIdleOrHeaderTimeouts) {
  ServerOptions o;
  o.idle_timeout = 100ms;
  o.header_timeout = 100ms;
  start(o);
  Client c(server->port());
  c.send("GET /late HTTP/1.1\r\nHost: x\r\n\r\n");
  auto late = wait_late(0);
  ASSERT_TRUE(late);
  std::this_thread::sleep_for(700ms);  // a few sweeps
  late->respond(Response::text(200, "still here"));
  EXPECT_NE(c.read_until("still here").find("still here"), std::string::npos);
}

TEST_F(Fixture, ALateAnswerAfterTheClientLeftIsDropped) {
  start();
  std::shared_ptr<LateResponse> late;
  {
    Client c(server->port());
    c.send("GET /late HTTP/1.1\r\nHost: x\r\n\r\n");
    late = wait_late(0);
    ASSERT_TRUE(late);
  }
  // The connection notices the client leaving while its answer is pending.
  EXPECT_TRUE(connections_drop_to(*server, 0, 3s)) << server->connections();
  std::thread([late] { late->respond(Response::text(200, "nobody reads this")); }).join();
  Client next(server->port());
  next.send("GET /next HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(next.read_until("GET /next").find("GET /next"), std::string::npos);
}

TEST_F(Fixture, ALateAnswerToHeadSendsTheHeadOnly) {
  start();
  Client c(server->port());
  c.send(
      "HEAD /late-thread HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /after HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const std::string got = c.read_until("GET /after");
  const auto head = split_first_response(got);
  EXPECT_TRUE(head.head.starts_with("HTTP/1.1 200 ")) << got;
  // "late HEAD /late-thread\n": announced, not sent.
  EXPECT_NE(head.head.find("Content-Length: 23\r\n"), std::string::npos) << got;
  EXPECT_TRUE(head.rest.starts_with("HTTP/1.1 200 ")) << got;
  EXPECT_EQ(got.find("late HEAD"), std::string::npos) << got;
}

TEST_F(Fixture, AStopWaitsForALateAnswerAndSendsItWithConnectionClose) {
  start();
  Client c(server->port());
  c.send("POST /late HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nevent");
  auto late = wait_late(0);
  ASSERT_TRUE(late);
  server->stop();
  std::this_thread::sleep_for(100ms);  // the shutdown has reached the connection
  late->respond(Response::text(200, "kept"));
  const std::string got = c.read_until("kept\n");
  EXPECT_TRUE(got.starts_with("HTTP/1.1 200 ")) << got;
  EXPECT_NE(got.find("Connection: close\r\n"), std::string::npos) << got;
  EXPECT_TRUE(c.wait_eof());
  server->wait();
}

}  // namespace
}  // namespace herald::http
