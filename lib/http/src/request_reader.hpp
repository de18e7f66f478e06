#pragma once
// The HTTP/1.1 request codec, sans I/O: bytes in (split anywhere), one request or an
// error out. It is the one place that bounds every byte a client can make a connection
// hold while it reads a request: the head, chunk-size lines with their extensions, the
// trailer section and the body. Beast's parser does the parsing; this adds the limits and
// the framing rules Beast 1.74 leaves to its caller (RFC 9112 6.1 and 6.3). No Asio I/O
// and no coroutines, so the clang-built fuzz target links it too.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

namespace herald::http {

struct RequestLimits {
  std::size_t max_header_bytes = 16 * 1024;  // request line + headers; also one chunk-size
                                             // line, and the trailer section
  std::size_t max_body_bytes = 1024 * 1024;  // decoded body
};

// Why a request was refused: the status and a message for the client.
struct RequestError {
  int status = 400;
  std::string message;
};

class RequestReader {
 public:
  using Message = boost::beast::http::request<boost::beast::http::string_body>;
  enum class State { need_more, done, failed };

  explicit RequestReader(RequestLimits limits);
  RequestReader(const RequestReader&) = delete;             // Beast's parser holds references into
  RequestReader& operator=(const RequestReader&) = delete;  // itself: never copied or moved

  // Takes bytes as they arrive and returns how many it took: all of them, unless the
  // request ended inside them (the rest is the next pipelined request's) or failed.
  std::size_t feed(std::string_view bytes);

  State state() const { return state_; }
  bool header_done() const { return parser_.is_header_done(); }
  // The head asked for `100 Continue` and the body has not come yet.
  bool expects_continue() const;
  const RequestError& error() const { return error_; }
  // The request, once done. Its target is in origin form (path and query).
  Message release();

  // Every byte this request may make a connection hold or parse: two heads (request and
  // trailers), the body, and room for chunk-size lines (a 1 MiB body in chunks of 64
  // bytes or more fits).
  static std::size_t byte_budget(const RequestLimits& limits);

 private:
  std::size_t parse(std::string_view bytes);  // returns the bytes Beast consumed
  bool check_head();                          // framing rules, once the head is complete
  void fail(int status, std::string message);

  RequestLimits limits_;
  boost::beast::http::request_parser<boost::beast::http::string_body> parser_;
  State state_ = State::need_more;
  RequestError error_;
  std::string pending_;       // bytes received that Beast needs more to parse
  std::size_t consumed_ = 0;  // bytes of this request Beast has parsed
};

// RFC 9112 3.2.2: a server accepts the absolute form (`http://host/path?q`) of a target.
// Returns the origin form (`/path?q`), or nullopt when `target` is not in absolute form.
std::optional<std::string> origin_form(std::string_view target);

}  // namespace herald::http
