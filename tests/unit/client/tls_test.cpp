// TLS: the peer is verified by default (system trust store, or a CA file), names and IP
// addresses are checked, and a certificate that does not verify stops the source for good.
#include <gtest/gtest.h>

#include "client_run.hpp"
#include "herald/client/fetch.hpp"
#include "test_cert.hpp"
#include "test_server.hpp"

namespace herald::client::test {
namespace {

using namespace std::chrono_literals;

void one_event_then_204(Conn& c, std::size_t i) {
  if (i > 0) return void(c.send_head(204, {}));
  c.send_sse_head();
  c.send_chunk("id: s1\ndata: secure\n\n");
  c.end_chunks();
}

TEST(Tls, TrustedThroughTheCaFile) {
  TestCert cert("IP:127.0.0.1,DNS:localhost");
  TestServer server(one_event_then_204, cert.server_context());
  Options o = quick_options(server.url("/tls"));
  o.tls.ca_file = cert.pem_file();
  ClientRun run(o);
  ASSERT_TRUE(run.run());
  ASSERT_EQ(run.events.size(), 1u) << (run.errors.empty() ? "" : run.errors[0].message);
  EXPECT_EQ(run.events[0].data, "secure");
  EXPECT_EQ(run.events[0].origin, "https://127.0.0.1:" + std::to_string(server.port()));
  ASSERT_EQ(server.requests().size(), 2u);
  EXPECT_EQ(server.requests()[1].header("Last-Event-ID"), "s1");
}

TEST(Tls, UnknownIssuerIsFatal) {
  TestCert cert("IP:127.0.0.1");
  TestServer server(one_event_then_204, cert.server_context());
  ClientRun run(quick_options(server.url()));  // the system trust store does not know it
  ASSERT_TRUE(run.run());
  ASSERT_EQ(run.errors.size(), 1u);
  EXPECT_EQ(run.errors[0].kind, ErrorKind::tls);
  EXPECT_FALSE(run.errors[0].will_retry);
  EXPECT_NE(run.errors[0].message.find("not trusted"), std::string::npos) << run.errors[0].message;
  EXPECT_TRUE(run.events.empty());
  EXPECT_EQ(server.accepted(), 1u);
}

TEST(Tls, NameMismatchIsFatal) {
  TestCert cert("DNS:other.example");
  TestServer server(one_event_then_204, cert.server_context());
  Options o = quick_options(server.url());
  o.tls.ca_file = cert.pem_file();
  ClientRun run(o);
  ASSERT_TRUE(run.run());
  ASSERT_EQ(run.errors.size(), 1u);
  EXPECT_EQ(run.errors[0].kind, ErrorKind::tls);
  EXPECT_FALSE(run.errors[0].will_retry);
  EXPECT_NE(run.errors[0].message.find("mismatch"), std::string::npos) << run.errors[0].message;
}

TEST(Tls, VerificationCanBeTurnedOff) {
  TestCert cert("DNS:other.example");
  TestServer server(one_event_then_204, cert.server_context());
  Options o = quick_options(server.url());
  o.tls.verify_peer = false;
  ClientRun run(o);
  ASSERT_TRUE(run.run());
  EXPECT_EQ(run.events.size(), 1u);
}

TEST(Tls, MissingCaFileIsRefusedUpFront) {
  Options o = quick_options("https://127.0.0.1:1/");
  o.tls.ca_file = "/nonexistent/ca.pem";
  boost::asio::io_context io;
  EXPECT_THROW(EventSource(io.get_executor(), o), std::invalid_argument);
}

TEST(Tls, FetchOverHttps) {
  TestCert cert("IP:127.0.0.1");
  TestServer server([](Conn& c, std::size_t) {
    c.send_head(200, {"Content-Type: text/plain", "Content-Length: 2"});
    c.send("ok");
  });
  FetchOptions f;
  f.url = server.url("/x");
  f.tls.ca_file = cert.pem_file();
  // The server above is plain HTTP on purpose: an https URL to it must fail cleanly.
  f.url = "https://127.0.0.1:" + std::to_string(server.port()) + "/x";
  f.timeout = 3s;
  EXPECT_FALSE(fetch(f).ok());

  TestServer secure(
      [](Conn& c, std::size_t) {
        c.send_head(200, {"Content-Type: text/plain", "Content-Length: 2"});
        c.send("ok");
      },
      cert.server_context());
  f.url = secure.url("/x");
  const FetchResult r = fetch(f);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok");
}

}  // namespace
}  // namespace herald::client::test
