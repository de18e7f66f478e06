#pragma once
// One subscriber's response, sans-I/O: the response head, then the body (chunked or not)
// through herald::wire::Parser, each event's data read as a bench payload, then order
// accounting and latency. Bytes go in as they come off the socket, split anywhere; over
// HTTP/2 the codec decodes the head and frames, and only the body's bytes come here.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "herald/loadgen/chunked_decoder.hpp"
#include "herald/loadgen/histogram.hpp"
#include "herald/loadgen/response_head.hpp"
#include "herald/loadgen/sequence_tracker.hpp"
#include "herald/wire/parser.hpp"

namespace herald::loadgen {

// What every stream of a process shares: one histogram, and the time the bytes being fed
// arrived (read once per recv, not once per event).
struct StreamContext {
  LatencyHistogram latency;         // nanoseconds
  std::uint64_t now_ns = 0;         // set by the caller before feed()
  std::uint64_t malformed = 0;      // events whose data is not a bench payload
  std::uint64_t last_event_ns = 0;  // arrival of the newest expected event
};

class SseStream {
 public:
  enum class State { head, streaming, rejected, broken, ended };

  explicit SseStream(StreamContext& context);
  // The parser's callbacks point at this object: it stays where it was built.
  SseStream(const SseStream&) = delete;
  SseStream& operator=(const SseStream&) = delete;

  // Expect events first..last. Latency is measured from the later of the event's send
  // time and `not_before_ns` (for a replay, the moment the subscriber asked).
  void expect(std::uint64_t first, std::uint64_t last, std::uint64_t not_before_ns);
  void set_not_before(std::uint64_t ns) { not_before_ns_ = ns; }
  // Remember the SSE id of event `seq` (how the bench learns ids to resume from).
  void capture_id_of(std::uint64_t seq) { capture_seq_ = seq; }

  State feed(std::string_view bytes);
  // The response head came decoded (an HTTP/2 HEADERS frame): take its status; feed() then
  // gets the body alone, which ends with the stream, not with a length or a last chunk.
  State head_decoded(int status);
  State finish();  // the connection ended

  State state() const { return state_; }
  int status() const { return status_; }
  const SequenceTracker& tracker() const { return tracker_; }
  bool complete() const { return tracker_.complete(); }
  const std::string& captured_id() const { return captured_id_; }

 private:
  void on_event(const wire::ReceivedEvent& event);
  void body(std::string_view bytes);

  StreamContext& context_;
  ResponseHead head_;
  ChunkedDecoder chunks_;
  wire::Parser parser_;
  SequenceTracker tracker_;
  State state_ = State::head;
  int status_ = 0;
  bool chunked_ = false;
  bool has_length_ = false;
  std::uint64_t length_left_ = 0;
  std::uint64_t not_before_ns_ = 0;
  std::uint64_t capture_seq_ = 0;
  std::string captured_id_;
};

}  // namespace herald::loadgen
