#pragma once
// The stream-sink contract: what a streaming response (an SSE subscription) offers to the
// code that feeds it, the same for HTTP/1.1 and HTTP/2. All calls on the stream's shard.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

namespace herald::http {

// Bytes that stay valid while `owner` is held: a shared event frame is queued to many
// streams without a copy. `owner` may be empty for static storage.
struct SharedBytes {
  std::shared_ptr<const void> owner;
  std::string_view bytes;
};

class StreamSink {
 public:
  virtual ~StreamSink() = default;

  // Queues bytes; nothing is written until flush(). Ignored once the stream is closed.
  virtual void write(SharedBytes bytes) = 0;
  // Writes everything queued with one gathered write (or after the one in flight).
  virtual void flush() = 0;
  // Bytes queued behind the write in flight, i.e. that the kernel has not taken yet: the
  // backpressure signal. A reader that keeps up keeps this near zero.
  virtual std::size_t queued_bytes() const = 0;
  // Ends the response cleanly once queued bytes are written.
  virtual void end() = 0;
  // Cuts the stream now, dropping what is queued; its close callback runs inside. Not
  // from within this stream's own callbacks, nor from code walking what the close
  // callback undoes (a hub delivering to its subscribers): use abort_later() there.
  virtual void abort() = 0;
  // abort(), once the handler running now has returned (posted to the shard): safe from
  // anywhere on the shard, this stream's own on_proceed included. From the call on,
  // writes and flushes are dropped; closed() turns true and the close callback runs when
  // the abort takes effect (not at all if the stream closed meanwhile for another reason).
  virtual void abort_later() = 0;
  virtual bool closed() const = 0;
  // Called once, on the shard, when the stream is gone for any reason.
  virtual void on_close(std::function<void()> callback) = 0;
  // Called on the shard each time a write completed, so queued_bytes() may have dropped:
  // the moment for a producer that stopped at its budget to queue more (h2o's `proceed`),
  // instead of polling. Never called once the stream is closed.
  virtual void on_proceed(std::function<void()> callback) = 0;

  virtual std::size_t shard() const = 0;
  virtual std::uint64_t id() const = 0;
};

}  // namespace herald::http
