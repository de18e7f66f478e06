#include "subscriber_pool.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "herald/loadgen/event_payload.hpp"
#include "net.hpp"

namespace herald::loadgen {

namespace {
constexpr std::size_t receive_buffer_bytes = 256 * 1024;
}  // namespace

class SubscriberPool::Subscription final : public Subscriber, public Pollable {
 public:
  enum class Phase : std::uint8_t {
    queued,
    connecting,
    handshake,
    head,
    streaming,
    closed,
    failed
  };

  Subscription(SubscriberPool& pool, std::string target, std::uint32_t source,
               StreamContext& context)
      : Subscriber(context), pool(pool), target(std::move(target)), source(source) {}

  void on_events(std::uint32_t events) override { pool.handle(*this, events); }
  bool in_progress() const {
    return phase == Phase::connecting || phase == Phase::handshake || phase == Phase::head;
  }

  SubscriberPool& pool;
  std::string target;  // freed once the request is sent
  std::uint32_t source;
  int fd = -1;
  Phase phase = Phase::queued;
  TlsSocket tls;  // empty on plain connections
};

SubscriberPool::SubscriberPool(Loop& loop, StreamContext& context, SubscriberPoolConfig config)
    : loop_(loop), context_(context), config_(std::move(config)), buffer_(receive_buffer_bytes) {}

SubscriberPool::~SubscriberPool() {
  close_all();
}

void SubscriberPool::add(std::string target, std::uint32_t source, std::uint64_t first,
                         std::uint64_t last, std::uint64_t capture_seq) {
  auto s = std::make_unique<Subscription>(*this, std::move(target), source, context_);
  s->stream.expect(first, last, 0);
  if (capture_seq != 0) s->stream.capture_id_of(capture_seq);
  subs_.push_back(std::move(s));
}

const SseStream& SubscriberPool::stream(std::size_t i) const {
  return subs_.at(i)->stream;
}

void SubscriberPool::tick(std::uint64_t now) {
  fill(now);
  if (in_progress_ == 0) return;
  while (scan_from_ < next_ && !subs_[scan_from_]->in_progress())
    ++scan_from_;
  for (std::size_t i = scan_from_; i < next_; ++i) {
    Subscription& s = *subs_[i];
    // started_ns may be a little after `now` (set while the loop dispatched).
    if (s.in_progress() && now > s.started_ns && now - s.started_ns > config_.connect_timeout_ns) {
      fail(s, "timeout");
    }
  }
  fill(now);
}

void SubscriberPool::fill(std::uint64_t now) {
  while (next_ < subs_.size() && in_progress_ < config_.connect_concurrency) {
    start(*subs_[next_++], now);
  }
}

void SubscriberPool::start(Subscription& s, std::uint64_t now) {
  s.started_ns = now;
  s.stream.set_not_before(now);
  int fd = start_connect(config_.target, s.source);
  if (fd < 0) return fail(s, failure_reason(-fd));
  s.fd = fd;
  s.phase = Subscription::Phase::connecting;
  ++in_progress_;
  loop_.add(fd, EPOLLOUT, &s);
}

std::string SubscriberPool::request_for(const Subscription& s) const {
  std::string r = "GET " + s.target + " HTTP/1.1\r\nHost: " + config_.target.host_header +
                  "\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n";
  if (!config_.last_event_id.empty()) r += "Last-Event-ID: " + config_.last_event_id + "\r\n";
  for (const std::string& h : config_.headers)
    r += h + "\r\n";
  r += "\r\n";
  return r;
}

void SubscriberPool::handle(Subscription& s, std::uint32_t events) {
  using Phase = Subscription::Phase;
  if (s.phase == Phase::connecting) {
    int error = connect_result(s.fd);
    if (error != 0) return fail(s, failure_reason(error));
    if (config_.tls == nullptr) return send_request(s);
    if (!s.tls.attach(*config_.tls, s.fd)) return fail(s, "tls_handshake");
    s.phase = Phase::handshake;
    return handshake(s);
  }
  if (s.phase == Phase::handshake) return handshake(s);
  if (s.phase != Phase::head && s.phase != Phase::streaming) return;
  if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP)) == 0) return;
  ssize_t n = s.tls.read(s.fd, buffer_.data(), buffer_.size());
  if (n < 0) {
    if (errno == EAGAIN || errno == EINTR) return;
    if (s.phase == Phase::head) return fail(s, failure_reason(errno));
    return closed(s);
  }
  if (n == 0) {
    s.stream.finish();
    if (s.phase == Phase::head) return fail(s, "closed");
    return closed(s);
  }
  context_.now_ns = now_ns();
  SseStream::State state = s.stream.feed({buffer_.data(), static_cast<std::size_t>(n)});
  switch (state) {
    case SseStream::State::head:
      return;
    case SseStream::State::rejected:
      return fail(s, "status_" + std::to_string(s.stream.status()));
    case SseStream::State::broken:
      if (s.phase == Phase::head) return fail(s, "protocol");
      return closed(s);
    case SseStream::State::ended:
    case SseStream::State::streaming:
      if (s.phase == Phase::head) {
        s.phase = Phase::streaming;
        --in_progress_;
        ledger_.connected(s);
        fill(context_.now_ns);
      }
      if (state == SseStream::State::ended) return closed(s);
      ledger_.progressed(s);
      return;
  }
}

void SubscriberPool::handshake(Subscription& s) {
  std::string reason;
  switch (s.tls.handshake(&reason)) {
    case TlsSocket::Step::done:
      return send_request(s);
    case TlsSocket::Step::want_read:
      return loop_.modify(s.fd, EPOLLIN, &s);
    case TlsSocket::Step::want_write:
      return loop_.modify(s.fd, EPOLLOUT, &s);
    case TlsSocket::Step::failed:
      return fail(s, reason);
  }
}

void SubscriberPool::send_request(Subscription& s) {
  std::string request = request_for(s);
  // A fresh connection's send buffer takes a request this small whole.
  ssize_t n = s.tls.write(s.fd, request.data(), request.size());
  if (n != static_cast<ssize_t>(request.size())) {
    return fail(s, n < 0 ? failure_reason(errno) : "short_send");
  }
  std::string().swap(s.target);
  s.phase = Subscription::Phase::head;
  loop_.modify(s.fd, EPOLLIN, &s);
}

void SubscriberPool::fail(Subscription& s, const std::string& reason) {
  if (s.fd >= 0) {
    loop_.remove(s.fd);
    s.tls.reset();
    ::close(s.fd);
    s.fd = -1;
  }
  if (s.in_progress()) --in_progress_;
  s.phase = Subscription::Phase::failed;
  ledger_.failed(s, reason);
}

void SubscriberPool::closed(Subscription& s) {
  loop_.remove(s.fd);
  s.tls.reset();
  ::close(s.fd);
  s.fd = -1;
  s.phase = Subscription::Phase::closed;
  ledger_.ended(s);
}

void SubscriberPool::close_all() {
  for (auto& s : subs_) {
    if (s->fd < 0) continue;
    loop_.remove(s->fd);
    s->tls.reset();
    ::close(s->fd);
    s->fd = -1;
  }
}

SubscriberTotals SubscriberPool::totals() const {
  SubscriberTotals st = ledger_.totals(subs_.size());
  for (const auto& s : subs_)
    st.add_stream(s->stream.tracker());
  return st;
}

}  // namespace herald::loadgen
