// The HTTP/1.1 request codec (lib/http/src/request_reader.cpp), fed the bytes split
// arbitrarily, as herald's connections feed it: pipelined requests one after another, and
// every limit checked. The first byte picks the size of the pieces.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "request_reader.hpp"

namespace {

constexpr herald::http::RequestLimits limits{.max_header_bytes = 1024, .max_body_bytes = 4096};

void check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t piece = 1 + data[0] % 64;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::optional<herald::http::RequestReader> reader;
  std::size_t request_bytes = 0;  // fed to the current request
  while (!input.empty()) {
    if (!reader) {
      reader.emplace(limits);
      request_bytes = 0;
    }
    std::string_view chunk = input.substr(0, piece);
    std::size_t taken = reader->feed(chunk);
    check(taken <= chunk.size());
    input.remove_prefix(taken);
    request_bytes += taken;
    // The one bound on what a request may make a connection hold or parse.
    check(request_bytes <= herald::http::RequestReader::byte_budget(limits) + piece);
    switch (reader->state()) {
      case herald::http::RequestReader::State::need_more:
        check(taken == chunk.size());
        break;
      case herald::http::RequestReader::State::done: {
        auto message = reader->release();
        check(message.body().size() <= limits.max_body_bytes);
        auto target = message.target();
        check(!std::string_view(target.data(), target.size()).starts_with("http://"));
        reader.reset();  // the rest is the next pipelined request
        break;
      }
      case herald::http::RequestReader::State::failed: {
        int status = reader->error().status;
        check(status >= 400 && status < 500);
        return 0;  // the connection closes: nothing after an error is read
      }
    }
  }
  return 0;
}
