#include "herald/client/connection_machine.hpp"

#include <memory>
#include <random>
#include <utility>

#include "herald/client/response_rules.hpp"

namespace herald::client {

namespace {

std::function<double()> default_random() {
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
  return [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
}

std::string status_message(const ResponseHead& head) {
  std::string text = "server answered " + std::to_string(head.status);
  if (!head.message.empty()) text += ": " + head.message;
  return text;
}

}  // namespace

std::string_view to_string(ReadyState state) {
  switch (state) {
    case ReadyState::connecting:
      return "connecting";
    case ReadyState::open:
      return "open";
    case ReadyState::closed:
      return "closed";
  }
  return "unknown";
}

ConnectionMachine::ConnectionMachine(Url url, std::string method, ConnectionPolicy policy,
                                     std::function<double()> random01)
    : url_(std::move(url)),
      current_(url_),
      method_(std::move(method)),
      policy_(policy),
      random01_(random01 ? std::move(random01) : default_random()),
      reconnection_time_(policy.reconnection_time) {}

Step ConnectionMachine::start(TimePoint now) {
  if (phase_ != Phase::idle) return {};
  return begin_attempt(now);
}

Step ConnectionMachine::begin_attempt(TimePoint now) {
  phase_ = Phase::connecting;
  attempt_started_ = now;
  redirects_ = 0;
  body_dropped_ = false;
  current_ = url_;  // redirects are followed afresh on every reconnect, as browsers do
  Step step;
  step.connect = current_;
  return step;
}

Step ConnectionMachine::response(TimePoint now, const ResponseHead& head) {
  if (phase_ != Phase::connecting) return {};
  switch (classify(head.status, head.content_type, policy_.retry_server_errors)) {
    case Verdict::open: {
      phase_ = Phase::open;
      opened_at_ = now;
      last_activity_ = now;
      Step step;
      step.opened = true;
      return step;
    }
    case Verdict::redirect: {
      if (++redirects_ > policy_.max_redirects) {
        return close_with({ErrorKind::http_status,
                           "more than " + std::to_string(policy_.max_redirects) + " redirects",
                           head.status});
      }
      if (head.location.empty()) {
        return close_with({ErrorKind::bad_redirect,
                           "redirect " + std::to_string(head.status) + " without a Location",
                           head.status});
      }
      std::string why;
      auto next = resolve_url(current_, head.location, &why);
      if (!next) {
        return close_with({ErrorKind::bad_redirect,
                           "cannot follow redirect to '" + head.location + "': " + why,
                           head.status});
      }
      if (redirect_drops_body(head.status, method())) body_dropped_ = true;
      current_ = std::move(*next);
      attempt_started_ = now;  // each hop gets the whole connect timeout
      Step step;
      step.drop = true;
      step.connect = current_;
      return step;
    }
    case Verdict::stop:
      return close_with({ErrorKind::http_status, "server answered 204: stop reconnecting", 204});
    case Verdict::fail:
      if (head.status == 200) {
        return close_with({ErrorKind::content_type,
                           "not an event stream (Content-Type: '" + head.content_type + "')",
                           head.status});
      }
      return close_with({ErrorKind::http_status, status_message(head), head.status});
    case Verdict::retry_later:
      return schedule_reconnect(now, {ErrorKind::http_status, status_message(head), head.status});
  }
  return {};
}

Step ConnectionMachine::connection_failed(TimePoint now, Error error, bool fatal) {
  if (phase_ != Phase::connecting && phase_ != Phase::open) return {};
  if (fatal) return close_with(std::move(error));
  return schedule_reconnect(now, std::move(error));
}

Step ConnectionMachine::schedule_reconnect(TimePoint now, Error error) {
  // Only a stream that stayed up for a while proves the server healthy; one that opens
  // and drops at once keeps the backoff growing.
  if (phase_ == Phase::open && now - opened_at_ >= policy_.backoff.reset_after) failures_ = 0;
  ++failures_;
  const auto delay = backoff_delay(reconnection_time_, failures_, policy_.backoff, random01_());
  phase_ = Phase::waiting;
  reconnect_at_ = now + delay;
  error.will_retry = true;
  error.retry_in = delay;
  Step step;
  step.drop = true;
  step.error = std::move(error);
  return step;
}

Step ConnectionMachine::close_with(Error error) {
  phase_ = Phase::closed;
  error.will_retry = false;
  Step step;
  step.drop = true;
  step.error = std::move(error);
  step.closed = true;
  return step;
}

Step ConnectionMachine::tick(TimePoint now) {
  switch (phase_) {
    case Phase::connecting:
      if (policy_.connect_timeout.count() > 0 &&
          now >= attempt_started_ + policy_.connect_timeout) {
        return schedule_reconnect(
            now, {ErrorKind::connect_timeout,
                  "no response within " + std::to_string(policy_.connect_timeout.count()) + " ms"});
      }
      return {};
    case Phase::open:
      if (policy_.read_timeout.count() > 0 && now >= last_activity_ + policy_.read_timeout) {
        return schedule_reconnect(
            now, {ErrorKind::read_timeout,
                  "no data for " + std::to_string(policy_.read_timeout.count()) + " ms"});
      }
      return {};
    case Phase::waiting:
      if (now >= reconnect_at_) return begin_attempt(now);
      return {};
    case Phase::idle:
    case Phase::closed:
      return {};
  }
  return {};
}

Step ConnectionMachine::close() {
  if (phase_ == Phase::closed) return {};
  const bool had_connection = phase_ == Phase::connecting || phase_ == Phase::open;
  phase_ = Phase::closed;
  Step step;
  step.drop = had_connection;
  step.closed = true;
  return step;
}

Step ConnectionMachine::restart(TimePoint now) {
  if (phase_ == Phase::closed || phase_ == Phase::idle) return {};
  Step step = begin_attempt(now);
  step.drop = true;
  return step;
}

std::optional<TimePoint> ConnectionMachine::deadline() const {
  switch (phase_) {
    case Phase::connecting:
      if (policy_.connect_timeout.count() > 0) return attempt_started_ + policy_.connect_timeout;
      return std::nullopt;
    case Phase::open:
      if (policy_.read_timeout.count() > 0) return last_activity_ + policy_.read_timeout;
      return std::nullopt;
    case Phase::waiting:
      return reconnect_at_;
    case Phase::idle:
    case Phase::closed:
      return std::nullopt;
  }
  return std::nullopt;
}

ReadyState ConnectionMachine::ready_state() const {
  switch (phase_) {
    case Phase::open:
      return ReadyState::open;
    case Phase::closed:
      return ReadyState::closed;
    default:
      return ReadyState::connecting;
  }
}

}  // namespace herald::client
