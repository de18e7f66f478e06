// SubscriberLedger: each subscriber counted once, whatever order its news comes in.
#include "herald/loadgen/subscriber_ledger.hpp"

#include <gtest/gtest.h>

#include "herald/loadgen/event_payload.hpp"

namespace herald::loadgen {
namespace {

TEST(LoadgenSubscriberLedger, FailuresByReasonAndEachSubscriberFinishedOnce) {
  StreamContext context;
  Subscriber a(context), b(context), c(context);
  for (Subscriber* s : {&a, &b, &c})
    s->stream.expect(1, 1, 0);
  SubscriberLedger ledger;
  ledger.failed(a, "refused");
  ledger.connected(b);
  ledger.ended(b);  // before its event: dropped
  ledger.ended(b);  // a second word on the same end counts nothing
  ledger.connected(c);
  ASSERT_EQ(c.stream.head_decoded(200), SseStream::State::streaming);
  std::string payload;
  format_payload(payload, 1, 0, 0);
  c.stream.feed("data: " + payload + "\n\n");
  ledger.progressed(c);
  ledger.ended(c);  // complete before it ended: not dropped
  SubscriberTotals t = ledger.totals(3);
  EXPECT_EQ(t.requested, 3u);
  EXPECT_EQ(t.connected, 2u);
  EXPECT_EQ(t.failed, 1u);
  EXPECT_EQ(t.failures, (ReasonCounts{{"refused", 1}}));
  EXPECT_EQ(t.dropped, 1u);
  EXPECT_EQ(ledger.finished(), 3u);
}

}  // namespace
}  // namespace herald::loadgen
