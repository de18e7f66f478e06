// libFuzzer target for the SSE parser and serializer.
//
// 1. The input is a byte stream. It is parsed whole, and again cut into reads at points
//    derived from the input (and, for short inputs, one byte at a time); every cut must
//    give the same events, retry and last event ID: the parser's output may not depend on
//    how the network chunked the stream. A second parser with a small maximum event size
//    checks that no dispatched data exceeds it. Everything dispatched must be valid UTF-8,
//    data without CR, type and id without CR or LF, id without NUL.
// 2. The input also describes an Event (fields separated by 0xFF, which cannot occur in
//    UTF-8): serialize -> parse must give it back, or serialize must refuse it for a
//    CR/LF/NUL in id or type and leave the output untouched.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "herald/wire/parser.hpp"
#include "herald/wire/serializer.hpp"

namespace {

using herald::wire::Event;
using herald::wire::Parser;
using herald::wire::ParserCallbacks;
using herald::wire::ReceivedEvent;

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}

// Strict UTF-8 check written independently of the parser's repair code.
bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3F);
    }
    const std::uint32_t min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

struct Outcome {
  std::vector<ReceivedEvent> events;
  std::vector<std::string> comments;
  std::optional<std::uint32_t> retry;
  std::string last_event_id;
  bool operator==(const Outcome&) const = default;
};

Outcome parse(std::string_view bytes, const std::vector<std::size_t>& cuts, std::size_t max) {
  Outcome out;
  Parser parser(
      ParserCallbacks{
          [&](const ReceivedEvent& e) {
            require(e.data.size() <= max, "data larger than the maximum event size");
            require(valid_utf8(e.data) && valid_utf8(e.type) && valid_utf8(e.last_event_id),
                    "dispatched text is not valid UTF-8");
            require(e.data.find('\r') == std::string::npos, "CR in data");
            require(e.type.find_first_of("\r\n") == std::string::npos, "CR/LF in type");
            require(
                e.last_event_id.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos,
                "CR/LF/NUL in id");
            require(!e.type.empty(), "empty type");
            out.events.push_back(e);
          },
          [&](std::string_view c) {
            require(valid_utf8(c), "comment is not valid UTF-8");
            out.comments.emplace_back(c);
          },
          [&](std::uint32_t) {},
      },
      max);
  std::size_t at = 0;
  for (const std::size_t cut : cuts) {
    if (cut <= at || cut >= bytes.size()) continue;
    parser.feed(bytes.substr(at, cut - at));
    at = cut;
  }
  parser.feed(bytes.substr(at));
  parser.finish();
  out.retry = parser.retry();
  out.last_event_id = parser.last_event_id();
  return out;
}

// Cut points from a simple hash of the input: deterministic, and they move when the
// fuzzer mutates the bytes.
std::vector<std::size_t> cuts_from(std::string_view bytes) {
  std::uint64_t h = 1469598103934665603ull;
  for (const char c : bytes)
    h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  std::vector<std::size_t> cuts;
  if (bytes.empty()) return cuts;
  std::size_t at = 0;
  while (true) {
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    at += 1 + static_cast<std::size_t>(h % 17);
    if (at >= bytes.size()) break;
    cuts.push_back(at);
  }
  return cuts;
}

void check_parser(std::string_view bytes) {
  constexpr std::size_t big = Parser::default_max_event_bytes;
  const Outcome whole = parse(bytes, {}, big);
  require(parse(bytes, cuts_from(bytes), big) == whole, "output depends on read boundaries");
  if (bytes.size() <= 512) {
    std::vector<std::size_t> every;
    for (std::size_t i = 1; i < bytes.size(); ++i)
      every.push_back(i);
    require(parse(bytes, every, big) == whole, "one byte at a time differs");
  }
  // With a small limit: events may be dropped, but never differently per chunking.
  const std::size_t small = 8 + bytes.size() % 64;
  require(parse(bytes, {}, small) == parse(bytes, cuts_from(bytes), small),
          "limited parser depends on read boundaries");
}

std::string normalise_breaks(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r') {
      out.push_back('\n');
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

void check_round_trip(std::string_view bytes) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t sep = bytes.find('\xFF', start);
    parts.push_back(bytes.substr(start, sep == std::string_view::npos ? sep : sep - start));
    if (sep == std::string_view::npos) break;
    start = sep + 1;
  }
  for (const auto p : parts) {
    if (!valid_utf8(p)) return;  // the parser would repair it: no exact round trip
  }
  Event e;
  e.data = std::string(parts[0]);
  if (parts.size() > 1) e.id = std::string(parts[1]);
  if (parts.size() > 2) e.type = std::string(parts[2]);
  if (parts.size() > 3) e.comment = std::string(parts[3]);
  if (parts.size() > 4) e.retry = static_cast<std::uint32_t>(parts[4].size() * 977);

  std::string wire = "x";  // the serializer appends; on error it must leave this alone
  const auto error = herald::wire::serialize(e, wire);
  const bool id_ok = !e.id || herald::wire::is_single_line_field(*e.id);
  const bool type_ok = herald::wire::is_single_line_field(e.type);
  if (!id_ok || !type_ok) {
    require(error != herald::wire::SerializeError::none, "bad id/type accepted");
    require(wire == "x", "serializer appended despite an error");
    return;
  }
  require(error == herald::wire::SerializeError::none, "good event refused");
  std::optional<std::uint32_t> retry;
  std::vector<ReceivedEvent> events;
  Parser parser(ParserCallbacks{[&](const ReceivedEvent& r) { events.push_back(r); }, nullptr,
                                [&](std::uint32_t ms) { retry = ms; }},
                wire.size());
  parser.set_last_event_id("previous");
  require(parser.feed(std::string_view(wire).substr(1)) == herald::wire::ParseError::none,
          "serialized event too large for its own size");
  require(events.size() == 1, "serialized event did not dispatch exactly once");
  const ReceivedEvent expected{e.type.empty() ? "message" : e.type, normalise_breaks(e.data),
                               e.id ? *e.id : "previous"};
  require(events[0] == expected, "round trip changed the event");
  require(retry == e.retry, "round trip changed retry");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  check_parser(bytes);
  check_round_trip(bytes);
  return 0;
}
