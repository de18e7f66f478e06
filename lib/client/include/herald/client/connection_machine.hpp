#pragma once
// The EventSource connection logic as a state machine without I/O (SSE-SPEC.md
// "Connection (client)"): the transport tells it what happened and what time it is; it
// answers with a Step saying what to do. Deadlines (connect timeout, read timeout, the wait
// before a reconnect) are returned by deadline(); the transport calls tick() when one is
// reached. Tests drive it with a fake clock. Boost-free.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "herald/client/error.hpp"
#include "herald/client/options.hpp"
#include "herald/client/url.hpp"

namespace herald::client {

enum class ReadyState { connecting, open, closed };

std::string_view to_string(ReadyState state);

using TimePoint = std::chrono::steady_clock::time_point;

struct ResponseHead {
  int status = 0;
  std::string content_type;
  std::string location;  // for redirects
  std::string message;   // start of the body of a failed response, for the error text
};

// What the transport must do, in this order: drop the current connection, report the
// error, report open, start a new connection attempt.
struct Step {
  bool drop = false;
  std::optional<Error> error;
  bool opened = false;
  std::optional<Url> connect;  // a new attempt: this URL, method() and body_dropped()
  bool closed = false;         // the source is now closed for good
};

class ConnectionMachine {
 public:
  // `random01` gives the jitter (uniform in [0, 1)); the default draws from a seeded engine.
  ConnectionMachine(Url url, std::string method, ConnectionPolicy policy,
                    std::function<double()> random01 = {});

  Step start(TimePoint now);
  // The response head of the current attempt arrived.
  Step response(TimePoint now, const ResponseHead& head);
  // The current connection failed or ended: before the head (a network or TLS error) or
  // after open (the stream ended or broke). `fatal` stops for good (e.g. a certificate
  // that does not verify: retrying cannot help).
  Step connection_failed(TimePoint now, Error error, bool fatal = false);
  // A deadline may have passed.
  Step tick(TimePoint now);
  // Aborts and never reconnects (SSE-SPEC.md rule 18).
  Step close();
  // Drops the connection and connects again at once, as if the server had ended it, but
  // without an error or a wait (the caller asked for it).
  Step restart(TimePoint now);

  // Any bytes arrived: the read timeout starts over. Cheap: called on every read.
  void bytes_received(TimePoint now) { last_activity_ = now; }
  // A valid `retry:` field (SSE-SPEC.md rule 9).
  void set_reconnection_time(std::chrono::milliseconds ms) { reconnection_time_ = ms; }

  std::optional<TimePoint> deadline() const;
  ReadyState ready_state() const;
  std::chrono::milliseconds reconnection_time() const { return reconnection_time_; }
  // The URL of the current attempt: the one given, or where redirects led (the origin of
  // events). A reconnect starts again from the URL given.
  const Url& current_url() const { return current_; }
  const Url& url() const { return url_; }
  // The method of the current attempt: GET after a redirect that drops the body.
  const std::string& method() const { return body_dropped_ ? get_ : method_; }
  bool body_dropped() const { return body_dropped_; }
  unsigned failures() const { return failures_; }

 private:
  enum class Phase { idle, connecting, open, waiting, closed };

  Step begin_attempt(TimePoint now);
  Step schedule_reconnect(TimePoint now, Error error);
  Step close_with(Error error);

  Url url_;
  Url current_;
  std::string method_;
  std::string get_ = "GET";
  ConnectionPolicy policy_;
  std::function<double()> random01_;
  Phase phase_ = Phase::idle;
  std::chrono::milliseconds reconnection_time_;
  unsigned failures_ = 0;  // failed attempts or short-lived streams in a row
  int redirects_ = 0;      // in the current attempt
  bool body_dropped_ = false;
  TimePoint attempt_started_{};
  TimePoint opened_at_{};
  TimePoint last_activity_{};
  TimePoint reconnect_at_{};
};

}  // namespace herald::client
