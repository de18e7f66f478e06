#include "h2_session.hpp"

#include <algorithm>
#include <charconv>
#include <new>
#include <utility>

#include <nghttp2/nghttp2.h>

#include "herald/base/strings.hpp"

namespace herald::http {

namespace {

constexpr std::size_t frame_header_size = 9;
// RFC 9113 6.5.2: a header list's size counts 32 bytes per field besides name and value.
constexpr std::size_t header_field_overhead = 32;
// A stream's drained queue keeps at most this many slots (memory per idle subscriber).
constexpr std::size_t idle_queue_capacity = 4;
// Frame bytes of one take_output() kept for the next beyond this are given back.
constexpr std::size_t kept_frame_capacity = 16 * 1024;

std::string_view view(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

nghttp2_nv field(std::string_view name, std::string_view value) {
  // nghttp2 copies both (and lower-cases the name) when the frame is submitted.
  return {reinterpret_cast<std::uint8_t*>(const_cast<char*>(name.data())),
          reinterpret_cast<std::uint8_t*>(const_cast<char*>(value.data())), name.size(),
          value.size(), NGHTTP2_NV_FLAG_NONE};
}

// RFC 9113 8.2.2: connection-specific fields make an HTTP/2 message malformed.
bool connection_specific(std::string_view name) {
  for (std::string_view banned :
       {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"}) {
    if (iequals(name, banned)) return true;
  }
  return false;
}

// RFC 9110 sections 15.2, 15.3.5 and 15.4.5: these answers never carry content.
bool status_has_content(int status) {
  return status >= 200 && status != 204 && status != 304;
}

}  // namespace

// What a stream needs only while its request arrives: freed once it is dispatched or
// refused, so an open streaming answer does not keep its request (memory per subscriber).
struct H2Session::Arrival {
  Request request;
  std::size_t header_list_bytes = 0;
  bool headers_too_large = false;
  bool has_authority = false;
  bool headers_done = false;    // its header block is complete: the body is coming
  Clock::time_point began;      // when its HEADERS frame began
  Clock::time_point last_data;  // when a byte of its body last came
};

struct H2Session::Stream {
  enum class Phase : std::uint8_t {
    reading,     // the request is arriving
    refused,     // answered by the session (431, 413): the rest of the request is dropped
    dispatched,  // given to on_request, not answered yet
    answered,    // respond() or open_stream() was called
  };

  explicit Stream(std::int32_t stream_id) : id(stream_id), arrival(std::make_unique<Arrival>()) {
    // 56 bytes, plus the map node's link and key: 72, malloc's 80-byte class with its header.
    static_assert(sizeof(Stream) <= 56);
  }

  // on_request saw it: on_stream_closed will too (a refused stream never reaches either).
  bool announced() const { return phase == Phase::dispatched || phase == Phase::answered; }

  // The fields are ordered and sized so that a map node holding a Stream fits malloc's
  // 80-byte size class (memory per idle subscriber).
  std::int32_t id;
  Phase phase = Phase::reading;
  bool has_body = false;  // the answer has a body (DATA frames may follow its headers)
  // A data provider is attached in nghttp2 (from the first byte queued until the queue is
  // out): an idle stream holds none, which saves nghttp2's outbound item per subscriber.
  bool providing = false;
  bool ending = false;               // END_STREAM once the queue is out
  std::unique_ptr<Arrival> arrival;  // until dispatched or refused
  // The response body not yet given out: queue[head] onward, the first head_offset bytes of
  // queue[head] already out (one payload is an event frame or an answer's body, far below
  // 4 GiB).
  std::vector<SharedBytes> queue;
  std::size_t queued = 0;
  std::uint32_t head = 0;
  std::uint32_t head_offset = 0;
};

// nghttp2's C callbacks: each finds the session in user_data and does its part.
struct H2Session::Glue {
  static H2Session& self(void* user_data) { return *static_cast<H2Session*>(user_data); }

  static Stream* stream_of(nghttp2_session* session, std::int32_t stream_id) {
    return static_cast<Stream*>(nghttp2_session_get_stream_user_data(session, stream_id));
  }

  static int on_begin_frame(nghttp2_session*, const nghttp2_frame_hd* hd, void* user_data) {
    H2Session& s = self(user_data);
    if (hd->type != NGHTTP2_HEADERS && hd->type != NGHTTP2_CONTINUATION) return 0;
    // One header block at a time per connection (RFC 9113 6.10): a HEADERS frame starts it.
    if (hd->type == NGHTTP2_HEADERS) s.header_block_bytes_ = 0;
    s.header_block_bytes_ += frame_header_size + hd->length;
    if (s.header_block_bytes_ > 2 * s.limits_.max_header_bytes) s.calm_down();
    return 0;
  }

  static int on_begin_headers(nghttp2_session* session, const nghttp2_frame* frame,
                              void* user_data) {
    H2Session& s = self(user_data);
    if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST) return 0;
    const std::int32_t stream_id = frame->hd.stream_id;
    // The map's nodes do not move: nghttp2 keeps a pointer to the stream.
    Stream& stream = s.streams_.try_emplace(stream_id, stream_id).first->second;
    stream.arrival->began = stream.arrival->last_data = s.callbacks_.now();
    nghttp2_session_set_stream_user_data(session, stream_id, &stream);
    return 0;
  }

  static int on_header(nghttp2_session* session, const nghttp2_frame* frame,
                       const std::uint8_t* name_data, std::size_t name_size,
                       const std::uint8_t* value_data, std::size_t value_size, std::uint8_t,
                       void* user_data) {
    H2Session& s = self(user_data);
    Stream* stream = stream_of(session, frame->hd.stream_id);
    if (s.failed_ || !stream || stream->phase != Stream::Phase::reading) return 0;
    Arrival& arrival = *stream->arrival;
    // Counted even past the limit, stored only within it: the HPACK decoder has to go on
    // decoding the block to keep its table in step, but what it decodes costs no memory.
    arrival.header_list_bytes += name_size + value_size + header_field_overhead;
    if (arrival.header_list_bytes > s.limits_.max_header_bytes) {
      arrival.headers_too_large = true;
      std::vector<Header>().swap(arrival.request.headers);
      return 0;
    }
    if (arrival.headers_too_large || frame->headers.cat != NGHTTP2_HCAT_REQUEST) return 0;
    std::string_view name = view(name_data, name_size);
    std::string_view value = view(value_data, value_size);
    Request& request = arrival.request;
    if (name == ":method") {
      request.method = value;
    } else if (name == ":path") {
      request.target = value;
    } else if (name == ":authority") {
      // RFC 9113 8.3.1: :authority stands for Host, and a Host field beside it is ignored.
      arrival.has_authority = true;
      request.headers.push_back({"host", std::string(value)});
    } else if (name.starts_with(':')) {
      return 0;  // :scheme; nghttp2 has validated the set
    } else if (!(name == "host" && arrival.has_authority)) {
      request.headers.push_back({std::string(name), std::string(value)});
    }
    return 0;
  }

  static int on_data_chunk_recv(nghttp2_session* session, std::uint8_t, std::int32_t stream_id,
                                const std::uint8_t* data, std::size_t size, void* user_data) {
    H2Session& s = self(user_data);
    Stream* stream = stream_of(session, stream_id);
    if (s.failed_ || !stream || stream->phase != Stream::Phase::reading) return 0;
    stream->arrival->last_data = s.callbacks_.now();
    std::string& body = stream->arrival->request.body;
    if (size > s.limits_.max_body_bytes - body.size()) {
      s.refuse(*stream, 413, "request body too large");
      return 0;
    }
    body.append(view(data, size));
    return 0;
  }

  static int on_frame_recv(nghttp2_session* session, const nghttp2_frame* frame, void* user_data) {
    H2Session& s = self(user_data);
    if (s.failed_) return 0;
    switch (frame->hd.type) {
      case NGHTTP2_RST_STREAM:
        s.count_reset();
        return 0;
      case NGHTTP2_DATA:
        if (frame->hd.length == frame->data.padlen &&
            !(frame->hd.flags & NGHTTP2_FLAG_END_STREAM)) {
          if (++s.empty_frames_ > s.limits_.max_empty_frames) s.calm_down();
          return 0;
        }
        s.empty_frames_ = 0;
        break;
      case NGHTTP2_HEADERS:
        break;
      default:
        return 0;
    }
    Stream* stream = stream_of(session, frame->hd.stream_id);
    if (!stream || stream->phase != Stream::Phase::reading) return 0;
    if (stream->arrival->headers_too_large) {
      s.refuse(*stream, 431, "request header fields too large");
      return 0;
    }
    if (frame->hd.type == NGHTTP2_HEADERS && s.announced_body_too_large(*stream)) {
      s.refuse(*stream, 413, "request body too large");
      return 0;
    }
    if (frame->hd.type == NGHTTP2_HEADERS) {
      stream->arrival->headers_done = true;
      stream->arrival->last_data = s.callbacks_.now();  // the body timeout starts here
    }
    if (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) s.dispatch(*stream);
    return 0;
  }

  static int on_stream_close(nghttp2_session*, std::int32_t stream_id, std::uint32_t,
                             void* user_data) {
    H2Session& s = self(user_data);
    auto it = s.streams_.find(stream_id);
    if (it == s.streams_.end()) return 0;
    // Forgotten before the embedder hears of it, so what it does to the stream is ignored.
    const bool announced = it->second.announced();
    s.streams_.erase(it);
    if (announced && s.callbacks_.on_stream_closed) s.callbacks_.on_stream_closed(stream_id);
    return 0;
  }

  static ssize_t read_body(nghttp2_session*, std::int32_t, std::uint8_t*, std::size_t length,
                           std::uint32_t* flags, nghttp2_data_source* source, void*) {
    auto& stream = *static_cast<Stream*>(source->ptr);
    // A provider is attached only while bytes are queued or the stream is ending, so a
    // frame always carries data or the END_STREAM.
    const std::size_t size = std::min(length, stream.queued);
    // The payload is not copied into nghttp2's buffer: send_data() references it.
    if (size > 0) *flags |= NGHTTP2_DATA_FLAG_NO_COPY;
    if (size == stream.queued) {
      // The queue is out with this frame: the provider is done with it (nghttp2 frees its
      // outbound item once the frame is sent), and the next write() submits a new one.
      *flags |= NGHTTP2_DATA_FLAG_EOF;
      if (!stream.ending) *flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
      stream.providing = false;
    }
    return static_cast<ssize_t>(size);
  }

  static nghttp2_data_provider provider_for(Stream& stream) {
    nghttp2_data_provider provider{};
    provider.source.ptr = &stream;
    provider.read_callback = &read_body;
    return provider;
  }

  static int send_data(nghttp2_session*, nghttp2_frame* frame, const std::uint8_t* frame_head,
                       std::size_t length, nghttp2_data_source* source, void* user_data) {
    // No padding: the session sets no select_padding callback, so padlen is always 0.
    if (frame->data.padlen != 0) return NGHTTP2_ERR_CALLBACK_FAILURE;
    self(user_data).send_data(*static_cast<Stream*>(source->ptr), frame_head, length);
    return 0;
  }
};

H2Session::H2Session(H2Limits limits, Callbacks callbacks)
    : limits_(limits), callbacks_(std::move(callbacks)), reset_tokens_(limits.reset_burst) {
  if (!callbacks_.now) callbacks_.now = [] { return Clock::now(); };
  reset_refilled_ = callbacks_.now();

  nghttp2_session_callbacks* cbs = nullptr;
  if (nghttp2_session_callbacks_new(&cbs) != 0) throw std::bad_alloc();
  nghttp2_session_callbacks_set_on_begin_frame_callback(cbs, &Glue::on_begin_frame);
  nghttp2_session_callbacks_set_on_begin_headers_callback(cbs, &Glue::on_begin_headers);
  nghttp2_session_callbacks_set_on_header_callback(cbs, &Glue::on_header);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, &Glue::on_data_chunk_recv);
  nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, &Glue::on_frame_recv);
  nghttp2_session_callbacks_set_on_stream_close_callback(cbs, &Glue::on_stream_close);
  nghttp2_session_callbacks_set_send_data_callback(cbs, &Glue::send_data);

  nghttp2_option* option = nullptr;
  if (nghttp2_option_new(&option) != 0) {
    nghttp2_session_callbacks_del(cbs);
    throw std::bad_alloc();
  }
  nghttp2_option_set_max_outbound_ack(option, limits_.max_outbound_acks);
  nghttp2_option_set_max_settings(option, limits_.max_settings_entries);
  // Closed streams are kept only for the RFC 7540 priority tree, which we do not use.
  nghttp2_option_set_no_closed_streams(option, 1);

  const int created = nghttp2_session_server_new2(&session_, cbs, this, option);
  nghttp2_option_del(option);
  nghttp2_session_callbacks_del(cbs);
  if (created != 0) throw std::bad_alloc();

  const nghttp2_settings_entry settings[] = {
      {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, limits_.max_concurrent_streams},
      {NGHTTP2_SETTINGS_HEADER_TABLE_SIZE, limits_.header_table_size},
      {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, limits_.initial_window_size},
      {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
      {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE,
       static_cast<std::uint32_t>(std::min<std::size_t>(limits_.max_header_bytes, UINT32_MAX))},
      // RFC 9218: PRIORITY frames are ignored instead of reshaping a dependency tree per
      // frame (the PRIORITY flood costs nothing then).
      {NGHTTP2_SETTINGS_NO_RFC7540_PRIORITIES, 1},
  };
  nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, std::size(settings));
}

H2Session::~H2Session() {
  nghttp2_session_del(session_);
}

bool H2Session::feed(std::string_view bytes) {
  if (failed_) return false;
  const auto n = nghttp2_session_mem_recv(
      session_, reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  if (n < 0) {
    // Bad preface, flood of unread ACKs, out of memory: nghttp2 gives up without a
    // GOAWAY worth sending, and what it has queued (the flood's answers) is not written.
    failed_ = broken_ = true;
    return false;
  }
  if (calm_down_pending_) {
    calm_down_pending_ = false;
    nghttp2_session_terminate_session(session_, NGHTTP2_ENHANCE_YOUR_CALM);
  }
  return !failed_ && nghttp2_session_want_read(session_) != 0;
}

const H2Session::Stream* H2Session::find(std::int32_t stream_id) const {
  auto it = streams_.find(stream_id);
  return it == streams_.end() ? nullptr : &it->second;
}

H2Session::Stream* H2Session::find(std::int32_t stream_id) {
  return const_cast<Stream*>(std::as_const(*this).find(stream_id));
}

bool H2Session::announced_body_too_large(const Stream& stream) const {
  // A Content-Length over the limit is refused at once, before any of the body is read.
  // nghttp2 has checked that it is a number and will check that the body matches it.
  std::string_view length = stream.arrival->request.header("content-length");
  std::size_t value = 0;
  auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), value);
  return ec == std::errc::result_out_of_range ||
         (ec == std::errc() && value > limits_.max_body_bytes);
}

void H2Session::dispatch(Stream& stream) {
  stream.phase = Stream::Phase::dispatched;
  Request request = std::move(stream.arrival->request);
  stream.arrival.reset();
  if (callbacks_.on_request) callbacks_.on_request(stream.id, std::move(request));
}

void H2Session::refuse(Stream& stream, int status, std::string_view message) {
  stream.arrival.reset();
  Response response = Response::text(status, message);
  auto body = std::make_shared<const std::string>(std::move(response.body));
  stream.queue.push_back({body, *body});
  stream.queued = body->size();
  stream.ending = true;
  submit(stream, status, response.content_type, response.headers, body->size(), Body::queued);
  stream.phase = Stream::Phase::refused;
}

void H2Session::submit(Stream& stream, int status, std::string_view content_type,
                       const std::vector<Header>& headers,
                       std::optional<std::size_t> content_length, Body body) {
  stream.phase = Stream::Phase::answered;
  if (status < 100 || status > 999) status = 500;  // :status is three digits
  char status_text[3];
  const char* status_end = std::to_chars(status_text, status_text + 3, status).ptr;
  char length_text[24];
  std::string_view length;
  if (content_length) {
    auto end = std::to_chars(length_text, length_text + sizeof length_text, *content_length).ptr;
    length = {length_text, static_cast<std::size_t>(end - length_text)};
  }

  std::vector<nghttp2_nv> fields;
  fields.reserve(4 + headers.size());
  fields.push_back(
      field(":status", {status_text, static_cast<std::size_t>(status_end - status_text)}));
  fields.push_back(field("server", "herald"));
  if (!content_type.empty()) fields.push_back(field("content-type", content_type));
  if (content_length) fields.push_back(field("content-length", length));
  for (const Header& h : headers) {
    if (!connection_specific(h.name)) fields.push_back(field(h.name, h.value));
  }

  stream.has_body = body != Body::none;
  if (body == Body::later) {
    // No data provider yet: the first write() submits one (an idle stream holds none).
    nghttp2_submit_headers(session_, NGHTTP2_FLAG_NONE, stream.id, nullptr, fields.data(),
                           fields.size(), nullptr);
    return;
  }
  nghttp2_data_provider provider = Glue::provider_for(stream);
  stream.providing = body == Body::queued;
  nghttp2_submit_response(session_, stream.id, fields.data(), fields.size(),
                          stream.providing ? &provider : nullptr);
}

void H2Session::provide(Stream& stream) {
  if (stream.providing) return;  // the attached provider reads the queue as it grows
  stream.providing = true;
  nghttp2_data_provider provider = Glue::provider_for(stream);
  // END_STREAM goes with the provider's last frame unless read_body() says
  // NO_END_STREAM: a provider that takes the queue out while the stream goes on.
  nghttp2_submit_data(session_, NGHTTP2_FLAG_END_STREAM, stream.id, &provider);
}

void H2Session::respond(std::int32_t stream_id, Response response, bool head_request) {
  Stream* stream = find(stream_id);
  if (!stream || stream->phase != Stream::Phase::dispatched) return;
  const bool has_content = status_has_content(response.status);
  // A HEAD answer announces the GET's Content-Length but sends no content (RFC 9110 9.3.2).
  std::optional<std::size_t> length;
  if (has_content) length = response.body.size();
  const bool with_data = has_content && !head_request && !response.body.empty();
  if (with_data) {
    auto body = std::make_shared<const std::string>(std::move(response.body));
    stream->queued = body->size();
    stream->queue.push_back({body, *body});
    stream->ending = true;
  }
  submit(*stream, response.status, response.content_type, response.headers, length,
         with_data ? Body::queued : Body::none);
}

void H2Session::open_stream(std::int32_t stream_id, std::string_view content_type,
                            const std::vector<Header>& headers, bool head_request) {
  Stream* stream = find(stream_id);
  if (!stream || stream->phase != Stream::Phase::dispatched) return;
  submit(*stream, 200, content_type, headers, std::nullopt,
         head_request ? Body::none : Body::later);
}

std::size_t H2Session::write(std::int32_t stream_id, SharedBytes bytes) {
  Stream* stream = find(stream_id);
  if (!stream || !stream->has_body || stream->ending || bytes.bytes.empty()) return 0;
  const std::size_t size = bytes.bytes.size();
  stream->queued += size;
  stream->queue.push_back(std::move(bytes));
  provide(*stream);
  return size;
}

std::size_t H2Session::queued_bytes(std::int32_t stream_id) const {
  const Stream* stream = find(stream_id);
  return stream ? stream->queued : 0;
}

void H2Session::end_stream(std::int32_t stream_id) {
  Stream* stream = find(stream_id);
  if (!stream || !stream->has_body || stream->ending) return;
  stream->ending = true;
  provide(*stream);
}

void H2Session::reset_stream(std::int32_t stream_id) {
  Stream* stream = find(stream_id);
  if (!stream) return;
  std::vector<SharedBytes>().swap(stream->queue);
  stream->head = stream->head_offset = stream->queued = 0;
  nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream_id, NGHTTP2_CANCEL);
}

void H2Session::shutdown() {
  if (failed_) return;
  nghttp2_submit_goaway(session_, NGHTTP2_FLAG_NONE,
                        nghttp2_session_get_last_proc_stream_id(session_), NGHTTP2_NO_ERROR,
                        nullptr, 0);
  for (auto& [id, stream] : streams_) {
    if (stream.phase == Stream::Phase::answered) end_stream(id);
  }
}

bool H2Session::expire_requests(Clock::time_point now, Clock::duration header_timeout,
                                Clock::duration body_timeout) {
  if (failed_) return true;
  for (auto& [id, stream] : streams_) {
    if (stream.phase != Stream::Phase::reading) continue;
    const Arrival& arrival = *stream.arrival;
    if (!arrival.headers_done) {
      // A header block must be finished before any other frame can come (RFC 9113 6.10):
      // one that is overdue holds the whole connection.
      if (now - arrival.began > header_timeout) return false;
    } else if (now - arrival.last_data > body_timeout) {
      refuse(stream, 408, "request body timeout: no byte of it for the body timeout");
    }
  }
  return true;
}

void H2Session::count_reset() {
  const Clock::time_point now = callbacks_.now();
  const double elapsed = std::chrono::duration<double>(now - reset_refilled_).count();
  reset_refilled_ = now;
  reset_tokens_ = std::min<double>(limits_.reset_burst,
                                   reset_tokens_ + std::max(0.0, elapsed) * limits_.reset_rate);
  if (reset_tokens_ < 1) {
    calm_down();
    return;
  }
  reset_tokens_ -= 1;
}

void H2Session::calm_down() {
  // Only noted here, inside nghttp2's callbacks: nghttp2 1.52 asserts when the session is
  // terminated from some of them (on_frame_recv of a DATA frame). feed() sends the GOAWAY
  // once mem_recv returns; until then the callbacks do nothing more for the peer.
  if (failed_) return;
  failed_ = calm_down_pending_ = true;
}

void H2Session::append_frame_bytes(const std::uint8_t* data, std::size_t size) {
  if (!pieces_.empty() && !pieces_.back().payload.bytes.data()) {
    pieces_.back().frame_size += size;  // continues the frame bytes just before
  } else {
    pieces_.push_back({{}, frames_.size(), size});
  }
  frames_.append(view(data, size));
}

void H2Session::send_data(Stream& stream, const std::uint8_t* frame_head, std::size_t length) {
  append_frame_bytes(frame_head, frame_header_size);
  stream.queued -= length;
  while (length > 0) {
    SharedBytes& front = stream.queue[stream.head];
    const std::size_t take = std::min(length, front.bytes.size() - stream.head_offset);
    std::string_view part = front.bytes.substr(stream.head_offset, take);
    length -= take;
    stream.head_offset += static_cast<std::uint32_t>(take);
    if (stream.head_offset < front.bytes.size()) {
      pieces_.push_back({{front.owner, part}});  // the rest goes in a later frame
      break;
    }
    pieces_.push_back({{std::move(front.owner), part}});
    front.bytes = {};
    ++stream.head;
    stream.head_offset = 0;
  }
  if (stream.head == stream.queue.size()) {
    stream.queue.clear();
    stream.head = 0;
    if (stream.queue.capacity() > idle_queue_capacity)
      std::vector<SharedBytes>().swap(stream.queue);
  }
}

void H2Session::take_output(std::vector<SharedBytes>& out) {
  frames_.clear();
  if (frames_.capacity() > kept_frame_capacity) std::string().swap(frames_);
  pieces_.clear();
  if (broken_) return;
  for (;;) {
    const std::uint8_t* data = nullptr;
    const auto n = nghttp2_session_mem_send(session_, &data);
    if (n < 0) {
      failed_ = broken_ = true;
      break;
    }
    if (n == 0) break;
    append_frame_bytes(data, static_cast<std::size_t>(n));
  }
  // frames_ has stopped growing: its pieces can point into it now.
  for (OutPiece& piece : pieces_) {
    if (piece.payload.bytes.data()) {
      out.push_back(std::move(piece.payload));
    } else {
      out.push_back(
          {nullptr, std::string_view(frames_).substr(piece.frame_offset, piece.frame_size)});
    }
  }
  pieces_.clear();
}

void H2Session::release_output_buffers() {
  std::string().swap(frames_);
  std::vector<OutPiece>().swap(pieces_);
}

bool H2Session::want_read() const {
  return !failed_ && nghttp2_session_want_read(session_) != 0;
}

bool H2Session::want_write() const {
  return !broken_ && nghttp2_session_want_write(session_) != 0;
}

bool H2Session::blocked_by_window() const {
  if (nghttp2_session_get_remote_window_size(session_) <= 0) {
    for (const auto& [id, stream] : streams_) {
      if (stream.queued > 0) return true;
    }
    return false;
  }
  for (const auto& [id, stream] : streams_) {
    if (stream.queued > 0 && nghttp2_session_get_stream_remote_window_size(session_, id) <= 0)
      return true;
  }
  return false;
}

}  // namespace herald::http
