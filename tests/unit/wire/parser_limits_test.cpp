// The maximum event size: an oversized event is reported once, dropped whole, and the
// parser resumes cleanly at the next event.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "recorder.hpp"

namespace herald::wire::test {
namespace {

// Counted: the current line + the data buffer + the event type buffer.
constexpr std::size_t max_bytes = 16;

TEST(WireParserLimits, LineExactlyAtTheLimitPasses) {
  Recorder r(max_bytes);
  r.feed("data:" + std::string(11, 'a') + "\n\n");  // a 16-byte line
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.events, std::vector<ReceivedEvent>{message(std::string(11, 'a'))});
}

TEST(WireParserLimits, OneByteOverIsRejectedOnceAndSkipped) {
  Recorder r(max_bytes);
  EXPECT_EQ(r.parser.feed("data:" + std::string(12, 'a') + "\ndata:more\n\ndata:ok\n\n"),
            ParseError::event_too_large);
  EXPECT_EQ(r.events, std::vector<ReceivedEvent>{message("ok")});
}

TEST(WireParserLimits, AccumulatedDataLinesCount) {
  Recorder r(max_bytes);
  r.feed("data:12345\ndata:12345\ndata:12345\ndata:tail\n\ndata:next\n\n");
  EXPECT_EQ(r.errors, std::vector<ParseError>{ParseError::event_too_large});
  EXPECT_EQ(r.events, std::vector<ReceivedEvent>{message("next")});
}

TEST(WireParserLimits, EventTypeCounts) {
  Recorder r(max_bytes);
  r.feed("event:0123456789\ndata:0123456789\n\ndata:next\n\n");
  EXPECT_EQ(r.errors, std::vector<ParseError>{ParseError::event_too_large});
  EXPECT_EQ(r.events, std::vector<ReceivedEvent>{message("next")});
}

TEST(WireParserLimits, ReportedOnceWhenFedOneByteAtATime) {
  const std::string bytes = "data:" + std::string(100, 'x') + "\r\ndata:y\r\n\r\ndata:ok\r\n\r\n";
  Recorder r(max_bytes);
  std::vector<ParseError> results;
  for (const char c : bytes)
    results.push_back(r.parser.feed(std::string_view(&c, 1)));
  std::size_t reported = 0;
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (results[i] == ParseError::event_too_large) {
      ++reported;
      EXPECT_EQ(i, 16u);  // the 17th byte of the line is the first one over the limit
    }
  }
  EXPECT_EQ(reported, 1u);
  EXPECT_EQ(r.events, std::vector<ReceivedEvent>{message("ok")});
}

TEST(WireParserLimits, OversizedEventIdAndRetryNeverApply) {
  Recorder r(max_bytes);
  r.feed("id:1\n\nid:2\ndata:" + std::string(40, 'x') + "\nretry:5\nid:3\n\ndata:ok\n\n");
  EXPECT_EQ(r.events, std::vector<ReceivedEvent>{message("ok", "1")});
  EXPECT_EQ(r.parser.last_event_id(), "1");
  EXPECT_FALSE(r.parser.retry().has_value());
}

TEST(WireParserLimits, SkipEndsOnlyAtABlankLine) {
  // A line that is not blank (even a lone space) does not end the oversized event.
  Recorder r(max_bytes);
  r.feed("data:" + std::string(40, 'x'));
  r.feed("\n \ndata:still-skipped\r");
  r.feed("\n\rdata:ok\r\r");
  EXPECT_EQ(r.errors, std::vector<ParseError>{ParseError::event_too_large});
  EXPECT_EQ(r.events, std::vector<ReceivedEvent>{message("ok")});
}

TEST(WireParserLimits, EachOversizedEventIsReportedInItsFeed) {
  const std::string big = "data:" + std::string(40, 'x') + "\n\n";
  Recorder r(max_bytes);
  r.feed(big);
  r.feed("data:a\n\n");
  r.feed(big);
  EXPECT_EQ(r.errors,
            (std::vector<ParseError>{ParseError::event_too_large, ParseError::event_too_large}));
  EXPECT_EQ(r.events, std::vector<ReceivedEvent>{message("a")});
}

TEST(WireParserLimits, OversizedCommentLineIsAlsoBounded) {
  Recorder r(max_bytes);
  r.feed(":" + std::string(1000, 'c') + "\n\ndata:ok\n\n");
  EXPECT_EQ(r.errors, std::vector<ParseError>{ParseError::event_too_large});
  EXPECT_TRUE(r.comments.empty());
  EXPECT_EQ(r.events, std::vector<ReceivedEvent>{message("ok")});
}

TEST(WireParserLimits, FinishEndsTheSkip) {
  Recorder r(max_bytes);
  r.feed("data:" + std::string(40, 'x') + "\n");
  r.parser.finish();
  r.feed("data:ok\n\n");
  EXPECT_EQ(r.events, std::vector<ReceivedEvent>{message("ok")});
}

}  // namespace
}  // namespace herald::wire::test
