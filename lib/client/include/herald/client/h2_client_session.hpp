#pragma once
// The HTTP/2 client codec, sans I/O: requests in, response heads and body bytes out, bytes
// to write out. nghttp2 does the protocol (mem_recv/mem_send, never a socket); this adds
// the request model of the client and the bounds on what a server can make it hold. A
// transport owns the socket (TCP, or TLS after ALPN chose h2): it writes what
// take_output() gives, feeds what it reads, and ends the connection when feed() says so.
// Several requests share one session, each on its own stream; the EventSource client and
// the load generator both drive it. No Asio and no Boost.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "herald/client/options.hpp"

struct nghttp2_session;

namespace herald::client {

struct H2Request {
  std::string method = "GET";
  std::string scheme = "https";  // "http" (h2c) or "https"
  std::string authority;         // host[:port], sent as :authority
  std::string path = "/";        // path and query
  // Regular fields. HTTP/1.1 connection fields (Host, Connection, Keep-Alive,
  // Transfer-Encoding, Upgrade, Proxy-Connection) are left out: HTTP/2 forbids them, and
  // :authority replaces Host.
  std::vector<Header> headers;
  std::string body;  // sent as DATA; empty: the HEADERS frame ends the stream
};

struct H2ResponseHead {
  int status = 0;
  std::vector<Header> headers;  // names in lower case, as HTTP/2 sends them

  // The first value of a field, or empty.
  std::string_view field(std::string_view lower_case_name) const;
};

struct H2ClientLimits {
  // Per-stream receive window; the session hands back what it read at once (the caller
  // consumes body bytes as they come), so this only bounds bytes in flight per stream.
  std::uint32_t stream_window = 1 << 20;
  std::uint32_t connection_window = 1 << 24;
  // A response head whose fields (name + value + 32 each, as RFC 9113 counts them) pass
  // this resets its stream; the stream closes with h2_error_headers_too_large.
  std::size_t max_header_bytes = 64 * 1024;
};

// The error code a stream closes with when its response head was too large: above every
// code HTTP/2 defines, so it cannot be confused with one the server sent.
inline constexpr std::uint32_t h2_error_headers_too_large = 0x1000;

// "NO_ERROR", "CANCEL", "REFUSED_STREAM", ... or "response headers too large".
std::string h2_error_name(std::uint32_t code);

class H2ClientSession {
 public:
  struct Callbacks {
    // The final (non-1xx) response head of a stream.
    std::function<void(std::int32_t stream_id, const H2ResponseHead& head)> on_head;
    // Body bytes of a stream, as they arrive; valid during the call only.
    std::function<void(std::int32_t stream_id, std::string_view bytes)> on_data;
    // The stream is over: code 0 (NO_ERROR) when the server ended it cleanly with
    // END_STREAM, else the RST_STREAM code, REFUSED_STREAM when a GOAWAY or the stream
    // limit turned it away, or h2_error_headers_too_large. Not called for streams the
    // caller cancel()ed, nor when the session is destroyed.
    std::function<void(std::int32_t stream_id, std::uint32_t error_code)> on_close;
  };

  explicit H2ClientSession(Callbacks callbacks, H2ClientLimits limits = {});
  ~H2ClientSession();
  H2ClientSession(const H2ClientSession&) = delete;             // nghttp2 holds a pointer to
  H2ClientSession& operator=(const H2ClientSession&) = delete;  // it: never copied or moved

  // Queues the request on a new stream and returns its id, or -1 when the session takes no
  // new stream (GOAWAY received, stream ids used up, session over): open another
  // connection for it.
  std::int32_t submit(const H2Request& request);
  // RST_STREAM CANCEL: the stream is forgotten at once, no callback follows.
  void cancel(std::int32_t stream_id);
  // Ends the session from our side: GOAWAY NO_ERROR (write take_output(), then close).
  // Streams still open are abandoned without callbacks; call it when none is left.
  void shutdown();

  // Received bytes, from the server's connection preface (its SETTINGS) on, split anywhere.
  // False when the connection must end (protocol error, GOAWAY with nothing left open):
  // write what take_output() still gives, then close. The callbacks run inside; they may
  // submit() or cancel() but must not destroy the session.
  bool feed(std::string_view bytes);
  // Appends what to write now, in order (the client preface and SETTINGS first).
  void take_output(std::string& out);

  bool want_read() const;  // both false: the connection is done, close it
  bool want_write() const;
  // New streams may be submitted (no GOAWAY received, ids left).
  bool accepting() const;
  std::size_t open_streams() const { return streams_.size(); }
  // Why feed() returned false, or the GOAWAY the server sent.
  const std::string& error() const { return error_; }

 private:
  struct Glue;  // nghttp2's C callbacks
  struct Stream;

  Callbacks callbacks_;
  H2ClientLimits limits_;
  // The streams not closed yet, the response head being decoded and the request body
  // being sent of each.
  std::unordered_map<std::int32_t, std::unique_ptr<Stream>> streams_;
  nghttp2_session* session_ = nullptr;
  bool goaway_received_ = false;
  bool shut_down_ = false;
  std::string error_;
};

}  // namespace herald::client
