// Parser behaviour beyond the vectors: UTF-8 repair details, BOM and CRLF across feeds,
// callbacks, and the stream lifecycle (finish, reset_stream, set_last_event_id).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "recorder.hpp"

namespace herald::wire::test {
namespace {

const std::string fffd = "\xEF\xBF\xBD";

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i)
    out += s;
  return out;
}

// Every way to cut `bytes` into two feeds must give `expected`.
void expect_at_every_split(const std::string& bytes, const std::vector<ReceivedEvent>& expected) {
  for (std::size_t at = 0; at <= bytes.size(); ++at) {
    SCOPED_TRACE("split at " + std::to_string(at));
    Recorder r;
    r.feed(std::string_view(bytes).substr(0, at));
    r.feed(std::string_view(bytes).substr(at));
    EXPECT_EQ(r.events, expected);
  }
}

struct Utf8Case {
  const char* name;
  std::string bytes;
  std::string decoded;
};

void PrintTo(const Utf8Case& c, std::ostream* os) {
  *os << c.name;
}

// WHATWG maximal-subpart replacement: one U+FFFD per maximal ill-formed prefix.
class WireParserUtf8 : public testing::TestWithParam<Utf8Case> {};

TEST_P(WireParserUtf8, RepairsAsTheWhatwgDecoder) {
  expect_at_every_split("data:" + GetParam().bytes + "\n\n", {message(GetParam().decoded)});
}

INSTANTIATE_TEST_SUITE_P(
    Cases, WireParserUtf8,
    testing::Values(Utf8Case{"Valid2Byte", "\xC3\xA9", "\xC3\xA9"},
                    Utf8Case{"Valid3Byte", "\xE2\x82\xAC", "\xE2\x82\xAC"},
                    Utf8Case{"Valid4Byte", "\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80"},
                    Utf8Case{"LoneContinuation", "a\x80z", "a" + fffd + "z"},
                    Utf8Case{"TruncatedThreeByteIsOne", "\xE2\x82z", fffd + "z"},
                    Utf8Case{"TruncatedFourByteIsOne", "\xF0\x9F\x98z", fffd + "z"},
                    Utf8Case{"TruncatedAtLineEnd", "ok\xF0\x9F\x98", "ok" + fffd},
                    Utf8Case{"OverlongC0", "\xC0\xAF", fffd + fffd},
                    Utf8Case{"OverlongE0", "\xE0\x80\xAF", fffd + fffd + fffd},
                    Utf8Case{"Surrogate", "\xED\xA0\x80", fffd + fffd + fffd},
                    Utf8Case{"AboveMax", "\xF4\x90\x80\x80", fffd + fffd + fffd + fffd},
                    Utf8Case{"F5", "\xF5\x80", fffd + fffd}, Utf8Case{"FF", "\xFF", fffd},
                    Utf8Case{"BadSecondByteIsReprocessed", "\xE2\x41", fffd + "A"},
                    Utf8Case{"MaxCodePoint", "\xF4\x8F\xBF\xBF", "\xF4\x8F\xBF\xBF"},
                    Utf8Case{"LongAsciiThenBad", repeat("abcdefgh", 5) + "\xC3",
                             repeat("abcdefgh", 5) + fffd}),
    [](const testing::TestParamInfo<Utf8Case>& info) { return std::string(info.param.name); });

TEST(WireParser, IncompleteSequenceBeforeLineEndIsReplacedNotJoined) {
  // E2 82 then LF: the LF ends the line; it is not a continuation byte.
  expect_at_every_split("data:\xE2\x82\ndata:\xAC\n\n", {message(fffd + "\n" + fffd)});
}

TEST(WireParser, RepairsIdTypeAndComment) {
  Recorder r;
  r.feed(
      "id:\xFF"
      "1\nevent:t\xC3\n:c\xE2\n"
      "data:x\n\n");
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0], message("x", fffd + "1", "t" + fffd));
  EXPECT_EQ(r.comments, std::vector<std::string>{"c" + fffd});
}

TEST(WireParser, BomSplitAcrossFeedsIsStripped) {
  Recorder r;
  r.feed("\xEF");
  r.feed("\xBB");
  r.feed("");
  r.feed(
      "\xBF"
      "data:x\n\n");
  EXPECT_EQ(r.events, std::vector<ReceivedEvent>{message("x")});
}

TEST(WireParser, BrokenBomPrefixIsContent) {
  // EF BB then 'd': EF BB becomes one U+FFFD inside the field name, so the line is ignored.
  Recorder r;
  r.feed("\xEF\xBB");
  r.feed("data:x\n\ndata:y\n\n");
  EXPECT_EQ(r.events, std::vector<ReceivedEvent>{message("y")});
}

TEST(WireParser, BrokenBomPrefixJoinsAPartialLine) {
  Recorder r;
  r.feed("\xEF");
  r.feed(":note\n");
  EXPECT_EQ(r.comments.size(), 0u);  // the line is "\uFFFD:note": a field, not a comment
  r.feed(
      "\xEF\xBB\xBF"
      "data:x\n\n");  // not at the start any more: content again
  EXPECT_TRUE(r.events.empty());
}

TEST(WireParser, CrAtEndOfFeedThenLfIsOneLineEnd) {
  Recorder r;
  r.feed("data:a\r");
  r.feed("");  // an empty feed must not forget the CR
  r.feed("\ndata:b\r");
  r.feed("\n\r");
  r.feed("\n");
  EXPECT_EQ(r.events, std::vector<ReceivedEvent>{message("a\nb")});
}

TEST(WireParser, LoneCrAtEndOfFeedEndsTheLineAtOnce) {
  Recorder r;
  r.feed("data:a\r\r");
  EXPECT_EQ(r.events, std::vector<ReceivedEvent>{message("a")});
}

TEST(WireParser, CommentsReachTheCallbackVerbatim) {
  Recorder r;
  r.feed(":\n: ping\n::x\n");
  EXPECT_EQ(r.comments, (std::vector<std::string>{"", " ping", ":x"}));
  EXPECT_TRUE(r.events.empty());
}

TEST(WireParser, RetryCallbackForEveryValidRetry) {
  Recorder r;
  r.feed("retry:10\nretry:x\nretry:20\n");
  EXPECT_EQ(r.retries, (std::vector<std::uint32_t>{10, 20}));
  EXPECT_EQ(r.parser.retry(), 20u);
}

TEST(WireParser, HugeRetrySaturates) {
  Recorder r;
  r.feed("retry:99999999999999999999999\n");
  EXPECT_EQ(r.parser.retry(), 4294967295u);
}

TEST(WireParser, FieldWithoutColonHasEmptyValue) {
  Recorder r;
  r.feed("event:t\nevent\ndata\n\n");
  EXPECT_EQ(r.events, std::vector<ReceivedEvent>{message("", "", "message")});
}

TEST(WireParser, EventTypeIsPerEvent) {
  Recorder r;
  r.feed("event:a\ndata:1\n\ndata:2\n\nevent:b\n\ndata:3\n\n");
  EXPECT_EQ(r.events,
            (std::vector<ReceivedEvent>{message("1", "", "a"), message("2"), message("3")}));
}

TEST(WireParser, FinishDiscardsTheUnfinishedBlock) {
  Recorder r;
  r.feed("id:1\ndata:a\n\nid:2\nevent:t\ndata:b\n");
  r.parser.finish();
  EXPECT_EQ(r.events, std::vector<ReceivedEvent>{message("a", "1")});
  EXPECT_EQ(r.parser.last_event_id(), "1");
  // The next stream starts clean: no leftover data or type, and its BOM is stripped.
  r.feed(
      "\xEF\xBB\xBF"
      "data:c\n\n");
  EXPECT_EQ(r.events.back(), message("c", "1"));
}

TEST(WireParser, ResetStreamKeepsIdAndRetry) {
  Recorder r;
  r.feed("retry:500\nid:7\n\ndata:partial");
  r.parser.reset_stream();
  EXPECT_EQ(r.parser.last_event_id(), "7");
  EXPECT_EQ(r.parser.retry(), 500u);
  r.feed(
      "\xEF\xBB\xBF"
      "data:x\n\n");
  EXPECT_EQ(r.events, std::vector<ReceivedEvent>{message("x", "7")});
}

TEST(WireParser, SetLastEventIdSurvivesDispatchWithoutId) {
  Recorder r;
  r.parser.set_last_event_id("42");
  r.feed("data:a\n\n\n");
  EXPECT_EQ(r.events, std::vector<ReceivedEvent>{message("a", "42")});
  EXPECT_EQ(r.parser.last_event_id(), "42");
}

TEST(WireParser, IdWithoutDataUpdatesLastEventId) {
  Recorder r;
  r.feed("id:5\n\n");
  EXPECT_TRUE(r.events.empty());
  EXPECT_EQ(r.parser.last_event_id(), "5");
}

TEST(WireParser, WorksWithoutCallbacks) {
  Parser parser(ParserCallbacks{});
  EXPECT_EQ(parser.feed(":c\nretry:1\nid:2\ndata:x\n\n"), ParseError::none);
  EXPECT_EQ(parser.last_event_id(), "2");
  EXPECT_EQ(parser.retry(), 1u);
}

TEST(WireParser, LargeEventAcrossManyFeeds) {
  const std::string data = repeat("0123456789abcdef\xE2\x82\xAC", 20000);  // ~380 KB
  const std::string bytes = "data: " + data + "\ndata:" + data + "\n\n";
  Recorder r;
  for (std::size_t i = 0; i < bytes.size(); i += 1000)
    r.feed(std::string_view(bytes).substr(i, 1000));
  EXPECT_TRUE(r.errors.empty());
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].data, data + "\n" + data);
}

TEST(WireParser, EventBuffersAreReusedAcrossDispatches) {
  // The data passed to on_event must be exactly this event's, not a leftover of a longer one.
  Recorder r;
  r.feed("data:" + repeat("x", 100) + "\n\ndata:y\n\nid:abc\ndata:z\n\n");
  EXPECT_EQ(r.events, (std::vector<ReceivedEvent>{message(repeat("x", 100)), message("y"),
                                                  message("z", "abc")}));
}

}  // namespace
}  // namespace herald::wire::test
