#include "h2_stream.hpp"

#include "h2_connection.hpp"

namespace herald::http {

H2Stream::H2Stream(std::shared_ptr<H2Connection> connection, std::int32_t stream_id,
                   std::uint64_t id, std::size_t shard)
    : connection_(std::move(connection)),
      id_(id),
      stream_id_(stream_id),
      shard_(static_cast<std::uint16_t>(shard)) {}

void H2Stream::write(SharedBytes bytes) {
  if (!connection_ || aborting_) return;
  wrote_since_keepalive_ = true;
  connection_->stream_write(stream_id_, std::move(bytes));
}

void H2Stream::flush() {
  if (connection_ && !aborting_) connection_->schedule_write();
}

std::size_t H2Stream::queued_bytes() const {
  return connection_ ? connection_->stream_queued_bytes(stream_id_) : 0;
}

void H2Stream::end() {
  if (!connection_) return;
  connection_->stream_end(stream_id_);
  connection_->schedule_write();
}

void H2Stream::abort() {
  if (!connection_) return;
  // Closed at once, as an HTTP/1.1 stream is; the RST_STREAM goes out with the next write.
  // The connection forgets the stream, which may be its last owner: from the reset on,
  // only locals are used.
  std::shared_ptr<H2Connection> connection = std::move(connection_);
  on_proceed_ = nullptr;
  std::function<void()> callback = std::move(on_close_);
  on_close_ = nullptr;
  connection->stream_reset(stream_id_);
  connection->schedule_write();
  if (callback) callback();
}

void H2Stream::abort_later() {
  if (!connection_ || aborting_) return;
  aborting_ = true;
  connection_->stream_abort_later(stream_id_);
}

void H2Stream::detach() {
  if (!connection_) return;
  connection_ = nullptr;  // breaks the connection -> stream -> connection cycle
  on_proceed_ = nullptr;  // it may reference what on_close_ is about to release
  if (auto callback = std::move(on_close_)) {
    on_close_ = nullptr;
    callback();
  }
}

}  // namespace herald::http
