// An out-of-tree program built against an installed herald (find_package(herald)): it serves
// an SSE stream with herald::sse on a loopback port and reads its own stream back with
// herald::client. Exits 0 once it has received every event, 1 if they do not all come in time.
//   ./consumer [EVENTS]   (default 5)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <herald/client/blocking_event_source.hpp>
#include <herald/http/server.hpp>
#include <herald/sse/periodic_stream.hpp>
#include <herald/sse/sse.hpp>

using namespace herald;
using namespace std::chrono_literals;

int main(int argc, char** argv) {
  const int wanted = argc > 1 ? std::atoi(argv[1]) : 5;
  if (wanted <= 0) {
    std::fprintf(stderr, "usage: %s [EVENTS]   (a positive count, default 5)\n", argv[0]);
    return 2;
  }

  // GET /count: `tick 1`, `tick 2`, ... every 50 ms until the client leaves.
  http::Server* srv = nullptr;
  http::Server server({.port = 0}, [&](const http::Request& req, http::Exchange& ex) {
    if (req.path() != "/count") return ex.respond(http::Response::text(404, "try /count"));
    auto sink = ex.open_stream("text/event-stream", sse::sse_headers());
    auto count = std::make_shared<int>(0);
    sse::stream_periodically(sink, srv->context(sink->shard()), 50ms, [count] {
      ++*count;
      return wire::Event{
          .id = std::to_string(*count), .type = "tick", .data = "tick " + std::to_string(*count)};
    });
  });
  srv = &server;
  server.bind();
  server.start();
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/count";
  std::printf("serving %s\n", url.c_str());

  int received = 0;
  {
    client::BlockingEventSource source({.url = url});
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (received < wanted && std::chrono::steady_clock::now() < deadline) {
      auto event = source.next(1s);
      if (!event) continue;
      ++received;
      std::printf("%s: %s\n", event->type.c_str(), event->data.c_str());
    }
  }
  server.stop();
  server.wait();

  if (received < wanted) {
    std::fprintf(stderr, "consumer: received %d of %d events in 10 s\n", received, wanted);
    return 1;
  }
  std::printf("consumer: received %d events\n", received);
  return 0;
}
