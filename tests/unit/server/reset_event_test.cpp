// The herald-reset frame, byte for byte: its name and JSON are part of the contract, and a
// browser must be able to parse it (one data line, no id line).
#include <gtest/gtest.h>

#include "reset_event.hpp"

namespace herald::server {
namespace {

hub::UpdatePtr update_with_id(std::string id) {
  auto u = std::make_shared<hub::Update>();
  u->id = std::move(id);
  return u;
}

TEST(ResetEvent, NamesTheReasonAndTheOldestIdHeld) {
  EXPECT_EQ(reset_frame({hub::Gap::Reason::unknown_last_event_id, update_with_id("e2")}),
            "event: herald-reset\n"
            "data: {\"reason\":\"last-event-id-not-held\",\"oldest\":\"e2\"}\n\n");
  EXPECT_EQ(reset_frame({hub::Gap::Reason::evicted_while_replaying, update_with_id("x")}),
            "event: herald-reset\n"
            "data: {\"reason\":\"evicted-while-replaying\",\"oldest\":\"x\"}\n\n");
}

TEST(ResetEvent, SaysNullWhenHistoryHoldsNothing) {
  EXPECT_EQ(reset_frame({hub::Gap::Reason::unknown_last_event_id, nullptr}),
            "event: herald-reset\n"
            "data: {\"reason\":\"last-event-id-not-held\",\"oldest\":null}\n\n");
  EXPECT_EQ(reset_frame({hub::Gap::Reason::fell_behind_shared_log, nullptr}),
            "event: herald-reset\n"
            "data: {\"reason\":\"node-fell-behind\",\"oldest\":null}\n\n");
}

TEST(ResetEvent, KeepsAnAwkwardIdOnOneDataLine) {
  // Ids cannot hold CR or LF (publish refuses them), but quotes, backslashes and bytes that
  // are not UTF-8 must not break the JSON or the frame.
  const std::string frame =
      reset_frame({hub::Gap::Reason::unknown_last_event_id, update_with_id("a\"b\\c\xff\x01")});
  EXPECT_EQ(
      frame,
      "event: herald-reset\n"
      "data: "
      "{\"reason\":\"last-event-id-not-held\",\"oldest\":\"a\\\"b\\\\c\xEF\xBF\xBD\\u0001\"}\n\n");
}

}  // namespace
}  // namespace herald::server
