#include "h2_stream.hpp"

#include <boost/asio/post.hpp>

#include "herald/client/request.hpp"

namespace herald::client::detail {

H2Stream::H2Stream(std::shared_ptr<H2Connection> connection, ExchangeEvents events)
    : connection_(std::move(connection)), events_(std::move(events)) {}

void H2Stream::start(const ExchangeRequest& request) {
  H2Request h2;
  h2.method = request.method;
  h2.scheme = request.url.scheme;
  h2.authority = request.url.authority();
  h2.path = request.url.target;
  h2.headers = request_fields(request.method, request.defaults, request.headers, request.body);
  h2.body = request.body;
  stream_id_ = connection_->open(h2, shared_from_this());
  if (stream_id_ < 0) {
    // Reported later, as every end is: the caller is still setting up.
    boost::asio::post(connection_->executor(), [self = shared_from_this()] {
      self->end(
          {ExchangeEnd::How::failed, ErrorKind::network,
           "the HTTP/2 connection to " + self->connection_->authority() + " takes no new stream"});
    });
  }
}

void H2Stream::cancel() {
  if (over_) return;
  over_ = true;
  connection_->cancel(stream_id_);
}

void H2Stream::on_head(const H2ResponseHead& head) {
  if (over_) return;
  head_seen_ = true;
  events_.head(
      {head.status, std::string(head.field("content-type")), std::string(head.field("location"))});
}

void H2Stream::on_data(std::string_view bytes) {
  if (!over_) events_.body(bytes);
}

void H2Stream::on_closed(std::uint32_t code) {
  if (code == 0) {
    end({ExchangeEnd::How::complete});
    return;
  }
  const std::string why = "stream reset by the server (" + h2_error_name(code) + ")";
  // Before the head nothing was said: a failed attempt, retried like a network error.
  end({head_seen_ ? ExchangeEnd::How::cut : ExchangeEnd::How::failed, ErrorKind::network, why});
}

void H2Stream::on_lost(const std::string& why) {
  end({ExchangeEnd::How::failed, ErrorKind::network, why});
}

void H2Stream::end(ExchangeEnd how) {
  if (over_) return;
  over_ = true;
  events_.end(how);
}

}  // namespace herald::client::detail
