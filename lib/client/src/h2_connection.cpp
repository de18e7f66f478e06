#include "h2_connection.hpp"

#include <boost/asio/buffer.hpp>

namespace herald::client::detail {

namespace asio = boost::asio;
using boost::system::error_code;

H2Connection::H2Connection(std::unique_ptr<Transport> transport,
                           std::shared_ptr<asio::ssl::context> tls_context, std::string authority,
                           std::chrono::milliseconds linger)
    : transport_(std::move(transport)),
      tls_context_(std::move(tls_context)),
      authority_(std::move(authority)),
      linger_(linger),
      session_(session_callbacks()),
      linger_timer_(transport_->executor()) {}

H2ClientSession::Callbacks H2Connection::session_callbacks() {
  // Each handler is held by a local copy while it runs: it may cancel its own stream.
  return {
      [this](std::int32_t id, const H2ResponseHead& head) {
        if (auto h = handler(id)) h->on_head(head);
      },
      [this](std::int32_t id, std::string_view bytes) {
        if (auto h = handler(id)) h->on_data(bytes);
      },
      [this](std::int32_t id, std::uint32_t code) {
        auto h = handler(id);
        if (!h) return;
        streams_.erase(id);
        h->on_closed(code);
        if (streams_.empty()) stream_gone();
      },
  };
}

std::shared_ptr<H2Connection::StreamHandler> H2Connection::handler(std::int32_t stream_id) const {
  const auto it = streams_.find(stream_id);
  return it == streams_.end() ? nullptr : it->second;
}

void H2Connection::start() {
  read_more();
  flush();
  stream_gone();  // closes after `linger` unless a stream is opened
}

std::int32_t H2Connection::open(const H2Request& request, std::shared_ptr<StreamHandler> handler) {
  if (!accepting()) return -1;
  const std::int32_t id = session_.submit(request);
  if (id < 0) return -1;
  streams_.emplace(id, std::move(handler));
  ++linger_generation_;  // a stream came: no idle close
  flush();
  return id;
}

void H2Connection::cancel(std::int32_t stream_id) {
  if (streams_.erase(stream_id) == 0) return;
  if (!closed_) {
    session_.cancel(stream_id);
    flush();
  }
  if (streams_.empty()) stream_gone();
}

void H2Connection::read_more() {
  transport_->read_some(
      asio::buffer(buffer_),
      [self = shared_from_this()](const error_code& ec, std::size_t n) { self->on_read(ec, n); });
}

void H2Connection::on_read(const error_code& ec, std::size_t n) {
  if (closed_) return;
  if (n > 0) {
    feeding_ = true;
    const bool go_on = session_.feed(std::string_view(buffer_.data(), n));
    feeding_ = false;
    if (!go_on) {
      // Our GOAWAY (a protocol error) goes out before the socket closes.
      fail_streams("HTTP/2 error: " + session_.error());
      flush();
      close_if_done();
      return;
    }
  }
  if (ec) {
    const bool clean = ec == asio::error::eof || ec == asio::ssl::error::stream_truncated;
    fail_streams(clean ? "the server closed the connection" : "connection lost: " + ec.message());
    close_now();
    return;
  }
  flush();  // SETTINGS and PING acknowledgements, WINDOW_UPDATEs
  close_if_done();
  if (!closed_) read_more();
}

void H2Connection::flush() {
  // Inside feed() (a handler cancelled or opened a stream) the output waits for its end.
  if (write_in_flight_ || closed_ || feeding_) return;
  writing_.clear();
  session_.take_output(writing_);
  if (writing_.empty()) return;
  write_in_flight_ = true;
  transport_->write(writing_, [self = shared_from_this()](const error_code& ec, std::size_t) {
    self->write_in_flight_ = false;
    if (self->closed_) return;
    if (ec) {
      self->fail_streams("cannot write: " + ec.message());
      self->close_now();
      return;
    }
    self->flush();  // what the codec queued while this batch was in flight
    self->close_if_done();
  });
}

void H2Connection::stream_gone() {
  if (closed_ || !streams_.empty()) return;
  // Never at once: this may run inside the codec's callbacks, where it cannot shut down.
  const auto generation = ++linger_generation_;
  linger_timer_.expires_after(linger_);
  linger_timer_.async_wait([self = shared_from_this(), generation](const error_code& ec) {
    if (ec || generation != self->linger_generation_ || !self->streams_.empty()) return;
    self->close_gracefully();
  });
}

void H2Connection::close_gracefully() {
  closing_ = true;
  session_.shutdown();
  flush();
  close_if_done();
}

void H2Connection::close_if_done() {
  if (closed_ || write_in_flight_) return;
  // Idle and told to go (our GOAWAY sent, or the server's GOAWAY with no stream left).
  const bool done =
      (!session_.want_read() && !session_.want_write()) || (closing_ && streams_.empty());
  if (done) close_now();
}

void H2Connection::close_now() {
  closing_ = true;
  closed_ = true;
  linger_timer_.cancel();
  transport_->close();
}

void H2Connection::fail_streams(const std::string& why) {
  closing_ = true;
  auto streams = std::move(streams_);
  streams_.clear();
  for (auto& [id, h] : streams)
    h->on_lost(why);
}

}  // namespace herald::client::detail
