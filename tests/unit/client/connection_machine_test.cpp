// The connection state machine alone, with a fake clock (plain time points) and a fixed
// jitter: every rule of SSE-SPEC.md "Connection (client)" that is about decisions and time.
#include "herald/client/connection_machine.hpp"

#include <gtest/gtest.h>

namespace herald::client {
namespace {

using namespace std::chrono_literals;

const TimePoint t0 = TimePoint() + 1000h;  // the fake clock starts here

ResponseHead sse() {
  return {200, "text/event-stream", "", ""};
}
ResponseHead status(int s, std::string location = "") {
  return {s, "text/plain", std::move(location), ""};
}
Error net() {
  return {ErrorKind::network, "reset"};
}

class Machine : public testing::Test {
 protected:
  ConnectionPolicy policy() {
    ConnectionPolicy p;
    p.reconnection_time = 1000ms;
    p.backoff.max_delay = 30s;
    p.backoff.reset_after = 60s;
    p.backoff.jitter = 0.5;
    p.connect_timeout = 10s;
    p.read_timeout = 0ms;
    return p;
  }
  ConnectionMachine make(ConnectionPolicy p, std::string url = "http://h:1/s?t=1",
                         std::string method = "GET") {
    return ConnectionMachine(*parse_url(url), std::move(method), p, [this] { return random; });
  }
  double random = 0.0;  // jitter off unless a test sets it
};

TEST_F(Machine, StartConnectsToTheUrl) {
  auto m = make(policy());
  EXPECT_EQ(m.ready_state(), ReadyState::connecting);
  const Step s = m.start(t0);
  ASSERT_TRUE(s.connect);
  EXPECT_EQ(s.connect->str(), "http://h:1/s?t=1");
  EXPECT_FALSE(s.drop);
  EXPECT_EQ(m.ready_state(), ReadyState::connecting);
  EXPECT_EQ(m.deadline(), t0 + 10s) << "connect timeout";
  EXPECT_FALSE(m.start(t0).connect) << "start twice does nothing";
}

TEST_F(Machine, OpensOn200EventStream) {
  auto m = make(policy());
  m.start(t0);
  const Step s = m.response(t0 + 5ms, sse());
  EXPECT_TRUE(s.opened);
  EXPECT_FALSE(s.error);
  EXPECT_EQ(m.ready_state(), ReadyState::open);
  EXPECT_FALSE(m.deadline()) << "no read timeout configured";
}

TEST_F(Machine, FailsForGoodOnOtherStatusesAndTypes) {
  for (const ResponseHead& head : {status(204), status(200), status(404), status(500), status(503),
                                   status(418), ResponseHead{200, "text/event-stream-x", "", ""}}) {
    auto m = make(policy());
    m.start(t0);
    const Step s = m.response(t0, head);
    ASSERT_TRUE(s.error) << head.status;
    EXPECT_FALSE(s.error->will_retry);
    EXPECT_TRUE(s.closed);
    EXPECT_TRUE(s.drop);
    EXPECT_FALSE(s.connect);
    EXPECT_EQ(m.ready_state(), ReadyState::closed);
    EXPECT_FALSE(m.deadline());
    EXPECT_EQ(s.error->kind, head.status == 200 ? ErrorKind::content_type : ErrorKind::http_status);
    EXPECT_FALSE(m.tick(t0 + 1h).connect) << "never reconnects";
  }
}

TEST_F(Machine, ServerErrorsRetriedWithBackoffWhenAsked) {
  auto p = policy();
  p.retry_server_errors = true;
  p.backoff.jitter = 0;
  auto m = make(p);
  m.start(t0);
  Step s = m.response(t0, status(502));
  ASSERT_TRUE(s.error);
  EXPECT_TRUE(s.error->will_retry);
  EXPECT_EQ(s.error->retry_in, 1000ms);
  EXPECT_EQ(m.ready_state(), ReadyState::connecting);
  s = m.tick(t0 + 1000ms);
  ASSERT_TRUE(s.connect);
  s = m.response(t0 + 1001ms, status(503));
  EXPECT_EQ(s.error->retry_in, 2000ms);
  EXPECT_FALSE(m.response(t0, status(404)).connect);  // not connecting now: ignored
  m.tick(t0 + 3001ms);
  s = m.response(t0 + 3002ms, status(404));
  EXPECT_TRUE(s.closed) << "4xx still fail for good";
}

TEST_F(Machine, FollowsRedirectsAndResolvesTheLocation) {
  for (const int code : {301, 302, 303, 307, 308}) {
    auto m = make(policy());
    m.start(t0);
    const Step s = m.response(t0, status(code, "/moved?x=2"));
    EXPECT_TRUE(s.drop);
    EXPECT_FALSE(s.error);
    ASSERT_TRUE(s.connect) << code;
    EXPECT_EQ(s.connect->str(), "http://h:1/moved?x=2");
    EXPECT_EQ(m.current_url().str(), "http://h:1/moved?x=2");
    EXPECT_TRUE(m.response(t0, sse()).opened);
  }
}

TEST_F(Machine, RedirectLimitAndBadLocations) {
  auto p = policy();
  p.max_redirects = 2;
  auto m = make(p);
  m.start(t0);
  EXPECT_TRUE(m.response(t0, status(302, "/a")).connect);
  EXPECT_TRUE(m.response(t0, status(302, "/b")).connect);
  Step s = m.response(t0, status(302, "/c"));
  EXPECT_TRUE(s.closed);
  EXPECT_FALSE(s.error->will_retry);

  auto n = make(policy());
  n.start(t0);
  s = n.response(t0, status(301));
  EXPECT_TRUE(s.closed);
  EXPECT_EQ(s.error->kind, ErrorKind::bad_redirect);

  auto o = make(policy());
  o.start(t0);
  s = o.response(t0, status(301, "gopher://x/"));
  EXPECT_TRUE(s.closed);
  EXPECT_EQ(s.error->kind, ErrorKind::bad_redirect);
}

TEST_F(Machine, RedirectCountStartsOverOnEachReconnect) {
  auto p = policy();
  p.max_redirects = 1;
  auto m = make(p);
  m.start(t0);
  EXPECT_TRUE(m.response(t0, status(307, "/a")).connect);
  m.response(t0, sse());
  m.connection_failed(t0 + 1s, net());
  const Step s = m.tick(t0 + 1h);
  ASSERT_TRUE(s.connect);
  EXPECT_EQ(s.connect->str(), "http://h:1/s?t=1") << "reconnects to the URL given";
  EXPECT_TRUE(m.response(t0 + 1h, status(307, "/a")).connect);
}

TEST_F(Machine, SeeOtherDropsTheBodyOfAPost) {
  auto m = make(policy(), "http://h/", "POST");
  m.start(t0);
  EXPECT_EQ(m.method(), "POST");
  m.response(t0, status(307, "/a"));
  EXPECT_EQ(m.method(), "POST");
  EXPECT_FALSE(m.body_dropped());
  m.response(t0, status(303, "/b"));
  EXPECT_EQ(m.method(), "GET");
  EXPECT_TRUE(m.body_dropped());
  m.response(t0, sse());
  m.connection_failed(t0, net());
  m.tick(t0 + 1h);
  EXPECT_EQ(m.method(), "POST") << "a reconnect starts as configured";
}

TEST_F(Machine, StreamEndWaitsTheReconnectionTimeThenReconnects) {
  auto p = policy();
  p.backoff.jitter = 0;
  auto m = make(p);
  m.start(t0);
  m.response(t0, sse());
  const Step s = m.connection_failed(t0 + 5s, {ErrorKind::stream_ended, "end"});
  EXPECT_TRUE(s.drop);
  ASSERT_TRUE(s.error);
  EXPECT_EQ(s.error->kind, ErrorKind::stream_ended);
  EXPECT_TRUE(s.error->will_retry);
  EXPECT_EQ(s.error->retry_in, 1000ms);
  EXPECT_FALSE(s.closed);
  EXPECT_EQ(m.ready_state(), ReadyState::connecting);
  EXPECT_EQ(m.deadline(), t0 + 6s);
  EXPECT_FALSE(m.tick(t0 + 5999ms).connect);
  EXPECT_TRUE(m.tick(t0 + 6s).connect);
}

TEST_F(Machine, RetryFieldSetsTheWait) {
  auto p = policy();
  p.backoff.jitter = 0;
  auto m = make(p);
  m.start(t0);
  m.response(t0, sse());
  m.set_reconnection_time(250ms);
  EXPECT_EQ(m.reconnection_time(), 250ms);
  EXPECT_EQ(m.connection_failed(t0, net()).error->retry_in, 250ms);
}

TEST_F(Machine, BackoffGrowsWhileFailingAndIsCapped) {
  auto p = policy();
  p.backoff.jitter = 0;
  p.backoff.max_delay = 5s;
  auto m = make(p);
  TimePoint now = t0;
  m.start(now);
  std::vector<std::chrono::milliseconds> waits;
  for (int i = 0; i < 5; ++i) {
    const Step s = m.connection_failed(now, net());
    waits.push_back(s.error->retry_in);
    now += s.error->retry_in;
    ASSERT_TRUE(m.tick(now).connect);
  }
  EXPECT_EQ(waits, (std::vector<std::chrono::milliseconds>{1s, 2s, 4s, 5s, 5s}));
  EXPECT_EQ(m.failures(), 5u);
}

TEST_F(Machine, ShortLivedStreamsKeepGrowingHealthyOnesReset) {
  auto p = policy();
  p.backoff.jitter = 0;
  auto m = make(p);
  TimePoint now = t0;
  m.start(now);
  auto cycle = [&](std::chrono::milliseconds open_for) {
    m.response(now, sse());
    now += open_for;
    const Step s = m.connection_failed(now, {ErrorKind::stream_ended, ""});
    now += s.error->retry_in;
    m.tick(now);
    return s.error->retry_in;
  };
  EXPECT_EQ(cycle(1s), 1s);
  EXPECT_EQ(cycle(1s), 2s) << "opened and dropped at once: not healthy";
  EXPECT_EQ(cycle(1s), 4s);
  EXPECT_EQ(cycle(60s), 1s) << "open for reset_after: the doubling starts over";
  EXPECT_EQ(cycle(59s), 2s);
}

TEST_F(Machine, JitterLengthensTheWaitWithinBounds) {
  auto m = make(policy());
  random = 0.999;
  m.start(t0);
  const auto wait = m.connection_failed(t0, net()).error->retry_in;
  EXPECT_GE(wait, 1000ms);
  EXPECT_LT(wait, 1500ms);
  EXPECT_GT(wait, 1400ms);
}

TEST_F(Machine, ConnectTimeout) {
  auto m = make(policy());
  m.start(t0);
  EXPECT_FALSE(m.tick(t0 + 9999ms).error);
  const Step s = m.tick(t0 + 10s);
  ASSERT_TRUE(s.error);
  EXPECT_EQ(s.error->kind, ErrorKind::connect_timeout);
  EXPECT_TRUE(s.drop);
  EXPECT_TRUE(s.error->will_retry);
}

TEST_F(Machine, ConnectTimeoutRestartsAtEachRedirectHop) {
  auto m = make(policy());
  m.start(t0);
  m.response(t0 + 9s, status(302, "/next"));
  EXPECT_EQ(m.deadline(), t0 + 19s);
  EXPECT_FALSE(m.tick(t0 + 10s).error);
}

TEST_F(Machine, ReadTimeoutCountsFromTheLastByte) {
  auto p = policy();
  p.read_timeout = 30s;
  auto m = make(p);
  m.start(t0);
  m.response(t0, sse());
  EXPECT_EQ(m.deadline(), t0 + 30s);
  m.bytes_received(t0 + 20s);  // a heartbeat
  EXPECT_EQ(m.deadline(), t0 + 50s);
  EXPECT_FALSE(m.tick(t0 + 30s).error) << "the old deadline passed, but bytes came since";
  const Step s = m.tick(t0 + 50s);
  ASSERT_TRUE(s.error);
  EXPECT_EQ(s.error->kind, ErrorKind::read_timeout);
  EXPECT_TRUE(s.drop);
}

TEST_F(Machine, CloseNeverReconnects) {
  auto m = make(policy());
  m.start(t0);
  m.response(t0, sse());
  const Step s = m.close();
  EXPECT_TRUE(s.drop);
  EXPECT_TRUE(s.closed);
  EXPECT_FALSE(s.error) << "close() is not an error";
  EXPECT_EQ(m.ready_state(), ReadyState::closed);
  EXPECT_FALSE(m.deadline());
  EXPECT_FALSE(m.connection_failed(t0, net()).error);
  EXPECT_FALSE(m.tick(t0 + 1h).connect);
  EXPECT_FALSE(m.restart(t0).connect);
  EXPECT_FALSE(m.close().closed) << "once";
}

TEST_F(Machine, CloseDuringTheWait) {
  auto m = make(policy());
  m.start(t0);
  m.connection_failed(t0, net());
  const Step s = m.close();
  EXPECT_FALSE(s.drop) << "no connection to drop while waiting";
  EXPECT_TRUE(s.closed);
  EXPECT_FALSE(m.tick(t0 + 1h).connect);
}

TEST_F(Machine, CloseBeforeStart) {
  auto m = make(policy());
  EXPECT_TRUE(m.close().closed);
  EXPECT_FALSE(m.start(t0).connect);
}

TEST_F(Machine, RestartReconnectsAtOnceWithoutErrorOrBackoff) {
  auto m = make(policy());
  m.start(t0);
  m.response(t0, sse());
  const Step s = m.restart(t0 + 1s);
  EXPECT_TRUE(s.drop);
  EXPECT_TRUE(s.connect);
  EXPECT_FALSE(s.error);
  EXPECT_EQ(m.failures(), 0u);
  EXPECT_EQ(m.ready_state(), ReadyState::connecting);
}

TEST_F(Machine, FatalFailureStopsForGood) {
  auto m = make(policy());
  m.start(t0);
  const Step s = m.connection_failed(t0, {ErrorKind::tls, "certificate"}, /*fatal=*/true);
  EXPECT_TRUE(s.closed);
  EXPECT_FALSE(s.error->will_retry);
  EXPECT_FALSE(m.tick(t0 + 1h).connect);
}

TEST_F(Machine, LateEventsOfAnotherPhaseAreIgnored) {
  auto m = make(policy());
  EXPECT_FALSE(m.response(t0, sse()).opened) << "not started";
  m.start(t0);
  m.response(t0, sse());
  EXPECT_FALSE(m.response(t0, sse()).opened) << "already open";
  m.connection_failed(t0, net());
  EXPECT_FALSE(m.connection_failed(t0, net()).error) << "already waiting";
}

}  // namespace
}  // namespace herald::client
