#pragma once
// Serializes events into SSE bytes, once, into a caller-owned buffer that is reused.
#include <string>
#include <string_view>

#include "herald/wire/event.hpp"

namespace herald::wire {

enum class SerializeError {
  none,
  id_has_line_break_or_nul,    // CR, LF or NUL in `id`: would split or truncate the field
  type_has_line_break_or_nul,  // CR, LF or NUL in `event`
};

std::string_view describe(SerializeError error);

// True when the value may stand in an `id:` or `event:` line.
bool is_single_line_field(std::string_view value);

// Appends the wire form of `event` (ending with the blank line that dispatches it) to
// `out`. On error nothing is appended.
SerializeError serialize(const Event& event, std::string& out);

// Appends a comment block (`:` + text per line, then LF); used for heartbeats.
void serialize_comment(std::string_view text, std::string& out);

}  // namespace herald::wire
