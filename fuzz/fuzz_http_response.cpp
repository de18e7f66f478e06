// The HTTP/1.1 response codec (lib/http/src/response_writer.cpp), checked by reading what
// it writes back with Beast's response parser, as a client would: for any status, headers
// and content an embedder may give (header names tokens, values without CR, LF or NUL),
// the parser must find exactly one response with that status, those headers, that
// content (none after HEAD, 204 or 304) and the keep-alive the writer promised; a stream's
// head followed by chunks must decode to the chunks' bytes.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "response_writer.hpp"

namespace {

namespace bhttp = boost::beast::http;
using herald::http::Header;
using herald::http::Response;
using herald::http::ResponseWriter;

void check(bool condition) {
  if (!condition) std::abort();
}

// Takes bytes from the fuzz input: a length byte, then that many bytes.
class Input {
 public:
  explicit Input(std::string_view bytes) : rest_(bytes) {}
  std::uint8_t byte() {
    if (rest_.empty()) return 0;
    const auto b = static_cast<std::uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    return b;
  }
  std::string text() {
    const std::size_t n = std::min<std::size_t>(byte(), rest_.size());
    std::string s(rest_.substr(0, n));
    rest_.remove_prefix(n);
    return s;
  }
  bool empty() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

// RFC 9110 5.6.2: tchar.
bool token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

// A field value as an embedder gives one: visible characters and inner spaces, no
// leading or trailing whitespace (a parser trims it).
std::string value(std::string s) {
  for (char& c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u == 0x7f) c = 'x';
  }
  return s;
}

// Framing fields the writer sets itself, an embedder's copy would contradict it (Beast
// reads Proxy-Connection as Connection).
bool reserved(std::string_view name) {
  for (std::string_view r :
       {"content-length", "transfer-encoding", "connection", "proxy-connection"}) {
    if (name.size() == r.size() && std::equal(name.begin(), name.end(), r.begin(),
                                              [](char a, char b) { return (a | 0x20) == b; })) {
      return true;
    }
  }
  return false;
}

template <class Body>
bhttp::response<Body> parse(std::string_view bytes, bool head_request, std::size_t& used) {
  bhttp::response_parser<Body> parser;
  parser.skip(head_request);
  parser.eager(true);
  parser.body_limit(1 << 20);
  boost::beast::error_code ec;
  used = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
  check(!ec);
  check(parser.is_done());
  return parser.release();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Input in(std::string_view(reinterpret_cast<const char*>(data), size));
  const std::uint8_t flags = in.byte();
  const bool keeps_alive = flags & 1;
  const bool head_request = flags & 2;
  const bool stream = flags & 4;
  ResponseWriter writer;
  writer.start(keeps_alive, head_request);

  Response response;
  response.status = 200 + (in.byte() % 4) * 100 + in.byte() % 32;  // 200..531: known or not
  response.content_type = value(in.text());
  for (int i = in.byte() % 8; i > 0 && !in.empty(); --i) {
    std::string name = in.text();
    if (!token(name) || reserved(name)) continue;
    response.headers.push_back({std::move(name), value(in.text())});
  }
  response.body = in.text();

  if (!stream) {
    const std::string bytes = writer.answer(response);
    std::size_t used = 0;
    auto parsed = parse<bhttp::string_body>(bytes, head_request, used);
    check(used == bytes.size());  // one response, nothing after it
    check(parsed.result_int() == static_cast<unsigned>(response.status));
    check(parsed.keep_alive() == writer.keep_alive());
    const bool no_content = head_request || response.status == 204 || response.status == 304;
    check(parsed.body() == (no_content ? std::string() : response.body));
    for (const Header& h : response.headers)
      check(parsed.count(h.name) >= 1);
    return 0;
  }

  // A stream: its head, then the content as chunks (one per input text), then the end.
  std::string bytes = writer.stream_head(response.content_type, response.headers);
  std::string content;
  std::array<char, ResponseWriter::chunk_head_capacity> buffer{};
  for (std::string chunk = response.body; !chunk.empty(); chunk = in.text()) {
    bytes += ResponseWriter::chunk_head(chunk.size(), std::span(buffer));
    bytes += chunk;
    bytes += ResponseWriter::chunk_end;
    content += chunk;
  }
  bytes += ResponseWriter::last_chunk;
  std::size_t used = 0;
  if (head_request) {
    auto parsed = parse<bhttp::empty_body>(bytes, true, used);
    check(parsed.result_int() == 200);
    return 0;
  }
  auto parsed = parse<bhttp::string_body>(bytes, false, used);
  check(used == bytes.size());
  check(parsed.result_int() == 200);
  check(parsed.chunked());
  check(parsed.body() == content);
  return 0;
}
