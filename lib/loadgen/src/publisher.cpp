#include "publisher.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "herald/loadgen/chunked_decoder.hpp"
#include "herald/loadgen/event_payload.hpp"
#include "herald/loadgen/response_head.hpp"
#include "net.hpp"

namespace herald::loadgen {

namespace {
constexpr std::uint64_t retry_delay_ns = 100'000'000;
constexpr std::uint64_t max_connect_failures_in_a_row = 50;
constexpr std::size_t receive_buffer_bytes = 16 * 1024;
}  // namespace

class Publisher::Conn final : public Pollable {
 public:
  enum class Phase : std::uint8_t { down, connecting, idle, sending, awaiting };
  enum class Body : std::uint8_t { none, length, chunked, until_close };

  Conn(Publisher& p) : publisher(p) {}
  void on_events(std::uint32_t events) override { publisher.handle(*this, events); }

  Publisher& publisher;
  int fd = -1;
  Phase phase = Phase::down;
  std::uint64_t retry_at_ns = 0;
  std::string out;  // the request being sent; capacity reused
  std::size_t out_sent = 0;
  ResponseHead head;
  bool head_done = false;
  Body body = Body::none;
  std::uint64_t body_left = 0;
  ChunkedDecoder chunks;
  std::uint64_t event = 0;  // the event in flight
  std::size_t topic = 0;
  std::uint64_t sent_ns = 0;
};

Publisher::Publisher(Loop& loop, const Plan& plan, PublisherConfig config)
    : loop_(loop), plan_(plan), config_(std::move(config)), buffer_(receive_buffer_bytes) {
  topics_.reserve(plan_.topics());
  for (std::size_t t = 0; t < plan_.topics(); ++t)
    topics_.push_back(plan_.topic(t));
  in_flight_.assign(plan_.topics(), 0);
  std::size_t window = config_.window;
  if (plan_.events() < window) window = static_cast<std::size_t>(plan_.events());
  for (std::size_t i = 0; i < window; ++i)
    conns_.push_back(std::make_unique<Conn>(*this));
  data_.reserve(config_.event_bytes + 48);
}

Publisher::~Publisher() {
  for (auto& c : conns_) {
    if (c->fd >= 0) {
      loop_.remove(c->fd);
      ::close(c->fd);
    }
  }
}

void Publisher::start(std::uint64_t now) {
  start_ns_ = now;
  for (auto& c : conns_)
    connect(*c, now);
}

void Publisher::connect(Conn& c, std::uint64_t now) {
  int fd = start_connect(config_.target, 0);
  if (fd < 0) {
    ++stats_.connect_failures[failure_reason(-fd)];
    c.phase = Conn::Phase::down;
    c.retry_at_ns = now + retry_delay_ns;
    if (++connect_failures_in_a_row_ > max_connect_failures_in_a_row) give_up("unreachable");
    return;
  }
  c.fd = fd;
  c.phase = Conn::Phase::connecting;
  c.sent_ns = now;  // connect deadline
  loop_.add(fd, EPOLLOUT, &c);
}

bool Publisher::due(std::uint64_t now) const {
  if (next_ >= plan_.events()) return false;
  if (in_flight_[plan_.topic_of_event(next_)] >= config_.per_topic) return false;
  if (config_.rate <= 0) return true;
  auto at = start_ns_ + static_cast<std::uint64_t>(static_cast<double>(next_) * 1e9 / config_.rate);
  return now >= at;
}

int Publisher::wake_ms(std::uint64_t now) const {
  if (done()) return 100;
  if (config_.rate <= 0 || next_ >= plan_.events()) return 10;
  auto at = start_ns_ + static_cast<std::uint64_t>(static_cast<double>(next_) * 1e9 / config_.rate);
  if (at <= now) return 0;
  auto ms = (at - now) / 1'000'000;
  return ms > 10 ? 10 : static_cast<int>(ms);
}

void Publisher::tick(std::uint64_t now) {
  for (auto& cp : conns_) {
    Conn& c = *cp;
    switch (c.phase) {
      case Conn::Phase::down:
        if (!done() && next_ < plan_.events() && now >= c.retry_at_ns) connect(c, now);
        break;
      case Conn::Phase::connecting:
      case Conn::Phase::sending:
      case Conn::Phase::awaiting:
        if (now > c.sent_ns && now - c.sent_ns > config_.timeout_ns) {
          if (c.phase == Conn::Phase::connecting) {
            ++stats_.connect_failures["timeout"];
            drop_connection(c, now, 0);
          } else {
            lost(c, now, "timeout");
          }
        }
        break;
      case Conn::Phase::idle:
        send_next(c, now);
        break;
    }
  }
}

void Publisher::send_next(Conn& c, std::uint64_t now) {
  if (c.phase != Conn::Phase::idle || !due(now)) return;
  c.event = next_++;
  c.topic = plan_.topic_of_event(c.event);
  ++in_flight_[c.topic];
  const std::string& topic = topics_[c.topic];
  c.sent_ns = now_ns();
  if (stats_.first_send_ns == 0) stats_.first_send_ns = c.sent_ns;
  format_payload(data_, plan_.seq_of_event(c.event), c.sent_ns, config_.event_bytes);
  body_.clear();
  config_.body_template.render(body_, topic, data_, config_.format.escape);
  c.out.clear();
  c.out += "POST ";
  config_.target_template.render(c.out, topic, data_, Escape::url);
  c.out += " HTTP/1.1\r\nHost: ";
  c.out += config_.target.host_header;
  c.out += "\r\nContent-Type: ";
  c.out += config_.format.content_type;
  c.out += "\r\nContent-Length: ";
  c.out += std::to_string(body_.size());  // short: fits the small-string buffer
  c.out += "\r\n";
  for (const std::string& h : config_.headers) {
    c.out += h;
    c.out += "\r\n";
  }
  c.out += "\r\n";
  c.out += body_;
  c.out_sent = 0;
  c.head.reset(true);
  c.head_done = false;
  ++stats_.sent;
  c.phase = Conn::Phase::sending;
  write_out(c);
}

void Publisher::write_out(Conn& c) {
  while (c.out_sent < c.out.size()) {
    ssize_t n = ::send(c.fd, c.out.data() + c.out_sent, c.out.size() - c.out_sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN) {
        loop_.modify(c.fd, EPOLLOUT | EPOLLIN, &c);
        return;
      }
      return lost(c, now_ns(), failure_reason(errno));
    }
    c.out_sent += static_cast<std::size_t>(n);
  }
  c.phase = Conn::Phase::awaiting;
  loop_.modify(c.fd, EPOLLIN, &c);
}

void Publisher::handle(Conn& c, std::uint32_t events) {
  std::uint64_t now = now_ns();
  switch (c.phase) {
    case Conn::Phase::connecting: {
      int error = connect_result(c.fd);
      if (error != 0) {
        ++stats_.connect_failures[failure_reason(error)];
        if (++connect_failures_in_a_row_ > max_connect_failures_in_a_row) give_up("unreachable");
        return drop_connection(c, now, retry_delay_ns);
      }
      connect_failures_in_a_row_ = 0;
      c.phase = Conn::Phase::idle;
      loop_.modify(c.fd, EPOLLIN, &c);
      return send_next(c, now);
    }
    case Conn::Phase::sending:
      if (events & EPOLLOUT) write_out(c);
      if (c.phase == Conn::Phase::sending && (events & (EPOLLIN | EPOLLERR | EPOLLHUP))) {
        read_answer(c);
      }
      return;
    case Conn::Phase::awaiting:
      return read_answer(c);
    case Conn::Phase::idle: {
      // Nothing is expected: the server closed an idle keep-alive connection.
      ssize_t n = ::recv(c.fd, buffer_.data(), buffer_.size(), 0);
      if (n <= 0 && !(n < 0 && errno == EAGAIN)) drop_connection(c, now, 0);
      return;
    }
    case Conn::Phase::down:
      return;
  }
}

void Publisher::read_answer(Conn& c) {
  ssize_t n = ::recv(c.fd, buffer_.data(), buffer_.size(), 0);
  std::uint64_t now = now_ns();
  if (n < 0) {
    if (errno == EAGAIN || errno == EINTR) return;
    return lost(c, now, failure_reason(errno));
  }
  if (n == 0) {
    if (c.head_done && c.body == Conn::Body::until_close) return answered(c, now, c.head.status());
    return lost(c, now, "closed");
  }
  std::string_view in(buffer_.data(), static_cast<std::size_t>(n));
  if (!c.head_done) {
    std::size_t used = 0;
    auto s = c.head.feed(in, used);
    if (s == ResponseHead::Status::error) return lost(c, now, "protocol");
    if (s == ResponseHead::Status::more) return;
    c.head_done = true;
    in.remove_prefix(used);
    c.chunks.reset();
    if (c.head.chunked()) {
      c.body = Conn::Body::chunked;
    } else if (c.head.content_length()) {
      c.body = Conn::Body::length;
      c.body_left = *c.head.content_length();
    } else {
      c.body = c.head.status() == 204 || c.head.status() == 304 ? Conn::Body::none
                                                                : Conn::Body::until_close;
    }
  }
  switch (c.body) {
    case Conn::Body::none:
      return answered(c, now, c.head.status());
    case Conn::Body::length:
      if (in.size() >= c.body_left) return answered(c, now, c.head.status());
      c.body_left -= in.size();
      return;
    case Conn::Body::chunked: {
      auto s = c.chunks.feed(in, [](std::string_view) {});
      if (s == ChunkedDecoder::Status::error) return lost(c, now, "protocol");
      if (s == ChunkedDecoder::Status::done) return answered(c, now, c.head.status());
      return;
    }
    case Conn::Body::until_close:
      return;
  }
}

void Publisher::answered(Conn& c, std::uint64_t now, int status) {
  --in_flight_[c.topic];
  ++answered_;
  stats_.latency.record(now - c.sent_ns);
  stats_.last_answer_ns = now;
  if (status >= 200 && status < 300) {
    ++stats_.ok;
  } else {
    ++stats_.failed;
    ++stats_.failures["status_" + std::to_string(status)];
  }
  if (c.head.closes() || c.body == Conn::Body::until_close) return drop_connection(c, now, 0);
  c.phase = Conn::Phase::idle;
  send_next(c, now);
}

void Publisher::lost(Conn& c, std::uint64_t now, const std::string& reason) {
  --in_flight_[c.topic];
  ++answered_;
  ++stats_.failed;
  ++stats_.failures[reason];
  stats_.last_answer_ns = now;
  drop_connection(c, now, retry_delay_ns);
}

void Publisher::drop_connection(Conn& c, std::uint64_t now, std::uint64_t retry_after_ns) {
  if (c.fd >= 0) {
    loop_.remove(c.fd);
    ::close(c.fd);
    c.fd = -1;
  }
  c.phase = Conn::Phase::down;
  c.retry_at_ns = now + retry_after_ns;
}

void Publisher::give_up(const std::string& reason) {
  std::uint64_t left = plan_.events() - next_;
  if (left == 0) return;
  stats_.failed += left;
  stats_.failures[reason] += left;
  answered_ += left;
  next_ = plan_.events();
}

}  // namespace herald::loadgen
