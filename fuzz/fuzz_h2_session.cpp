// The HTTP/2 server session (lib/http/src/h2_session.cpp) fed a client's bytes in pieces,
// as a transport feeds it, with an embedder that answers every request so that the output
// side runs too: whole answers, HEAD, streams written with one shared frame, ended and
// reset. The first byte picks the piece size; the client preface is prepended when the
// input lacks it, so that mutations reach the frames behind it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "h2_session.hpp"

namespace {

using herald::http::H2Limits;
using herald::http::H2Session;
using herald::http::Request;
using herald::http::Response;
using herald::http::SharedBytes;

constexpr std::string_view preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
constexpr H2Limits limits{.max_concurrent_streams = 8,
                          .max_header_bytes = 1024,
                          .max_body_bytes = 4096,
                          .reset_burst = 20,
                          .reset_rate = 1,
                          .max_outbound_acks = 64,
                          .max_empty_frames = 16};

void check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t piece = 1 + data[0] % 128;
  std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (!std::string_view(input).starts_with(preface)) input.insert(0, preface);

  auto event = std::make_shared<const std::string>("id: 1\ndata: fuzz\n\n");
  const SharedBytes frame{event, *event};
  std::set<std::int32_t> streams;  // open streaming responses
  H2Session* session = nullptr;
  H2Session::Callbacks callbacks{
      .on_request =
          [&](std::int32_t id, Request request) {
            check(request.body.size() <= limits.max_body_bytes);
            check(request.headers.size() * 32 <= limits.max_header_bytes);
            if (request.method == "HEAD") {
              session->respond(id, Response::text(200, "head"), true);
            } else if (request.path().starts_with("/s")) {
              session->open_stream(id, "text/event-stream", {{"cache-control", "no-cache"}});
              session->write(id, frame);
              streams.insert(id);
            } else {
              session->respond(id, Response::text(200, request.target), false);
            }
          },
      .on_stream_closed = [&](std::int32_t id) { streams.erase(id); },
      .now = [] { return H2Session::Clock::time_point{}; }};
  H2Session h2(limits, std::move(callbacks));
  session = &h2;

  std::vector<SharedBytes> out;
  std::string_view rest = input;
  std::size_t round = 0;
  while (!rest.empty()) {
    std::string_view chunk = rest.substr(0, piece);
    rest.remove_prefix(chunk.size());
    const bool alive = h2.feed(chunk);
    // What an event batch does: one shared frame to every stream, one output.
    for (std::int32_t id : streams)
      h2.write(id, frame);
    if (++round % 3 == 0 && !streams.empty()) h2.end_stream(*streams.begin());
    if (round % 5 == 0 && !streams.empty()) h2.reset_stream(*streams.rbegin());
    out.clear();
    h2.take_output(out);
    for (const SharedBytes& b : out)
      check(b.bytes.data() != nullptr || b.bytes.empty());
    if (!alive) break;
  }
  h2.shutdown();
  out.clear();
  h2.take_output(out);
  check(h2.open_streams() <= limits.max_concurrent_streams);
  return 0;
}
