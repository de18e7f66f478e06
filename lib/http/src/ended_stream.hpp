#pragma once
// The stream a HEAD request gets from open_stream: the head went out as a plain response
// and the exchange is over, so the sink is closed from the start. Handlers feed it like
// any stream (writes are dropped) and need no HEAD case of their own.
#include <functional>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "herald/http/stream_sink.hpp"

namespace herald::http {

class EndedStream final : public StreamSink {
 public:
  EndedStream(boost::asio::io_context& io, std::size_t shard, std::uint64_t id)
      : io_(io), shard_(shard), id_(id) {}

  void write(SharedBytes) override {}
  void flush() override {}
  std::size_t queued_bytes() const override { return 0; }
  void end() override {}
  void abort() override {}
  void abort_later() override {}
  bool closed() const override { return true; }
  // Posted, not called here: a handler registers its close callback before it is done
  // setting the stream up, and the callback undoes that set-up.
  void on_close(std::function<void()> callback) override {
    if (callback) boost::asio::post(io_, std::move(callback));
  }
  void on_proceed(std::function<void()>) override {}  // closed: never called
  std::size_t shard() const override { return shard_; }
  std::uint64_t id() const override { return id_; }

 private:
  boost::asio::io_context& io_;
  std::size_t shard_;
  std::uint64_t id_;
};

}  // namespace herald::http
