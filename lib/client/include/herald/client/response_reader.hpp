#pragma once
// Reads one HTTP/1.1 response from bytes, without I/O: the head, then the body (chunked,
// Content-Length or read-until-close) decoded and handed to a sink as it arrives. Beast's
// parser does the HTTP work; this header keeps Boost out of its users.
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace herald::client {

class ResponseReader {
 public:
  enum class Progress {
    need_more,   // every byte was used; feed more
    head_ready,  // the head is complete: look at head(), set a sink, then feed({}) to go on
                 // with the bytes that came after it (kept inside)
    done,        // the response is complete (chunked terminator or Content-Length reached)
    failed,      // malformed response; see error()
  };

  struct Head {
    int status = 0;
    std::string reason;
    std::string content_type;
    std::string location;
    bool chunked = false;
  };

  using Sink = std::function<void(std::string_view)>;

  explicit ResponseReader(std::size_t max_head_bytes = 64 * 1024);
  ~ResponseReader();
  ResponseReader(const ResponseReader&) = delete;
  ResponseReader& operator=(const ResponseReader&) = delete;

  // Decoded body bytes go here (nothing before a sink is set: they are dropped).
  void set_sink(Sink sink);

  Progress feed(std::string_view bytes);
  // The peer closed the connection: completes a read-until-close body, else fails.
  Progress finish();

  const Head& head() const;
  bool head_done() const;
  const std::string& error() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace herald::client
