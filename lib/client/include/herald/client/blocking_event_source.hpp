#pragma once
// A blocking EventSource for simple programs: it runs an EventSource on its own thread and
// hands events over through a bounded queue.
//
//   herald::client::BlockingEventSource source(options);
//   while (auto event = source.next(std::chrono::seconds(30))) std::cout << event->data << "\n";
//
// When the queue is full the reading thread waits, so a slow consumer slows the TCP
// connection down instead of growing memory.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "herald/client/error.hpp"
#include "herald/client/options.hpp"

namespace herald::client {

struct OwnedEvent {
  std::string type;
  std::string data;
  std::string last_event_id;
  std::string origin;
};

class BlockingEventSource {
 public:
  // Starts connecting at once. Throws std::invalid_argument like EventSource.
  explicit BlockingEventSource(Options options, std::size_t queue_limit = 1024);
  // Closes and joins the thread.
  ~BlockingEventSource();
  BlockingEventSource(const BlockingEventSource&) = delete;
  BlockingEventSource& operator=(const BlockingEventSource&) = delete;

  // The next event, waiting up to `timeout`. nullopt: nothing came in time, or the source is
  // closed and drained (see closed()).
  std::optional<OwnedEvent> next(std::chrono::milliseconds timeout);
  // Ends the stream; next() then returns what is queued, then nullopt.
  void close();
  bool closed() const;
  // The last error reported (with will_retry set when a reconnect followed).
  std::optional<Error> last_error() const;

 private:
  struct Runner;
  std::unique_ptr<Runner> runner_;
};

}  // namespace herald::client
