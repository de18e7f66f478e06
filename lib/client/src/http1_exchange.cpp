#include "http1_exchange.hpp"

#include "herald/client/request.hpp"

namespace herald::client::detail {

namespace asio = boost::asio;
using boost::system::error_code;

Http1Exchange::Http1Exchange(std::unique_ptr<Transport> transport, const ExchangeRequest& request,
                             ExchangeEvents events)
    : transport_(std::move(transport)),
      request_(build_request(request.url, request.method, request.defaults, request.headers,
                             request.body)),
      events_(std::move(events)) {
  reader_.set_sink([this](std::string_view bytes) {
    if (!over_) events_.body(bytes);
  });
}

void Http1Exchange::start() {
  transport_->write(request_, [self = shared_from_this()](const error_code& ec, std::size_t) {
    if (self->over_) return;
    if (ec) {
      self->end({ExchangeEnd::How::failed, ErrorKind::network,
                 "cannot send the request: " + ec.message()});
      return;
    }
    self->read_more();
  });
}

void Http1Exchange::cancel() {
  over_ = true;
  transport_->close();
}

void Http1Exchange::read_more() {
  transport_->read_some(
      asio::buffer(buffer_),
      [self = shared_from_this()](const error_code& ec, std::size_t n) { self->on_read(ec, n); });
}

void Http1Exchange::on_read(const error_code& ec, std::size_t n) {
  if (over_) return;
  if (n > 0 && !consume(reader_.feed(std::string_view(buffer_.data(), n)))) return;
  if (!ec) {
    read_more();
    return;
  }
  const bool clean = ec == asio::error::eof || ec == asio::ssl::error::stream_truncated;
  if (!clean) {
    end({ExchangeEnd::How::failed, ErrorKind::network, "connection lost: " + ec.message()});
    return;
  }
  // A peer that closes ends a read-until-close body; a chunked or sized one is cut.
  if (reader_.finish() == ResponseReader::Progress::done) {
    end({ExchangeEnd::How::complete});
  } else {
    end({ExchangeEnd::How::cut, ErrorKind::network, reader_.error()});
  }
}

bool Http1Exchange::consume(ResponseReader::Progress progress) {
  for (;;) {
    if (over_) return false;
    switch (progress) {
      case ResponseReader::Progress::need_more:
        return true;
      case ResponseReader::Progress::head_ready: {
        const auto& head = reader_.head();
        events_.head({head.status, head.content_type, head.location});
        progress = reader_.feed({});
        break;
      }
      case ResponseReader::Progress::done:
        end({ExchangeEnd::How::complete});
        return false;
      case ResponseReader::Progress::failed:
        end({ExchangeEnd::How::failed, ErrorKind::network,
             "bad HTTP response: " + reader_.error()});
        return false;
    }
  }
}

void Http1Exchange::end(ExchangeEnd how) {
  over_ = true;
  transport_->close();  // the connection served this one response
  events_.end(how);
}

}  // namespace herald::client::detail
