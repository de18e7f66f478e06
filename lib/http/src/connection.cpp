#include "connection.hpp"

#include <span>

#include <boost/beast/http/error.hpp>

#include "ended_stream.hpp"
#include "h2_connection.hpp"
#include "herald/base/log.hpp"
#include "late_response.hpp"
#include "shard.hpp"
#include "tcp_acked.hpp"

namespace herald::http {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using boost::system::error_code;

namespace {

// RFC 9113 3.4: what a client with prior knowledge of HTTP/2 sends first. No HTTP/1.1
// request starts with it ("PRI" is no method anyone serves).
constexpr std::string_view h2_preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
// A stream's queue keeps at most this much capacity while idle (memory per subscriber).
constexpr std::size_t idle_queue_capacity = 4;

}  // namespace

Connection::Connection(Shard& shard, std::unique_ptr<Transport> transport, std::uint64_t id)
    : shard_(shard), transport_(std::move(transport)), id_(id) {}

Connection::~Connection() {
  if (linked) shard_.unlink(*this);
}

std::size_t Connection::shard() const {
  return shard_.index();
}

void Connection::start() {
  error_code ec;
  asio::ip::tcp::socket& socket = transport_->socket();
  socket.set_option(asio::ip::tcp::no_delay(true), ec);  // events are latency-bound
  // For the synchronous reads after a readiness wait, and TcpTransport's sendmsg.
  socket.non_blocking(true, ec);
  // A TLS handshake is timed like a request's head: a client that connects and never
  // finishes it is cut by the header timeout (see sweep_reading).
  handshaking_ = true;
  request_in_progress_ = true;
  request_started_ = idle_since_ = clock::now();
  transport_->async_handshake(completion_for<&Connection::on_handshake>(shared_from_this()));
}

void Connection::on_handshake(error_code ec, std::size_t) {
  if (state_ == State::closed) return;  // cut by the timeout or the shutdown meanwhile
  handshaking_ = false;
  if (ec) {
    shard_.note_handshake_failure(id_, ec.message());
    close_now("TLS handshake failed");
    return;
  }
  if (shutting_down_) {
    close_now("server shutting down");
    return;
  }
  if (shard_.shared().options.h2_max_streams > 0) {
    if (transport_->alpn() == "h2") {
      hand_over_to_h2({});
      return;
    }
    // ALPN chose http/1.1 (or the client offered none): TLS clients that want HTTP/2
    // say so in ALPN, so only the plain listener looks for the preface.
    sniffing_preface_ = !transport_->encrypted();
  }
  read_next_request();
}

bool Connection::take_first_bytes(std::string_view bytes) {
  // Decided on at most the preface's 24 bytes, which may come in several reads: the
  // ones that still could be its start wait in read_->preface.
  std::string joined;
  if (read_ && !read_->preface.empty()) {
    joined = std::move(read_->preface);
    read_->preface.clear();
    joined += bytes;
    bytes = joined;
  }
  const std::size_t compared = std::min(bytes.size(), h2_preface.size());
  if (bytes.substr(0, compared) != h2_preface.substr(0, compared)) {
    sniffing_preface_ = false;  // HTTP/1.1
    if (joined.empty()) return true;
    take_request_bytes(joined);
    return false;
  }
  if (bytes.size() < h2_preface.size()) {
    if (!read_) read_ = std::make_unique<ReadState>();
    read_->preface.assign(bytes);
    wait_readable();
    return false;
  }
  hand_over_to_h2(bytes);
  return false;
}

void Connection::hand_over_to_h2(std::string_view received) {
  // This connection ends here without closing the socket: the transport, its place in
  // the connection count and its id go to the HTTP/2 connection. No operation is pending
  // (this runs from the completion of the only one), so nothing here touches the
  // transport again.
  state_ = State::closed;
  read_.reset();
  if (linked) shard_.unlink(*this);
  shard_.count_turned_h2(transport_->encrypted());
  auto h2 = std::make_shared<H2Connection>(shard_, std::move(transport_), id_);
  shard_.link(*h2);
  h2->start(received);
}

RequestLimits Connection::limits() const {
  const ServerOptions& options = shard_.shared().options;
  return {options.max_header_bytes, options.max_body_bytes};
}

void Connection::read_next_request() {
  state_ = State::reading;
  request_started_ = idle_since_ = clock::now();
  if (read_ && !read_->next_request.empty()) {  // pipelined bytes already here
    request_in_progress_ = true;
    std::string bytes = std::move(read_->next_request);
    read_->next_request.clear();
    take_request_bytes(bytes);
    return;
  }
  // Nothing received yet: wait for bytes without holding a buffer, so a new or idle
  // keep-alive connection costs no read buffer.
  read_.reset();
  request_in_progress_ = false;
  wait_readable();
}

void Connection::wait_readable() {
  if (read_waiting_) return;  // the pending wait serves
  read_waiting_ = true;
  transport_->async_wait_readable(completion_for<&Connection::on_readable>(shared_from_this()));
}

void Connection::on_readable(error_code ec, std::size_t) {
  read_waiting_ = false;
  switch (state_) {
    case State::reading:
      if (ec) {
        close_now("read error");
        return;
      }
      read_into_scratch();
      return;
    case State::responding:
      // Otherwise an answer is being written, and its completion reads on.
      if (late_pending()) watch_while_late(ec);
      return;
    case State::streaming:
      check_hangup(ec);
      return;
    case State::closed:
      return;
  }
}

void Connection::read_into_scratch() {
  // Read into the shard's scratch buffer and hand the bytes to the reader at once: the
  // reader keeps only what it cannot parse yet, so a burst of connects leaves no
  // per-connection read buffers behind.
  std::span<char> scratch = shard_.scratch();
  error_code ec;
  std::size_t n = transport_->read_some(scratch, ec);
  if (ec == asio::error::would_block) {
    wait_readable();
    return;
  }
  if (ec) {
    close_now(ec == asio::error::eof ? "client closed" : "read error");
    return;
  }
  if (!request_in_progress_) {
    request_in_progress_ = true;
    request_started_ = clock::now();
  }
  read_progress_ = true;
  if (sniffing_preface_ && !take_first_bytes({scratch.data(), n})) return;
  take_request_bytes({scratch.data(), n});
}

void Connection::take_request_bytes(std::string_view bytes) {
  if (!read_) read_ = std::make_unique<ReadState>();
  if (!read_->reader) {
    read_->reader.emplace(limits());
    read_->continue_sent = false;
  }
  RequestReader& reader = *read_->reader;
  std::size_t taken = reader.feed(bytes);
  switch (reader.state()) {
    case RequestReader::State::done: {
      // What follows is the next request's: kept, and read only after this one's answer
      // was written, so unread answers never pile up.
      read_->next_request.assign(bytes.substr(taken));
      auto message = reader.release();
      read_->reader.reset();
      handle_request(std::move(message));
      return;
    }
    case RequestReader::State::failed: {
      RequestError error = reader.error();
      fail_request(error.status, error.message);
      return;
    }
    case RequestReader::State::need_more:
      if (reader.expects_continue() && !read_->continue_sent) send_continue();
      wait_readable();
      return;
  }
}

void Connection::send_continue() {
  read_->continue_sent = true;
  writing_ = true;
  iov_.assign(1, asio::buffer(ResponseWriter::continue_line));
  transport_->async_write(iov_,
                          completion_for<&Connection::on_continue_written>(shared_from_this()));
}

void Connection::on_continue_written(error_code ec, std::size_t n) {
  shard_.shared().bytes_written.fetch_add(n, std::memory_order_relaxed);
  writing_ = false;
  write_progress_ = true;
  if (state_ == State::closed) return;
  if (ec) {
    close_now("write error");
    return;
  }
  if (response_waiting_) {
    response_waiting_ = false;
    write_out();
  } else if (state_ == State::streaming) {
    flush();  // the stream's head waited for the 100 Continue
  }
}

void Connection::handle_request(RequestReader::Message message) {
  request_in_progress_ = false;

  Request request;
  request.method.assign(message.method_string().data(), message.method_string().size());
  request.target.assign(message.target().data(), message.target().size());
  request.headers.reserve(8);
  for (const auto& field : message) {
    auto name = field.name_string();
    auto value = field.value();
    request.headers.push_back(
        {std::string(name.data(), name.size()), std::string(value.data(), value.size())});
  }
  request.body = std::move(message.body());
  request.connection_id = id_;
  request.shard = shard_.index();
  writer_.start(message.keep_alive(), message.method() == bhttp::verb::head);
  if (shutting_down_) writer_.close_after_answer();

  state_ = State::responding;
  answered_ = false;
  shard_.shared().handler(request, *this);
  if (!answered_) {
    log::error("handler gave no response", {{"conn", std::to_string(id_)}});
    respond(Response::text(500, "internal error: no response"));
  }
}

void Connection::fail_request(int status, std::string_view message) {
  log::info("bad request", {{"conn", std::to_string(id_)},
                            {"status", std::to_string(status)},
                            {"reason", std::string(message)}});
  writer_.start_failed();
  state_ = State::responding;
  answered_ = false;
  respond(Response::text(status, message));
}

void Connection::respond(Response response) {
  if (answered_ || state_ == State::closed) return;
  answered_ = true;
  out_ = writer_.answer(response);
  write_out();
}

void Connection::write_out() {
  if (writing_) {  // the 100 Continue is still going out
    response_waiting_ = true;
    return;
  }
  writing_ = true;
  iov_.assign(1, asio::buffer(out_));
  transport_->async_write(iov_,
                          completion_for<&Connection::on_response_written>(shared_from_this()));
}

void Connection::on_response_written(error_code ec, std::size_t n) {
  shard_.shared().bytes_written.fetch_add(n, std::memory_order_relaxed);
  writing_ = false;
  write_progress_ = true;
  if (state_ == State::closed) return;
  if (ec) {
    close_now("write error");
    return;
  }
  out_.clear();
  if (!writer_.keep_alive() || shutting_down_) {
    close_gracefully("response done, not keep-alive");
    return;
  }
  read_next_request();
}

std::shared_ptr<LateResponse> Connection::respond_later() {
  if (answered_ || state_ != State::responding)
    return std::make_shared<PostedLateResponse>(shard_.io(), nullptr);
  answered_ = true;
  read_->late_owner = shared_from_this();
  wait_readable();  // for a client that leaves meanwhile
  return std::make_shared<PostedLateResponse>(shard_.io(),
                                              [connection = weak_from_this()](Response response) {
                                                if (auto self = connection.lock())
                                                  self->answer_late(std::move(response));
                                              });
}

void Connection::answer_late(Response response) {
  // Dropped when the connection closed meanwhile. Otherwise this is the answer pending:
  // no other request was read meanwhile.
  if (state_ != State::responding || !late_pending()) return;
  read_->late_owner.reset();  // the write below owns the connection now
  out_ = writer_.answer(response);
  write_out();
}

void Connection::watch_while_late(error_code ec) {
  // A client that leaves meanwhile closes the connection (the answer is dropped). What it
  // pipelines meanwhile is kept for after the answer, up to a request head's worth: past
  // that the kernel's buffers hold the rest, and the watch stops.
  if (ec) {
    close_now("read error");
    return;
  }
  const std::size_t budget = shard_.shared().options.max_header_bytes;
  std::string& kept = read_->next_request;
  if (kept.size() >= budget) return;  // the request's own read brought that much
  std::span<char> scratch = shard_.scratch();
  std::size_t n =
      transport_->read_some(scratch.first(std::min(scratch.size(), budget - kept.size())), ec);
  if (ec == asio::error::would_block) {
    wait_readable();
    return;
  }
  if (ec) {
    close_now(ec == asio::error::eof ? "client closed" : "read error");
    return;
  }
  kept.append(scratch.data(), n);
  if (kept.size() < budget) wait_readable();
}

std::shared_ptr<StreamSink> Connection::open_stream(std::string_view content_type,
                                                    std::vector<Header> headers) {
  if (answered_ || state_ == State::closed)
    return std::make_shared<EndedStream>(shard_.io(), shard_.index(), id_);
  answered_ = true;
  if (writer_.head_request()) {
    // RFC 9110 9.3.2: the head a GET would get and nothing more; the connection goes on
    // with its next request, and the handler's stream is over before it starts.
    out_ = writer_.stream_head(content_type, headers);
    write_out();
    return std::make_shared<EndedStream>(shard_.io(), shard_.index(), id_);
  }
  state_ = State::streaming;
  shard_.count_stream(Protocol::http1, transport_->encrypted(), +1);
  out_ = writer_.stream_head(content_type, headers);
  read_.reset();  // pipelined requests after a stream are not served
  head_pending_ = true;
  wait_readable();  // notices the client leaving (check_hangup)
  flush();          // the headers go out at once, before any event
  return std::static_pointer_cast<StreamSink>(shared_from_this());
}

void Connection::check_hangup(error_code ec) {
  // No read buffer is kept: a readiness wait, then what came is drained and discarded.
  if (ec) {
    close_now("client gone");
    return;
  }
  char discard[256];
  error_code read_ec;
  std::size_t n = transport_->read_some(discard, read_ec);
  if (read_ec == asio::error::would_block || (!read_ec && n > 0)) {
    wait_readable();
    return;
  }
  close_now(read_ec == asio::error::eof ? "client closed" : "client gone");
}

void Connection::write(SharedBytes bytes) {
  if (state_ != State::streaming || ending_ || aborting_) return;
  queued_bytes_ += bytes.bytes.size();
  queue_.push_back(std::move(bytes));
  wrote_since_keepalive_ = true;
}

void Connection::flush() {
  if (state_ != State::streaming || writing_ || aborting_) return;
  bool terminate = ending_ && queue_.empty() && !terminator_sent_;
  if (!head_pending_ && queue_.empty() && !terminate) return;

  iov_.clear();
  if (head_pending_) iov_.emplace_back(out_.data(), out_.size());
  if (!queue_.empty()) {
    std::string_view chunk_head = ResponseWriter::chunk_head(queued_bytes_, chunk_head_);
    iov_.emplace_back(chunk_head.data(), chunk_head.size());
    for (const SharedBytes& b : queue_)
      iov_.emplace_back(b.bytes.data(), b.bytes.size());
    iov_.emplace_back(ResponseWriter::chunk_end.data(), ResponseWriter::chunk_end.size());
  }
  if (terminate) {
    iov_.emplace_back(ResponseWriter::last_chunk.data(), ResponseWriter::last_chunk.size());
    terminator_sent_ = true;
  }
  inflight_.swap(queue_);
  queued_bytes_ = 0;
  writing_ = true;
  transport_->async_write(iov_, completion_for<&Connection::on_stream_written>(shared_from_this()));
}

void Connection::on_stream_written(error_code ec, std::size_t n) {
  shard_.shared().bytes_written.fetch_add(n, std::memory_order_relaxed);
  writing_ = false;
  write_progress_ = true;
  inflight_.clear();
  if (state_ != State::streaming) return;
  if (ec) {
    close_now("write error");
    return;
  }
  if (head_pending_) {
    head_pending_ = false;
    std::string().swap(out_);
  }
  if (terminator_sent_) {
    close_gracefully("stream ended");
    return;
  }
  if (!queue_.empty() || ending_) flush();
  if (on_proceed_) on_proceed_();
}

void Connection::abort_later() {
  if (state_ != State::streaming || aborting_) return;
  aborting_ = true;
  asio::post(shard_.io(), [self = shared_from_this()] { self->abort(); });
}

void Connection::end() {
  if (state_ != State::streaming || ending_) return;
  ending_ = true;
  flush();
}

void Connection::sweep(clock::time_point now, bool keepalive_due) {
  const ServerOptions& options = shard_.shared().options;
  sweep_write_stall(now);
  switch (state_) {
    case State::reading:
      sweep_reading(now);
      break;
    case State::streaming:
      if (!keepalive_due) break;
      if (!wrote_since_keepalive_ && !options.keepalive_bytes.empty()) {
        write({nullptr, options.keepalive_bytes});
        flush();
      }
      wrote_since_keepalive_ = false;
      if (!writing_ && queue_.empty()) {
        // An idle stream gives back queue memory a burst left behind.
        if (queue_.capacity() > idle_queue_capacity) std::vector<SharedBytes>().swap(queue_);
        if (inflight_.capacity() > idle_queue_capacity) {
          std::vector<SharedBytes>().swap(inflight_);
        }
        if (iov_.capacity() > idle_queue_capacity + 3) {
          std::vector<asio::const_buffer>().swap(iov_);
        }
      }
      break;
    default:
      break;
  }
}

void Connection::sweep_reading(clock::time_point now) {
  const ServerOptions& options = shard_.shared().options;
  if (!request_in_progress_) {
    if (now - idle_since_ > options.idle_timeout) close_now("idle timeout");
    return;
  }
  const bool in_body = read_ && read_->reader && read_->reader->header_done();
  if (!in_body) {
    // The head (and before it, TLS's handshake) must come whole within the header
    // timeout (slowloris).
    if (now - request_started_ <= options.header_timeout) return;
    if (handshaking_) {
      shard_.note_handshake_failure(id_, "not done within the header timeout");
      close_now("TLS handshake timeout");
    } else {
      close_now("request header timeout");
    }
    return;
  }
  // A body may take long as long as it keeps coming (a large publish on a slow link); a
  // pause longer than the body timeout ends it.
  if (read_progress_) {
    read_progress_ = false;
    last_read_ = now;
  } else if (now - last_read_ > options.body_timeout) {
    fail_request(408, "request body timeout: no byte for " +
                          std::to_string(options.body_timeout.count()) + " ms");
  }
}

void Connection::sweep_write_stall(clock::time_point now) {
  if (!writing_ || write_progress_) {  // nothing in flight, or a write completed since
    write_progress_ = false;
    write_stall_sampled_ = false;
    return;
  }
  // Asked only of writes pending for a whole sweep, i.e. of slow or stalled readers.
  if (!write_stall_sampled_) {
    write_stall_sampled_ = true;
    write_stall_since_ = now;
    write_stall_acked_ = tcp_bytes_acked(transport_->socket().native_handle());
    return;
  }
  if (now - write_stall_since_ < shard_.shared().options.write_timeout) return;
  // Over TLS too: the TCP socket underneath counts the records the peer took.
  std::uint64_t acked = tcp_bytes_acked(transport_->socket().native_handle());
  if (acked != write_stall_acked_) {  // slow, but still reading
    write_stall_acked_ = acked;
    write_stall_since_ = now;
    return;
  }
  log::info("write stalled: connection cut",
            {{"conn", std::to_string(id_)},
             {"timeout_ms", std::to_string(shard_.shared().options.write_timeout.count())}});
  close_now("write stalled");
}

void Connection::shutdown() {
  shutting_down_ = true;
  writer_.close_after_answer();
  if (state_ == State::streaming) {
    end();
  } else if (state_ == State::reading && (!request_in_progress_ || handshaking_)) {
    close_now("server shutting down");
  }
  // A request being read is finished (bounded by the header and body timeouts) and
  // answered with `Connection: close`: its client learns whether it was handled, instead
  // of a reset that leaves it guessing whether its event was stored.
}

void Connection::close_gracefully(std::string_view reason) {
  transport_->shutdown_send();
  close_now(reason);
}

void Connection::close_now(std::string_view reason) {
  if (state_ == State::closed) return;
  if (state_ == State::streaming) shard_.count_stream(Protocol::http1, transport_->encrypted(), -1);
  state_ = State::closed;
  log::debug("connection closed", {{"conn", std::to_string(id_)}, {"reason", std::string(reason)}});
  error_code ec;
  transport_->socket().close(ec);
  queue_.clear();
  queued_bytes_ = 0;
  read_.reset();
  if (linked) shard_.unlink(*this);
  shard_.shared().connections.fetch_sub(1, std::memory_order_relaxed);
  shard_.count_connection(Protocol::http1, transport_->encrypted(), -1);
  on_proceed_ = nullptr;  // it may reference what on_close_ is about to release
  if (auto callback = std::move(on_close_)) {
    on_close_ = nullptr;
    callback();
  }
}

}  // namespace herald::http
