#include "h2_connection.hpp"

#include <algorithm>

#include <boost/asio/post.hpp>

#include "ended_stream.hpp"
#include "h2_stream.hpp"
#include "herald/base/log.hpp"
#include "late_response.hpp"
#include "shard.hpp"
#include "tcp_acked.hpp"

namespace herald::http {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {
// Output vectors keep at most this much capacity between writes (memory per connection).
constexpr std::size_t idle_output_capacity = 16;
}  // namespace

// The Exchange of one request: lives on the stack while the handler runs.
class H2Connection::StreamExchange final : public Exchange {
 public:
  StreamExchange(H2Connection& connection, std::int32_t stream_id, bool head_request)
      : connection_(connection), stream_id_(stream_id), head_request_(head_request) {}

  void respond(Response response) override {
    if (answered_) return;
    answered_ = true;
    connection_.session_.respond(stream_id_, std::move(response), head_request_);
  }

  std::shared_ptr<StreamSink> open_stream(std::string_view content_type,
                                          std::vector<Header> headers) override {
    if (answered_) {
      return std::make_shared<EndedStream>(connection_.shard_.io(), connection_.shard_.index(),
                                           connection_.id_);
    }
    answered_ = true;
    return connection_.open_stream(stream_id_, content_type, headers, head_request_);
  }

  std::shared_ptr<LateResponse> respond_later() override {
    boost::asio::io_context& io = connection_.shard_.io();
    if (answered_) return std::make_shared<PostedLateResponse>(io, nullptr);
    answered_ = true;
    // By stream id, not by anything of the stream's: one that closed meanwhile is not
    // found, and HTTP/2 never reuses an id on a connection.
    return std::make_shared<PostedLateResponse>(
        io, [connection = connection_.weak_from_this(), stream_id = stream_id_,
             head_request = head_request_](Response response) {
          if (auto self = connection.lock())
            self->answer_late(stream_id, std::move(response), head_request);
        });
  }

  bool answered() const { return answered_; }

 private:
  H2Connection& connection_;
  std::int32_t stream_id_;
  bool head_request_;
  bool answered_ = false;
};

H2Connection::H2Connection(Shard& shard, std::unique_ptr<Transport> transport, std::uint64_t id)
    : shard_(shard),
      transport_(std::move(transport)),
      id_(id),
      session_(
          limits(),
          {.on_request = [this](std::int32_t stream_id,
                                Request request) { on_request(stream_id, std::move(request)); },
           .on_stream_closed = [this](std::int32_t stream_id) { on_stream_closed(stream_id); },
           .now = {}}) {}

H2Connection::~H2Connection() {
  if (linked) shard_.unlink(*this);
}

H2Limits H2Connection::limits() const {
  const ServerOptions& options = shard_.shared().options;
  H2Limits limits;
  limits.max_concurrent_streams = options.h2_max_streams;
  limits.max_header_bytes = options.max_header_bytes;
  limits.max_body_bytes = options.max_body_bytes;
  return limits;
}

std::size_t H2Connection::shard_index() const {
  return shard_.index();
}

void H2Connection::start(std::string_view received) {
  started_ = idle_since_ = clock::now();
  log::debug("connection speaks HTTP/2",
             {{"conn", std::to_string(id_)}, {"tls", transport_->encrypted() ? "yes" : "no"}});
  // Our SETTINGS go out at once, whether or not the preface is here yet.
  if (!received.empty()) {
    feed(received);
  } else {
    write_out();
    wait_readable();
  }
}

void H2Connection::wait_readable() {
  if (closed_ || reading_ || !session_.want_read()) return;
  reading_ = true;
  transport_->async_wait_readable(completion_for<&H2Connection::on_readable>(shared_from_this()));
}

void H2Connection::on_readable(error_code ec, std::size_t) {
  reading_ = false;
  if (closed_) return;
  if (ec) {
    close_now("read error");
    return;
  }
  std::span<char> scratch = shard_.scratch();
  std::size_t n = transport_->read_some(scratch, ec);
  if (ec == asio::error::would_block) {
    wait_readable();
    return;
  }
  if (ec) {
    close_now(ec == asio::error::eof ? "client closed" : "read error");
    return;
  }
  feed({scratch.data(), n});
}

void H2Connection::feed(std::string_view bytes) {
  // The handler runs inside (on_request): its flushes only mark the connection dirty, and
  // the one write below carries all the answers these bytes asked for.
  const bool go_on = session_.feed(bytes);
  if (closed_) return;
  if (!go_on) {
    // A protocol error or a flood: the GOAWAY the session queued (if any) goes out, then
    // the connection closes (write_out() closes once nothing is left to write).
    log::debug("HTTP/2 session ended by the peer or a defence", {{"conn", std::to_string(id_)}});
  }
  write_out();
  wait_readable();
}

void H2Connection::on_request(std::int32_t stream_id, Request request) {
  got_request_ = true;
  idle_since_ = clock::now();  // a request answered between two sweeps is activity too
  request.connection_id = id_;
  request.shard = shard_.index();
  const bool head_request = request.method == "HEAD";
  StreamExchange exchange(*this, stream_id, head_request);
  shard_.shared().handler(request, exchange);
  if (!exchange.answered()) {
    log::error("handler gave no response",
               {{"conn", std::to_string(id_)}, {"stream", std::to_string(stream_id)}});
    exchange.respond(Response::text(500, "internal error: no response"));
  }
}

std::shared_ptr<StreamSink> H2Connection::open_stream(std::int32_t stream_id,
                                                      std::string_view content_type,
                                                      const std::vector<Header>& headers,
                                                      bool head_request) {
  // Each stream gets an id of its own from the connection counter: the subscriptions'
  // token expiry keys on StreamSink::id(), and one connection carries many streams.
  const std::uint64_t id = shard_.shared().next_connection_id.fetch_add(1);
  session_.open_stream(stream_id, content_type, headers, head_request);
  schedule_write();  // the headers go out at once, before any event
  if (head_request || closed_)
    return std::make_shared<EndedStream>(shard_.io(), shard_.index(), id);
  auto stream = std::make_shared<H2Stream>(shared_from_this(), stream_id, id, shard_.index());
  streams_.insert(stream_slot(stream_id), stream);
  shard_.count_stream(Protocol::h2, transport_->encrypted(), +1);
  return stream;
}

void H2Connection::answer_late(std::int32_t stream_id, Response response, bool head_request) {
  if (closed_) return;
  // Ignored by the session unless that stream still waits for its answer (not reset).
  session_.respond(stream_id, std::move(response), head_request);
  schedule_write();  // with whatever else is due on the connection
}

void H2Connection::on_stream_closed(std::int32_t stream_id) {
  // None for a plain response, or a stream aborted already.
  if (std::shared_ptr<H2Stream> stream = take_stream(stream_id)) stream->detach();
}

void H2Connection::stream_write(std::int32_t stream_id, SharedBytes bytes) {
  data_queued_ += session_.write(stream_id, std::move(bytes));
}

std::size_t H2Connection::stream_queued_bytes(std::int32_t stream_id) const {
  return session_.queued_bytes(stream_id);
}

void H2Connection::stream_end(std::int32_t stream_id) {
  session_.end_stream(stream_id);
}

void H2Connection::stream_reset(std::int32_t stream_id) {
  session_.reset_stream(stream_id);
  take_stream(stream_id);  // aborted: the session's close of it finds nothing to do
}

void H2Connection::stream_abort_later(std::int32_t stream_id) {
  // By stream id, not by pointer: a stream that closed meanwhile is not found.
  asio::post(shard_.io(), [self = shared_from_this(), stream_id] {
    auto it = self->find_stream(stream_id);
    if (it != self->streams_.end()) (*it)->abort();
  });
}

std::vector<std::shared_ptr<H2Stream>>::iterator H2Connection::stream_slot(std::int32_t stream_id) {
  return std::lower_bound(streams_.begin(), streams_.end(), stream_id,
                          [](const std::shared_ptr<H2Stream>& stream, std::int32_t id) {
                            return stream->stream_id() < id;
                          });
}

std::vector<std::shared_ptr<H2Stream>>::iterator H2Connection::find_stream(std::int32_t stream_id) {
  auto it = stream_slot(stream_id);
  return it != streams_.end() && (*it)->stream_id() == stream_id ? it : streams_.end();
}

std::shared_ptr<H2Stream> H2Connection::take_stream(std::int32_t stream_id) {
  auto it = find_stream(stream_id);
  if (it == streams_.end()) return nullptr;
  std::shared_ptr<H2Stream> stream = std::move(*it);
  streams_.erase(it);
  shard_.count_stream(Protocol::h2, transport_->encrypted(), -1);
  return stream;
}

void H2Connection::schedule_write() {
  if (closed_ || writing_ || write_posted_) return;  // the write in flight takes it on
  write_posted_ = true;
  // Posted, not written now: every other subscriber of this event batch queues its bytes
  // first, and one write carries them all.
  asio::post(shard_.io(), [self = shared_from_this()] {
    self->write_posted_ = false;
    self->write_out();
  });
}

void H2Connection::write_out() {
  if (closed_ || writing_) return;
  out_.clear();
  session_.take_output(out_);
  if (out_.empty()) {
    if (!session_.want_read() && !session_.want_write()) close_gracefully("HTTP/2 session done");
    return;
  }
  iov_.clear();
  for (const SharedBytes& piece : out_)
    iov_.emplace_back(piece.bytes.data(), piece.bytes.size());
  writing_ = true;
  transport_->async_write(iov_, completion_for<&H2Connection::on_written>(shared_from_this()));
}

void H2Connection::on_written(error_code ec, std::size_t n) {
  shard_.shared().bytes_written.fetch_add(n, std::memory_order_relaxed);
  writing_ = false;
  write_progress_ = true;
  out_.clear();  // gives back the event frames' references
  if (closed_) return;
  if (ec) {
    close_now("write error");
    return;
  }
  proceed_streams();
  write_out();
  wait_readable();  // the session may want to read again (it stops while ACKs pile up)
}

void H2Connection::proceed_streams() {
  if (streams_.empty()) return;
  // A producer may close its stream from the callback: walk a copy.
  std::vector<std::shared_ptr<H2Stream>> streams = streams_;
  for (const auto& stream : streams) {
    if (!stream->closed()) stream->proceed();
  }
}

void H2Connection::sweep(clock::time_point now, bool keepalive_due) {
  if (closed_) return;
  const bool wrote = write_progress_;  // since the last sweep (sweep_write_stall resets it)
  sweep_write_stall(now);
  if (closed_) return;
  sweep_timeouts(now);
  if (closed_) return;
  if (!writing_ && !wrote) {
    // Idle for a sweep period: the output buffers a burst grew (the answers to a hundred
    // requests, say) go back (memory per connection, hence per idle subscriber).
    if (out_.capacity() > idle_output_capacity) std::vector<SharedBytes>().swap(out_);
    if (iov_.capacity() > idle_output_capacity) std::vector<asio::const_buffer>().swap(iov_);
    session_.release_output_buffers();
  }
  if (keepalive_due) send_keepalives();
}

void H2Connection::sweep_timeouts(clock::time_point now) {
  const ServerOptions& options = shard_.shared().options;
  if (!got_request_ && session_.open_streams() == 0) {
    // The preface and a first request must begin within the header timeout (slowloris);
    // for TLS the timeout started over after the handshake.
    if (now - started_ > options.header_timeout) close_now("HTTP/2 request header timeout");
    return;
  }
  got_request_ = true;  // from here on, each request is timed on its own stream
  if (!session_.expire_requests(now, options.header_timeout, options.body_timeout)) {
    close_now("HTTP/2 request header timeout: a header block left unfinished");
    return;
  }
  // A request that stopped coming was answered 408 on its own stream: the answer goes
  // out, its siblings go on.
  if (session_.want_write()) write_out();
  if (session_.open_streams() > 0 || writing_) {
    idle_since_ = now;
    return;
  }
  if (now - idle_since_ > options.idle_timeout && !shutting_down_) {
    // RFC 9113 6.8: GOAWAY first, so the client knows no request of its was dropped; the
    // connection closes once it is written (a peer that does not read it stalls the write).
    log::debug("HTTP/2 connection idle: GOAWAY", {{"conn", std::to_string(id_)}});
    shutdown();
  }
}

std::uint64_t H2Connection::data_moved() const {
  std::uint64_t still_queued = 0;
  for (const auto& stream : streams_)
    still_queued += session_.queued_bytes(stream->stream_id());
  return data_queued_ - still_queued;
}

void H2Connection::sweep_write_stall(clock::time_point now) {
  // Stalled: a write pending for a whole sweep period, or data the peer's windows hold
  // back (a client that reads control frames but grants no window is not reading).
  const bool write_pending = writing_ && !write_progress_;
  const bool window_blocked = session_.blocked_by_window();
  write_progress_ = false;
  if (!write_pending && !window_blocked) {
    write_stall_sampled_ = false;
    return;
  }
  const std::uint64_t acked = tcp_bytes_acked(transport_->socket().native_handle());
  const std::uint64_t moved = data_moved();
  if (!write_stall_sampled_ || acked != write_stall_acked_ || moved != write_stall_moved_) {
    // First seen, or still going (slowly): the clock starts over.
    write_stall_sampled_ = true;
    write_stall_since_ = now;
    write_stall_acked_ = acked;
    write_stall_moved_ = moved;
    return;
  }
  if (now - write_stall_since_ < shard_.shared().options.write_timeout) return;
  log::info("write stalled: connection cut",
            {{"conn", std::to_string(id_)},
             {"http", "2"},
             {"window_blocked", window_blocked ? "yes" : "no"},
             {"timeout_ms", std::to_string(shard_.shared().options.write_timeout.count())}});
  close_now("write stalled");
}

void H2Connection::send_keepalives() {
  const std::string& keepalive = shard_.shared().options.keepalive_bytes;
  bool wrote = false;
  for (const auto& stream : streams_) {
    // Only streams that were idle for a whole interval, as over HTTP/1.1.
    if (!stream->take_wrote_since_keepalive() && !keepalive.empty()) {
      stream_write(stream->stream_id(), {nullptr, keepalive});
      wrote = true;
    }
  }
  if (wrote) schedule_write();
}

void H2Connection::shutdown() {
  if (closed_ || shutting_down_) return;
  shutting_down_ = true;
  session_.shutdown();  // GOAWAY; the streams end after what they queued
  write_out();
}

void H2Connection::close_gracefully(std::string_view reason) {
  transport_->shutdown_send();
  close_now(reason);
}

void H2Connection::close_now(std::string_view reason) {
  if (closed_) return;
  closed_ = true;
  log::debug("connection closed",
             {{"conn", std::to_string(id_)}, {"http", "2"}, {"reason", std::string(reason)}});
  error_code ec;
  transport_->socket().close(ec);
  if (linked) shard_.unlink(*this);
  shard_.shared().connections.fetch_sub(1, std::memory_order_relaxed);
  shard_.count_connection(Protocol::h2, transport_->encrypted(), -1);
  // The streams close with their connection; each close callback runs once.
  auto streams = std::move(streams_);
  streams_.clear();
  shard_.count_stream(Protocol::h2, transport_->encrypted(), -static_cast<int>(streams.size()));
  for (const auto& stream : streams)
    stream->detach();
}

}  // namespace herald::http
