// Property: whatever events the serializer accepts, the parser gives back, however the
// bytes are cut into reads.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "herald/wire/serializer.hpp"
#include "recorder.hpp"

namespace herald::wire::test {
namespace {

// Pieces chosen to hit the edges: line breaks of every kind, leading spaces, colons,
// field-like text, multi-byte characters (a BOM among them), NUL (fine in data).
const std::vector<std::string> single_line_pieces = {"a",
                                                     "Z",
                                                     " ",
                                                     "  ",
                                                     "\t",
                                                     ":",
                                                     "data:",
                                                     "id: 1",
                                                     "\xC3\xA9",
                                                     "\xE2\x82\xAC",
                                                     "\xF0\x9F\x98\x80",
                                                     "\xEF\xBB\xBF",
                                                     "urn:uuid:0f3c",
                                                     "{\"k\":1}",
                                                     "0123456789abcdef"};
const std::vector<std::string> line_breaks = {"\n", "\r", "\r\n"};

std::string random_text(std::mt19937& rng, bool allow_breaks) {
  std::string out;
  const int pieces = std::uniform_int_distribution<int>(0, 8)(rng);
  for (int i = 0; i < pieces; ++i) {
    const int kind = std::uniform_int_distribution<int>(0, 9)(rng);
    if (allow_breaks && kind < 3) {
      out += line_breaks[static_cast<std::size_t>(kind)];
    } else if (allow_breaks && kind == 3) {
      out.push_back('\0');
    } else {
      out += single_line_pieces[std::uniform_int_distribution<std::size_t>(
          0, single_line_pieces.size() - 1)(rng)];
    }
  }
  return out;
}

// What the client sees of multi-line data: every CR, LF and CRLF becomes LF.
std::string normalise_breaks(const std::string& s) {
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

TEST(WireRoundTrip, RandomEventsSurviveSerializeThenParse) {
  std::mt19937 rng(20240601);  // fixed: a failure must reproduce
  for (int round = 0; round < 300; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    std::string stream;
    std::vector<ReceivedEvent> expected;
    std::vector<std::string> expected_comments;
    std::vector<std::uint32_t> expected_retries;
    std::string last_id;
    const int events = std::uniform_int_distribution<int>(1, 6)(rng);
    for (int i = 0; i < events; ++i) {
      Event e;
      if (rng() % 2) e.id = random_text(rng, false);
      if (rng() % 2) e.type = random_text(rng, false);
      e.data = random_text(rng, true);
      if (rng() % 4 == 0) e.retry = static_cast<std::uint32_t>(rng());
      if (rng() % 4 == 0) e.comment = random_text(rng, true);
      ASSERT_EQ(serialize(e, stream), SerializeError::none);
      if (e.id) last_id = *e.id;
      expected.push_back(
          ReceivedEvent{e.type.empty() ? "message" : e.type, normalise_breaks(e.data), last_id});
      if (e.retry) expected_retries.push_back(*e.retry);
      if (!e.comment.empty()) {
        const std::string lines = normalise_breaks(e.comment);
        std::size_t start = 0;
        for (;;) {
          const std::size_t lf = lines.find('\n', start);
          expected_comments.push_back(lines.substr(start, lf - start));
          if (lf == std::string::npos) break;
          start = lf + 1;
        }
      }
      if (rng() % 3 == 0)
        serialize_comment("heartbeat", stream), expected_comments.push_back("heartbeat");
    }

    // The same stream cut into random reads (1 byte to the whole stream).
    Recorder r;
    std::size_t at = 0;
    while (at < stream.size()) {
      const std::size_t n = std::uniform_int_distribution<std::size_t>(1, 40)(rng);
      r.feed(std::string_view(stream).substr(at, n));
      at += n;
    }
    r.parser.finish();
    ASSERT_EQ(r.events, expected) << "stream: " << stream;
    EXPECT_EQ(r.comments, expected_comments);
    EXPECT_EQ(r.retries, expected_retries);
    EXPECT_EQ(r.parser.last_event_id(), last_id);
  }
}

}  // namespace
}  // namespace herald::wire::test
