#pragma once
// The HTTP/2 server codec, sans I/O: bytes in (split anywhere), requests and stream events
// out, bytes to write out. nghttp2 does the protocol (mem_recv/mem_send, never a socket);
// this adds herald's request model, zero-copy streaming of shared event frames, and the
// bounds on what a peer can make a connection hold or spend (floods of resets,
// CONTINUATION, control frames; header and body sizes). A transport owns the socket and
// drives it as Connection drives RequestReader: feed() what it reads, take_output() and
// write that with one gathered write. No Asio and no Boost, so the clang-built fuzz target
// links it too.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "herald/http/message.hpp"
#include "herald/http/stream_sink.hpp"

struct nghttp2_session;

namespace herald::http {

struct H2Limits {
  // SETTINGS_MAX_CONCURRENT_STREAMS; over: REFUSED_STREAM (before our SETTINGS are
  // acknowledged too: nghttp2 holds new streams to the value it has sent).
  std::uint32_t max_concurrent_streams = 256;
  // Decoded header list per request, counted as RFC 9113 counts SETTINGS_MAX_HEADER_LIST_SIZE
  // (name + value + 32 per field); over: 431 on that stream. The wire bytes of one header
  // block (frame headers included) are bounded at twice this: past it no block can decode
  // to an acceptable list, so the connection ends (CONTINUATION flood, CVE-2024-27316).
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 1024 * 1024;   // over: 413 on that stream
  std::uint32_t header_table_size = 4096;     // our HPACK decoder's dynamic table
  std::uint32_t initial_window_size = 65535;  // per stream, for request bodies
  // Streams the peer resets (rapid reset, CVE-2023-44487): a token bucket of `reset_burst`
  // refilled at `reset_rate` per second, each RST_STREAM received takes one; empty: GOAWAY
  // ENHANCE_YOUR_CALM. The defaults are nghttp2's own since 1.57, so behaviour does not
  // depend on which nghttp2 build is installed.
  std::uint32_t reset_burst = 1000;
  std::uint32_t reset_rate = 33;
  // SETTINGS and PING ACKs waiting for output (the peer does not read what we write):
  // over, the session ends.
  std::size_t max_outbound_acks = 1000;
  std::size_t max_settings_entries = 32;  // per SETTINGS frame; over, the session ends
  // DATA frames in a row that carry no data and do not end their stream: they cost work
  // and move nothing (CVE-2019-9518); over: GOAWAY ENHANCE_YOUR_CALM.
  std::size_t max_empty_frames = 100;
};

class H2Session {
 public:
  using Clock = std::chrono::steady_clock;

  struct Callbacks {
    // Headers and whole body arrived: method and target from :method and :path, a "Host"
    // header from :authority. Answer with respond() or open_stream(), now or later.
    std::function<void(std::int32_t stream_id, Request request)> on_request;
    // A stream on_request announced is gone (done, or reset by either side): the embedder
    // forgets its sink. Not called for streams that never reached on_request.
    std::function<void(std::int32_t stream_id)> on_stream_closed;
    // The time for the reset rate and the request timeouts; empty: Clock::now. Read once
    // per RST_STREAM received, per request begun and per DATA chunk received.
    std::function<Clock::time_point()> now;
  };

  H2Session(H2Limits limits, Callbacks callbacks);
  ~H2Session();
  H2Session(const H2Session&) = delete;             // nghttp2 holds a pointer to it:
  H2Session& operator=(const H2Session&) = delete;  // never copied or moved

  // Received bytes, client preface first. False when the connection must end (protocol
  // error, flood, nothing more to read): write what take_output() still gives (a GOAWAY),
  // then close. The callbacks may run inside; they must not destroy the session.
  bool feed(std::string_view bytes);

  // A whole answer: HEADERS, then DATA with END_STREAM. No body for HEAD, 1xx, 204, 304.
  void respond(std::int32_t stream_id, Response response, bool head_request);
  // 200 with these headers; the body follows through write() until end_stream(). For a
  // HEAD request the headers alone, ending the stream (no Content-Length: a stream has none).
  void open_stream(std::int32_t stream_id, std::string_view content_type,
                   const std::vector<Header>& headers, bool head_request = false);
  // Queues bytes on a stream without copying them and returns how many were queued: 0 once
  // the stream is closed or ending (the caller counts what is queued without looking again).
  std::size_t write(std::int32_t stream_id, SharedBytes bytes);
  // Bytes of a stream not yet given out by take_output(), those the peer's flow-control
  // window holds back included: the slow-subscriber cut counts them.
  std::size_t queued_bytes(std::int32_t stream_id) const;
  void end_stream(std::int32_t stream_id);    // END_STREAM once what is queued is out
  void reset_stream(std::int32_t stream_id);  // RST_STREAM CANCEL now; its queue is dropped
  // Graceful GOAWAY: no new stream is accepted, streaming responses end after what they
  // queued, requests in progress are answered; then the session wants neither read nor write.
  void shutdown();
  // Requests that stopped arriving, checked per stream: one whose body has had no byte
  // for `body_timeout` (counted from its headers) is answered 408 and the rest of it is
  // refused, while its siblings go on; PINGs and other streams' frames do not count. False
  // when a header block has been unfinished for `header_timeout`: no other frame can
  // come on the connection before it is, so the connection must end.
  bool expire_requests(Clock::time_point now, Clock::duration header_timeout,
                       Clock::duration body_timeout);

  // Appends what to write now, in order: frame bytes the session owns and queued payloads
  // referenced (owner held), so every stream's DATA goes out in one gathered write.
  // Valid until the next call.
  void take_output(std::vector<SharedBytes>& out);
  // Frees the buffers take_output() keeps between calls; only while none of what it gave
  // out is still being written.
  void release_output_buffers();

  bool want_read() const;   // both false: the connection is done, close it
  bool want_write() const;  // output is ready (not counting data held by flow control)
  // Some stream has bytes queued that the peer's flow-control windows hold back: the
  // transport's write-stall timeout applies even though no socket write is pending.
  bool blocked_by_window() const;
  std::size_t open_streams() const { return streams_.size(); }

 private:
  struct Arrival;
  struct Stream;
  struct Glue;  // nghttp2's C callbacks
  enum class Body {
    none,    // the headers end the stream
    queued,  // DATA follows at once: the stream's queue holds the whole body
    later,   // a streaming body: DATA follows as write() queues it
  };
  struct OutPiece {
    SharedBytes payload;         // a queued payload, or
    std::size_t frame_offset{};  // bytes of frames_ from here
    std::size_t frame_size{};
  };

  const Stream* find(std::int32_t stream_id) const;
  Stream* find(std::int32_t stream_id);
  bool announced_body_too_large(const Stream& stream) const;
  void dispatch(Stream& stream);
  void refuse(Stream& stream, int status, std::string_view message);
  void submit(Stream& stream, int status, std::string_view content_type,
              const std::vector<Header>& headers, std::optional<std::size_t> content_length,
              Body body);
  // Has nghttp2 send what the stream queued, or its END_STREAM: attaches a data provider
  // unless one is attached already.
  void provide(Stream& stream);
  void count_reset();
  void calm_down();  // a flood: GOAWAY ENHANCE_YOUR_CALM, the session ends
  void append_frame_bytes(const std::uint8_t* data, std::size_t size);
  void send_data(Stream& stream, const std::uint8_t* frame_head, std::size_t length);

  H2Limits limits_;
  Callbacks callbacks_;
  nghttp2_session* session_ = nullptr;
  std::unordered_map<std::int32_t, Stream> streams_;  // nodes stay put: nghttp2 points at them
  bool failed_ = false;             // a defence or nghttp2 ended the session: nothing more is read
  bool broken_ = false;             // nghttp2 failed outright: nothing more is written either
  bool calm_down_pending_ = false;  // a GOAWAY ENHANCE_YOUR_CALM to submit after mem_recv
  std::size_t header_block_bytes_ = 0;  // wire bytes of the header block being received
  double reset_tokens_;
  Clock::time_point reset_refilled_;
  std::size_t empty_frames_ = 0;
  // Output of one take_output(): frame bytes copied out of nghttp2 (its buffer lives only
  // until the next mem_send), and the pieces in write order.
  std::string frames_;
  std::vector<OutPiece> pieces_;
};

}  // namespace herald::http
