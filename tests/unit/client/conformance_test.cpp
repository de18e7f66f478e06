// The 63 vectors of shared/conformance/sse-vectors.json through the whole client: a real
// loopback server sends each vector byte-exact (whole as a read-until-close body, one byte
// per HTTP chunk, and in the vector's own chunks when it has them), then ends the stream.
// The client must dispatch exactly the expected events, keep the expected `retry:`, and
// send the expected Last-Event-ID on its reconnect, which the server answers with 204.
// Every case runs over HTTP/1.1 (the scripted server) and over HTTP/2 (the hub's own
// server, h2c; a chunk is a DATA frame, the end of the stream END_STREAM).
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "../common/sse_vectors.hpp"
#include "client_run.hpp"
#include "h2_test_server.hpp"
#include "test_server.hpp"

namespace herald::client::test {
namespace {

using namespace std::chrono_literals;

using Vector = herald::test::SseVector;

const std::vector<Vector>& vectors() {
  return herald::test::sse_vectors();
}

enum class Framing { whole, byte_chunks, own_chunks };
enum class Protocol { http1, h2c };

struct Case {
  std::size_t index;
  Framing framing;
  Protocol protocol;
};

std::vector<Case> cases() {
  std::vector<Case> out;
  for (const Protocol p : {Protocol::http1, Protocol::h2c}) {
    for (std::size_t i = 0; i < vectors().size(); ++i) {
      out.push_back({i, Framing::whole, p});
      out.push_back({i, Framing::byte_chunks, p});
      if (!vectors()[i].chunks.empty()) out.push_back({i, Framing::own_chunks, p});
    }
  }
  return out;
}

std::string case_name(const testing::TestParamInfo<Case>& info) {
  static const char* framing[] = {"whole", "byte_chunks", "own_chunks"};
  static const char* protocol[] = {"http1", "h2c"};
  std::string name = std::string(protocol[static_cast<int>(info.param.protocol)]) + "_v" +
                     std::to_string(info.param.index) + "_" +
                     framing[static_cast<int>(info.param.framing)] + "_";
  for (const char c : vectors()[info.param.index].name)
    name.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return name;
}

// First connection: the vector, then the end of the stream. Second: 204, stop.
void serve_vector(Conn& conn, std::size_t index, const Vector& v, Framing framing) {
  if (index > 0) {
    conn.send_head(204, {});
    return;
  }
  switch (framing) {
    case Framing::whole:
      // No Content-Length, no chunking: the body runs until the server closes.
      conn.send_head(200, {"Content-Type: text/event-stream", "Connection: close"});
      conn.send(v.bytes);
      return;
    case Framing::byte_chunks:
      conn.send_sse_head();
      for (std::size_t i = 0; i < v.bytes.size(); ++i) {
        if (!conn.send_chunk(v.bytes.substr(i, 1))) return;
        if (i % 64 == 63) conn.pause(1ms);  // let some pieces arrive in separate reads
      }
      conn.end_chunks();
      return;
    case Framing::own_chunks:
      conn.send_sse_head();
      for (const auto& chunk : v.chunks) {
        if (!conn.send_chunk(chunk)) return;
        conn.pause(3ms);  // each chunk its own read, as the vector intends
      }
      conn.end_chunks();
      return;
  }
}

// The same over HTTP/2: the first request gets the vector's stream, the next one 204.
void serve_vector_h2(H2TestServer& server, http::Exchange& exchange, std::size_t index,
                     const Vector& v, Framing framing) {
  if (index > 0) {
    exchange.respond({204, "", "", {}});
    return;
  }
  std::vector<std::string> pieces;
  std::chrono::milliseconds pause{0};
  switch (framing) {
    case Framing::whole:
      pieces.push_back(v.bytes);
      break;
    case Framing::byte_chunks:
      for (const char c : v.bytes)
        pieces.emplace_back(1, c);
      break;
    case Framing::own_chunks:
      pieces = v.chunks;
      pause = 3ms;  // each chunk its own read, as the vector intends
      break;
  }
  server.feed(open_sse(exchange), std::move(pieces), pause);
}

class ClientVectors : public testing::TestWithParam<Case> {};

TEST(ClientVectorFile, HasAllVectors) {
  EXPECT_EQ(vectors().size(), 63u);
}

TEST_P(ClientVectors, ThroughTheWholeClient) {
  const Vector& v = vectors()[GetParam().index];
  const Framing framing = GetParam().framing;
  SCOPED_TRACE(v.name);
  std::unique_ptr<TestServer> http1;
  std::unique_ptr<H2TestServer> h2;
  std::string origin;
  Options options;
  if (GetParam().protocol == Protocol::http1) {
    http1 = std::make_unique<TestServer>(
        [&](Conn& conn, std::size_t i) { serve_vector(conn, i, v, framing); });
    origin = http1->origin();
  } else {
    h2 = std::make_unique<H2TestServer>(
        [&](H2TestServer& server, const http::Request&, http::Exchange& e, std::size_t i) {
          serve_vector_h2(server, e, i, v, framing);
        });
    origin = h2->origin();
  }
  options = quick_options(origin + "/vector");
  if (h2) options.http2 = Http2::required;
  options.policy.backoff.max_delay = 0ms;  // whatever `retry:` says, come back at once
  if (v.initial_last_event_id) options.last_event_id = *v.initial_last_event_id;
  ClientRun run(options);
  ASSERT_TRUE(run.run(10s)) << "the client did not stop after the 204";

  std::vector<OwnedEvent> expected;
  for (const auto& e : v.expected) {
    expected.push_back({e.type, e.data, e.last_event_id, origin});
  }
  ASSERT_EQ(run.events.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(run.events[i].type, expected[i].type) << "event " << i;
    EXPECT_EQ(run.events[i].data, expected[i].data) << "event " << i;
    EXPECT_EQ(run.events[i].last_event_id, expected[i].last_event_id) << "event " << i;
    EXPECT_EQ(run.events[i].origin, expected[i].origin) << "event " << i;
  }
  EXPECT_EQ(run.source().reconnection_time().count(),
            v.expected_retry ? static_cast<long>(*v.expected_retry)
                             : quick_options("").policy.reconnection_time.count());
  EXPECT_EQ(run.source().last_event_id(), v.expected_last_event_id);

  const auto requests = http1 ? http1->requests() : h2->requests();
  ASSERT_EQ(requests.size(), 2u) << "one stream, one reconnect";
  if (v.initial_last_event_id && !v.initial_last_event_id->empty()) {
    EXPECT_EQ(requests[0].header("Last-Event-ID"), *v.initial_last_event_id);
  } else {
    EXPECT_FALSE(requests[0].has("Last-Event-ID"));
  }
  if (v.expected_last_event_id.empty()) {
    EXPECT_FALSE(requests[1].has("Last-Event-ID")) << "empty id: no header (rule 15)";
  } else {
    EXPECT_EQ(requests[1].header("Last-Event-ID"), v.expected_last_event_id);
  }
  ASSERT_FALSE(run.errors.empty());
  EXPECT_EQ(run.errors.back().kind, ErrorKind::http_status);
  EXPECT_EQ(run.errors.back().status, 204);
  EXPECT_EQ(run.source().ready_state(), ReadyState::closed);
}

INSTANTIATE_TEST_SUITE_P(All, ClientVectors, testing::ValuesIn(cases()), case_name);

}  // namespace
}  // namespace herald::client::test
