#pragma once
// Test helper: a Parser whose callbacks record everything they are given.
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "herald/wire/parser.hpp"

namespace herald::wire {

// gtest prints mismatching events readably with this.
inline void PrintTo(const ReceivedEvent& e, std::ostream* os) {
  *os << "{type=\"" << e.type << "\", data=\"" << e.data << "\", id=\"" << e.last_event_id << "\"}";
}

}  // namespace herald::wire

namespace herald::wire::test {

struct Recorder {
  std::vector<ReceivedEvent> events;
  std::vector<std::string> comments;
  std::vector<std::uint32_t> retries;
  std::vector<ParseError> errors;  // every non-none result of feed()
  Parser parser;

  explicit Recorder(std::size_t max_event_bytes = Parser::default_max_event_bytes)
      : parser(ParserCallbacks{
                   [this](const ReceivedEvent& e) { events.push_back(e); },
                   [this](std::string_view c) { comments.emplace_back(c); },
                   [this](std::uint32_t ms) { retries.push_back(ms); },
               },
               max_event_bytes) {}

  // `this` is captured by the callbacks: a Recorder must stay where it was built.
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  void feed(std::string_view bytes) {
    const ParseError e = parser.feed(bytes);
    if (e != ParseError::none) errors.push_back(e);
  }
};

inline ReceivedEvent message(std::string data, std::string id = "", std::string type = "message") {
  return ReceivedEvent{std::move(type), std::move(data), std::move(id)};
}

}  // namespace herald::wire::test
