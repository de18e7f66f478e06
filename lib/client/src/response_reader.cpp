#include "herald/client/response_reader.hpp"

#include <limits>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>

namespace herald::client {

namespace http = boost::beast::http;
using boost::system::error_code;

namespace {

// A Beast body that keeps nothing: each decoded piece goes straight to the sink, so an
// endless SSE body costs no memory and no copy.
struct SinkBody {
  struct value_type {
    const ResponseReader::Sink* sink = nullptr;
  };

  class reader {
   public:
    template <bool isRequest, class Fields>
    reader(http::header<isRequest, Fields>&, value_type& body) : body_(body) {}

    void init(const boost::optional<std::uint64_t>&, error_code& ec) { ec = {}; }

    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, error_code& ec) {
      ec = {};
      std::size_t total = 0;
      for (auto it = boost::asio::buffer_sequence_begin(buffers);
           it != boost::asio::buffer_sequence_end(buffers); ++it) {
        const boost::asio::const_buffer b = *it;
        if (body_.sink != nullptr && *body_.sink && b.size() > 0) {
          (*body_.sink)(std::string_view(static_cast<const char*>(b.data()), b.size()));
        }
        total += b.size();
      }
      return total;
    }

    void finish(error_code& ec) { ec = {}; }

   private:
    value_type& body_;
  };
};

}  // namespace

struct ResponseReader::Impl {
  http::response_parser<SinkBody> parser;
  Sink sink;
  std::string pending;  // bytes not used yet: a partial head or chunk header, or the rest
                        // after the head
  Head head;
  std::string error;
  Progress state = Progress::need_more;
  bool head_reported = false;

  Progress fail(const error_code& ec) {
    error = ec.message();
    state = Progress::failed;
    return state;
  }

  void take_head() {
    const auto& msg = parser.get();
    head.status = static_cast<int>(msg.result_int());
    head.reason = std::string(msg.reason());
    head.content_type = std::string(msg[http::field::content_type]);
    head.location = std::string(msg[http::field::location]);
    head.chunked = parser.chunked();
    head_reported = true;
    parser.eager(true);  // from here on, decode as much body as each feed holds
  }

  Progress feed(std::string_view bytes) {
    if (state == Progress::done || state == Progress::failed) return state;
    if (head_reported && parser.is_done()) return state = Progress::done;  // e.g. a 204
    std::string_view in = bytes;
    if (!pending.empty()) {
      pending.append(bytes);
      in = pending;
    }
    std::size_t used = 0;
    Progress result = Progress::need_more;
    for (;;) {
      // Beast 1.74 asserts (a debug build aborts) when, having seen the last chunk's line
      // in a buffer of 3 or 4 bytes, it is then given fewer than 5 to find the trailer's
      // end. A rest that starts the last chunk is never shorter than 5 bytes
      // ("0\r\n\r\n"): waiting for them costs a valid response nothing.
      const std::string_view rest = in.substr(used);
      if (parser.is_header_done() && parser.chunked() && rest.size() < 5 && !rest.empty() &&
          rest.front() == '0') {
        break;
      }
      error_code ec;
      const std::size_t n = parser.put(boost::asio::buffer(in.data() + used, in.size() - used), ec);
      used += n;
      if (ec == http::error::need_more) break;
      if (ec) return fail(ec);
      if (!head_reported && parser.is_header_done()) {
        take_head();
        result = Progress::head_ready;
        break;
      }
      if (parser.is_done()) {
        state = result = Progress::done;
        used = in.size();  // the connection is not reused: what follows is ignored
        break;
      }
      if (used == in.size() || n == 0) break;
    }
    // Keep what was not used; `in` may be `pending` itself.
    if (in.data() == pending.data()) {
      pending.erase(0, used);
    } else {
      pending.assign(in.substr(used));
    }
    return result;
  }
};

ResponseReader::ResponseReader(std::size_t max_head_bytes) : impl_(std::make_unique<Impl>()) {
  impl_->parser.header_limit(static_cast<std::uint32_t>(max_head_bytes));
  // An event stream has no end. Not boost::none: Beast 1.74 compares a Content-Length
  // against an empty optional and fails every such body with body_limit.
  impl_->parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  impl_->parser.get().body().sink = &impl_->sink;
}

ResponseReader::~ResponseReader() = default;

void ResponseReader::set_sink(Sink sink) {
  impl_->sink = std::move(sink);
}

ResponseReader::Progress ResponseReader::feed(std::string_view bytes) {
  return impl_->feed(bytes);
}

ResponseReader::Progress ResponseReader::finish() {
  if (impl_->state == Progress::done || impl_->state == Progress::failed) return impl_->state;
  if (!impl_->head_reported) {
    impl_->error = "connection closed before the end of the response head";
    return impl_->state = Progress::failed;
  }
  error_code ec;
  impl_->parser.put_eof(ec);
  if (ec) return impl_->fail(ec);
  return impl_->state = Progress::done;
}

const ResponseReader::Head& ResponseReader::head() const {
  return impl_->head;
}

bool ResponseReader::head_done() const {
  return impl_->head_reported;
}

const std::string& ResponseReader::error() const {
  return impl_->error;
}

}  // namespace herald::client
