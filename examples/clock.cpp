// The classic SSE clock, served by your own C++ program with herald's HTTP layer and
// herald::sse: `retry: 10000`, a `connecttime` event, then the time every second until the
// client leaves. Try it: ./clock [PORT] (default 8081, 0: any free port), then
// curl -N http://127.0.0.1:8081/clock
#include <boost/asio/steady_timer.hpp>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <herald/http/server.hpp>
#include <herald/sse/sse.hpp>

using namespace herald;
using Timer = boost::asio::steady_timer;

static std::string now() {
  std::time_t t = std::time(nullptr);
  std::string text = std::ctime(&t);
  return text.substr(0, text.size() - 1);  // ctime ends with a newline
}

static void tick(std::shared_ptr<http::StreamSink> sink, std::shared_ptr<Timer> timer) {
  timer->expires_after(std::chrono::seconds(1));
  timer->async_wait([=](boost::system::error_code ec) {
    if (!ec && sse::send_event(*sink, {.data = now()})) tick(sink, timer);
  });
}

int main(int argc, char** argv) {
  std::uint16_t port = 8081;
  if (argc > 1) {
    const char* end = argv[1] + std::strlen(argv[1]);
    auto [rest, error] = std::from_chars(argv[1], end, port);
    if (argc > 2 || error != std::errc() || rest != end) {
      std::fprintf(stderr, "usage: %s [PORT]   (default 8081, 0: any free port)\n", argv[0]);
      return 2;
    }
  }
  http::Server* srv = nullptr;
  http::Server server({.port = port}, [&](const http::Request& req, http::Exchange& ex) {
    if (req.path() != "/clock") return ex.respond(http::Response::text(404, "try /clock"));
    auto sink = ex.open_stream("text/event-stream", sse::sse_headers());
    sse::send_event(*sink, {.type = "connecttime", .data = now(), .retry = 10000});
    auto timer = std::make_shared<Timer>(srv->context(sink->shard()));
    sink->on_close([timer] {
      timer->cancel();
      std::puts("client left, timer stopped");
    });
    tick(sink, timer);
  });
  srv = &server;
  server.bind();
  server.start();
  // Tests start the clock on port 0 and read the URL from here.
  std::printf("clock on http://127.0.0.1:%u/clock\n", server.port());
  std::fflush(stdout);
  server.wait();
}
