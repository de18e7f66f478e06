// The client over HTTP/2 against the hub's own server (lib/http): h2c with prior
// knowledge, h2 over TLS by ALPN and the fallback to HTTP/1.1, the response rules and
// reconnects over streams, and many sources sharing one pooled connection.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "client_run.hpp"
#include "h2_test_server.hpp"
#include "herald/client/connection_pool.hpp"
#include "tcp_proxy.hpp"

namespace herald::client::test {
namespace {

using namespace std::chrono_literals;

// First request: `body` on a stream, then its end; every later one: 204.
H2TestServer::Script stream_once(std::string body) {
  return [body](H2TestServer& server, const http::Request&, http::Exchange& e, std::size_t i) {
    if (i > 0) return e.respond({204, "", "", {}});
    server.feed(open_sse(e), {body}, 0ms);
  };
}

Options h2c_options(const H2TestServer& server, std::string_view target = "/") {
  Options o = quick_options(server.url(target));
  o.http2 = Http2::required;
  return o;
}

TEST(Http2, H2cWithPriorKnowledgeReceivesEventsAndSendsTheEventSourceHeaders) {
  H2TestServer s(stream_once("id: 1\ndata: over h2c\n\n"));
  Options o = h2c_options(s, "/events?topic=a");
  o.headers = {{"Authorization", "Bearer t0ken"}};
  ClientRun run(o);
  ASSERT_TRUE(run.run());
  ASSERT_EQ(run.events.size(), 1u) << (run.errors.empty() ? "" : run.errors[0].message);
  EXPECT_EQ(run.events[0].data, "over h2c");
  EXPECT_EQ(run.events[0].origin, s.origin());
  const auto reqs = s.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].target, "/events?topic=a");
  EXPECT_EQ(reqs[0].header("Accept"), "text/event-stream");
  EXPECT_EQ(reqs[0].header("Authorization"), "Bearer t0ken");
  EXPECT_EQ(reqs[1].header("Last-Event-ID"), "1");
  EXPECT_EQ(run.errors[0].kind, ErrorKind::stream_ended);
}

TEST(Http2, TlsNegotiatesH2ByAlpn) {
  H2TestServer s(stream_once("data: secure h2\n\n"), {.tls = true});
  Options o = quick_options(s.url());
  o.tls.ca_file = s.ca_file();
  o.http2 = Http2::required;  // fails unless ALPN chose h2
  ClientRun run(o);
  ASSERT_TRUE(run.run());
  ASSERT_EQ(run.events.size(), 1u) << (run.errors.empty() ? "" : run.errors[0].message);
  EXPECT_EQ(run.events[0].data, "secure h2");
}

TEST(Http2, TlsFallsBackToHttp1WhenTheServerOffersOnlyHttp1) {
  H2TestServer s(stream_once("data: plain old\n\n"), {.tls = true, .h2_max_streams = 0});
  Options o = quick_options(s.url());
  o.tls.ca_file = s.ca_file();  // http2 negotiate: the default
  ClientRun run(o);
  ASSERT_TRUE(run.run());
  ASSERT_EQ(run.events.size(), 1u) << (run.errors.empty() ? "" : run.errors[0].message);
  EXPECT_EQ(run.events[0].data, "plain old");

  o.http2 = Http2::required;
  ClientRun strict(o);
  ASSERT_TRUE(strict.run());
  ASSERT_EQ(strict.errors.size(), 1u);
  EXPECT_EQ(strict.errors[0].kind, ErrorKind::tls);
  EXPECT_FALSE(strict.errors[0].will_retry);
  EXPECT_NE(strict.errors[0].message.find("did not agree to HTTP/2"), std::string::npos)
      << strict.errors[0].message;
}

TEST(Http2, RedirectIsFollowedAndAReconnectStartsOver) {
  H2TestServer s([](H2TestServer& server, const http::Request& r, http::Exchange& e, std::size_t) {
    if (r.path() == "/start") return e.respond({307, "", "", {{"Location", "/moved?x=1"}}});
    if (r.path() == "/moved" && !r.has_header("last-event-id")) {
      return server.feed(open_sse(e), {"id: m\ndata: moved\n\n"}, 0ms);
    }
    e.respond({204, "", "", {}});
  });
  ClientRun run(h2c_options(s, "/start"));
  ASSERT_TRUE(run.run());
  ASSERT_EQ(run.events.size(), 1u) << (run.errors.empty() ? "" : run.errors[0].message);
  EXPECT_EQ(run.events[0].data, "moved");
  const auto reqs = s.requests();
  ASSERT_EQ(reqs.size(), 4u);  // start, moved, then the reconnect starts over: start, moved
  EXPECT_EQ(reqs[1].target, "/moved?x=1");
  EXPECT_EQ(reqs[3].header("Last-Event-ID"), "m");
}

TEST(Http2, ErrorStatusFailsForGoodWithTheStartOfTheBody) {
  H2TestServer s([](H2TestServer&, const http::Request&, http::Exchange& e, std::size_t) {
    e.respond(http::Response::text(404, "topic is required"));
  });
  ClientRun run(h2c_options(s));
  ASSERT_TRUE(run.run());
  ASSERT_EQ(run.errors.size(), 1u);
  EXPECT_EQ(run.errors[0].kind, ErrorKind::http_status);
  EXPECT_EQ(run.errors[0].status, 404);
  EXPECT_FALSE(run.errors[0].will_retry);
  EXPECT_NE(run.errors[0].message.find("topic is required"), std::string::npos)
      << run.errors[0].message;
  EXPECT_EQ(s.requests().size(), 1u);
}

TEST(Http2, NotAnEventStreamIsRefused) {
  H2TestServer s([](H2TestServer&, const http::Request&, http::Exchange& e, std::size_t) {
    e.respond(http::Response::text(200, "hello"));
  });
  ClientRun run(h2c_options(s));
  ASSERT_TRUE(run.run());
  ASSERT_EQ(run.errors.size(), 1u);
  EXPECT_EQ(run.errors[0].kind, ErrorKind::content_type);
}

TEST(Http2, StreamResetByTheServerReconnectsWithTheLastEventId) {
  H2TestServer s([](H2TestServer& server, const http::Request&, http::Exchange& e, std::size_t i) {
    if (i > 0) return e.respond({204, "", "", {}});
    server.feed(open_sse(e), {"id: 7\ndata: before the reset\n\n", "data: unfinished"}, 20ms,
                /*reset=*/true);
  });
  ClientRun run(h2c_options(s));
  ASSERT_TRUE(run.run());
  ASSERT_EQ(run.events.size(), 1u);
  ASSERT_GE(run.errors.size(), 2u);
  EXPECT_EQ(run.errors[0].kind, ErrorKind::stream_ended);
  EXPECT_TRUE(run.errors[0].will_retry);
  EXPECT_NE(run.errors[0].message.find("CANCEL"), std::string::npos) << run.errors[0].message;
  ASSERT_EQ(s.requests().size(), 2u);
  EXPECT_EQ(s.requests()[1].header("Last-Event-ID"), "7");
}

TEST(Http2, ConnectionLossReconnectsWithTheLastEventId) {
  std::shared_ptr<http::StreamSink> first;
  H2TestServer s([&](H2TestServer&, const http::Request&, http::Exchange& e, std::size_t i) {
    if (i > 0) return e.respond({204, "", "", {}});
    first = open_sse(e);
    auto bytes = std::make_shared<const std::string>("id: 9\ndata: then silence\n\n");
    first->write({bytes, *bytes});
    first->flush();  // and the stream stays open
  });
  TcpProxy proxy(s.port());
  Options o = quick_options("http://127.0.0.1:" + std::to_string(proxy.port()) + "/");
  o.http2 = Http2::required;
  ClientRun run(o, [&](const ClientRun& r) {
    if (r.events.size() == 1 && r.errors.empty()) proxy.cut();
    return false;
  });
  ASSERT_TRUE(run.run());
  ASSERT_EQ(run.events.size(), 1u);
  ASSERT_GE(run.errors.size(), 2u);
  EXPECT_EQ(run.errors[0].kind, ErrorKind::network);
  EXPECT_TRUE(run.errors[0].will_retry);
  EXPECT_EQ(proxy.accepted(), 2u);
  ASSERT_EQ(s.requests().size(), 2u);
  EXPECT_EQ(s.requests()[1].header("Last-Event-ID"), "9");
}

// --- sources sharing a pooled connection ---------------------------------------------------

// Sources on one io_context, each counting what it receives.
struct Sources {
  // Closes the sources and lets their connections finish before the io_context goes.
  ~Sources() {
    list.clear();
    io.restart();
    io.run_for(3s);  // returns as soon as nothing is left to do
  }

  boost::asio::io_context io;
  std::vector<std::unique_ptr<EventSource>> list;
  std::vector<std::vector<std::string>> events;
  std::vector<std::vector<Error>> errors;

  void add(const Options& o) {
    const std::size_t i = list.size();
    list.push_back(std::make_unique<EventSource>(io.get_executor(), o));
    events.emplace_back();
    errors.emplace_back();
    list[i]->on_event([this, i](const MessageEvent& e) { events[i].emplace_back(e.data); });
    list[i]->on_error([this, i](const Error& e) { errors[i].push_back(e); });
    list[i]->start();
  }
  // Runs until `done` holds (checked every few ms) or the timeout.
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout = 10s) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() > until) return false;
      io.restart();  // run_for() stops the context when it runs out of work
      io.run_for(5ms);
    }
    return true;
  }
  void close_all() {
    for (auto& s : list)
      s->close();
    io.restart();
    io.run_for(100ms);
  }
};

TEST(Http2Pool, TwentySourcesShareOneConnectionAndEachGetsItsEvents) {
  constexpr int source_count = 20;
  std::mutex mutex;
  std::vector<std::shared_ptr<http::StreamSink>> sinks;
  H2TestServer s([&](H2TestServer&, const http::Request&, http::Exchange& e, std::size_t) {
    std::lock_guard lock(mutex);
    sinks.push_back(open_sse(e));
  });
  TcpProxy proxy(s.port());
  auto pool = std::make_shared<ConnectionPool>(100ms);
  Sources sources;
  for (int i = 0; i < source_count; ++i) {
    Options o = quick_options("http://127.0.0.1:" + std::to_string(proxy.port()) + "/s" +
                              std::to_string(i));
    o.http2 = Http2::required;
    o.pool = pool;
    sources.add(o);
  }
  ASSERT_TRUE(sources.run_until([&] {
    std::lock_guard lock(mutex);
    return sinks.size() == source_count;
  }));
  EXPECT_EQ(proxy.accepted(), 1u);
  EXPECT_EQ(s.connections(), 1u);
  EXPECT_EQ(pool->connections(), 1u);
  s.on_shard([&] {
    for (int e = 0; e < 3; ++e) {
      auto bytes = std::make_shared<const std::string>("data: " + std::to_string(e) + "\n\n");
      for (auto& sink : sinks) {
        sink->write({bytes, *bytes});
        sink->flush();
      }
    }
  });
  ASSERT_TRUE(sources.run_until([&] {
    for (const auto& e : sources.events)
      if (e.size() < 3) return false;
    return true;
  }));
  for (const auto& e : sources.events)
    EXPECT_EQ(e, (std::vector<std::string>{"0", "1", "2"}));
  sources.close_all();
  EXPECT_EQ(proxy.accepted(), 1u);
}

TEST(Http2Pool, HttpsSourcesNegotiateH2ByDefaultAndShareOneConnection) {
  std::mutex mutex;
  std::vector<std::shared_ptr<http::StreamSink>> sinks;
  H2TestServer s(
      [&](H2TestServer&, const http::Request&, http::Exchange& e, std::size_t) {
        std::lock_guard lock(mutex);
        sinks.push_back(open_sse(e));
      },
      {.tls = true});
  auto pool = std::make_shared<ConnectionPool>(100ms);
  Sources sources;
  for (int i = 0; i < 3; ++i) {
    Options o = quick_options(s.url());  // Http2::negotiate
    o.tls.ca_file = s.ca_file();
    o.pool = pool;
    sources.add(o);
  }
  ASSERT_TRUE(sources.run_until([&] {
    std::lock_guard lock(mutex);
    return sinks.size() == 3;
  }));
  EXPECT_EQ(s.connections(), 1u) << "only HTTP/2 connections are shared";
  EXPECT_EQ(pool->connections(), 1u);
  sources.close_all();
}

TEST(Http2Pool, GoawayMakesTheSourcesReconnectOnANewConnection) {
  const auto serve = [](std::string name) {
    return [name](H2TestServer&, const http::Request& r, http::Exchange& e, std::size_t) {
      auto sink = open_sse(e);
      const std::string resumed(r.header("last-event-id"));
      auto bytes =
          std::make_shared<const std::string>("id: " + name + "\ndata: " + name + resumed + "\n\n");
      sink->write({bytes, *bytes});
      sink->flush();
    };
  };
  H2TestServer first(serve("a"));
  auto second = std::make_unique<H2TestServer>(serve("b"));
  TcpProxy proxy(first.port());
  auto pool = std::make_shared<ConnectionPool>(100ms);
  Sources sources;
  for (int i = 0; i < 2; ++i) {
    Options o = quick_options("http://127.0.0.1:" + std::to_string(proxy.port()) + "/");
    o.http2 = Http2::required;
    o.pool = pool;
    sources.add(o);
  }
  ASSERT_TRUE(sources.run_until(
      [&] { return sources.events[0].size() == 1 && sources.events[1].size() == 1; }));
  EXPECT_EQ(proxy.accepted(), 1u);
  proxy.retarget(second->port());
  first.stop();  // GOAWAY, then the streams end
  ASSERT_TRUE(sources.run_until(
      [&] { return sources.events[0].size() == 2 && sources.events[1].size() == 2; }));
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(sources.events[i][1], "ba") << "resumed on the new server after event a";
    ASSERT_FALSE(sources.errors[i].empty());
    EXPECT_TRUE(sources.errors[i][0].will_retry);
  }
  EXPECT_EQ(proxy.accepted(), 2u) << "one new connection for both";
  sources.close_all();
}

TEST(Http2Pool, AnotherStreamsBytesDoNotKeepASilentStreamAlive) {
  std::mutex mutex;
  std::shared_ptr<http::StreamSink> chatty;
  H2TestServer s([&](H2TestServer&, const http::Request& r, http::Exchange& e, std::size_t) {
    auto sink = open_sse(e);
    if (r.path() == "/chatty") {
      std::lock_guard lock(mutex);
      chatty = sink;
    }
  });
  auto pool = std::make_shared<ConnectionPool>(100ms);
  Sources sources;
  for (const char* target : {"/chatty", "/silent"}) {
    Options o = h2c_options(s, target);
    o.policy.read_timeout = 300ms;
    o.pool = pool;
    sources.add(o);
  }
  // A heartbeat on /chatty at every turn (a few ms apart), none on /silent, until /silent
  // timed out.
  const auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(sources.run_until([&] {
    std::shared_ptr<http::StreamSink> sink;
    {
      std::lock_guard lock(mutex);
      sink = chatty;
    }
    if (sink) {
      s.on_shard([&] {
        static const auto beat = std::make_shared<const std::string>(":\n");
        sink->write({beat, *beat});
        sink->flush();
      });
    }
    return !sources.errors[1].empty();
  }));
  EXPECT_EQ(sources.errors[1][0].kind, ErrorKind::read_timeout);
  EXPECT_TRUE(sources.errors[0].empty()) << sources.errors[0][0].message;
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
  sources.close_all();
}

}  // namespace
}  // namespace herald::client::test
