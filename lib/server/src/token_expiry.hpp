#pragma once
// Ends streams whose token expires: one ordered set and one timer per shard, armed for the
// earliest expiry, instead of a timer per connection (an idle subscriber must stay small).
// The stream ends cleanly after a `retry:` hint, so the client comes back with a fresh
// token and, through Last-Event-ID, replays what it missed.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "herald/http/stream_sink.hpp"

namespace herald::server {

class TokenExpiry {
 public:
  using Clock = std::chrono::steady_clock;

  // Lives on one shard: every call on that shard's thread.
  TokenExpiry(boost::asio::io_context& io, std::chrono::milliseconds retry);
  TokenExpiry(const TokenExpiry&) = delete;
  TokenExpiry& operator=(const TokenExpiry&) = delete;

  // Ends `sink` at `at` unless removed first. `at` may be in the past (ends it at once,
  // from the timer). The stream's id makes the entry unique.
  void add(Clock::time_point at, const std::shared_ptr<http::StreamSink>& sink);
  // Forgets the entry (a no-op once it fired): call when the stream closes.
  void remove(Clock::time_point at, std::uint64_t stream_id);

  std::size_t size() const { return entries_.size(); }
  // The steady-clock instant of a wall-clock expiry (`exp` is wall-clock time).
  static Clock::time_point to_steady(std::chrono::system_clock::time_point at);

 private:
  using Key = std::pair<Clock::time_point, std::uint64_t>;
  void arm();
  void fire();

  boost::asio::steady_timer timer_;
  std::map<Key, std::weak_ptr<http::StreamSink>> entries_;
  std::shared_ptr<const std::string> goodbye_;  // the retry hint, shared by every stream
  bool armed_ = false;
  Clock::time_point armed_at_{};
};

}  // namespace herald::server
