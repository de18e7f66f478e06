#include "h2_subscriber_pool.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>

#include "herald/loadgen/event_payload.hpp"
#include "net.hpp"

namespace herald::loadgen {

namespace {
constexpr std::size_t receive_buffer_bytes = 256 * 1024;

// "Name: value" -> {"name", "value"}: HTTP/2 field names are lower case.
client::Header header_field(const std::string& line) {
  std::size_t colon = line.find(':');
  std::string name = line.substr(0, colon);
  for (char& c : name)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::size_t value = line.find_first_not_of(' ', colon + 1);
  return {std::move(name), value == std::string::npos ? std::string() : line.substr(value)};
}
}  // namespace

class H2SubscriberPool::Connection final : public Pollable {
 public:
  enum class Phase : std::uint8_t { queued, connecting, handshake, open, closed };

  Connection(H2SubscriberPool& pool, std::uint32_t source, client::H2Request request)
      : pool(pool), source(source), h2(pool.ledger_, std::move(request)) {}

  void on_events(std::uint32_t events) override { pool.handle(*this, events); }
  bool in_progress() const {
    return (phase == Phase::connecting || phase == Phase::handshake || phase == Phase::open) &&
           h2.waiting() > 0;
  }

  H2SubscriberPool& pool;
  std::uint32_t source;
  int fd = -1;
  Phase phase = Phase::queued;
  bool polling_out = false;  // EPOLLOUT is asked for: output is waiting
  std::uint64_t started_ns = 0;
  std::string output;  // bytes the socket has not taken yet
  H2SubscriberConnection h2;
  TlsSocket tls;  // empty on plain connections
};

H2SubscriberPool::H2SubscriberPool(Loop& loop, StreamContext& context, SubscriberPoolConfig config)
    : loop_(loop), context_(context), config_(std::move(config)), buffer_(receive_buffer_bytes) {}

H2SubscriberPool::~H2SubscriberPool() {
  close_all();
}

client::H2Request H2SubscriberPool::request_template() const {
  client::H2Request r;
  r.scheme = config_.tls != nullptr ? "https" : "http";
  r.authority = config_.target.host_header;
  r.headers = {{"accept", "text/event-stream"}, {"cache-control", "no-cache"}};
  if (!config_.last_event_id.empty()) r.headers.push_back({"last-event-id", config_.last_event_id});
  for (const std::string& h : config_.headers)
    r.headers.push_back(header_field(h));
  return r;
}

void H2SubscriberPool::add(std::string target, std::uint32_t source, std::uint64_t first,
                           std::uint64_t last, std::uint64_t capture_seq) {
  auto s = std::make_unique<Subscriber>(context_);
  s->stream.expect(first, last, 0);
  if (capture_seq != 0) s->stream.capture_id_of(capture_seq);
  if (connections_.empty() || connections_.back()->source != source ||
      connections_.back()->h2.size() >= config_.streams_per_connection) {
    connections_.push_back(std::make_unique<Connection>(*this, source, request_template()));
  }
  connections_.back()->h2.add(*s, std::move(target));
  subscribers_.push_back(std::move(s));
}

void H2SubscriberPool::tick(std::uint64_t now) {
  fill(now);
  for (std::size_t i = 0; i < next_ && in_progress_ > 0; ++i) {
    Connection& c = *connections_[i];
    // started_ns may be a little after `now` (set while the loop dispatched).
    if (!c.in_progress() || now <= c.started_ns ||
        now - c.started_ns <= config_.connect_timeout_ns) {
      continue;
    }
    if (c.phase == Connection::Phase::connecting || c.phase == Connection::Phase::handshake) {
      drop(c, "timeout");
      continue;
    }
    std::size_t before = c.h2.waiting();
    c.h2.expire();
    settle(c, before);
    flush(c);
  }
  fill(now);
}

void H2SubscriberPool::fill(std::uint64_t now) {
  while (next_ < connections_.size() && in_progress_ < config_.connect_concurrency) {
    start(*connections_[next_++], now);
  }
}

void H2SubscriberPool::start(Connection& c, std::uint64_t now) {
  c.started_ns = now;
  in_progress_ += c.h2.waiting();
  int fd = start_connect(config_.target, c.source);
  if (fd < 0) return drop(c, failure_reason(-fd));
  c.fd = fd;
  c.phase = Connection::Phase::connecting;
  loop_.add(fd, EPOLLOUT, &c);
}

void H2SubscriberPool::handle(Connection& c, std::uint32_t events) {
  using Phase = Connection::Phase;
  if (c.phase == Phase::connecting) {
    int error = connect_result(c.fd);
    if (error != 0) {
      drop(c, failure_reason(error));
    } else if (config_.tls == nullptr) {
      open(c);
    } else if (!c.tls.attach(*config_.tls, c.fd)) {
      drop(c, "tls_handshake");
    } else {
      c.phase = Phase::handshake;
      handshake(c);
    }
  } else if (c.phase == Phase::handshake) {
    handshake(c);
  } else if (c.phase == Phase::open) {
    if ((events & EPOLLOUT) != 0) flush(c);
    if (c.phase == Phase::open && (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0) receive(c);
  }
  if (next_ < connections_.size()) fill(now_ns());
}

void H2SubscriberPool::handshake(Connection& c) {
  std::string reason;
  switch (c.tls.handshake(&reason)) {
    case TlsSocket::Step::done:
      return open(c);
    case TlsSocket::Step::want_read:
      return loop_.modify(c.fd, EPOLLIN, &c);
    case TlsSocket::Step::want_write:
      return loop_.modify(c.fd, EPOLLOUT, &c);
    case TlsSocket::Step::failed:
      return drop(c, reason);
  }
}

void H2SubscriberPool::open(Connection& c) {
  c.phase = Connection::Phase::open;
  loop_.modify(c.fd, EPOLLIN | EPOLLOUT, &c);
  c.polling_out = true;
  std::size_t before = c.h2.waiting();
  c.h2.start(c.started_ns);
  settle(c, before);
  flush(c);
}

void H2SubscriberPool::receive(Connection& c) {
  ssize_t n = c.tls.read(c.fd, buffer_.data(), buffer_.size());
  if (n < 0) {
    if (errno == EAGAIN || errno == EINTR) return;
    return drop(c, failure_reason(errno));
  }
  if (n == 0) return drop(c, "closed");
  context_.now_ns = now_ns();
  std::size_t before = c.h2.waiting();
  bool open = c.h2.feed({buffer_.data(), static_cast<std::size_t>(n)});
  settle(c, before);
  flush(c);  // window updates, SETTINGS acks, cancels; a last GOAWAY when it is over
  if (!open && c.phase == Connection::Phase::open) drop(c, "h2_protocol");
}

void H2SubscriberPool::flush(Connection& c) {
  if (c.phase != Connection::Phase::open) return;
  c.h2.take_output(c.output);
  if (!c.output.empty()) {
    ssize_t n = c.tls.write(c.fd, c.output.data(), c.output.size());
    if (n < 0 && errno != EAGAIN && errno != EINTR) return drop(c, failure_reason(errno));
    if (n > 0) c.output.erase(0, static_cast<std::size_t>(n));
  }
  bool want_out = !c.output.empty();
  if (want_out != c.polling_out) {
    loop_.modify(c.fd, want_out ? EPOLLIN | EPOLLOUT : EPOLLIN, &c);
    c.polling_out = want_out;
  }
}

void H2SubscriberPool::drop(Connection& c, const std::string& reason) {
  if (c.fd >= 0) {
    loop_.remove(c.fd);
    c.tls.reset();
    ::close(c.fd);
    c.fd = -1;
  }
  std::size_t before = c.h2.waiting();
  c.h2.lost(reason);
  settle(c, before);
  c.phase = Connection::Phase::closed;
}

void H2SubscriberPool::settle(Connection& c, std::size_t waiting_before) {
  in_progress_ -= waiting_before - c.h2.waiting();
}

void H2SubscriberPool::close_all() {
  for (auto& c : connections_) {
    if (c->fd < 0) continue;
    loop_.remove(c->fd);
    c->tls.reset();
    ::close(c->fd);
    c->fd = -1;
  }
}

SubscriberTotals H2SubscriberPool::totals() const {
  SubscriberTotals st = ledger_.totals(subscribers_.size());
  for (const auto& s : subscribers_)
    st.add_stream(s->stream.tracker());
  return st;
}

}  // namespace herald::loadgen
