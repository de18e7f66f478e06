#include "token_expiry.hpp"

#include "herald/base/log.hpp"

namespace herald::server {

TokenExpiry::TokenExpiry(boost::asio::io_context& io, std::chrono::milliseconds retry)
    : timer_(io),
      goodbye_(std::make_shared<const std::string>(
          ": token expired, reconnect with a fresh one\nretry: " + std::to_string(retry.count()) +
          "\n\n")) {}

TokenExpiry::Clock::time_point TokenExpiry::to_steady(std::chrono::system_clock::time_point at) {
  auto left = at - std::chrono::system_clock::now();
  // A year is as good as never for a stream, and keeps the addition below from overflowing
  // (claims allow dates up to the year 2200).
  left = std::min<std::chrono::system_clock::duration>(left, std::chrono::hours(24 * 365));
  return Clock::now() + std::chrono::duration_cast<Clock::duration>(left);
}

void TokenExpiry::add(Clock::time_point at, const std::shared_ptr<http::StreamSink>& sink) {
  entries_.emplace(Key{at, sink->id()}, sink);
  if (!armed_ || at < armed_at_) arm();
}

void TokenExpiry::remove(Clock::time_point at, std::uint64_t stream_id) {
  // The timer stays armed for a removed entry: firing once for nothing is cheaper than
  // re-arming on every close.
  entries_.erase(Key{at, stream_id});
}

void TokenExpiry::arm() {
  if (entries_.empty()) {
    armed_ = false;
    return;
  }
  armed_ = true;
  armed_at_ = entries_.begin()->first.first;
  timer_.expires_at(armed_at_);  // cancels a wait for a later instant
  timer_.async_wait([this, at = armed_at_](boost::system::error_code ec) {
    // A cancelled wait was replaced by an earlier one (or the server is stopping).
    if (ec || at != armed_at_) return;
    fire();
  });
}

void TokenExpiry::fire() {
  auto now = Clock::now();
  // Bounded by the set's size: each pass removes one entry.
  while (!entries_.empty() && entries_.begin()->first.first <= now) {
    auto sink = entries_.begin()->second.lock();
    entries_.erase(entries_.begin());
    if (!sink || sink->closed()) continue;
    log::info("token expired, stream ended", {{"conn", std::to_string(sink->id())}});
    sink->write({goodbye_, *goodbye_});
    sink->end();
  }
  arm();
}

}  // namespace herald::server
