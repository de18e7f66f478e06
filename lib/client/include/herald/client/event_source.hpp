#pragma once
// herald::client::EventSource: an SSE client on Asio, following the EventSource rules of
// shared/conformance/SSE-SPEC.md, with the extras a program wants (headers, an initial
// Last-Event-ID, backoff, timeouts, TLS, HTTP/2).
//
//   boost::asio::io_context io;
//   herald::client::Options options;
//   options.url = "http://127.0.0.1:8080/.well-known/mercure?topic=news";
//   herald::client::EventSource source(io.get_executor(), options);
//   source.on_event([](const herald::client::MessageEvent& e) { std::cout << e.data << "\n"; });
//   source.start();
//   io.run();  // returns once the source is closed for good
//
// HTTP version (Options::http2): https negotiates h2 or HTTP/1.1 by ALPN, plain http is
// HTTP/1.1 unless h2c is required; each attempt is then one request on a connection of its
// own, or one stream on an HTTP/2 connection that Options::pool may share with other
// sources (connection_pool.hpp). The rules below are the same either way.
//
// Threading: callbacks run on the executor given. Run the io_context on one thread, or give
// a strand; sources sharing a pool share that executor. start(), close() and restart() may
// be called from any thread (they are dispatched to the executor); the accessors only from
// the executor's thread.
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>

#include "herald/client/connection_machine.hpp"
#include "herald/client/error.hpp"
#include "herald/client/options.hpp"

namespace herald::client {

// One dispatched event; the views are valid only during the callback (copy what you keep).
struct MessageEvent {
  std::string_view type;  // "message" unless the server gave an `event:`
  std::string_view data;
  std::string_view last_event_id;  // the stream's last event ID at dispatch
  std::string_view origin;         // scheme://host[:port] of the URL that answered
};

class EventSource {
 public:
  using OpenHandler = std::function<void()>;
  using EventHandler = std::function<void(const MessageEvent&)>;
  using CommentHandler = std::function<void(std::string_view)>;
  using ErrorHandler = std::function<void(const Error&)>;

  // Throws std::invalid_argument when the URL or a header cannot be sent.
  EventSource(boost::asio::any_io_executor executor, Options options);
  // Closes the source (no callback runs after the destructor returns when it is called on
  // the executor's thread).
  ~EventSource();
  EventSource(const EventSource&) = delete;
  EventSource& operator=(const EventSource&) = delete;

  // Set the handlers before start().
  void on_open(OpenHandler handler);
  // Every event, whatever its type.
  void on_event(EventHandler handler);
  // Events of one type only, like addEventListener(type) in a browser ("message" for
  // events without an `event:` field). Several handlers per type are allowed.
  void on(std::string type, EventHandler handler);
  void on_comment(CommentHandler handler);
  // Connection errors. error.will_retry tells if a reconnect follows; if not, the source is
  // closed (except for event_too_large, where the stream goes on).
  void on_error(ErrorHandler handler);

  void start();
  // Aborts the connection and never reconnects.
  void close();
  // Drops the connection and reconnects at once (same URL, Last-Event-ID sent).
  void restart();

  ReadyState ready_state() const;
  const std::string& last_event_id() const;
  std::chrono::milliseconds reconnection_time() const;
  // The URL given, as parsed; and the one the current connection reached after redirects.
  std::string url() const;
  std::string current_url() const;

  class Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace herald::client
