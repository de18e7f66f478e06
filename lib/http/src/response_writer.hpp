#pragma once
// The HTTP/1.1 response codec, sans I/O: what an answer's bytes are, from the status line
// to the last chunk, and whether the connection goes on after it. The request side is
// RequestReader; Connection owns only the transport, the timers and the stream's queue.
// No Asio, so it is tested byte for byte without a socket.
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "herald/http/message.hpp"

namespace herald::http {

class ResponseWriter {
 public:
  // Room for one chunk-size line: 16 hex digits and CRLF.
  static constexpr std::size_t chunk_head_capacity = 24;
  static constexpr std::string_view continue_line = "HTTP/1.1 100 Continue\r\n\r\n";
  static constexpr std::string_view chunk_end = "\r\n";
  static constexpr std::string_view last_chunk = "0\r\n\r\n";

  // A request was read and is about to be answered: whether its client lets the
  // connection go on (HTTP/1.1 without `Connection: close`, or 1.0 with keep-alive) and
  // whether it is a HEAD request (answers carry no content then).
  void start(bool client_keeps_alive, bool head_request);
  // A request that could not be read: its answer closes the connection, since the byte
  // stream can no longer be trusted, and carries the reason as content.
  void start_failed();
  // The server is shutting down: the answer being prepared closes the connection.
  void close_after_answer() { keep_alive_ = false; }

  // The whole answer, head and content: Content-Length framing, none for the statuses
  // that never have content (1xx, 204, 304), and no content after a HEAD request's head
  // (RFC 9110 9.3.2: it announces the GET's Content-Length).
  std::string answer(const Response& response) const;
  // The head of a stream (200, chunked). A stream's connection ends with the stream, so
  // it announces no `Connection: close`; for a HEAD request the head is the whole answer
  // and the connection goes on, or not, as for any answer.
  std::string stream_head(std::string_view content_type, const std::vector<Header>& headers) const;
  // The chunk-size line of a chunk of `size` bytes, written into `buffer`; the chunk's
  // bytes follow it and then chunk_end.
  static std::string_view chunk_head(std::size_t size, std::span<char, chunk_head_capacity> buffer);

  bool keep_alive() const { return keep_alive_; }
  bool head_request() const { return head_request_; }

 private:
  bool keep_alive_ = true;
  bool head_request_ = false;
};

}  // namespace herald::http
