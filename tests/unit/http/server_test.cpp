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

#include <boost/asio/post.hpp>

namespace herald::http {
namespace {

using namespace std::chrono_literals;

// A blocking client socket with bounded reads.
class Client {
 public:
  explicit Client(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Client() { ::close(fd_); }
  bool connected() const { return connected_; }
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

  void start(ServerOptions options = {}) {
    options.port = 0;
    options.threads = 1;
    server = std::make_unique<Server>(options, [this](const Request& r, Exchange& e) {
      if (r.path() == "/stream") {
        auto sink = e.open_stream("text/event-stream", {{"X-Test", "1"}});
        sink->on_close([this] { ++streams_closed; });
        std::lock_guard lock(mutex);
        stream = sink;
        return;
      }
      if (r.path() == "/silent") return;       // gives no answer: the server must send a 500
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

}  // namespace
}  // namespace herald::http
