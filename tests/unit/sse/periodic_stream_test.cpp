#include "herald/sse/periodic_stream.hpp"

#include <gtest/gtest.h>

#include "../common/recording_sink.hpp"

namespace herald::sse {
namespace {

using namespace std::chrono_literals;
using herald::test::RecordingSink;

TEST(StreamPeriodically, SendsAnEventEachPeriodUntilTheStreamCloses) {
  boost::asio::io_context io;
  auto sink = std::make_shared<RecordingSink>();
  int made = 0;
  stream_periodically(sink, io, 1ms,
                      [&made] { return wire::Event{.data = std::to_string(++made)}; });
  EXPECT_EQ(sink->written(), "") << "the first event waits one period";

  // Each timer expiry is one handler: it sends one event and re-arms the timer.
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(io.run_one_for(5s), 1u);
  EXPECT_EQ(sink->written(), "data: 1\n\ndata: 2\n\ndata: 3\n\n");

  // The client leaves: the timer is cancelled, so the loop ends and frees its state.
  sink->close();
  io.run_for(5s);
  EXPECT_TRUE(io.stopped()) << "nothing left to run: the timer is not re-armed";
  EXPECT_EQ(made, 3);
  EXPECT_EQ(sink.use_count(), 1) << "the loop let go of the stream";
}

}  // namespace
}  // namespace herald::sse
