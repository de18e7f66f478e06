#include "herald/client/event_source.hpp"

#include <stdexcept>
#include <unordered_map>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/steady_timer.hpp>

#include "attempt.hpp"
#include "herald/base/strings.hpp"
#include "herald/client/request.hpp"
#include "herald/client/response_rules.hpp"
#include "herald/wire/parser.hpp"
#include "tls_context.hpp"

namespace herald::client {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

constexpr std::size_t error_body_bytes = 1024;  // of a failed response, for the message

Url checked_url(const Options& options) {
  std::string why;
  auto url = parse_url(options.url, &why);
  if (!url) throw std::invalid_argument("EventSource URL '" + options.url + "': " + why);
  return *url;
}

void check_options(const Options& options) {
  std::string why;
  for (const auto& h : options.headers) {
    if (!valid_header(h.name, h.value, &why)) throw std::invalid_argument(why);
  }
  for (const auto& c : options.cookies) {
    if (!valid_header("Cookie", c.name + "=" + c.value, &why) ||
        c.name.find_first_of("=; ") != std::string::npos) {
      throw std::invalid_argument("cookie '" + c.name + "' cannot be sent");
    }
  }
  if (!valid_header("Last-Event-ID", options.last_event_id, &why)) throw std::invalid_argument(why);
  if (!valid_header(options.method, "", &why)) throw std::invalid_argument("bad method");
}

}  // namespace

class EventSource::Impl : public std::enable_shared_from_this<EventSource::Impl> {
 public:
  Impl(asio::any_io_executor executor, Options options)
      : executor_(std::move(executor)),
        options_(std::move(options)),
        machine_(checked_url(options_), options_.method, options_.policy),
        parser_(
            wire::ParserCallbacks{[this](const wire::ReceivedEvent& e) { deliver(e); },
                                  [this](std::string_view c) { comment(c); },
                                  [this](std::uint32_t ms) {
                                    machine_.set_reconnection_time(std::chrono::milliseconds(ms));
                                  }},
            options_.max_event_bytes),
        timer_(executor_) {
    check_options(options_);
    parser_.set_last_event_id(options_.last_event_id);
    std::string why;
    if (machine_.url().tls() && !ensure_tls_context(why)) throw std::invalid_argument(why);
  }

  // Handlers; set before start().
  OpenHandler on_open;
  EventHandler on_any;
  std::unordered_map<std::string, std::vector<EventHandler>> on_type;
  CommentHandler on_comment;
  ErrorHandler on_error;

  const asio::any_io_executor& executor() const { return executor_; }
  const ConnectionMachine& machine() const { return machine_; }
  const wire::Parser& parser() const { return parser_; }

  void start() { apply(machine_.start(now())); }
  void close() { apply(machine_.close()); }
  void restart() { apply(machine_.restart(now())); }

 private:
  static TimePoint now() { return std::chrono::steady_clock::now(); }

  bool ensure_tls_context(std::string& why) {
    if (!tls_context_) tls_context_ = detail::make_tls_context(options_.tls, why);
    return tls_context_ != nullptr;
  }

  // Carries out what the state machine decided. Handlers it calls may call close() or
  // restart(), which re-enter here: each Step holds at most one user callback, and a
  // closed source starts nothing after it.
  void apply(Step step) {
    if (step.drop) drop();
    if (step.error && on_error) on_error(*step.error);
    if (step.opened && on_open && attempt_) on_open();
    if (step.connect && machine_.ready_state() != ReadyState::closed) connect(*step.connect);
    arm_timer();
  }

  void drop() {
    delivering_ = false;
    if (attempt_) {
      attempt_->cancel();
      attempt_.reset();
    }
  }

  void fail(ErrorKind kind, std::string message, bool fatal = false) {
    apply(machine_.connection_failed(now(), Error{kind, std::move(message)}, fatal));
  }

  void connect(const Url& url) {
    if (url.tls()) {
      std::string why;
      if (!ensure_tls_context(why)) {  // only after a redirect from http to https
        apply(machine_.connection_failed(now(), {ErrorKind::bad_options, why}, /*fatal=*/true));
        return;
      }
    }
    mode_ = Mode::head;
    error_body_.clear();
    const auto id = ++attempt_id_;
    // Every event names its attempt: one that was dropped reports nothing more.
    auto self = shared_from_this();
    detail::ExchangeEvents events{[self, id](const detail::ExchangeHead& head) {
                                    if (self->current(id)) self->on_head(head);
                                  },
                                  [self, id](std::string_view bytes) {
                                    if (self->current(id)) self->on_body(bytes);
                                  },
                                  [self, id](const detail::ExchangeEnd& end) {
                                    if (self->current(id)) self->on_end(end);
                                  }};
    detail::ExchangeRequest request{
        url, machine_.method(), event_stream_headers(parser_.last_event_id(), options_.cookies),
        options_.headers, machine_.body_dropped() ? std::string() : options_.body};
    attempt_ = std::make_shared<detail::Attempt>(
        detail::AttemptSettings{executor_, tls_context_, options_.tls, options_.http2,
                                options_.pool},
        std::move(request), std::move(events));
    attempt_->start();
  }

  bool current(std::uint64_t attempt_id) const { return attempt_ && attempt_id == attempt_id_; }

  void on_head(const detail::ExchangeHead& head) {
    machine_.bytes_received(now());
    head_ = head;
    const Verdict verdict =
        classify(head.status, head.content_type, options_.policy.retry_server_errors);
    if ((verdict == Verdict::fail && head.status != 200) || verdict == Verdict::retry_later) {
      mode_ = Mode::error_body;  // wait for (the start of) it: servers explain a 4xx there
      return;
    }
    if (verdict == Verdict::open) {
      mode_ = Mode::stream;
      parser_.reset_stream();  // a new stream: BOM and line state start over
      origin_ = machine_.current_url().origin();
      delivering_ = true;
    }
    apply(machine_.response(now(), {head.status, head.content_type, head.location, {}}));
  }

  void on_body(std::string_view bytes) {
    // Bytes of this stream only (heartbeats included) keep it alive: on a shared HTTP/2
    // connection, another stream's bytes or a PING say nothing about this one.
    machine_.bytes_received(now());
    switch (mode_) {
      case Mode::head:
        return;
      case Mode::error_body:
        error_body_.append(bytes.substr(0, error_body_bytes - error_body_.size()));
        if (error_body_.size() >= error_body_bytes) finish_error_body();
        return;
      case Mode::stream:
        // Reported once the parser is done with the bytes (its callbacks must not re-enter
        // it); the handler may close the source, which only stops further delivery.
        if (delivering_ && parser_.feed(bytes) == wire::ParseError::event_too_large && on_error) {
          on_error(Error{ErrorKind::event_too_large, "an event passed " +
                                                         std::to_string(options_.max_event_bytes) +
                                                         " bytes and was skipped"});
        }
        return;
    }
  }

  void finish_error_body() {
    std::string message = one_line(error_body_.substr(0, 300));
    apply(machine_.response(now(), {head_.status, head_.content_type, head_.location, message}));
  }

  void on_end(const detail::ExchangeEnd& end) {
    using How = detail::ExchangeEnd::How;
    switch (mode_) {
      case Mode::head:
        if (end.how == How::failed) {
          fail(end.kind, end.message, end.fatal);
        } else {
          fail(ErrorKind::network, "connection closed before the response");
        }
        return;
      case Mode::error_body:
        finish_error_body();
        return;
      case Mode::stream:
        parser_.finish();  // an unfinished event is discarded (SSE-SPEC.md rule 14)
        switch (end.how) {
          case How::complete:
            fail(ErrorKind::stream_ended, "the server ended the stream");
            return;
          case How::cut:
            fail(ErrorKind::stream_ended, "stream cut: " + end.message);
            return;
          case How::failed:
            fail(end.kind, end.message);
            return;
        }
    }
  }

  void deliver(const wire::ReceivedEvent& e) {
    if (!delivering_) return;
    const MessageEvent event{e.type, e.data, e.last_event_id, origin_};
    if (on_any) on_any(event);
    if (!delivering_) return;  // the handler closed or restarted the source
    const auto it = on_type.find(e.type);
    if (it == on_type.end()) return;
    for (const auto& handler : it->second) {
      handler(event);
      if (!delivering_) return;
    }
  }

  void comment(std::string_view text) {
    if (delivering_ && on_comment) on_comment(text);
  }

  // One timer serves every deadline. It is re-armed only when the deadline moves earlier:
  // a read timeout pushed back by every read just fires early once and is re-armed then.
  void arm_timer() {
    const auto deadline = machine_.deadline();
    if (!deadline) {
      if (armed_) {
        armed_.reset();
        ++timer_generation_;
        timer_.cancel();
      }
      return;
    }
    if (armed_ && *armed_ <= *deadline) return;
    armed_ = *deadline;
    const auto generation = ++timer_generation_;
    timer_.expires_at(*deadline);
    timer_.async_wait([self = shared_from_this(), generation](const error_code& ec) {
      if (ec || generation != self->timer_generation_) return;
      self->armed_.reset();
      self->apply(self->machine_.tick(now()));
    });
  }

  asio::any_io_executor executor_;
  Options options_;
  ConnectionMachine machine_;
  wire::Parser parser_;
  asio::steady_timer timer_;
  std::optional<TimePoint> armed_;
  std::uint64_t timer_generation_ = 0;
  std::shared_ptr<asio::ssl::context> tls_context_;
  // The current connection attempt (null between attempts), and what its response is.
  enum class Mode { head, stream, error_body };
  std::shared_ptr<detail::Attempt> attempt_;
  std::uint64_t attempt_id_ = 0;
  Mode mode_ = Mode::head;
  detail::ExchangeHead head_;
  std::string error_body_;
  std::string origin_;
  bool delivering_ = false;  // events of the current stream reach the handlers
};

EventSource::EventSource(asio::any_io_executor executor, Options options)
    : impl_(std::make_shared<Impl>(std::move(executor), std::move(options))) {}

EventSource::~EventSource() {
  close();
}

void EventSource::on_open(OpenHandler handler) {
  impl_->on_open = std::move(handler);
}
void EventSource::on_event(EventHandler handler) {
  impl_->on_any = std::move(handler);
}
void EventSource::on(std::string type, EventHandler handler) {
  impl_->on_type[std::move(type)].push_back(std::move(handler));
}
void EventSource::on_comment(CommentHandler handler) {
  impl_->on_comment = std::move(handler);
}
void EventSource::on_error(ErrorHandler handler) {
  impl_->on_error = std::move(handler);
}

void EventSource::start() {
  asio::dispatch(impl_->executor(), [impl = impl_] { impl->start(); });
}
void EventSource::close() {
  asio::dispatch(impl_->executor(), [impl = impl_] { impl->close(); });
}
void EventSource::restart() {
  asio::dispatch(impl_->executor(), [impl = impl_] { impl->restart(); });
}

ReadyState EventSource::ready_state() const {
  return impl_->machine().ready_state();
}
const std::string& EventSource::last_event_id() const {
  return impl_->parser().last_event_id();
}
std::chrono::milliseconds EventSource::reconnection_time() const {
  return impl_->machine().reconnection_time();
}
std::string EventSource::url() const {
  return impl_->machine().url().str();
}
std::string EventSource::current_url() const {
  return impl_->machine().current_url().str();
}

}  // namespace herald::client
