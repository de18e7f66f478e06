// The server side of the wire format (SSE-SPEC rule 21). Each field is written as
// `name: value`: the parser strips exactly one space after the colon, so a value that
// itself starts with a space survives, and every line looks the same. An empty value is
// written as a bare `name:` (no trailing space), which parses identically.
#include "herald/wire/serializer.hpp"

#include <charconv>

#include "line_scan.hpp"

namespace herald::wire {
namespace {

void append_field(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  if (value.empty()) {
    out.append(":\n");
    return;
  }
  out.append(": ");
  out.append(value);
  out.push_back('\n');
}

// Calls line(text) for each line of `text` split at CR, LF and CRLF. A text ending with a
// line break has a final empty line: that keeps the break in what the client receives.
template <typename Fn>
void for_each_line(std::string_view text, Fn&& line) {
  const char* p = text.data();
  const char* const end = p + text.size();
  for (;;) {
    const char* const eol = detail::find_line_end(p, end);
    line(std::string_view(p, static_cast<std::size_t>(eol - p)));
    if (eol == end) return;
    p = eol + 1;
    if (*eol == '\r' && p != end && *p == '\n') ++p;
  }
}

}  // namespace

std::string_view describe(SerializeError error) {
  switch (error) {
    case SerializeError::none:
      return "no error";
    case SerializeError::id_has_line_break_or_nul:
      return "event id contains CR, LF or NUL";
    case SerializeError::type_has_line_break_or_nul:
      return "event type contains CR, LF or NUL";
  }
  return "unknown serialize error";
}

// A plain loop: find_first_of with a 3-byte set calls memchr once per byte of `value`.
bool is_single_line_field(std::string_view value) {
  for (const char c : value) {
    if (static_cast<unsigned char>(c) <= '\r' && (c == '\r' || c == '\n' || c == '\0')) {
      return false;
    }
  }
  return true;
}

SerializeError serialize(const Event& event, std::string& out) {
  // Validate first: on error nothing may be appended, and a CR/LF in `id` or `event` would
  // otherwise inject fields or events into every subscriber's stream.
  if (event.id && !is_single_line_field(*event.id)) {
    return SerializeError::id_has_line_break_or_nul;
  }
  if (!is_single_line_field(event.type)) return SerializeError::type_has_line_break_or_nul;

  // One growth step for the common single-line event (reserve grows geometrically in
  // libstdc++, so repeated appends into one buffer stay amortised).
  out.reserve(out.size() + event.data.size() + event.type.size() +
              (event.id ? event.id->size() : 0) + event.comment.size() + 48);
  if (!event.comment.empty()) serialize_comment(event.comment, out);
  if (event.id) append_field(out, "id", *event.id);
  if (!event.type.empty()) append_field(out, "event", event.type);
  if (event.retry) {
    char digits[16];
    const auto result = std::to_chars(digits, digits + sizeof digits, *event.retry);
    append_field(out, "retry",
                 std::string_view(digits, static_cast<std::size_t>(result.ptr - digits)));
  }
  // Empty data still gets one `data:` line: without a data line the client's data buffer
  // stays empty and it dispatches nothing (SSE-SPEC rule 11), yet an Event always means
  // one dispatched event.
  for_each_line(event.data, [&out](std::string_view line) { append_field(out, "data", line); });
  out.push_back('\n');  // the blank line that dispatches
  return SerializeError::none;
}

void serialize_comment(std::string_view text, std::string& out) {
  for_each_line(text, [&out](std::string_view line) {
    out.push_back(':');
    out.append(line);
    out.push_back('\n');
  });
}

}  // namespace herald::wire
