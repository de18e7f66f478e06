// The classic SSE clock, served by your own C++ program with herald's HTTP layer:
// `retry: 10000`, a `connecttime` event, then the time every second until the client
// leaves. Try it: ./clock, then curl -N http://127.0.0.1:8081/clock
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <herald/http/server.hpp>
#include <herald/server/sse.hpp>

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
    if (!ec && server::send_event(*sink, {.data = now()})) tick(sink, timer);
  });
}

int main() {
  http::Server* srv = nullptr;
  http::Server server({.port = 8081}, [&](const http::Request& req, http::Exchange& ex) {
    if (req.path() != "/clock") return ex.respond(http::Response::text(404, "try /clock"));
    auto sink = ex.open_stream("text/event-stream", server::sse_headers());
    server::send_event(*sink, {.type = "connecttime", .data = now(), .retry = 10000});
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
  std::printf("clock on http://127.0.0.1:%u/clock\n", server.port());
  server.wait();
}
