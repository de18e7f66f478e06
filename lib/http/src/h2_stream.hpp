#pragma once
// A streaming answer on an HTTP/2 connection: the StreamSink contract on top of one
// stream of the connection's H2Session. Writes queue in the session without a copy;
// flush() asks the connection for one write that carries every stream's output; abort()
// resets the stream (RST_STREAM CANCEL) and leaves the connection and its other streams
// alone; abort_later() has the connection do that once the current handler returns. Once
// closed, every call is ignored.
#include <cstdint>
#include <functional>
#include <memory>

#include "herald/http/stream_sink.hpp"

namespace herald::http {

class H2Connection;

class H2Stream final : public StreamSink {
 public:
  // `id`: unique among the server's streams and connections (token expiry keys on it).
  H2Stream(std::shared_ptr<H2Connection> connection, std::int32_t stream_id, std::uint64_t id,
           std::size_t shard);

  void write(SharedBytes bytes) override;
  void flush() override;
  // Bytes the session holds for this stream, those the peer's flow-control window holds
  // back included: a subscriber that stops reading (or stops granting window) is cut.
  std::size_t queued_bytes() const override;
  void end() override;
  void abort() override;
  void abort_later() override;
  bool closed() const override { return connection_ == nullptr; }
  void on_close(std::function<void()> callback) override { on_close_ = std::move(callback); }
  void on_proceed(std::function<void()> callback) override { on_proceed_ = std::move(callback); }
  std::size_t shard() const override { return shard_; }
  std::uint64_t id() const override { return id_; }

  // From the connection.
  std::int32_t stream_id() const { return stream_id_; }
  // The stream is gone (ended, reset by either side, connection closed): forgets the
  // connection and runs the close callback, once.
  void detach();
  // A write completed: the producer may queue more (StreamSink::on_proceed).
  void proceed() const {
    if (on_proceed_) on_proceed_();
  }
  // Whether something was written since the last keep-alive round (and starts a new one).
  bool take_wrote_since_keepalive() {
    const bool wrote = wrote_since_keepalive_;
    wrote_since_keepalive_ = false;
    return wrote;
  }

 private:
  std::shared_ptr<H2Connection> connection_;  // null once closed
  std::uint64_t id_;
  std::int32_t stream_id_;
  // Packed with the stream id and the flags into one word (shards are few): one word less
  // puts an H2Stream in a smaller malloc size class (memory per idle subscriber).
  std::uint16_t shard_;
  bool wrote_since_keepalive_ = false;
  bool aborting_ = false;  // abort_later() was called: the connection posted the abort
  std::function<void()> on_close_;
  std::function<void()> on_proceed_;
};

}  // namespace herald::http
