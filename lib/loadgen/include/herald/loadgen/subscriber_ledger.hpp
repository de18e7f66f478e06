#pragma once
// What became of each subscriber of a process, counted once whatever carried it (its own
// HTTP/1.1 connection or a stream of a shared HTTP/2 one): connected (got its 200 event
// stream), failed by reason, dropped (the stream ended before every expected event came),
// finished (nothing more to wait for).
#include <cstddef>
#include <cstdint>
#include <string>

#include "herald/loadgen/accounting.hpp"
#include "herald/loadgen/sse_stream.hpp"

namespace herald::loadgen {

struct Subscriber {
  explicit Subscriber(StreamContext& context) : stream(context) {}

  SseStream stream;
  std::uint64_t started_ns = 0;  // when its connect (or its stream) was started
  bool connected = false;        // got its 200 stream (its accounting counts)
  bool finished = false;         // counted in SubscriberLedger::finished()
};

class SubscriberLedger {
 public:
  void connected(Subscriber& s);
  // Never got its stream: refused, timeout, status_404, ...
  void failed(Subscriber& s, const std::string& reason);
  // Its stream ended; dropped unless every expected event had come.
  void ended(Subscriber& s);
  // After events were fed: finished once every expected event has come.
  void progressed(Subscriber& s);

  std::uint64_t connected() const { return connected_; }
  std::uint64_t failed() const { return failed_; }
  std::size_t finished() const { return finished_; }
  // The counts; the pool adds each subscriber's deliveries (SubscriberTotals::add_stream).
  SubscriberTotals totals(std::size_t requested) const;

 private:
  void finish(Subscriber& s);

  std::uint64_t connected_ = 0;
  std::uint64_t failed_ = 0;
  std::uint64_t dropped_ = 0;
  std::size_t finished_ = 0;
  ReasonCounts failures_;
};

}  // namespace herald::loadgen
