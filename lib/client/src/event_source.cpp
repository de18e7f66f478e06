#include "herald/client/event_source.hpp"

#include <array>
#include <stdexcept>
#include <unordered_map>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/steady_timer.hpp>

#include "herald/base/strings.hpp"
#include "herald/client/request.hpp"
#include "herald/client/response_reader.hpp"
#include "herald/client/response_rules.hpp"
#include "herald/wire/parser.hpp"
#include "tls_context.hpp"
#include "transport.hpp"

namespace herald::client {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

constexpr std::size_t read_buffer_bytes = 16 * 1024;
constexpr std::size_t error_body_bytes = 1024;  // of a failed response, for the message

// One connection attempt: its socket, the request, and the response as it is read.
struct Connection {
  enum class Mode { head, stream, error_body };

  Connection(const asio::any_io_executor& ex, asio::ssl::context* tls) : transport(ex, tls) {}

  detail::Transport transport;
  ResponseReader reader;
  std::string request;
  std::array<char, read_buffer_bytes> buffer;
  Mode mode = Mode::head;
  std::string error_body;
};

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
    if (step.opened && on_open && conn_) on_open();
    if (step.connect && machine_.ready_state() != ReadyState::closed) connect(*step.connect);
    arm_timer();
  }

  void drop() {
    delivering_ = false;
    if (conn_) {
      conn_->transport.close();
      conn_.reset();
    }
  }

  void fail_connection(const std::shared_ptr<Connection>& conn, ErrorKind kind, std::string message,
                       bool fatal = false) {
    if (conn != conn_) return;
    apply(machine_.connection_failed(now(), Error{kind, std::move(message)}, fatal));
  }

  void connect(const Url& url) {
    asio::ssl::context* tls = nullptr;
    if (url.tls()) {
      std::string why;
      if (!ensure_tls_context(why)) {  // only after a redirect from http to https
        apply(machine_.connection_failed(now(), {ErrorKind::bad_options, why}, /*fatal=*/true));
        return;
      }
      tls = tls_context_.get();
    }
    auto conn = std::make_shared<Connection>(executor_, tls);
    conn_ = conn;
    conn->request = build_request(
        url, machine_.method(), event_stream_headers(parser_.last_event_id(), options_.cookies),
        options_.headers, machine_.body_dropped() ? std::string_view{} : options_.body);
    conn->transport.connect(url, [self = shared_from_this(), conn](
                                     const std::optional<detail::Transport::ConnectError>& error) {
      self->on_connected(conn, error);
    });
  }

  void on_connected(const std::shared_ptr<Connection>& conn,
                    const std::optional<detail::Transport::ConnectError>& error) {
    if (conn != conn_) return;
    if (error) {
      fail_connection(conn, error->tls ? ErrorKind::tls : ErrorKind::network, error->message,
                      error->fatal);
      return;
    }
    conn->transport.write(conn->request, [self = shared_from_this(), conn](const error_code& ec,
                                                                           std::size_t) {
      if (ec) {
        self->fail_connection(conn, ErrorKind::network, "cannot send the request: " + ec.message());
        return;
      }
      self->read_more(conn);
    });
  }

  void read_more(const std::shared_ptr<Connection>& conn) {
    conn->transport.read_some(asio::buffer(conn->buffer), [self = shared_from_this(), conn](
                                                              const error_code& ec, std::size_t n) {
      self->on_read(conn, ec, n);
    });
  }

  void on_read(const std::shared_ptr<Connection>& conn, const error_code& ec, std::size_t n) {
    if (conn != conn_) return;
    if (n > 0) {
      machine_.bytes_received(now());
      if (!consume(conn, conn->reader.feed(std::string_view(conn->buffer.data(), n)))) return;
    }
    if (ec) {
      end_of_input(conn, ec);
      return;
    }
    read_more(conn);
  }

  // Acts on what the reader made of the bytes. Returns false when this connection is over.
  bool consume(const std::shared_ptr<Connection>& conn, ResponseReader::Progress progress) {
    for (;;) {
      if (conn != conn_) return false;
      switch (progress) {
        case ResponseReader::Progress::need_more:
          if (conn->mode == Connection::Mode::error_body &&
              conn->error_body.size() >= error_body_bytes) {
            finish_error_body(conn);
            return false;
          }
          return true;
        case ResponseReader::Progress::head_ready:
          on_head(conn);
          if (conn != conn_) return false;
          progress = conn->reader.feed({});
          break;
        case ResponseReader::Progress::done:
          end_of_body(conn, {});
          return false;
        case ResponseReader::Progress::failed:
          fail_connection(conn, ErrorKind::network, "bad HTTP response: " + conn->reader.error());
          return false;
      }
    }
  }

  void on_head(const std::shared_ptr<Connection>& conn) {
    const auto& head = conn->reader.head();
    const Verdict verdict =
        classify(head.status, head.content_type, options_.policy.retry_server_errors);
    if ((verdict == Verdict::fail && head.status != 200) || verdict == Verdict::retry_later) {
      // Wait for (the start of) the body: servers explain a 4xx or 5xx there.
      conn->mode = Connection::Mode::error_body;
      conn->reader.set_sink([c = conn.get()](std::string_view bytes) {
        if (c->error_body.size() < error_body_bytes) c->error_body.append(bytes);
      });
      return;
    }
    if (verdict == Verdict::open) {
      conn->mode = Connection::Mode::stream;
      parser_.reset_stream();  // a new stream: BOM and line state start over
      origin_ = machine_.current_url().origin();
      delivering_ = true;
      conn->reader.set_sink([this](std::string_view bytes) {
        // Reported once the parser is done with the bytes (its callbacks must not re-enter
        // it); the handler may close the source, which only stops further delivery.
        if (delivering_ && parser_.feed(bytes) == wire::ParseError::event_too_large && on_error) {
          on_error(Error{ErrorKind::event_too_large, "an event passed " +
                                                         std::to_string(options_.max_event_bytes) +
                                                         " bytes and was skipped"});
        }
      });
    }
    apply(machine_.response(now(), {head.status, head.content_type, head.location, {}}));
  }

  void finish_error_body(const std::shared_ptr<Connection>& conn) {
    const auto& head = conn->reader.head();
    std::string message = one_line(conn->error_body.substr(0, 300));
    apply(machine_.response(now(), {head.status, head.content_type, head.location, message}));
  }

  // The response is over: complete (`why` empty), or cut short for the reason given.
  void end_of_body(const std::shared_ptr<Connection>& conn, const std::string& why) {
    switch (conn->mode) {
      case Connection::Mode::head:
        fail_connection(conn, ErrorKind::network, "connection closed before the response");
        return;
      case Connection::Mode::error_body:
        finish_error_body(conn);
        return;
      case Connection::Mode::stream:
        parser_.finish();  // an unfinished event is discarded (SSE-SPEC.md rule 14)
        fail_connection(conn, ErrorKind::stream_ended,
                        why.empty() ? "the server ended the stream" : "stream cut: " + why);
        return;
    }
  }

  void end_of_input(const std::shared_ptr<Connection>& conn, const error_code& ec) {
    const bool clean = ec == asio::error::eof || ec == asio::ssl::error::stream_truncated;
    if (!clean) {
      if (conn->mode == Connection::Mode::error_body) return finish_error_body(conn);
      if (conn->mode == Connection::Mode::stream) parser_.finish();
      fail_connection(conn, ErrorKind::network, "connection lost: " + ec.message());
      return;
    }
    // A peer that closes ends a read-until-close body; a chunked or sized one is cut.
    if (conn->reader.finish() == ResponseReader::Progress::done) {
      end_of_body(conn, {});
    } else {
      end_of_body(conn, conn->reader.error());
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
  std::shared_ptr<Connection> conn_;
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
