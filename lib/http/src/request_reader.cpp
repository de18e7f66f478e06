#include "request_reader.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>

#include "herald/base/strings.hpp"
#include "herald/http/message.hpp"

namespace herald::http {

namespace bhttp = boost::beast::http;

namespace {

// RFC 9112 6.1: a request's transfer codings are acceptable only when `chunked` is the
// last one and appears once; anything else leaves the body's end unknown, and a server
// that guessed would read the next request from inside it (request smuggling).
bool chunked_is_final_coding(const RequestReader::Message& message) {
  bool chunked_seen = false;
  bool last_is_chunked = false;
  for (const auto& field : message) {
    if (field.name() != bhttp::field::transfer_encoding) continue;
    std::string_view value(field.value().data(), field.value().size());
    while (!value.empty()) {
      auto comma = value.find(',');
      std::string_view coding = trim_ows(value.substr(0, comma));
      value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
      if (coding.empty()) continue;
      last_is_chunked = iequals(coding, "chunked");
      if (last_is_chunked && chunked_seen) return false;
      chunked_seen = chunked_seen || last_is_chunked;
    }
  }
  return last_is_chunked;
}

}  // namespace

RequestReader::RequestReader(RequestLimits limits) : limits_(limits) {
  parser_.header_limit(static_cast<std::uint32_t>(limits_.max_header_bytes));
  parser_.body_limit(limits_.max_body_bytes);
  // Stop at the end of the head, so its size and framing are checked before any body.
  parser_.eager(false);
}

std::size_t RequestReader::byte_budget(const RequestLimits& limits) {
  return 2 * limits.max_header_bytes + limits.max_body_bytes + limits.max_body_bytes / 4 +
         64 * 1024;
}

void RequestReader::fail(int status, std::string message) {
  state_ = State::failed;
  error_ = {status, std::move(message)};
  std::string().swap(pending_);
}

std::size_t RequestReader::feed(std::string_view bytes) {
  if (state_ != State::need_more || bytes.empty()) return 0;
  std::size_t taken = bytes.size();
  if (pending_.empty()) {
    // Common case: parse straight from the caller's bytes; keep only an unparsed tail.
    std::size_t used = parse(bytes);
    if (parser_.is_done()) {
      taken = used;
    } else if (state_ == State::need_more) {
      pending_.assign(bytes.substr(used));
    }
  } else {
    const std::size_t before = pending_.size();
    pending_.append(bytes);
    std::size_t used = parse(pending_);
    if (parser_.is_done()) {
      // It ended inside `bytes` (earlier bytes could not complete it): the rest of them is
      // the next request's.
      taken = used > before ? used - before : 0;
      std::string().swap(pending_);
    } else if (state_ == State::need_more) {
      pending_.erase(0, used);
    }
  }
  if (state_ != State::need_more) return taken;
  if (parser_.is_done()) {
    state_ = State::done;
    return taken;
  }
  // Waiting for more: bound what is held and what has been parsed so far.
  if (!parser_.is_header_done()) {
    if (consumed_ + pending_.size() > limits_.max_header_bytes) {
      fail(431, "request header fields too large");
    }
  } else if (pending_.size() > limits_.max_header_bytes) {
    // Beast needs a whole chunk-size line, or the whole trailer section, in one buffer.
    fail(431, "chunk extension or trailer section over " +
                  std::to_string(limits_.max_header_bytes) + " bytes");
  } else if (consumed_ + pending_.size() > byte_budget(limits_)) {
    fail(413, "request too large: over " + std::to_string(byte_budget(limits_)) +
                  " bytes with its framing");
  }
  return taken;
}

std::size_t RequestReader::parse(std::string_view bytes) {
  std::size_t total = 0;
  while (!bytes.empty() && !parser_.is_done()) {
    // Beast 1.74 asserts (a debug build aborts) when, having seen the last chunk's line in
    // a buffer of 3 or 4 bytes, it is then given fewer than 5 to find the trailer's end. A
    // rest that starts the last chunk is never shorter than 5 bytes ("0\r\n\r\n"), so
    // waiting for them costs a valid request nothing.
    if (parser_.is_header_done() && parser_.chunked() && bytes.size() < 5 && bytes.front() == '0') {
      break;
    }
    boost::system::error_code ec;
    const bool in_header = !parser_.is_header_done();
    std::size_t used = parser_.put(boost::asio::const_buffer(bytes.data(), bytes.size()), ec);
    bytes.remove_prefix(used);
    total += used;
    consumed_ += used;
    // Beast 1.74 applies its header limit to each put() alone; header bytes parsed by
    // earlier calls count too, or many small header lines pass any limit.
    if (in_header && consumed_ > limits_.max_header_bytes) {
      fail(431, "request header fields too large");
      return total;
    }
    if (ec == bhttp::error::need_more) break;
    if (ec == bhttp::error::header_limit) {
      fail(431, "request header fields too large");
      return total;
    }
    if (ec == bhttp::error::body_limit) {
      fail(413, "request body too large");
      return total;
    }
    if (ec) {
      fail(400, "malformed HTTP request: " + ec.message());
      return total;
    }
    if (in_header && parser_.is_header_done()) {
      if (!check_head()) return total;
      parser_.eager(true);  // the body in as few calls as it comes
    }
    if (consumed_ > byte_budget(limits_)) {
      fail(413, "request too large: over " + std::to_string(byte_budget(limits_)) +
                    " bytes with its framing");
      return total;
    }
    if (used == 0) break;
  }
  return total;
}

bool RequestReader::check_head() {
  Message& message = parser_.get();
  if (message.count(bhttp::field::transfer_encoding) > 0) {
    // RFC 9112 6.1 and 6.3: either field may be the one a proxy in front of us believed;
    // refusing both together leaves no disagreement to exploit.
    if (message.count(bhttp::field::content_length) > 0) {
      fail(400, "Transfer-Encoding together with Content-Length");
      return false;
    }
    if (message.version() < 11) {
      fail(400, "Transfer-Encoding in an HTTP/1.0 request");
      return false;
    }
    if (!chunked_is_final_coding(message)) {
      fail(400, "Transfer-Encoding must end with chunked (once)");
      return false;
    }
  }
  auto target = message.target();
  if (auto origin = origin_form(std::string_view(target.data(), target.size()))) {
    message.target(*origin);
  }
  return true;
}

bool RequestReader::expects_continue() const {
  if (!parser_.is_header_done() || parser_.is_done()) return false;
  auto expect = parser_.get()[bhttp::field::expect];
  return iequals(std::string_view(expect.data(), expect.size()), "100-continue");
}

RequestReader::Message RequestReader::release() {
  return parser_.release();
}

std::optional<std::string> origin_form(std::string_view target) {
  std::size_t scheme_end = target.find("://");
  if (scheme_end == std::string_view::npos) return std::nullopt;
  std::string_view scheme = target.substr(0, scheme_end);
  if (!iequals(scheme, "http") && !iequals(scheme, "https")) return std::nullopt;
  std::string_view rest = target.substr(scheme_end + 3);
  std::size_t path_start = rest.find_first_of("/?");
  if (path_start == std::string_view::npos) return std::string("/");
  std::string origin;
  if (rest[path_start] == '?') origin = "/";
  origin.append(rest.substr(path_start));
  return origin;
}

}  // namespace herald::http
