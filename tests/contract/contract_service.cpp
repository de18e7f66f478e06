// herald_contract_service: drives herald's C++ EventSource for an external SSE client
// contract harness, speaking the REST protocol of LaunchDarkly's sse-contract-tests
// (docs/service_spec.md there). See docs/CLIENT.md for how to run the harness against it.
//
//   GET    /              200 {"name", "capabilities"}
//   DELETE /              stops the service
//   POST   /              creates a stream from {streamUrl, callbackUrl, initialDelayMs,
//                         lastEventId, headers, method, body, readTimeoutMs}: 201, Location
//   POST   /streams/<n>   {"command": "restart" | "listen"}
//   DELETE /streams/<n>   closes that stream
#include <atomic>
#include <csignal>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include <CLI/CLI.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "herald/http/server.hpp"
#include "stream_entity.hpp"

namespace {

using herald::http::Response;
using nlohmann::json;

volatile std::sig_atomic_t signalled = 0;

// What optional_features.md of the harness lists and this service really does. Not
// "event-type-listeners": every event reaches on_event without a listen command.
const char* const capabilities[] = {
    "bom",                           // a UTF-8 BOM opening a stream is skipped (wire::Parser)
    "comments",                      // EventSource::on_comment
    "headers",                       // Options::headers
    "last-event-id",                 // Options::last_event_id
    "payload-size-stress-testable",  // events up to max_event_bytes (stream_entity.cpp)
    "post",                          // Options::method and Options::body
    "read-timeout",                  // ConnectionPolicy::read_timeout
    "report",                        // Options::method and Options::body
    "restart",                       // EventSource::restart
};

// 204 carries nothing, not even a Content-Type.
Response no_content() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

class Service {
 public:
  explicit Service(const boost::asio::any_io_executor& client_executor)
      : client_executor_(client_executor) {}

  void handle(const herald::http::Request& req, herald::http::Exchange& ex) {
    const std::string_view path = req.path();
    if (path == "/") {
      if (req.method == "GET") return ex.respond(status());
      if (req.method == "POST") return ex.respond(create(req.body));
      if (req.method == "DELETE") {
        stop_requested_ = true;
        return ex.respond(no_content());
      }
      return ex.respond(Response::text(405, "GET, POST or DELETE"));
    }
    constexpr std::string_view prefix = "/streams/";
    if (path.substr(0, prefix.size()) != prefix)
      return ex.respond(Response::text(404, "no such resource"));
    const std::string id(path.substr(prefix.size()));
    if (req.method == "DELETE") return ex.respond(remove(id));
    if (req.method == "POST") return ex.respond(command(id, req.body));
    ex.respond(Response::text(405, "POST or DELETE"));
  }

  bool stop_requested() const { return stop_requested_; }

  void close_all() {
    std::lock_guard lock(mutex_);
    streams_.clear();
  }

 private:
  static Response status() {
    Response r;
    r.content_type = "application/json";
    r.body = json{{"name", "herald-cpp-client"}, {"capabilities", capabilities}}.dump();
    return r;
  }

  Response create(const std::string& body) {
    const json params = json::parse(body, nullptr, /*allow_exceptions=*/false);
    std::shared_ptr<herald::contract::StreamEntity> entity;
    try {
      entity = std::make_shared<herald::contract::StreamEntity>(client_executor_, params);
    } catch (const std::exception& e) {
      return Response::text(400, e.what());
    }
    std::lock_guard lock(mutex_);
    const std::string id = std::to_string(++next_id_);
    streams_[id] = std::move(entity);
    Response r = Response::text(201, "");
    r.headers.push_back({"Location", "/streams/" + id});
    return r;
  }

  Response command(const std::string& id, const std::string& body) {
    std::shared_ptr<herald::contract::StreamEntity> entity = find(id);
    if (!entity) return Response::text(404, "no such stream");
    const json params = json::parse(body, nullptr, /*allow_exceptions=*/false);
    return entity->command(params) ? Response::text(202, "")
                                   : Response::text(400, "unknown command");
  }

  Response remove(const std::string& id) {
    std::shared_ptr<herald::contract::StreamEntity> entity;
    {
      std::lock_guard lock(mutex_);
      const auto it = streams_.find(id);
      if (it == streams_.end()) return Response::text(404, "no such stream");
      entity = std::move(it->second);
      streams_.erase(it);
    }
    entity.reset();  // closes the EventSource, stops its callbacks
    return no_content();
  }

  std::shared_ptr<herald::contract::StreamEntity> find(const std::string& id) {
    std::lock_guard lock(mutex_);
    const auto it = streams_.find(id);
    return it == streams_.end() ? nullptr : it->second;
  }

  boost::asio::any_io_executor client_executor_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<herald::contract::StreamEntity>> streams_;
  unsigned next_id_ = 0;
  std::atomic<bool> stop_requested_{false};
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Test service for an SSE client contract harness (LaunchDarkly sse-contract-tests)"};
  std::uint16_t port = 8000;
  app.add_option("--port", port, "Port to listen on, on 127.0.0.1 (0: any free)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGINT, [](int) { signalled = 1; });
  std::signal(SIGTERM, [](int) { signalled = 1; });

  // Every EventSource runs on this one thread.
  boost::asio::io_context client_io;
  auto work = boost::asio::make_work_guard(client_io);
  std::thread client_thread([&] { client_io.run(); });

  Service service(client_io.get_executor());
  herald::http::ServerOptions options;
  options.port = port;
  options.threads = 1;
  options.keepalive_interval = std::chrono::milliseconds(0);
  herald::http::Server server(options,
                              [&](const herald::http::Request& req, herald::http::Exchange& ex) {
                                service.handle(req, ex);
                              });
  try {
    server.bind();
    server.start();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cannot listen on port %u: %s\n", port, e.what());
    work.reset();
    client_io.stop();
    client_thread.join();
    return 1;
  }
  std::printf("listening on http://127.0.0.1:%u\n", server.port());
  std::fflush(stdout);

  while (!signalled && !service.stop_requested()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  // The answer to DELETE / gets a moment to leave before the listener goes.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  server.stop();
  server.wait();
  service.close_all();
  // The closed sources finish their cancelled operations, then the client thread runs out
  // of work; past 2 s it is stopped anyway.
  work.reset();
  for (int i = 0; i < 40 && !client_io.stopped(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  client_io.stop();
  client_thread.join();
  return 0;
}
