// The SSE parser: SSE-SPEC.md rules 1-14, incrementally.
//
// How it stays fast: CR and LF never occur inside a well-formed UTF-8 sequence, and an
// ill-formed one ends at them (they are not continuation bytes). So lines can be split on
// the raw bytes first and each line repaired on its own, and only when it holds a byte
// >= 0x80 (find_line_end reports that during the same scan). A line that lies inside one
// feed is never copied: its value goes straight from the caller's bytes into the data
// buffer. Only a line cut by a feed boundary is gathered in line_, raw, so a UTF-8
// sequence split across feeds needs no extra state.
#include "herald/wire/parser.hpp"

#include <cstring>
#include <limits>
#include <utility>

#include "line_scan.hpp"
#include "utf8.hpp"

namespace herald::wire {
namespace {

constexpr std::string_view bom = "\xEF\xBB\xBF";

void append_text(std::string& out, std::string_view value, bool non_ascii) {
  if (non_ascii) {
    detail::append_utf8_repaired(out, value);
  } else {
    out.append(value);
  }
}

// Rule 9: only ASCII digits, at least one. Values past 2^32-1 ms (49 days) saturate
// rather than wrap, so that a huge value never turns into a tiny one.
std::optional<std::uint32_t> parse_retry(std::string_view value) {
  if (value.empty()) return std::nullopt;
  std::uint64_t ms = 0;
  for (const char c : value) {
    if (c < '0' || c > '9') return std::nullopt;
    ms = ms * 10 + static_cast<std::uint64_t>(c - '0');
    if (ms > std::numeric_limits<std::uint32_t>::max()) {
      ms = std::numeric_limits<std::uint32_t>::max();
    }
  }
  return static_cast<std::uint32_t>(ms);
}

}  // namespace

Parser::Parser(ParserCallbacks callbacks, std::size_t max_event_bytes)
    : callbacks_(std::move(callbacks)), max_event_bytes_(max_event_bytes) {}

ParseError Parser::feed(std::string_view bytes) {
  error_ = ParseError::none;
  if (at_stream_start_) {
    // Rule 2: one BOM, only at the very start, possibly split across feeds. Until it is
    // complete or broken we cannot tell content from BOM, so its bytes are held back.
    while (bom_bytes_seen_ < bom.size() && !bytes.empty() &&
           bytes.front() == bom[bom_bytes_seen_]) {
      ++bom_bytes_seen_;
      bytes.remove_prefix(1);
    }
    if (bom_bytes_seen_ < bom.size() && bytes.empty()) return error_;
    at_stream_start_ = false;
    // A broken BOM prefix (EF or EF BB) is content: an ill-formed sequence.
    if (bom_bytes_seen_ < bom.size()) process(bom.substr(0, bom_bytes_seen_));
  }
  process(bytes);
  return error_;
}

void Parser::process(std::string_view bytes) {
  const char* p = bytes.data();
  const char* const end = p + bytes.size();
  if (p == end) return;
  // Rule 3: a CR that ended the previous feed already ended its line; a LF right after
  // it is the second half of that CRLF.
  if (last_was_cr_) {
    last_was_cr_ = false;
    if (*p == '\n') ++p;
  }
  while (p < end) {
    bool non_ascii = false;
    const char* const eol = detail::find_line_end(p, end, non_ascii);
    if (eol == end) {
      take_partial_line(std::string_view(p, static_cast<std::size_t>(end - p)), non_ascii);
      return;
    }
    const std::string_view piece(p, static_cast<std::size_t>(eol - p));
    p = eol + 1;
    if (*eol == '\r') {
      if (p == end) {
        last_was_cr_ = true;
      } else if (*p == '\n') {
        ++p;
      }
    }
    take_line_end(piece, non_ascii);
  }
}

void Parser::take_partial_line(std::string_view piece, bool non_ascii) {
  if (skipping_oversized_) {
    if (!piece.empty()) skipped_line_has_bytes_ = true;
    return;
  }
  if (line_.size() + piece.size() + data_.size() + type_.size() > max_event_bytes_) {
    start_skipping(/*mid_line=*/true);
    return;
  }
  line_.append(piece);
  line_non_ascii_ = line_non_ascii_ || non_ascii;
}

void Parser::take_line_end(std::string_view piece, bool non_ascii) {
  if (skipping_oversized_) {
    // The oversized event ends at the first blank line; lines before it are dropped.
    const bool blank = piece.empty() && !skipped_line_has_bytes_;
    skipped_line_has_bytes_ = false;
    if (blank) skipping_oversized_ = false;
    return;
  }
  if (line_.size() + piece.size() + data_.size() + type_.size() > max_event_bytes_) {
    start_skipping(/*mid_line=*/false);
    return;
  }
  if (line_.empty()) {
    process_line(piece, non_ascii);  // the common case: no copy
    return;
  }
  line_.append(piece);
  process_line(line_, line_non_ascii_ || non_ascii);
  line_.clear();  // keeps its capacity for the next split line
  line_non_ascii_ = false;
}

void Parser::process_line(std::string_view line, bool non_ascii) {
  if (line.empty()) {
    dispatch();
    return;
  }
  if (line.front() == ':') {  // rule 4: comment
    if (callbacks_.on_comment) {
      line.remove_prefix(1);
      if (!non_ascii) {
        callbacks_.on_comment(line);
      } else {
        scratch_.clear();
        detail::append_utf8_repaired(scratch_, line);
        callbacks_.on_comment(scratch_);
      }
    }
    return;
  }
  const void* colon = std::memchr(line.data(), ':', line.size());
  if (colon == nullptr) {
    process_field(line, {}, non_ascii);
    return;
  }
  const auto name_size = static_cast<std::size_t>(static_cast<const char*>(colon) - line.data());
  std::string_view value = line.substr(name_size + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);  // only one
  process_field(line.substr(0, name_size), value, non_ascii);
}

// Field names are compared as raw bytes: the four names are ASCII, and U+FFFD repair
// never produces ASCII, so a name with bad bytes could never have matched anyway.
void Parser::process_field(std::string_view name, std::string_view value, bool non_ascii) {
  if (name == "data") {  // rule 7
    append_text(data_, value, non_ascii);
    data_.push_back('\n');
  } else if (name == "event") {  // rule 6
    type_.clear();
    append_text(type_, value, non_ascii);
  } else if (name == "id") {  // rule 8; NUL is ASCII, so the raw bytes tell
    if (value.find('\0') != std::string_view::npos) return;
    id_buffer_.clear();
    append_text(id_buffer_, value, non_ascii);
    id_in_block_ = true;
  } else if (name == "retry") {  // rule 9: takes effect at once, even if never dispatched
    if (const auto ms = parse_retry(value)) {
      retry_ = ms;
      if (callbacks_.on_retry) callbacks_.on_retry(*ms);
    }
  }
}

// Rules 10-13. The spec keeps a last-event-id buffer per stream that starts equal to the
// stream's last event ID and is copied to it at every dispatch; so at the start of each
// block the buffer always equals last_event_id_, and we only need to copy when an `id`
// field changed it in this block. This is also what makes discarding a block (rule 14,
// oversized events) undo its id.
void Parser::dispatch() {
  if (id_in_block_) {
    last_event_id_ = id_buffer_;
    id_in_block_ = false;
  }
  if (data_.empty()) {
    type_.clear();
    return;
  }
  data_.pop_back();  // the LF after the last data line
  if (callbacks_.on_event) {
    // Swap rather than copy the data: the event's strings and ours keep their capacity,
    // so a steady stream of events allocates nothing.
    event_.data.swap(data_);
    if (type_.empty()) {
      event_.type.assign("message");
    } else {
      event_.type.assign(type_);
    }
    event_.last_event_id.assign(last_event_id_);
    callbacks_.on_event(event_);
    data_.swap(event_.data);
  }
  data_.clear();
  type_.clear();
}

void Parser::discard_block() {
  line_.clear();
  line_non_ascii_ = false;
  data_.clear();
  type_.clear();
  id_in_block_ = false;
}

void Parser::start_skipping(bool mid_line) {
  discard_block();
  skipping_oversized_ = true;
  skipped_line_has_bytes_ = mid_line;
  error_ = ParseError::event_too_large;
}

void Parser::finish() {
  reset_stream();
}

void Parser::reset_stream() {
  discard_block();
  at_stream_start_ = true;
  bom_bytes_seen_ = 0;
  last_was_cr_ = false;
  skipping_oversized_ = false;
  skipped_line_has_bytes_ = false;
}

}  // namespace herald::wire
