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

struct ParserCallbacks {
  std::function<void(const ReceivedEvent&)> on_event;
  std::function<void(std::string_view)> on_comment;  // text after ':' (optional)
  std::function<void(std::uint32_t)> on_retry;       // a valid `retry:` field (optional)
};

enum class ParseError { none, event_too_large };

class Parser {
 public:
  static constexpr std::size_t default_max_event_bytes = 1 << 20;

  explicit Parser(ParserCallbacks callbacks,
                  std::size_t max_event_bytes = default_max_event_bytes);

  // Feeds the next bytes of the stream. Returns event_too_large when the event being
  // built (line + data + type buffers) passes the maximum; the parser then discards that
  // event and skips input up to its end (the next blank line), starting clean after it.
  ParseError feed(std::string_view bytes);

  // End of stream: an unfinished event is discarded (SSE-SPEC rule 14).
  void finish();

  // Starts a new stream (a reconnect): keeps last_event_id, resets the rest.
  void reset_stream();

  const std::string& last_event_id() const { return last_event_id_; }
  void set_last_event_id(std::string id) { last_event_id_ = std::move(id); }
  std::optional<std::uint32_t> retry() const { return retry_; }

 private:
  // Implementation state (see parser.cpp).
  ParserCallbacks callbacks_;
  std::size_t max_event_bytes_;
  std::string last_event_id_;
  std::optional<std::uint32_t> retry_;
  std::string line_;        // the current line, decoded UTF-8
  std::string data_;        // data buffer
  std::string type_;        // event type buffer
  std::string id_buffer_;   // last-event-id buffer
  std::string utf8_pending_;  // an incomplete UTF-8 sequence carried across feeds
  bool at_stream_start_ = true;
  std::size_t bom_bytes_seen_ = 0;
  bool last_was_cr_ = false;
  bool skipping_oversized_ = false;
};

}  // namespace herald::wire
