#include "herald/loadgen/sse_stream.hpp"

#include "herald/loadgen/event_payload.hpp"

namespace herald::loadgen {

SseStream::SseStream(StreamContext& context)
    : context_(context),
      parser_(
          wire::ParserCallbacks{[this](const wire::ReceivedEvent& e) { on_event(e); }, {}, {}}) {}

void SseStream::expect(std::uint64_t first, std::uint64_t last, std::uint64_t not_before_ns) {
  tracker_.expect(first, last);
  not_before_ns_ = not_before_ns;
}

SseStream::State SseStream::feed(std::string_view bytes) {
  if (state_ == State::head) {
    std::size_t used = 0;
    ResponseHead::Status s = head_.feed(bytes, used);
    if (s == ResponseHead::Status::more) return state_;
    if (s == ResponseHead::Status::error) return state_ = State::broken;
    status_ = head_.status();
    chunked_ = head_.chunked();
    has_length_ = !chunked_ && head_.content_length().has_value();
    length_left_ = has_length_ ? *head_.content_length() : 0;
    head_.reset(false);  // an idle subscriber keeps no head buffer
    if (status_ != 200) return state_ = State::rejected;
    state_ = State::streaming;
    bytes.remove_prefix(used);
  }
  if (state_ == State::streaming && !bytes.empty()) body(bytes);
  return state_;
}

SseStream::State SseStream::head_decoded(int status) {
  if (state_ != State::head) return state_;
  status_ = status;
  return state_ = status == 200 ? State::streaming : State::rejected;
}

void SseStream::body(std::string_view bytes) {
  if (chunked_) {
    auto s = chunks_.feed(bytes, [this](std::string_view data) { parser_.feed(data); });
    if (s == ChunkedDecoder::Status::error) state_ = State::broken;
    if (s == ChunkedDecoder::Status::done) state_ = State::ended;
    return;
  }
  if (has_length_) {
    if (bytes.size() >= length_left_) {
      parser_.feed(bytes.substr(0, static_cast<std::size_t>(length_left_)));
      length_left_ = 0;
      state_ = State::ended;
      return;
    }
    length_left_ -= bytes.size();
  }
  parser_.feed(bytes);
}

SseStream::State SseStream::finish() {
  if (state_ == State::head) return state_ = State::broken;
  if (state_ == State::streaming) state_ = State::ended;
  return state_;
}

void SseStream::on_event(const wire::ReceivedEvent& event) {
  Payload p;
  if (!parse_payload(event.data, p)) {
    ++context_.malformed;
    return;
  }
  SequenceTracker::Verdict v = tracker_.on_seq(p.seq);
  if (v == SequenceTracker::Verdict::duplicate || v == SequenceTracker::Verdict::unexpected) {
    return;
  }
  std::uint64_t from = p.sent_ns > not_before_ns_ ? p.sent_ns : not_before_ns_;
  context_.latency.record(context_.now_ns > from ? context_.now_ns - from : 0);
  context_.last_event_ns = context_.now_ns;
  if (p.seq == capture_seq_ && captured_id_.empty()) captured_id_ = event.last_event_id;
}

}  // namespace herald::loadgen
