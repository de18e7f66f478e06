#pragma once
// Incremental, sans-I/O SSE parser exactly per shared/conformance/SSE-SPEC.md.
// Bytes go in through feed() in pieces of any size; events come out through callbacks.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "herald/wire/event.hpp"

namespace herald::wire {

// Callbacks run inside feed(); they must not call feed() or finish() on the same parser.
// The ReceivedEvent passed to on_event is only valid during the call.
struct ParserCallbacks {
  std::function<void(const ReceivedEvent&)> on_event;
  std::function<void(std::string_view)> on_comment;  // text after ':' (optional)
  std::function<void(std::uint32_t)> on_retry;       // a valid `retry:` field (optional)
};

enum class ParseError { none, event_too_large };

class Parser {
 public:
  static constexpr std::size_t default_max_event_bytes = 1 << 20;

  explicit Parser(ParserCallbacks callbacks, std::size_t max_event_bytes = default_max_event_bytes);

  // Feeds the next bytes of the stream. Returns event_too_large when the event being
  // built (line + data + type buffers) passes the maximum; the parser then discards that
  // event and skips input up to its end (the next blank line), starting clean after it.
  ParseError feed(std::string_view bytes);

  // End of stream: an unfinished event is discarded (SSE-SPEC rule 14). The parser is then
  // ready for a new stream, as after reset_stream().
  void finish();

  // Starts a new stream (a reconnect): keeps last_event_id and retry (both belong to the
  // EventSource, not to one response), resets the rest.
  void reset_stream();

  const std::string& last_event_id() const { return last_event_id_; }
  void set_last_event_id(std::string id) { last_event_id_ = std::move(id); }
  std::optional<std::uint32_t> retry() const { return retry_; }

 private:
  // Implementation state (see parser.cpp).
  void process(std::string_view bytes);
  void take_partial_line(std::string_view piece, bool non_ascii);
  void take_line_end(std::string_view piece, bool non_ascii);
  void process_line(std::string_view line, bool non_ascii);
  void process_field(std::string_view name, std::string_view value, bool non_ascii);
  void dispatch();
  void discard_block();
  void start_skipping(bool mid_line);

  ParserCallbacks callbacks_;
  std::size_t max_event_bytes_;
  std::string last_event_id_;
  std::optional<std::uint32_t> retry_;
  std::string line_;             // raw bytes of a line that spans feeds
  bool line_non_ascii_ = false;  // line_ holds a byte >= 0x80 (needs UTF-8 repair)
  std::string data_;             // data buffer
  std::string type_;             // event type buffer
  std::string id_buffer_;        // last-event-id buffer, valid when id_in_block_
  bool id_in_block_ = false;     // an `id` field was seen since the last blank line
  bool at_stream_start_ = true;
  std::size_t bom_bytes_seen_ = 0;
  bool last_was_cr_ = false;
  bool skipping_oversized_ = false;
  bool skipped_line_has_bytes_ = false;
  ParseError error_ = ParseError::none;  // result of the current feed()
  ReceivedEvent event_;  // reused at each dispatch so its strings keep their capacity
  std::string scratch_;  // repaired comment text
};

}  // namespace herald::wire
