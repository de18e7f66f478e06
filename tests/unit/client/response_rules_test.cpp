#include "herald/client/response_rules.hpp"

#include <gtest/gtest.h>

namespace herald::client {
namespace {

TEST(ResponseRules, EventStreamEssenceIgnoresCaseSpacesAndParameters) {
  EXPECT_TRUE(is_event_stream("text/event-stream"));
  EXPECT_TRUE(is_event_stream("text/event-stream;charset=utf-8"));
  EXPECT_TRUE(is_event_stream("TEXT/Event-Stream ; charset=UTF-8"));
  EXPECT_TRUE(is_event_stream("  text/event-stream\t"));
  EXPECT_FALSE(is_event_stream(""));
  EXPECT_FALSE(is_event_stream("text/plain"));
  EXPECT_FALSE(is_event_stream("text/event-streams"));
  EXPECT_FALSE(is_event_stream("text/event"));
  EXPECT_FALSE(is_event_stream("application/json; x=text/event-stream"));
  EXPECT_FALSE(is_event_stream(std::string(100, 'x')));
}

TEST(ResponseRules, Classify) {
  EXPECT_EQ(classify(200, "text/event-stream", false), Verdict::open);
  EXPECT_EQ(classify(200, "text/html", false), Verdict::fail);
  EXPECT_EQ(classify(204, "", false), Verdict::stop);
  EXPECT_EQ(classify(204, "", true), Verdict::stop);
  for (const int s : {301, 302, 303, 307, 308})
    EXPECT_EQ(classify(s, "", false), Verdict::redirect) << s;
  for (const int s : {201, 300, 304, 305, 400, 401, 403, 404, 429})
    EXPECT_EQ(classify(s, "text/event-stream", true), Verdict::fail) << s;
  EXPECT_EQ(classify(500, "", false), Verdict::fail);
  EXPECT_EQ(classify(503, "", true), Verdict::retry_later);
}

TEST(ResponseRules, RedirectsThatDropTheBody) {
  EXPECT_TRUE(redirect_drops_body(303, "GET"));
  EXPECT_TRUE(redirect_drops_body(303, "REPORT"));
  EXPECT_TRUE(redirect_drops_body(301, "POST"));
  EXPECT_TRUE(redirect_drops_body(302, "POST"));
  EXPECT_FALSE(redirect_drops_body(301, "REPORT"));
  EXPECT_FALSE(redirect_drops_body(307, "POST"));
  EXPECT_FALSE(redirect_drops_body(308, "POST"));
}

}  // namespace
}  // namespace herald::client
