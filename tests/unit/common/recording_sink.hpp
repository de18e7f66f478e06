#pragma once
// A StreamSink that keeps what it is given in memory: the stream end of the server's
// subscriber and expiry logic and of herald::sse's helpers, without a socket. It honours the
// contract's rules that the logic relies on (writes after end() or close are ignored, on_close runs
// once).
#include <cstdint>
#include <functional>
#include <string>
#include <utility>

#include "herald/http/stream_sink.hpp"

namespace herald::test {

class RecordingSink final : public http::StreamSink {
 public:
  explicit RecordingSink(std::uint64_t id = 1) : id_(id) {}

  void write(http::SharedBytes bytes) override {
    if (closed_ || ended_ || abort_posted_) return;
    queued_.append(bytes.bytes);
  }
  // A stalled sink keeps what is flushed queued, as a client that does not read would,
  // until drain().
  void flush() override {
    if (!stalled_ && !abort_posted_) drain();
  }
  void set_stalled(bool stalled) { stalled_ = stalled; }
  // The client read everything: what was queued is written, and the producer may go on.
  void drain() {
    written_ += queued_;
    queued_.clear();
    if (on_proceed_ && !closed_) on_proceed_();
  }
  std::size_t queued_bytes() const override { return queued_.size(); }
  void end() override {
    if (closed_ || ended_) return;
    flush();
    ended_ = true;
    close();
  }
  void abort() override {
    aborted_ = true;
    close();
  }
  // Takes effect in run_posted(), the shard's loop turning after the current handler.
  void abort_later() override {
    if (!closed_) abort_posted_ = true;
  }
  void run_posted() {
    if (std::exchange(abort_posted_, false) && !closed_) abort();
  }
  bool abort_posted() const { return abort_posted_; }
  bool closed() const override { return closed_; }
  void on_close(std::function<void()> callback) override { on_close_ = std::move(callback); }
  void on_proceed(std::function<void()> callback) override { on_proceed_ = std::move(callback); }
  std::size_t shard() const override { return 0; }
  std::uint64_t id() const override { return id_; }

  // The client leaving.
  void close() {
    if (closed_) return;
    closed_ = true;
    on_proceed_ = nullptr;
    if (auto cb = std::move(on_close_)) {
      on_close_ = nullptr;
      cb();
    }
  }

  const std::string& written() const { return written_; }
  bool ended() const { return ended_; }
  bool aborted() const { return aborted_; }

 private:
  std::uint64_t id_;
  std::string queued_;
  std::string written_;
  bool ended_ = false;
  bool aborted_ = false;
  bool closed_ = false;
  bool stalled_ = false;
  bool abort_posted_ = false;
  std::function<void()> on_close_;
  std::function<void()> on_proceed_;
};

}  // namespace herald::test
