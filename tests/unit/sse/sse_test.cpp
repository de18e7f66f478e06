#include "herald/sse/sse.hpp"

#include <gtest/gtest.h>

#include "../common/recording_sink.hpp"

namespace herald::sse {
namespace {

using herald::test::RecordingSink;

TEST(SseHeaders, TellCachesAndProxiesNotToHoldTheStream) {
  auto headers = sse_headers();
  auto has = [&](std::string_view name, std::string_view value) {
    for (const auto& h : headers)
      if (h.name == name && h.value == value) return true;
    return false;
  };
  EXPECT_TRUE(has("Cache-Control", "no-cache"));
  EXPECT_TRUE(has("X-Accel-Buffering", "no"));
}

TEST(SendEvent, WritesTheSerializedEventAndFlushesIt) {
  RecordingSink sink;
  EXPECT_TRUE(send_event(sink, {.id = "7", .type = "tick", .data = "a\nb"}));
  EXPECT_EQ(sink.written(), "id: 7\nevent: tick\ndata: a\ndata: b\n\n");
  EXPECT_EQ(sink.queued_bytes(), 0u);
}

TEST(SendEvent, RefusesAnIdWithALineBreakAndSendsNothing) {
  RecordingSink sink;
  EXPECT_FALSE(send_event(sink, {.id = "7\ndata: injected", .data = "x"}));
  EXPECT_FALSE(send_event(sink, {.type = "a\rb", .data = "x"}));
  EXPECT_EQ(sink.written(), "");
}

}  // namespace
}  // namespace herald::sse
