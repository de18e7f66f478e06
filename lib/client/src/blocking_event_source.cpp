#include "herald/client/blocking_event_source.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "herald/client/event_source.hpp"

namespace herald::client {

namespace asio = boost::asio;

struct BlockingEventSource::Runner {
  Runner(Options options, std::size_t limit)
      : queue_limit(limit == 0 ? 1 : limit), source(io.get_executor(), std::move(options)) {}

  std::size_t queue_limit;
  asio::io_context io;
  EventSource source;
  std::thread thread;

  mutable std::mutex mutex;
  std::condition_variable changed;
  std::deque<OwnedEvent> queue;
  std::optional<Error> error;
  bool closing = false;  // close() was called: stop waiting for room
  bool done = false;     // the source is closed and its thread finished

  void push(const MessageEvent& e) {
    std::unique_lock lock(mutex);
    changed.wait(lock, [this] { return queue.size() < queue_limit || closing; });
    if (closing) return;
    queue.push_back({std::string(e.type), std::string(e.data), std::string(e.last_event_id),
                     std::string(e.origin)});
    changed.notify_all();
  }

  void run() {
    io.run();  // returns when the source is closed for good and nothing is pending
    std::lock_guard lock(mutex);
    done = true;
    changed.notify_all();
  }
};

BlockingEventSource::BlockingEventSource(Options options, std::size_t queue_limit)
    : runner_(std::make_unique<Runner>(std::move(options), queue_limit)) {
  Runner* r = runner_.get();
  r->source.on_event([r](const MessageEvent& e) { r->push(e); });
  r->source.on_error([r](const Error& e) {
    std::lock_guard lock(r->mutex);
    r->error = e;
    r->changed.notify_all();
  });
  r->source.start();
  r->thread = std::thread([r] { r->run(); });
}

BlockingEventSource::~BlockingEventSource() {
  close();
  if (runner_->thread.joinable()) runner_->thread.join();
}

std::optional<OwnedEvent> BlockingEventSource::next(std::chrono::milliseconds timeout) {
  std::unique_lock lock(runner_->mutex);
  runner_->changed.wait_for(lock, timeout,
                            [this] { return !runner_->queue.empty() || runner_->done; });
  if (runner_->queue.empty()) return std::nullopt;
  OwnedEvent event = std::move(runner_->queue.front());
  runner_->queue.pop_front();
  runner_->changed.notify_all();  // room for the reading thread
  return event;
}

void BlockingEventSource::close() {
  {
    std::lock_guard lock(runner_->mutex);
    runner_->closing = true;
    runner_->changed.notify_all();
  }
  runner_->source.close();  // posted to the source's thread
}

bool BlockingEventSource::closed() const {
  std::lock_guard lock(runner_->mutex);
  return runner_->done;
}

std::optional<Error> BlockingEventSource::last_error() const {
  std::lock_guard lock(runner_->mutex);
  return runner_->error;
}

}  // namespace herald::client
