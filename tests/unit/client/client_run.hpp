#pragma once
// Test helper: runs one EventSource on its own io_context and records everything it
// reports, until the source closes, a condition holds (then it closes it), or a timeout.
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "herald/client/blocking_event_source.hpp"
#include "herald/client/event_source.hpp"

namespace herald::client::test {

// Options for loopback tests: short waits, no jitter, so a test takes milliseconds.
inline Options quick_options(std::string url) {
  Options o;
  o.url = std::move(url);
  o.policy.reconnection_time = std::chrono::milliseconds(5);
  o.policy.backoff.max_delay = std::chrono::milliseconds(200);
  o.policy.backoff.jitter = 0;
  o.policy.connect_timeout = std::chrono::milliseconds(3000);
  return o;
}

class ClientRun {
 public:
  using Until = std::function<bool(const ClientRun&)>;

  explicit ClientRun(Options options, Until until = {})
      : until_(std::move(until)), source_(io_.get_executor(), std::move(options)) {
    source_.on_open([this] {
      ++opens;
      check();
    });
    source_.on_event([this](const MessageEvent& e) {
      events.push_back({std::string(e.type), std::string(e.data), std::string(e.last_event_id),
                        std::string(e.origin)});
      check();
    });
    source_.on_comment([this](std::string_view c) {
      comments.emplace_back(c);
      check();
    });
    source_.on_error([this](const Error& e) {
      errors.push_back(e);
      states_at_error.push_back(source_.ready_state());
      check();
    });
  }

  EventSource& source() { return source_; }
  boost::asio::io_context& io() { return io_; }

  // Returns true when the source closed (by itself or because `until` held) in time.
  bool run(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    source_.start();
    io_.run_for(timeout);
    const bool finished = io_.stopped();
    if (!finished) {
      source_.close();
      io_.restart();
      io_.run_for(std::chrono::seconds(2));
    }
    return finished;
  }

  std::vector<OwnedEvent> events;
  std::vector<std::string> comments;
  std::vector<Error> errors;
  std::vector<ReadyState> states_at_error;
  int opens = 0;

 private:
  void check() {
    if (until_ && until_(*this)) source_.close();
  }

  Until until_;
  boost::asio::io_context io_;
  EventSource source_;
};

}  // namespace herald::client::test
