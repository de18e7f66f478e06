// SSE-SPEC.md "Connection (client)", rules 15 to 19, one test (or a few) per rule, against
// a real loopback server; plus what the issue adds (headers, redirects limit, 5xx retry,
// timeouts, backoff, maximum event size, restart).
#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "client_run.hpp"
#include "test_server.hpp"

namespace herald::client::test {
namespace {

using namespace std::chrono_literals;

// A stream of `body` (chunked), then the end of the stream.
void stream_then_end(Conn& conn, std::string_view body) {
  conn.send_sse_head();
  conn.send_chunk(body);
  conn.end_chunks();
}

// --- rule 15: the request ---------------------------------------------------------------

TEST(Rule15Request, SendsAcceptCacheControlAndNoLastEventIdAtFirst) {
  TestServer server([](Conn& c, std::size_t) { c.send_head(204, {}); });
  Options o = quick_options(server.url("/events?topic=a%20b"));
  o.headers = {{"Authorization", "Bearer t0ken"}, {"X-Custom", "yes"}};
  o.cookies = {{"session", "abc"}, {"theme", "dark"}};
  ClientRun run(o);
  ASSERT_TRUE(run.run());
  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "GET");
  EXPECT_EQ(reqs[0].target, "/events?topic=a%20b");
  EXPECT_EQ(reqs[0].header("Accept"), "text/event-stream");
  EXPECT_EQ(reqs[0].header("Cache-Control"), "no-cache");
  EXPECT_EQ(reqs[0].header("Host"), "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_FALSE(reqs[0].has("Last-Event-ID"));
  EXPECT_EQ(reqs[0].header("Authorization"), "Bearer t0ken");
  EXPECT_EQ(reqs[0].header("X-Custom"), "yes");
  EXPECT_EQ(reqs[0].header("Cookie"), "session=abc; theme=dark");
}

TEST(Rule15Request, InitialLastEventIdIsSent) {
  TestServer server([](Conn& c, std::size_t) { c.send_head(204, {}); });
  Options o = quick_options(server.url());
  o.last_event_id = "urn:uuid:1234";
  ClientRun run(o);
  ASSERT_TRUE(run.run());
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].header("Last-Event-ID"), "urn:uuid:1234");
}

TEST(Rule15Request, LastEventIdHeaderOnlyWhenNotEmpty) {
  TestServer server([](Conn& c, std::size_t i) {
    if (i == 0) return stream_then_end(c, "id: 7\ndata: a\n\n");
    if (i == 1) return stream_then_end(c, "id\ndata: b\n\n");  // resets the id to ""
    c.send_head(204, {});
  });
  ClientRun run(quick_options(server.url()));
  ASSERT_TRUE(run.run());
  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_FALSE(reqs[0].has("Last-Event-ID"));
  EXPECT_EQ(reqs[1].header("Last-Event-ID"), "7");
  EXPECT_FALSE(reqs[2].has("Last-Event-ID"));
  ASSERT_EQ(run.events.size(), 2u);
  EXPECT_EQ(run.events[1].last_event_id, "");
}

TEST(Rule15Request, PostBodyIsSentAgainOnReconnect) {
  TestServer server([](Conn& c, std::size_t i) {
    if (i == 0) return stream_then_end(c, "data: x\n\n");
    c.send_head(204, {});
  });
  Options o = quick_options(server.url());
  o.method = "POST";
  o.body = R"({"hello":"world"})";
  o.headers = {{"Content-Type", "application/json"}};
  ClientRun run(o);
  ASSERT_TRUE(run.run());
  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 2u);
  for (const auto& r : reqs) {
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.body, R"({"hello":"world"})");
    EXPECT_EQ(r.header("Content-Type"), "application/json");
  }
}

TEST(Rule15Request, HeadersThatCouldInjectAreRefused) {
  Options o = quick_options("http://127.0.0.1:1/");
  o.headers = {{"X-Evil", "a\r\nInjected: 1"}};
  boost::asio::io_context io;
  EXPECT_THROW(EventSource(io.get_executor(), o), std::invalid_argument);
  o.headers.clear();
  o.last_event_id = "1\n2";
  EXPECT_THROW(EventSource(io.get_executor(), o), std::invalid_argument);
  o.last_event_id.clear();
  o.url = "ftp://127.0.0.1/";
  EXPECT_THROW(EventSource(io.get_executor(), o), std::invalid_argument);
}

// --- rule 16: the response ----------------------------------------------------------------

class OpensOn : public testing::TestWithParam<std::string> {};

TEST_P(OpensOn, Status200WithEventStreamEssence) {
  const std::string type = GetParam();
  TestServer server([&](Conn& c, std::size_t i) {
    if (i > 0) return void(c.send_head(204, {}));
    c.send_head(200, {"Content-Type: " + type, "Transfer-Encoding: chunked"});
    c.send_chunk("data: hi\n\n");
    c.end_chunks();
  });
  ClientRun run(quick_options(server.url()));
  ASSERT_TRUE(run.run());
  EXPECT_EQ(run.opens, 1);
  ASSERT_EQ(run.events.size(), 1u);
  EXPECT_EQ(run.events[0].data, "hi");
}

INSTANTIATE_TEST_SUITE_P(Rule16, OpensOn,
                         testing::Values("text/event-stream", "text/event-stream; charset=utf-8",
                                         "Text/Event-Stream;charset=UTF-8", " text/event-stream "));

struct Refusal {
  int status;
  std::string head;  // extra header lines, \r\n-separated
  ErrorKind kind;
};

class FailsWithoutReconnect : public testing::TestWithParam<Refusal> {};

TEST_P(FailsWithoutReconnect, AndSaysWhy) {
  const Refusal refusal = GetParam();
  TestServer server([&](Conn& c, std::size_t) {
    std::vector<std::string> lines;
    if (!refusal.head.empty()) lines.push_back(refusal.head);
    const std::string body = refusal.status == 204 ? "" : "topic is required";
    if (refusal.status != 204) lines.push_back("Content-Length: " + std::to_string(body.size()));
    c.send_head(refusal.status, lines);
    c.send(body);
    c.wait_peer_close(2s);
  });
  ClientRun run(quick_options(server.url()));
  ASSERT_TRUE(run.run());
  EXPECT_EQ(run.opens, 0);
  ASSERT_EQ(run.errors.size(), 1u);
  EXPECT_EQ(run.errors[0].kind, refusal.kind);
  EXPECT_EQ(run.errors[0].status, refusal.status);
  EXPECT_FALSE(run.errors[0].will_retry);
  EXPECT_EQ(run.states_at_error[0], ReadyState::closed);
  if (refusal.status >= 400) {
    EXPECT_NE(run.errors[0].message.find("topic is required"), std::string::npos)
        << run.errors[0].message;
  }
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(server.accepted(), 1u) << "no reconnect";
}

INSTANTIATE_TEST_SUITE_P(
    Rule16, FailsWithoutReconnect,
    testing::Values(Refusal{204, "", ErrorKind::http_status},
                    Refusal{200, "Content-Type: text/plain", ErrorKind::content_type},
                    Refusal{200, "Content-Type: text/event-streams", ErrorKind::content_type},
                    Refusal{200, "", ErrorKind::content_type},
                    Refusal{400, "Content-Type: text/plain", ErrorKind::http_status},
                    Refusal{401, "Content-Type: text/plain", ErrorKind::http_status},
                    Refusal{404, "Content-Type: text/event-stream", ErrorKind::http_status},
                    Refusal{500, "Content-Type: text/plain", ErrorKind::http_status},
                    Refusal{503, "Content-Type: text/plain", ErrorKind::http_status}));

TEST(Rule16Response, ServerErrorsRetriedWhenAskedTo) {
  TestServer server([](Conn& c, std::size_t i) {
    if (i < 2) {
      c.send_head(503, {"Content-Length: 4"});
      c.send("busy");
      return;
    }
    stream_then_end(c, "data: finally\n\n");
  });
  Options o = quick_options(server.url());
  o.policy.retry_server_errors = true;
  ClientRun run(o, [](const ClientRun& r) { return !r.events.empty(); });
  ASSERT_TRUE(run.run());
  ASSERT_EQ(run.events.size(), 1u);
  ASSERT_GE(run.errors.size(), 2u);
  EXPECT_TRUE(run.errors[0].will_retry);
  EXPECT_EQ(run.errors[0].status, 503);
  EXPECT_NE(run.errors[0].message.find("busy"), std::string::npos);
}

class FollowsRedirect : public testing::TestWithParam<int> {};

TEST_P(FollowsRedirect, ToTheStreamAndEventsCarryTheFinalOrigin) {
  const int status = GetParam();
  TestServer target([](Conn& c, std::size_t i) {
    if (i > 0) return void(c.send_head(204, {}));
    stream_then_end(c, "data: moved\n\n");
  });
  TestServer origin([&](Conn& c, std::size_t) {
    c.send_head(status, {"Location: " + target.url("/stream?x=1"), "Content-Length: 0"});
  });
  ClientRun run(quick_options(origin.url("/start")));
  ASSERT_TRUE(run.run());
  ASSERT_EQ(run.events.size(), 1u);
  EXPECT_EQ(run.events[0].origin, target.origin());
  ASSERT_EQ(target.requests().size(), 2u);
  EXPECT_EQ(target.requests()[0].target, "/stream?x=1");
  EXPECT_EQ(target.requests()[0].header("Accept"), "text/event-stream");
  // A reconnect starts again from the URL given (as browsers do).
  EXPECT_EQ(origin.requests().size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Rule16, FollowsRedirect, testing::Values(301, 302, 303, 307, 308));

TEST(Rule16Response, RelativeRedirectIsResolved) {
  TestServer server([](Conn& c, std::size_t i) {
    if (i == 0) return void(c.send_head(302, {"Location: ../b/stream", "Content-Length: 0"}));
    if (i == 1) return stream_then_end(c, "data: ok\n\n");
    c.send_head(204, {});
  });
  ClientRun run(quick_options(server.url("/a/x/start")));
  ASSERT_TRUE(run.run());
  ASSERT_EQ(run.events.size(), 1u);
  EXPECT_EQ(server.requests()[1].target, "/a/b/stream");
}

TEST(Rule16Response, RedirectLoopStopsAtTheLimit) {
  TestServer server([](Conn& c, std::size_t) {
    c.send_head(307, {"Location: /again", "Content-Length: 0"});
  });
  Options o = quick_options(server.url());
  o.policy.max_redirects = 3;
  ClientRun run(o);
  ASSERT_TRUE(run.run());
  EXPECT_EQ(server.requests().size(), 4u) << "the first request and 3 redirects";
  ASSERT_EQ(run.errors.size(), 1u);
  EXPECT_FALSE(run.errors[0].will_retry);
}

TEST(Rule16Response, SeeOtherTurnsPostIntoGetButTemporaryRedirectKeepsIt) {
  TestServer server([](Conn& c, std::size_t i) {
    if (i == 0) return void(c.send_head(307, {"Location: /b", "Content-Length: 0"}));
    if (i == 1) return void(c.send_head(303, {"Location: /c", "Content-Length: 0"}));
    c.send_head(204, {});
  });
  Options o = quick_options(server.url("/a"));
  o.method = "POST";
  o.body = "q=1";
  ClientRun run(o);
  ASSERT_TRUE(run.run());
  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[1].method, "POST");
  EXPECT_EQ(reqs[1].body, "q=1");
  EXPECT_EQ(reqs[2].method, "GET");
  EXPECT_EQ(reqs[2].body, "");
}

// --- rule 17: reconnecting ----------------------------------------------------------------

TEST(Rule17Reconnect, StreamEndMeansErrorThenConnectingThenReconnectAfterRetry) {
  TestServer server([](Conn& c, std::size_t i) {
    if (i == 0) return stream_then_end(c, "retry: 300\nid: 41\ndata: one\n\n");
    if (i == 1) return stream_then_end(c, "id: 42\ndata: two\n\n");
    c.send_head(204, {});
  });
  Options o = quick_options(server.url());
  o.policy.backoff.max_delay = 2s;
  ClientRun run(o);
  ASSERT_TRUE(run.run());
  ASSERT_EQ(run.events.size(), 2u);
  ASSERT_EQ(run.errors.size(), 3u);
  EXPECT_EQ(run.errors[0].kind, ErrorKind::stream_ended);
  EXPECT_TRUE(run.errors[0].will_retry);
  EXPECT_EQ(run.errors[0].retry_in, 300ms);
  EXPECT_EQ(run.states_at_error[0], ReadyState::connecting);
  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[1].header("Last-Event-ID"), "41");
  EXPECT_EQ(reqs[2].header("Last-Event-ID"), "42");
  EXPECT_GE(reqs[1].received_at - reqs[0].received_at, 300ms) << "waited the retry: time";
}

TEST(Rule17Reconnect, NetworkErrorBeforeOpenRetriesWithGrowingBackoff) {
  // Accepts and closes at once, without a response: a network error every time.
  TestServer server([](Conn&, std::size_t) {});
  Options o = quick_options(server.url());
  o.policy.reconnection_time = 10ms;
  o.policy.backoff.max_delay = 40ms;
  ClientRun run(o, [](const ClientRun& r) { return r.errors.size() >= 5; });
  run.run();
  ASSERT_GE(run.errors.size(), 5u);
  EXPECT_EQ(run.errors[0].kind, ErrorKind::network);
  EXPECT_EQ(run.errors[0].retry_in, 10ms);
  EXPECT_EQ(run.errors[1].retry_in, 20ms);
  EXPECT_EQ(run.errors[2].retry_in, 40ms);
  EXPECT_EQ(run.errors[3].retry_in, 40ms) << "capped";
  for (const auto& e : run.errors)
    EXPECT_TRUE(e.will_retry);
}

TEST(Rule17Reconnect, ConnectionRefusedIsRetried) {
  std::string url;
  {
    TestServer closed([](Conn&, std::size_t) {});
    url = closed.url();
  }  // nothing listens there any more
  ClientRun run(quick_options(url), [](const ClientRun& r) { return r.errors.size() >= 2; });
  run.run();
  ASSERT_GE(run.errors.size(), 2u);
  EXPECT_EQ(run.errors[0].kind, ErrorKind::network);
  EXPECT_TRUE(run.errors[0].will_retry);
}

TEST(Rule17Reconnect, ReadTimeoutDropsASilentStream) {
  TestServer server([](Conn& c, std::size_t i) {
    if (i == 0) {
      c.send_sse_head();
      c.send_chunk("id: 1\ndata: then silence\n\n");
      c.wait_peer_close(5s);
      return;
    }
    c.send_head(204, {});
  });
  Options o = quick_options(server.url());
  o.policy.read_timeout = 300ms;
  ClientRun run(o);
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(run.run());
  ASSERT_GE(run.errors.size(), 1u);
  EXPECT_EQ(run.errors[0].kind, ErrorKind::read_timeout);
  EXPECT_TRUE(run.errors[0].will_retry);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 300ms);
  ASSERT_EQ(server.requests().size(), 2u);
  EXPECT_EQ(server.requests()[1].header("Last-Event-ID"), "1");
}

TEST(Rule17Reconnect, HeartbeatsKeepAStreamAlive) {
  TestServer server([](Conn& c, std::size_t i) {
    if (i > 0) return void(c.send_head(204, {}));
    c.send_sse_head();
    for (int beat = 0; beat < 12; ++beat) {  // 12 x 100 ms = 2 read timeouts
      c.pause(100ms);
      if (!c.send_chunk(":\n")) return;
    }
    c.send_chunk("data: still here\n\n");
    c.end_chunks();
  });
  Options o = quick_options(server.url());
  o.policy.read_timeout = 600ms;  // 6 beats of margin: a loaded machine must not fail it
  ClientRun run(o);
  ASSERT_TRUE(run.run());
  ASSERT_EQ(run.events.size(), 1u);
  EXPECT_EQ(run.comments.size(), 12u);
  ASSERT_FALSE(run.errors.empty());
  EXPECT_EQ(run.errors[0].kind, ErrorKind::stream_ended) << "no read timeout first";
}

TEST(Rule17Reconnect, ConnectTimeoutWhenNoResponseHeadComes) {
  TestServer server([](Conn& c, std::size_t i) {
    if (i == 0) return void(c.wait_peer_close(5s));  // accepts, never answers
    c.send_head(204, {});
  });
  Options o = quick_options(server.url());
  o.policy.connect_timeout = 200ms;
  ClientRun run(o);
  ASSERT_TRUE(run.run());
  ASSERT_EQ(run.errors.size(), 2u);
  EXPECT_EQ(run.errors[0].kind, ErrorKind::connect_timeout);
  EXPECT_TRUE(run.errors[0].will_retry);
}

TEST(Rule17Reconnect, BackoffResetsAfterAHealthyStream) {
  TestServer server([](Conn& c, std::size_t i) {
    if (i < 2) return;  // two failures: the waits grow
    if (i == 2) {       // a stream that lives past reset_after
      c.send_sse_head();
      c.pause(250ms);
      c.send_chunk("data: healthy\n\n");
      c.end_chunks();
      return;
    }
    c.send_head(204, {});
  });
  Options o = quick_options(server.url());
  o.policy.reconnection_time = 10ms;
  o.policy.backoff.max_delay = 1000ms;
  o.policy.backoff.reset_after = 200ms;
  ClientRun run(o);
  ASSERT_TRUE(run.run());
  ASSERT_EQ(run.errors.size(), 4u);
  EXPECT_EQ(run.errors[0].retry_in, 10ms);
  EXPECT_EQ(run.errors[1].retry_in, 20ms);
  EXPECT_EQ(run.errors[2].kind, ErrorKind::stream_ended);
  EXPECT_EQ(run.errors[2].retry_in, 10ms) << "healthy stream: back to the base";
}

// --- rule 18: close() ---------------------------------------------------------------------

TEST(Rule18Close, CloseInAHandlerStopsEverythingAtOnce) {
  TestServer server([](Conn& c, std::size_t) {
    c.send_sse_head();
    // Both events arrive in one read: the second must not be delivered after close().
    c.send_chunk("data: one\n\ndata: two\n\n");
    c.wait_peer_close(5s);
  });
  ClientRun run(quick_options(server.url()), [](const ClientRun& r) { return !r.events.empty(); });
  ASSERT_TRUE(run.run());
  EXPECT_EQ(run.events.size(), 1u);
  EXPECT_TRUE(run.errors.empty()) << "close() is not an error";
  std::this_thread::sleep_for(150ms);
  EXPECT_EQ(server.accepted(), 1u) << "never reconnects";
}

TEST(Rule18Close, CloseDuringTheWaitCancelsTheReconnect) {
  TestServer server([](Conn& c, std::size_t) { stream_then_end(c, "retry: 5000\ndata: x\n\n"); });
  Options o = quick_options(server.url());
  o.policy.backoff.max_delay = 10s;
  ClientRun run(o, [](const ClientRun& r) { return !r.errors.empty(); });
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(run.run());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s) << "the timer was cancelled";
  EXPECT_EQ(server.accepted(), 1u);
}

TEST(Rule18Close, DestroyingTheSourceFromOutsideStopsIt) {
  TestServer server([](Conn& c, std::size_t) {
    c.send_sse_head();
    c.send_chunk("data: x\n\n");
    c.wait_peer_close(5s);
  });
  boost::asio::io_context io;
  int events = 0;
  {
    EventSource source(io.get_executor(), quick_options(server.url()));
    source.on_event([&](const MessageEvent&) { ++events; });
    source.start();
    io.run_for(300ms);
  }
  io.restart();
  io.run_for(2s);
  EXPECT_TRUE(io.stopped()) << "nothing left pending";
  EXPECT_EQ(events, 1);
}

// --- rule 19: no CORS preflight from a non-browser client --------------------------------

TEST(Rule19Cors, LongAndUnsafeLastEventIdGoesInOnePlainGet) {
  const std::string id = std::string(200, 'a') + "<3\"{}";
  TestServer server([](Conn& c, std::size_t) { c.send_head(204, {}); });
  Options o = quick_options(server.url());
  o.last_event_id = id;
  ClientRun run(o);
  ASSERT_TRUE(run.run());
  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "GET") << "no OPTIONS preflight";
  EXPECT_EQ(reqs[0].header("Last-Event-ID"), id);
}

// --- the issue's extras -------------------------------------------------------------------

TEST(ClientExtras, TypedListenersCommentsAndTheCatchAll) {
  TestServer server([](Conn& c, std::size_t) {
    stream_then_end(c, ": hello\nevent: greet\ndata: hi\n\ndata: plain\n\n");
  });
  boost::asio::io_context io;
  EventSource source(io.get_executor(), quick_options(server.url()));
  std::vector<std::string> greets, messages, all, comments;
  source.on("greet", [&](const MessageEvent& e) { greets.emplace_back(e.data); });
  source.on("message", [&](const MessageEvent& e) { messages.emplace_back(e.data); });
  source.on_event([&](const MessageEvent& e) { all.emplace_back(e.type); });
  source.on_comment([&](std::string_view c) { comments.emplace_back(c); });
  source.on_error([&](const Error&) { source.close(); });
  source.start();
  io.run_for(5s);
  EXPECT_EQ(greets, std::vector<std::string>{"hi"});
  EXPECT_EQ(messages, std::vector<std::string>{"plain"});
  EXPECT_EQ(all, (std::vector<std::string>{"greet", "message"}));
  EXPECT_EQ(comments, std::vector<std::string>{" hello"});
}

TEST(ClientExtras, OversizedEventIsSkippedAndReportedTheStreamGoesOn) {
  TestServer server([](Conn& c, std::size_t) {
    c.send_sse_head();
    c.send_chunk("data: small\n\n");
    c.send_chunk("data: " + std::string(5000, 'x') + "\n\n");
    c.send_chunk("data: after\n\n");
    c.wait_peer_close(5s);
  });
  Options o = quick_options(server.url());
  o.max_event_bytes = 1024;
  ClientRun run(o, [](const ClientRun& r) { return r.events.size() >= 2; });
  ASSERT_TRUE(run.run());
  ASSERT_EQ(run.events.size(), 2u);
  EXPECT_EQ(run.events[0].data, "small");
  EXPECT_EQ(run.events[1].data, "after");
  ASSERT_EQ(run.errors.size(), 1u);
  EXPECT_EQ(run.errors[0].kind, ErrorKind::event_too_large);
  EXPECT_EQ(run.opens, 1) << "same connection";
}

TEST(ClientExtras, RestartReconnectsAtOnceWithTheLastEventId) {
  TestServer server([](Conn& c, std::size_t i) {
    if (i > 0) return void(c.send_head(204, {}));
    c.send_sse_head();
    c.send_chunk("id: r1\ndata: x\n\n");
    c.wait_peer_close(5s);
  });
  Options o = quick_options(server.url());
  o.policy.reconnection_time = 5000ms;  // restart must not wait for this
  o.policy.backoff.max_delay = 5000ms;
  boost::asio::io_context io;
  EventSource source(io.get_executor(), o);
  std::vector<Error> errors;
  source.on_event([&](const MessageEvent&) { source.restart(); });
  source.on_error([&](const Error& e) { errors.push_back(e); });
  source.start();
  const auto start = std::chrono::steady_clock::now();
  io.run_for(5s);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  ASSERT_EQ(server.requests().size(), 2u);
  EXPECT_EQ(server.requests()[1].header("Last-Event-ID"), "r1");
  ASSERT_EQ(errors.size(), 1u) << "only the final 204, no error for the restart";
  EXPECT_EQ(errors[0].status, 204);
}

TEST(ClientExtras, ContentLengthBodyEndsTheStreamLikeAnyOther) {
  TestServer server([](Conn& c, std::size_t i) {
    if (i > 0) return void(c.send_head(204, {}));
    const std::string body = "id: cl\ndata: fixed\n\n";
    c.send_head(
        200, {"Content-Type: text/event-stream", "Content-Length: " + std::to_string(body.size())});
    c.send(body);
    c.wait_peer_close(5s);
  });
  ClientRun run(quick_options(server.url()));
  ASSERT_TRUE(run.run());
  ASSERT_EQ(run.events.size(), 1u);
  EXPECT_EQ(server.requests().size(), 2u);
  EXPECT_EQ(server.requests()[1].header("Last-Event-ID"), "cl");
}

TEST(ClientExtras, BlockingWrapperHandsEventsOver) {
  TestServer server([](Conn& c, std::size_t i) {
    if (i > 0) return void(c.send_head(204, {}));
    stream_then_end(c, "id: 1\ndata: a\n\nid: 2\nevent: t\ndata: b\n\n");
  });
  BlockingEventSource source(quick_options(server.url()), 1);  // a queue of one: backpressure
  auto a = source.next(5s);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->data, "a");
  auto b = source.next(5s);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->type, "t");
  EXPECT_EQ(b->last_event_id, "2");
  EXPECT_FALSE(source.next(5s)) << "the 204 closed the source";
  EXPECT_TRUE(source.closed());
  ASSERT_TRUE(source.last_error());
  EXPECT_EQ(source.last_error()->status, 204);
}

TEST(ClientExtras, BlockingWrapperCloseWhileBlockedOnAFullQueue) {
  TestServer server([](Conn& c, std::size_t) {
    c.send_sse_head();
    for (int i = 0; i < 50; ++i)
      c.send_chunk("data: x\n\n");
    c.wait_peer_close(5s);
  });
  BlockingEventSource source(quick_options(server.url()), 2);
  ASSERT_TRUE(source.next(5s));
  source.close();  // the reading thread is waiting for room: it must give up
  for (int i = 0; i < 5 && source.next(100ms); ++i) {
  }
  EXPECT_FALSE(source.next(2s));
}

}  // namespace
}  // namespace herald::client::test
