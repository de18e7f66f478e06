// Client benchmarks: the receive pipeline without sockets (HTTP/1.1 chunked decoding by
// ResponseReader, then the SSE parser, then dispatch), and events/s over one real loopback
// connection (a firehose thread writes pre-serialized events as fast as the kernel takes
// them; an EventSource counts them). bench/client_vs_curl.sh compares `herald sub` with
// `curl -N | grep -c` on the same kind of stream.
#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <string_view>
#include <thread>

#include <boost/asio/io_context.hpp>

#include "herald/client/event_source.hpp"
#include "herald/client/response_reader.hpp"
#include "herald/wire/parser.hpp"

namespace {

using herald::client::ResponseReader;

constexpr std::size_t read_size = 16 * 1024;  // the client's read buffer

// `count` Mercure-like events (an id, `data_size` bytes of JSON-ish data) as the hub writes
// them, each in its own HTTP chunk when `chunked`.
std::string event_body(std::size_t count, std::size_t data_size, bool chunked) {
  std::string data = "{\"k\":\"value\",\"n\":";
  while (data.size() < data_size)
    data += '1';
  data.resize(data_size);
  std::string body;
  char line[128];
  for (std::size_t n = 0; n < count; ++n) {
    std::snprintf(line, sizeof line, "id: urn:uuid:5a1c0e4e-3f1b-4c38-9c7e-%012zx\ndata: ", n);
    std::string event = line + data + "\n\n";
    if (chunked) {
      std::snprintf(line, sizeof line, "%zx\r\n", event.size());
      body += line + event + "\r\n";
    } else {
      body += event;
    }
  }
  return body;
}

std::string head(bool chunked) {
  return std::string(
             "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n") +
         (chunked ? "Transfer-Encoding: chunked\r\n" : "Connection: close\r\n") + "\r\n";
}

// ResponseReader + Parser over ~1 MiB of events, fed in socket-sized reads.
void BM_ClientParse(benchmark::State& state) {
  const bool chunked = state.range(0) != 0;
  const auto data_size = static_cast<std::size_t>(state.range(1));
  std::size_t per_stream = 0;
  const std::string body = event_body((1u << 20) / (data_size + 60), data_size, chunked);
  const std::string response = head(chunked) + body;
  std::size_t events = 0;
  for (auto _ : state) {
    herald::wire::Parser parser(
        herald::wire::ParserCallbacks{[&](const herald::wire::ReceivedEvent& e) {
          benchmark::DoNotOptimize(e.data.data());
          ++events;
        }});
    ResponseReader reader;
    const std::string_view bytes = response;
    for (std::size_t at = 0; at < bytes.size(); at += read_size) {
      auto p = reader.feed(bytes.substr(at, read_size));
      while (p == ResponseReader::Progress::head_ready) {
        reader.set_sink([&](std::string_view b) { parser.feed(b); });
        p = reader.feed({});
      }
    }
    per_stream = events;
    events = 0;
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * response.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * per_stream));
}
BENCHMARK(BM_ClientParse)
    ->ArgNames({"chunked", "data"})
    ->Args({1, 64})
    ->Args({1, 1024})
    ->Args({0, 64})
    ->Args({0, 1024});

// A loopback server that answers one request with `response` and closes.
class Firehose {
 public:
  explicit Firehose(const std::string& response) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 4);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this, &response] {
      const int conn = ::accept(fd_, nullptr, nullptr);
      if (conn < 0) return;
      char buf[4096];
      std::string request;
      while (request.find("\r\n\r\n") == std::string::npos) {
        const auto n = ::recv(conn, buf, sizeof buf, 0);
        if (n <= 0) break;
        request.append(buf, static_cast<std::size_t>(n));
      }
      std::string_view rest = response;
      while (!rest.empty()) {
        const auto n = ::send(conn, rest.data(), rest.size(), MSG_NOSIGNAL);
        if (n <= 0) break;
        rest.remove_prefix(static_cast<std::size_t>(n));
      }
      ::close(conn);
    });
  }
  ~Firehose() {
    thread_.join();
    ::close(fd_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }

 private:
  int fd_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

// Events/s through the whole EventSource over one loopback connection.
void BM_ClientLoopback(benchmark::State& state) {
  const auto data_size = static_cast<std::size_t>(state.range(0));
  constexpr std::size_t count = 100'000;
  const std::string response = head(true) + event_body(count, data_size, true);
  for (auto _ : state) {
    Firehose server(response);
    boost::asio::io_context io;
    herald::client::Options options;
    options.url = server.url();
    herald::client::EventSource source(io.get_executor(), options);
    std::size_t received = 0;
    source.on_event([&](const herald::client::MessageEvent& e) {
      benchmark::DoNotOptimize(e.data.data());
      if (++received == count) source.close();
    });
    source.on_error([&](const herald::client::Error&) { source.close(); });
    source.start();
    io.run();
    if (received != count) state.SkipWithError("not every event arrived");
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * response.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * count));
}
BENCHMARK(BM_ClientLoopback)
    ->ArgName("data")
    ->Arg(64)
    ->Arg(1024)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
