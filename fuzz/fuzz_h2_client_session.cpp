// The HTTP/2 client codec (lib/client/src/h2_client_session.cpp) fed a server's bytes in
// pieces, as a transport feeds it, with three requests in flight (two streams and a POST
// with a body) and callers that submit and cancel from inside the callbacks, as the
// EventSource and the load generator do. The first byte picks the piece size.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "herald/client/h2_client_session.hpp"

namespace {

using herald::client::H2ClientLimits;
using herald::client::H2ClientSession;
using herald::client::H2Request;
using herald::client::H2ResponseHead;

constexpr H2ClientLimits limits{
    .stream_window = 1024, .connection_window = 4096, .max_header_bytes = 1024};

void check(bool condition) {
  if (!condition) std::abort();
}

H2Request request(std::string path, std::string body = {}) {
  H2Request r;
  r.method = body.empty() ? "GET" : "POST";
  r.scheme = "http";
  r.authority = "localhost";
  r.path = std::move(path);
  r.headers = {{"accept", "text/event-stream"}};
  r.body = std::move(body);
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t piece = 1 + data[0] % 128;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);

  std::set<std::int32_t> open;
  int submitted_in_callbacks = 0;
  H2ClientSession* session = nullptr;
  H2ClientSession::Callbacks callbacks{
      .on_head =
          [&](std::int32_t id, const H2ResponseHead& head) {
            check(open.count(id) == 1);
            check(head.status >= 200 && head.status <= 999);
            std::size_t bytes = 0;
            for (const auto& h : head.headers)
              bytes += h.name.size() + h.value.size() + 32;
            check(bytes <= limits.max_header_bytes);
            if (head.status >= 400) {
              session->cancel(id);
              open.erase(id);
            }
          },
      .on_data = [&](std::int32_t id, std::string_view) { check(open.count(id) == 1); },
      .on_close =
          [&](std::int32_t id, std::uint32_t) {
            check(open.erase(id) == 1);
            if (submitted_in_callbacks++ < 4) {
              const std::int32_t again = session->submit(request("/again"));
              if (again > 0) open.insert(again);
            }
          }};
  H2ClientSession h2(std::move(callbacks), limits);
  session = &h2;
  for (const H2Request& r : {request("/a"), request("/b"), request("/p", std::string(3000, 'x'))}) {
    open.insert(h2.submit(r));
  }

  std::string out;
  std::string_view rest = input;
  while (!rest.empty()) {
    const std::string_view chunk = rest.substr(0, piece);
    rest.remove_prefix(chunk.size());
    const bool alive = h2.feed(chunk);
    out.clear();
    h2.take_output(out);
    if (!alive) {
      check(!h2.error().empty());
      break;
    }
  }
  check(h2.open_streams() == open.size());
  return 0;
}
