#include "herald/client/fetch.hpp"

#include <array>
#include <memory>

#include <boost/asio/io_context.hpp>

#include "herald/client/request.hpp"
#include "herald/client/response_reader.hpp"
#include "tls_context.hpp"
#include "transport.hpp"

namespace herald::client {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// The exchange lives on a private io_context run on the caller's thread, bounded by the
// timeout; nothing outlives fetch().
class Exchange {
 public:
  Exchange(asio::io_context& io, asio::ssl::context* tls, const FetchOptions& options,
           FetchResult& result)
      : transport_(io.get_executor(), tls), options_(options), result_(result) {
    reader_.set_sink([this](std::string_view bytes) {
      const std::size_t room = options_.max_body_bytes - result_.body.size();
      result_.body.append(bytes.substr(0, room));
    });
  }

  void start(const Url& url, std::string request) {
    request_ = std::move(request);
    transport_.connect(url, [this](const std::optional<detail::Transport::ConnectError>& e) {
      if (finished_) return;
      if (e) return finish(e->message);
      transport_.write(request_, [this](const error_code& ec, std::size_t) {
        if (ec) return finish("cannot send the request: " + ec.message());
        read();
      });
    });
  }

  bool finished() const { return finished_; }
  void abort() { transport_.close(); }

 private:
  void read() {
    transport_.read_some(asio::buffer(buffer_), [this](const error_code& ec, std::size_t n) {
      if (finished_) return;
      ResponseReader::Progress p = ResponseReader::Progress::need_more;
      if (n > 0) p = reader_.feed(std::string_view(buffer_.data(), n));
      while (p == ResponseReader::Progress::head_ready)
        p = reader_.feed({});
      if (p == ResponseReader::Progress::need_more && ec) {
        const bool eof = ec == asio::error::eof || ec == asio::ssl::error::stream_truncated;
        if (!eof) return finish("connection lost: " + ec.message());
        p = reader_.finish();
        while (p == ResponseReader::Progress::head_ready)
          p = reader_.feed({});
      }
      if (p == ResponseReader::Progress::failed) return finish("bad response: " + reader_.error());
      if (p == ResponseReader::Progress::done) return finish({});
      if (result_.body.size() >= options_.max_body_bytes) return finish({});
      read();
    });
  }

  void finish(std::string error) {
    if (finished_) return;
    finished_ = true;
    result_.error = std::move(error);
    if (reader_.head_done()) {
      result_.status = reader_.head().status;
      result_.reason = reader_.head().reason;
      result_.content_type = reader_.head().content_type;
    }
    transport_.close();
  }

  detail::Transport transport_;
  const FetchOptions& options_;
  FetchResult& result_;
  ResponseReader reader_;
  std::string request_;
  std::array<char, 16 * 1024> buffer_;
  bool finished_ = false;
};

}  // namespace

FetchResult fetch(const FetchOptions& options) {
  FetchResult result;
  std::string why;
  const auto url = parse_url(options.url, &why);
  if (!url) {
    result.error = "URL '" + options.url + "': " + why;
    return result;
  }
  for (const auto& h : options.headers) {
    if (!valid_header(h.name, h.value, &why)) {
      result.error = why;
      return result;
    }
  }
  std::shared_ptr<asio::ssl::context> tls;
  if (url->tls()) {
    tls = detail::make_tls_context(options.tls, why);
    if (!tls) {
      result.error = why;
      return result;
    }
  }
  asio::io_context io;
  Exchange exchange(io, tls.get(), options, result);
  exchange.start(
      *url, build_request(
                *url, options.method,
                {{"Accept", "*/*"}, {"User-Agent", "herald-client/0.1"}, {"Connection", "close"}},
                options.headers, options.body));
  io.run_for(options.timeout);
  if (!exchange.finished()) {
    exchange.abort();
    result = FetchResult{};
    result.error = "no answer within " + std::to_string(options.timeout.count()) + " ms";
  }
  io.restart();
  io.run();  // lets the cancelled operations finish before the exchange goes away
  return result;
}

}  // namespace herald::client
