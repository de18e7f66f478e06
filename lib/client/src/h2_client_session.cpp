#include "herald/client/h2_client_session.hpp"

#include <charconv>
#include <new>
#include <stdexcept>

#include <nghttp2/nghttp2.h>

#include "herald/base/strings.hpp"

namespace herald::client {

namespace {

// RFC 9113 6.5.2: a header list's size counts 32 bytes per field besides name and value.
constexpr std::size_t header_field_overhead = 32;

std::string_view view(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

nghttp2_nv field(std::string_view name, std::string_view value) {
  // nghttp2 copies both (and lower-cases the name) when the frame is submitted.
  return {reinterpret_cast<std::uint8_t*>(const_cast<char*>(name.data())),
          reinterpret_cast<std::uint8_t*>(const_cast<char*>(value.data())), name.size(),
          value.size(), NGHTTP2_NV_FLAG_NONE};
}

// RFC 9113 8.2.2: connection-specific fields make an HTTP/2 message malformed; Host is
// carried by :authority.
bool left_out(std::string_view name) {
  for (std::string_view banned :
       {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "host"}) {
    if (iequals(name, banned)) return true;
  }
  return false;
}

}  // namespace

std::string_view H2ResponseHead::field(std::string_view lower_case_name) const {
  for (const auto& h : headers) {
    if (h.name == lower_case_name) return h.value;
  }
  return {};
}

std::string h2_error_name(std::uint32_t code) {
  if (code == h2_error_headers_too_large) return "response headers too large";
  return nghttp2_http2_strerror(code);
}

// What the session keeps per stream until it closes: the response head being decoded, and
// the request body being sent.
struct H2ClientSession::Stream {
  H2ResponseHead head;
  std::size_t header_bytes = 0;
  bool head_done = false;
  std::string body;
  std::size_t body_sent = 0;
};

// nghttp2's C callbacks: each finds the session in user_data and does its part.
struct H2ClientSession::Glue {
  static H2ClientSession& self(void* user_data) {
    return *static_cast<H2ClientSession*>(user_data);
  }

  static Stream* stream(void* user_data, std::int32_t id) {
    auto& streams = self(user_data).streams_;
    const auto it = streams.find(id);
    return it == streams.end() ? nullptr : it->second.get();
  }

  static int on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
    if (frame->hd.type != NGHTTP2_HEADERS) return 0;
    if (Stream* s = stream(user_data, frame->hd.stream_id); s != nullptr && !s->head_done) {
      s->head = {};  // a 1xx head before it is dropped; this block starts over
      s->header_bytes = 0;
    }
    return 0;
  }

  static int on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name,
                       std::size_t namelen, const std::uint8_t* value, std::size_t valuelen,
                       std::uint8_t, void* user_data) {
    Stream* s = stream(user_data, frame->hd.stream_id);
    if (s == nullptr || s->head_done) return 0;  // trailers are not kept
    s->header_bytes += namelen + valuelen + header_field_overhead;
    if (s->header_bytes > self(user_data).limits_.max_header_bytes) {
      return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;  // nghttp2 resets the stream
    }
    const std::string_view n = view(name, namelen);
    const std::string_view v = view(value, valuelen);
    if (n == ":status") {
      // nghttp2 has checked it is three digits.
      std::from_chars(v.data(), v.data() + v.size(), s->head.status);
    } else if (n.empty() || n.front() != ':') {
      s->head.headers.push_back({std::string(n), std::string(v)});
    }
    return 0;
  }

  static int on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
    if (frame->hd.type == NGHTTP2_GOAWAY) {
      self(user_data).goaway_received_ = true;
      self(user_data).error_ = "the server ended the HTTP/2 connection (GOAWAY " +
                               h2_error_name(frame->goaway.error_code) + ")";
      return 0;
    }
    if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_RESPONSE) {
      return 0;
    }
    Stream* s = stream(user_data, frame->hd.stream_id);
    if (s == nullptr || s->head_done || s->head.status < 200) return 0;
    s->head_done = true;
    // Moved out: the stream keeps no head once it is handed over, and the callback may
    // cancel the stream.
    const H2ResponseHead head = std::move(s->head);
    auto& callbacks = self(user_data).callbacks_;
    if (callbacks.on_head) callbacks.on_head(frame->hd.stream_id, head);
    return 0;
  }

  static int on_data_chunk(nghttp2_session*, std::uint8_t, std::int32_t stream_id,
                           const std::uint8_t* data, std::size_t len, void* user_data) {
    if (stream(user_data, stream_id) == nullptr) return 0;  // cancelled
    auto& callbacks = self(user_data).callbacks_;
    if (callbacks.on_data) callbacks.on_data(stream_id, view(data, len));
    return 0;
  }

  static int on_stream_close(nghttp2_session*, std::int32_t stream_id, std::uint32_t error_code,
                             void* user_data) {
    auto& streams = self(user_data).streams_;
    const auto it = streams.find(stream_id);
    if (it == streams.end()) return 0;  // cancelled
    const bool too_large = it->second->header_bytes > self(user_data).limits_.max_header_bytes;
    streams.erase(it);
    auto& on_close = self(user_data).callbacks_.on_close;
    if (on_close) on_close(stream_id, too_large ? h2_error_headers_too_large : error_code);
    return 0;
  }

  // A connection error nghttp2 found in what the server sent; it queues a GOAWAY.
  static int on_error(nghttp2_session*, int, const char* message, std::size_t length,
                      void* user_data) {
    self(user_data).error_ = "HTTP/2 protocol error: " + std::string(message, length);
    return 0;
  }

  static ssize_t read_body(nghttp2_session*, std::int32_t stream_id, std::uint8_t* buf,
                           std::size_t length, std::uint32_t* data_flags, nghttp2_data_source*,
                           void* user_data) {
    Stream* s = stream(user_data, stream_id);
    if (s == nullptr) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    const std::size_t n = std::min(length, s->body.size() - s->body_sent);
    s->body.copy(reinterpret_cast<char*>(buf), n, s->body_sent);
    s->body_sent += n;
    if (s->body_sent == s->body.size()) {
      *data_flags |= NGHTTP2_DATA_FLAG_EOF;
      std::string{}.swap(s->body);
      s->body_sent = 0;
    }
    return static_cast<ssize_t>(n);
  }
};

H2ClientSession::H2ClientSession(Callbacks callbacks, H2ClientLimits limits)
    : callbacks_(std::move(callbacks)), limits_(limits) {
  nghttp2_session_callbacks* cbs = nullptr;
  if (nghttp2_session_callbacks_new(&cbs) != 0) throw std::bad_alloc();
  nghttp2_session_callbacks_set_on_begin_headers_callback(cbs, &Glue::on_begin_headers);
  nghttp2_session_callbacks_set_on_header_callback(cbs, &Glue::on_header);
  nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, &Glue::on_frame_recv);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, &Glue::on_data_chunk);
  nghttp2_session_callbacks_set_on_stream_close_callback(cbs, &Glue::on_stream_close);
  nghttp2_session_callbacks_set_error_callback2(cbs, &Glue::on_error);
  nghttp2_option* option = nullptr;
  if (nghttp2_option_new(&option) != 0) {
    nghttp2_session_callbacks_del(cbs);
    throw std::bad_alloc();
  }
  // Closed streams are not kept for the priority tree (it is off below).
  nghttp2_option_set_no_closed_streams(option, 1);
  nghttp2_option_set_max_send_header_block_length(option, 64 * 1024);
  const int rv = nghttp2_session_client_new2(&session_, cbs, this, option);
  nghttp2_option_del(option);
  nghttp2_session_callbacks_del(cbs);
  if (rv != 0) throw std::bad_alloc();

  const nghttp2_settings_entry settings[] = {
      {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
      {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, limits_.stream_window},
      {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, static_cast<std::uint32_t>(limits_.max_header_bytes)},
      {NGHTTP2_SETTINGS_NO_RFC7540_PRIORITIES, 1},
  };
  nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, std::size(settings));
  // The connection's own window starts at 65,535 whatever SETTINGS say: widen it at once.
  nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, 0,
                                        static_cast<std::int32_t>(limits_.connection_window));
}

H2ClientSession::~H2ClientSession() {
  nghttp2_session_del(session_);
}

std::int32_t H2ClientSession::submit(const H2Request& request) {
  if (!accepting()) return -1;
  std::vector<nghttp2_nv> fields;
  fields.reserve(4 + request.headers.size());
  fields.push_back(field(":method", request.method));
  fields.push_back(field(":scheme", request.scheme));
  fields.push_back(field(":authority", request.authority));
  fields.push_back(field(":path", request.path));
  for (const auto& h : request.headers) {
    if (!left_out(h.name)) fields.push_back(field(h.name, h.value));
  }
  auto stream = std::make_unique<Stream>();
  nghttp2_data_provider body{};
  body.read_callback = &Glue::read_body;
  if (!request.body.empty()) stream->body = request.body;
  const std::int32_t id = nghttp2_submit_request(session_, nullptr, fields.data(), fields.size(),
                                                 request.body.empty() ? nullptr : &body, nullptr);
  if (id < 0) return -1;
  streams_.emplace(id, std::move(stream));
  return id;
}

void H2ClientSession::cancel(std::int32_t stream_id) {
  if (streams_.erase(stream_id) == 0) return;
  nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream_id, NGHTTP2_CANCEL);
}

void H2ClientSession::shutdown() {
  shut_down_ = true;
  nghttp2_session_terminate_session(session_, NGHTTP2_NO_ERROR);
}

bool H2ClientSession::feed(std::string_view bytes) {
  const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
  const ssize_t rv = nghttp2_session_mem_recv(session_, data, bytes.size());
  if (rv < 0) {
    error_ = std::string("HTTP/2 protocol error: ") + nghttp2_strerror(static_cast<int>(rv));
    return false;
  }
  if (!want_read()) {  // the server's GOAWAY, and no stream left open
    if (error_.empty()) error_ = "the HTTP/2 connection is over";
    return false;
  }
  // nghttp2 found a connection error in the server's bytes and queued its GOAWAY: it
  // reads on until that is sent, but nothing more will come of this connection.
  const bool ids_left = nghttp2_session_get_next_stream_id(session_) <= 0x7fffffffU;
  if (!accepting() && ids_left && !goaway_received_ && !shut_down_) {
    if (error_.empty()) error_ = "HTTP/2 protocol error in the server's bytes";
    return false;
  }
  return true;
}

void H2ClientSession::take_output(std::string& out) {
  for (;;) {
    const std::uint8_t* data = nullptr;
    const ssize_t n = nghttp2_session_mem_send(session_, &data);
    if (n <= 0) {
      if (n < 0) error_ = std::string("HTTP/2: ") + nghttp2_strerror(static_cast<int>(n));
      return;
    }
    out.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
  }
}

bool H2ClientSession::want_read() const {
  return nghttp2_session_want_read(session_) != 0;
}

bool H2ClientSession::want_write() const {
  return nghttp2_session_want_write(session_) != 0;
}

bool H2ClientSession::accepting() const {
  return nghttp2_session_check_request_allowed(session_) != 0;
}

}  // namespace herald::client
