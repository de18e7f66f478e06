#include "response_writer.hpp"

#include <charconv>
#include <ostream>  // Boost 1.74's beast/http/status.hpp uses std::ostream without it

#include <boost/beast/http/status.hpp>

namespace herald::http {

namespace {

namespace bhttp = boost::beast::http;

constexpr std::string_view crlf = "\r\n";

// How a head announces the content that follows it.
enum class Framing {
  chunked,         // a stream: Transfer-Encoding: chunked
  content_length,  // Content-Length: the given size
  none,            // a status that never has content (1xx, 204, 304): neither header
};

// RFC 9110 sections 15.2, 15.3.5 and 15.4.5: these answers end with their head, and a
// 204 must not carry Content-Length (a client would wait for that many bytes).
bool status_has_content(int status) {
  return status >= 200 && status != 204 && status != 304;
}

std::string serialize_head(int status, std::string_view content_type,
                           const std::vector<Header>& headers, Framing framing,
                           std::size_t content_length, bool keep_alive) {
  std::string head;
  head.reserve(256);
  head += "HTTP/1.1 ";
  head += std::to_string(status);
  head += ' ';
  auto reason = bhttp::obsolete_reason(static_cast<bhttp::status>(status));
  head.append(reason.data(), reason.size());
  head += "\r\nServer: herald\r\n";
  if (!content_type.empty()) {
    head += "Content-Type: ";
    head += content_type;
    head += crlf;
  }
  if (framing == Framing::chunked) {
    head += "Transfer-Encoding: chunked\r\n";
  } else if (framing == Framing::content_length) {
    head += "Content-Length: ";
    head += std::to_string(content_length);
    head += crlf;
  }
  if (!keep_alive) head += "Connection: close\r\n";
  for (const Header& h : headers) {
    head += h.name;
    head += ": ";
    head += h.value;
    head += crlf;
  }
  head += crlf;
  return head;
}

}  // namespace

void ResponseWriter::start(bool client_keeps_alive, bool head_request) {
  keep_alive_ = client_keeps_alive;
  head_request_ = head_request;
}

void ResponseWriter::start_failed() {
  keep_alive_ = false;
  head_request_ = false;  // not known to be one: the reason goes out as content
}

std::string ResponseWriter::answer(const Response& response) const {
  const bool has_content = status_has_content(response.status);
  std::string bytes = serialize_head(response.status, response.content_type, response.headers,
                                     has_content ? Framing::content_length : Framing::none,
                                     response.body.size(), keep_alive_);
  if (has_content && !head_request_) bytes += response.body;
  return bytes;
}

std::string ResponseWriter::stream_head(std::string_view content_type,
                                        const std::vector<Header>& headers) const {
  return serialize_head(200, content_type, headers, Framing::chunked, 0,
                        head_request_ ? keep_alive_ : true);
}

std::string_view ResponseWriter::chunk_head(std::size_t size,
                                            std::span<char, chunk_head_capacity> buffer) {
  char* end = std::to_chars(buffer.data(), buffer.data() + buffer.size(), size, 16).ptr;
  *end++ = '\r';
  *end++ = '\n';
  return {buffer.data(), static_cast<std::size_t>(end - buffer.data())};
}

}  // namespace herald::http
